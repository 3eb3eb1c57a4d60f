/*
 * module: the daemon's internal stages after the venue model (store,
 * alerts, notify, web), each with the same small lifecycle so the loop
 * reads as a list. Modules keep their state in struct module_ctx, never in
 * globals.
 *
 * start()   after the config is loaded; modules flagged before_privdrop
 *           start while the daemon still has root (to bind ports).
 * tick()    once per tick, after venue_update(), in registry order.
 * reload()  after a new config was swapped in; old is still valid.
 * stop()    at shutdown, in reverse order; flush what must not be lost.
 */
#ifndef HEADROOM_MODULE_H
#define HEADROOM_MODULE_H

#include <stdbool.h>

#include "base/conf.h"

struct event_base;
struct venue;
struct schedule;
struct store;
struct alert_engine;
struct notify;
struct web;

/* The store's word on its writes, set on its tick for the modules after
 * it (alerts cannot include store.h, a module of their own floor). */
struct module_store_health {
	bool failing;			/* the latest batch was not written whole */
	char why[256];			/* its latest error: path and reason */
	unsigned long failed_total;	/* RRD updates that failed */
	unsigned long dropped_total;	/* batches dropped (state dir unwritable, writer behind) */
};

/* What the loop lends every module: the shared model, read-only to them,
 * and one slot per module for its own state. The daemon owns it. */
struct module_ctx {
	struct event_base *base;
	struct conf *conf;		/* swapped in by reload */
	struct venue *venue;		/* written by the loop alone */
	struct schedule *schedule;	/* conf->event.schedule, NULL when none */
	double clock_offset;		/* tests and replays may shift the clock */
	unsigned long ticks;
	double started;

	struct module_store_health store_health;
	struct store *store;
	struct alert_engine *alerts;
	struct notify *notify;
	struct web *web;
};

/* The loop's clock: wall time plus the configured offset. */
double module_now(const struct module_ctx *m);

struct module_ops {
	const char *name;
	bool before_privdrop;
	int (*start)(struct module_ctx *d);
	void (*tick)(struct module_ctx *d, double now);
	int (*reload)(struct module_ctx *d, const struct conf *old);
	void (*stop)(struct module_ctx *d);
};

#endif
