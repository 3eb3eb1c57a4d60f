/*
 * daemon: the event loop and everything it owns. One libevent loop runs
 * collectors' I/O, the tick timer and signals; it alone writes the venue
 * model. SIGHUP reloads the config (old one kept if the new one is bad),
 * SIGTERM/SIGINT stop collectors, flush modules and leave the loop.
 */
#ifndef HEADROOM_DAEMON_H
#define HEADROOM_DAEMON_H

#include <stdbool.h>
#include <stdio.h>

#include "base/collector.h"
#include "base/conf.h"
#include "base/module.h"
#include "base/sample.h"
#include "model/venue.h"

struct event;

/* The compiled-in registries (registry.c), in start order. */
extern const struct collector_ops *const collector_registry[];
extern const struct module_ops *const module_registry[];

struct daemon {
	struct module_ctx m;		/* what modules see */
	char *config_path;
	bool once;			/* -T */
	bool foreground;
	bool keep_log_level;		/* -d: reloads leave the level at debug */

	struct sample_sink sink;
	struct collector collectors[8];
	size_t n_collectors;
	size_t collectors_done;		/* -T: how many finished their cycle */
	size_t collectors_expected;

	struct event *tick_ev, *sigterm_ev, *sigint_ev, *sighup_ev, *sigusr1_ev;
	struct schedule_live *live;	/* fetches a schedule URL; NULL under -T */
	int exit_code;
};

int daemon_init(struct daemon *d, struct conf *conf, const char *config_path, bool once);
/* Start collectors and modules; drop privileges to user (if any) after
 * the ones that need root. */
int daemon_start(struct daemon *d, const char *user);
int daemon_run(struct daemon *d);
void daemon_shutdown(struct daemon *d);

/* Run one evaluation now (venue update + module ticks). */
void daemon_tick(struct daemon *d);
/* Parse the config file again and swap it in if valid; 0 on success. */
int daemon_reload(struct daemon *d);

/* Drop root: initgroups, setgid, setuid, verified. 0 on success. */
int daemon_drop_privileges(const char *user);

/* -t: what start-up will need beyond a valid config (listen hosts that
 * resolve, readable PEM certificate and key, the user, a state_dir that
 * user can write, the targets' profiles), each finding written to out as "file:line: field:
 * why". Returns the number of findings. */
int daemon_check_startup(const struct conf *c, const char *user, FILE *out);

#endif
