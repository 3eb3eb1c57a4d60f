/*
 * store: RRD time series for every entity (contract; see issue 5).
 *
 * The module writes each tick's venue state to one RRD file per entity
 * under state_dir (ap/<name>.rrd, room/<name>.rrd, uplink/<name>.rrd,
 * venue.rrd), directly or through rrdcached, never blocking the loop for
 * more than a few milliseconds. Reads below are safe from any thread
 * (web threads, the report); graph rendering is serialised internally
 * because rrd_graph is not thread-safe.
 */
#ifndef HEADROOM_STORE_H
#define HEADROOM_STORE_H

#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "module.h"

extern const struct module_ops store_module_ops;

struct store;

struct store_series {
	time_t start;		/* time of the first point */
	long step;		/* seconds between points */
	size_t n;		/* number of points */
	double *values;		/* NAN where unknown */
	char cf[8];		/* AVERAGE or MAX */
};

/* Open the store of a config for reading only (headroom report, tools). */
struct store *store_open(const struct conf *conf, char *err, size_t errlen);
void store_close(struct store *s);

/* Points of (entity, metric) between from and to at the given resolution
 * (seconds, 0 = finest available) and consolidation ("AVERAGE" or "MAX").
 * entity is "ap:NAME", "room:NAME", "uplink:NAME" or "venue". Returns 0,
 * or -1 with a reason in err (unknown entity/metric, no data). */
int store_series(struct store *s, const char *entity, const char *metric, time_t from,
		 time_t to, long resolution, const char *cf, struct store_series *out,
		 char *err, size_t errlen);
void store_series_free(struct store_series *series);

/* Render a graph of an entity (measurement with projection and capacity
 * lines) as "svg" or "png". *data is malloc'd. Returns 0 or -1. */
int store_graph(struct store *s, const char *entity, const char *format, time_t from,
		time_t to, unsigned width, unsigned height, unsigned char **data,
		size_t *len, char *err, size_t errlen);

/* The RRD file path of an entity (for the report and tools). */
char *store_path(const struct conf *conf, const char *entity);

#endif
