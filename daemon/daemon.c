/* The daemon's event loop: the sample sink, ticks, signals, reload and lifecycle. */
#include "config.h"
#include "daemon/daemon.h"
#include "base/log.h"
#include "base/module.h"
#include "model/plan.h"
#include "schedule/schedule.h"
#include "base/util.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <grp.h>
#include <jansson.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static double clock_cb(void *ctx)
{
	return module_now(ctx);
}

/* ---- the sink collectors emit into ---- */

static void print_sample(const struct sample *s)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:f}", "entity", s->entity, "metric", s->metric,
			      "value", isfinite(s->value) ? json_real(s->value) : json_null(),
			      "timestamp", s->time);
	if (s->text[0])
		json_object_set_new(o, "text", json_string(s->text));
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line) {
		fputs(line, stdout);
		fputc('\n', stdout);
		free(line);
	}
	json_decref(o);
}

static void sink_emit(struct sample_sink *sink, const struct sample *s)
{
	struct daemon *d = sink->ctx;
	if (d->once)
		print_sample(s);
	venue_ingest(d->m.venue, s);
}

static void sink_cycle_done(struct sample_sink *sink, const char *collector)
{
	struct daemon *d = sink->ctx;
	log_debug("%s: cycle done", collector);
	if (d->once && ++d->collectors_done >= d->collectors_expected) {
		fflush(stdout);
		event_base_loopexit(d->m.base, NULL);
	}
}

/* ---- ticks and signals ---- */

static void log_readings(struct daemon *d)
{
	const struct venue_totals *t = &d->m.venue->totals;
	char devices[32] = "unknown", up_in[32] = "unknown", up_out[32] = "unknown";
	if (!isnan(t->devices))
		snprintf(devices, sizeof devices, "%.0f", t->devices);
	if (!isnan(t->uplink_mbps_in))
		snprintf(up_in, sizeof up_in, "%.1f", t->uplink_mbps_in);
	if (!isnan(t->uplink_mbps_out))
		snprintf(up_out, sizeof up_out, "%.1f", t->uplink_mbps_out);
	log_info("devices %s of %ld projected (capacity %ld, status %s); APs %d/%d reporting, "
		 "%d unplanned; uplink in %s out %s Mbit/s; targets %d up %d down",
		 devices, t->projected, t->capacity, plan_status_name(t->status), t->aps_known,
		 t->aps_total, t->aps_unplanned, up_in, up_out, t->targets_up, t->targets_down);
}

void daemon_tick(struct daemon *d)
{
	double now = module_now(&d->m);
	venue_update(d->m.venue, now);
	for (size_t i = 0; module_registry[i]; i++)
		if (module_registry[i]->tick)
			module_registry[i]->tick(&d->m, now);
	/* Readings go to the log once a minute so a foreground run shows
	 * the venue breathing without flooding the terminal. */
	long every = 60 / (d->m.conf->tick > 0 ? d->m.conf->tick : 10);
	if (every < 1)
		every = 1;
	if (d->m.ticks++ % (unsigned long)every == 0)
		log_readings(d);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	daemon_tick(arg);
}

static void arm_tick(struct daemon *d)
{
	struct timeval tv = { d->m.conf->tick, 0 };
	if (d->tick_ev)
		event_free(d->tick_ev);
	d->tick_ev = event_new(d->m.base, -1, EV_PERSIST, on_tick, d);
	event_add(d->tick_ev, &tv);
}

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	log_info("received %s, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
	event_base_loopexit(d->m.base, NULL);
}

static void on_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	log_info("received SIGHUP, reloading %s", d->config_path);
	daemon_reload(d);
}

static void on_sigusr1(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	log_info("received SIGUSR1, flushing");
	daemon_tick(d);
}

static void log_error_lines(const char *prefix, const char *text)
{
	const char *p = text;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		log_err("%s%.*s", prefix, len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* The schedule belongs to its config: each config gets its own build.
 * A file that is no schedule keeps the last good one in force (built
 * again for the new config); at the start there is none, and the start
 * fails. 0 and *out (NULL without a schedule), or -1. */
static int load_schedule(const struct conf *conf, const struct schedule *last,
			 struct schedule **out, double now)
{
	char *errors = NULL;
	*out = NULL;
	if (!conf->event.schedule)
		return 0;
	/* a URL is fetched on the loop (schedule_live), never here */
	if (schedule_is_url(conf->event.schedule)) {
		*out = schedule_live_initial(conf, last, now);
		schedule_log(*out);
		return 0;
	}
	*out = schedule_load(conf, conf->event.schedule, &errors);
	if (*out) {
		schedule_log(*out);
		free(errors);
		return 0;
	}
	log_error_lines("schedule: ", errors);
	free(errors);
	errors = NULL;
	if (last && last->source)
		*out = schedule_rebuild(conf, last, &errors);
	free(errors);
	if (!*out)
		return -1;
	log_err("schedule: %s does not load; the last good copy (%s, %zu sessions) stays in force",
		conf->event.schedule, last->path, (*out)->n_sessions);
	return 0;
}

/* A new copy of a schedule URL: in force at once, like a reload's (the
 * projections and the alerts' lead times follow on this tick). */
static void apply_fetched(void *ctx, struct schedule *fresh)
{
	struct daemon *d = ctx;
	struct schedule *old = d->m.schedule;
	d->m.schedule = fresh;
	schedule_log(fresh);
	schedule_free(old);
	daemon_tick(d);
}

int daemon_reload(struct daemon *d)
{
	char *errors = NULL;
	struct schedule *schedule = NULL;
	struct conf *fresh = conf_load(d->config_path, &errors);
	if (!fresh || load_schedule(fresh, d->m.schedule, &schedule, module_now(&d->m)) != 0) {
		log_error_lines("reload rejected: ", errors);
		log_err("reload rejected: keeping the running config");
		free(errors);
		conf_free(fresh);
		return -1;
	}
	struct schedule *old_schedule = d->m.schedule;
	d->m.schedule = schedule;
	struct conf *old = d->m.conf;
	struct venue *old_venue = d->m.venue;
	d->m.conf = fresh;
	/* First, so the reload's own messages already follow the new level. */
	if (!d->keep_log_level)
		log_set_level(fresh->log_level);
	d->m.venue = venue_rebuild(old_venue, fresh);
	for (size_t i = 0; i < d->n_collectors; i++) {
		struct collector *c = &d->collectors[i];
		c->conf = fresh;
		if (c->ops->reconfigure && c->ops->reconfigure(c, fresh) != 0)
			log_err("%s: reconfigure failed; it keeps its previous sources", c->ops->name);
	}
	for (size_t i = 0; module_registry[i]; i++)
		if (module_registry[i]->reload && module_registry[i]->reload(&d->m, old) != 0)
			log_err("%s: reload failed", module_registry[i]->name);
	if (fresh->tick != old->tick)
		arm_tick(d);
	schedule_live_reconfigure(d->live);
	venue_free(old_venue);
	schedule_free(old_schedule);
	conf_free(old);
	log_info("reloaded: %zu rooms, %zu APs, %zu uplinks, %zu targets",
		 fresh->n_rooms, fresh->n_aps, fresh->n_uplinks, fresh->n_targets);
	daemon_tick(d);
	return 0;
}

/* ---- lifecycle ---- */

/* Before "starting" is logged: a SIGHUP or SIGTERM sent while modules and
 * collectors start waits for the loop instead of killing the process. */
static void add_signal_events(struct daemon *d)
{
	d->sigterm_ev = evsignal_new(d->m.base, SIGTERM, on_stop_signal, d);
	d->sigint_ev = evsignal_new(d->m.base, SIGINT, on_stop_signal, d);
	d->sighup_ev = evsignal_new(d->m.base, SIGHUP, on_sighup, d);
	d->sigusr1_ev = evsignal_new(d->m.base, SIGUSR1, on_sigusr1, d);
	event_add(d->sigterm_ev, NULL);
	event_add(d->sigint_ev, NULL);
	event_add(d->sighup_ev, NULL);
	event_add(d->sigusr1_ev, NULL);
}

int daemon_init(struct daemon *d, struct conf *conf, const char *config_path, bool once)
{
	memset(d, 0, sizeof *d);
	evthread_use_pthreads();
	d->m.base = event_base_new();
	if (!d->m.base) {
		log_err("cannot create the event loop");
		return -1;
	}
	d->m.conf = conf;
	d->config_path = xstrdup(config_path);
	d->once = once;
	d->m.venue = venue_new(conf);
	if (load_schedule(conf, NULL, &d->m.schedule, module_now(&d->m)) != 0) {
		log_err("%s: the schedule does not load", config_path);
		return -1;
	}
	d->sink.emit = sink_emit;
	d->sink.cycle_done = sink_cycle_done;
	d->sink.ctx = d;
	d->m.started = now_seconds();
	if (!once)
		add_signal_events(d);
	return 0;
}

static int start_collectors(struct daemon *d)
{
	for (size_t i = 0; collector_registry[i]; i++)
		d->collectors_expected++;
	for (size_t i = 0; collector_registry[i]; i++) {
		struct collector *c = &d->collectors[d->n_collectors++];
		c->ops = collector_registry[i];
		c->base = d->m.base;
		c->conf = d->m.conf;
		c->sink = &d->sink;
		c->once = d->once;
		c->clock = clock_cb;
		c->clock_ctx = &d->m;
		if (c->ops->start(c) != 0) {
			log_err("%s: cannot start", c->ops->name);
			d->n_collectors--;
			return -1;
		}
	}
	return 0;
}

static int start_modules(struct daemon *d, bool before_privdrop)
{
	if (d->once)
		return 0;
	for (size_t i = 0; module_registry[i]; i++) {
		const struct module_ops *m = module_registry[i];
		if (m->before_privdrop != before_privdrop || !m->start)
			continue;
		if (m->start(&d->m) != 0) {
			log_err("%s: cannot start", m->name);
			return -1;
		}
	}
	return 0;
}

int daemon_drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		log_err("user \"%s\" does not exist", user);
		return -1;
	}
	if (getuid() != 0) {
		if (getuid() == pw->pw_uid)
			return 0;
		log_err("cannot switch to user \"%s\": not running as root", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		log_err("cannot drop privileges to \"%s\": %s", user, strerror(errno));
		return -1;
	}
	/* Verify the drop cannot be undone. */
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		log_err("privilege drop to \"%s\" is reversible; refusing to run", user);
		return -1;
	}
	log_info("running as user %s (uid %d)", user, (int)pw->pw_uid);
	return 0;
}

int daemon_start(struct daemon *d, const char *user)
{
	if (start_modules(d, true) != 0)
		return -1;
	if (start_collectors(d) != 0)
		return -1;
	if (user && daemon_drop_privileges(user) != 0)
		return -1;
	if (start_modules(d, false) != 0)
		return -1;
	if (d->once)
		return 0;
	/* after the privilege drop: the copy it keeps belongs to the daemon */
	d->live = schedule_live_start(&d->m, apply_fetched, d);
	arm_tick(d);
	daemon_tick(d);
	return 0;
}

int daemon_run(struct daemon *d)
{
	if (d->once && d->n_collectors == 0)
		return 0;
	event_base_dispatch(d->m.base);
	return d->exit_code;
}

void daemon_shutdown(struct daemon *d)
{
	schedule_live_stop(d->live);
	d->live = NULL;
	for (size_t i = d->n_collectors; i-- > 0;)
		d->collectors[i].ops->stop(&d->collectors[i]);
	d->n_collectors = 0;
	if (!d->once) {
		size_t n = 0;
		while (module_registry[n])
			n++;
		while (n-- > 0)
			if (module_registry[n]->stop)
				module_registry[n]->stop(&d->m);
	}
	struct event *evs[] = { d->tick_ev, d->sigterm_ev, d->sigint_ev, d->sighup_ev, d->sigusr1_ev };
	for (size_t i = 0; i < sizeof evs / sizeof *evs; i++)
		if (evs[i])
			event_free(evs[i]);
	venue_free(d->m.venue);
	schedule_free(d->m.schedule);
	conf_free(d->m.conf);
	free(d->config_path);
	event_base_free(d->m.base);
	libevent_global_shutdown();
	memset(d, 0, sizeof *d);
}
