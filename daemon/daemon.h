/*
 * daemon: the event loop and everything it owns. One libevent loop runs
 * collectors' I/O, the tick timer and signals; it alone writes the venue
 * model. SIGHUP reloads the config (old one kept if the new one is bad),
 * SIGTERM/SIGINT stop collectors, flush modules and leave the loop.
 */
#ifndef HEADROOM_DAEMON_H
#define HEADROOM_DAEMON_H

#include <stdbool.h>

#include "collector.h"
#include "conf.h"
#include "sample.h"
#include "venue.h"

struct event_base;
struct event;
struct store;
struct alert_engine;
struct notify;
struct web;
struct schedule;

struct daemon {
	struct event_base *base;
	struct conf *conf;
	struct venue *venue;
	char *config_path;
	bool once;			/* -T */
	bool foreground;

	struct sample_sink sink;
	struct collector collectors[8];
	size_t n_collectors;
	size_t collectors_done;		/* -T: how many finished their cycle */
	size_t collectors_expected;

	struct event *tick_ev, *sigterm_ev, *sigint_ev, *sighup_ev, *sigusr1_ev;
	double clock_offset;		/* tests and replays may shift the clock */
	unsigned long ticks;
	double started;
	int exit_code;

	/* module state, owned by each module */
	struct store *store;
	struct alert_engine *alerts;
	struct notify *notify;
	struct web *web;
	struct schedule *schedule;	/* conf->event.schedule, NULL when none */
};

int daemon_init(struct daemon *d, struct conf *conf, const char *config_path, bool once);
/* Start collectors and modules; drop privileges to user (if any) after
 * the ones that need root. */
int daemon_start(struct daemon *d, const char *user);
int daemon_run(struct daemon *d);
void daemon_shutdown(struct daemon *d);

double daemon_now(const struct daemon *d);
/* Run one evaluation now (venue update + module ticks). */
void daemon_tick(struct daemon *d);
/* Parse the config file again and swap it in if valid; 0 on success. */
int daemon_reload(struct daemon *d);

/* Drop root: initgroups, setgid, setuid, verified. 0 on success. */
int daemon_drop_privileges(const char *user);

#endif
