/*
 * collector: the plugin interface every collector implements, the way
 * collectd plugins do. A collector turns the outside world into samples;
 * it knows protocols, never thresholds.
 *
 * start()        create what this config asks for; return 0, or -1 on a
 *                fatal error (logged). A collector with nothing to do in
 *                this config returns 0 and calls cycle_done at once.
 *                In once mode (-T) it polls every source one time, calls
 *                sink->cycle_done(sink, name) when finished, and stops.
 * reconfigure()  swap to a new, already validated config (SIGHUP); keep
 *                the state of sources that stay.
 * stop()         release everything; no callbacks after it returns.
 *
 * All calls happen on the event-loop thread.
 */
#ifndef HEADROOM_COLLECTOR_H
#define HEADROOM_COLLECTOR_H

#include <stdbool.h>

#include "base/conf.h"
#include "base/sample.h"

struct event_base;
struct collector;

struct collector_ops {
	const char *name;
	int (*start)(struct collector *c);
	int (*reconfigure)(struct collector *c, const struct conf *conf);
	void (*stop)(struct collector *c);
};

struct collector {
	const struct collector_ops *ops;
	struct event_base *base;
	const struct conf *conf;
	struct sample_sink *sink;
	bool once;			/* -T: one cycle, then cycle_done */
	double (*clock)(void *clock_ctx);	/* the loop's clock */
	void *clock_ctx;
	void *priv;
};


/* Helper for collectors: fill and emit one sample. */
void collector_emit(struct collector *c, const char *entity, const char *metric,
		    double value, double time, const char *text);
double collector_now(const struct collector *c);

#endif
