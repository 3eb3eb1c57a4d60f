/*
 * store: RRD time series for every entity (the module's contract).
 *
 * The module writes each tick's venue state to one RRD file per entity
 * under state_dir (ap/<name>.rrd, room/<name>.rrd, uplink/<name>.rrd,
 * pool/<name>.rrd, capture/<name>.rrd, venue.rrd), directly or through
 * rrdcached, never blocking the loop for more than a few milliseconds. Reads below are safe from any thread
 * (web threads, the report); graph rendering is serialised internally
 * because rrd_graph is not thread-safe.
 *
 * Writes: each tick the loop builds a batch from the venue and hands it
 * to a writer thread (store_submit never touches the disk). The writer
 * creates a file on first sight and never over existing data. A file
 * written before data sources were added to its kind (an AP's file
 * without clients_6g) gets them in place with librrd's rrd_tune
 * ("rrdtool tune FILE DS:..."): every row is kept, the new data sources
 * are unknown before the upgrade. Through a remote rrdcached that cannot
 * be done from here: the error names the rrdtool tune command to run on
 * its host. A file whose step differs, or whose data sources are not the
 * kind's first ones in order, is renamed to NAME.rrd.old-EPOCH and a new
 * one started. Timestamps are epoch seconds (rrd_update_r is only
 * thread-safe with those); a timestamp not newer than a file's last
 * update is skipped, so a restart neither loses nor duplicates rows.
 * Unknown (NAN) is written as "U", never 0. When the state directory is
 * full or read-only the batch is dropped and counted, the path and errno
 * are logged (then summarised once a minute) and writing resumes by
 * itself when the directory is writable again.
 *
 * rrdcached: with conf->rrdcached "unix:/path" files stay under
 * state_dir and every create, update and read goes through the daemon
 * (reads flush the file first). With "host:port" the daemon may be on
 * another machine: files are named relative to its base directory as
 * INSTANCE/ap/NAME.rrd, INSTANCE being the last component of state_dir,
 * so several headroomd write into one store (run it with -B -R).
 * A restarted rrdcached is reconnected on the next write.
 *
 * Data sources per entity (in file order) are listed by store_metrics().
 */
#ifndef HEADROOM_STORE_H
#define HEADROOM_STORE_H

#include <stddef.h>
#include <time.h>

#include "base/conf.h"
#include "base/module.h"

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
 * entity is "ap:NAME", "room:NAME", "uplink:NAME", "pool:NAME",
 * "capture:NAME" or "venue". Returns 0,
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

/* Graphs are drawn by a fresh copy of the running executable started
 * as "EXE --render-graph-child ARGS": every program that calls
 * store_graph() (headroomd, headroom, the store test) hands that first
 * argument to store_graph_child_main() before anything else in main().
 * It writes the reply to stdout and does not return. */
#define STORE_GRAPH_CHILD_ARG "--render-graph-child"
int store_graph_child_main(int argc, char **argv) __attribute__((noreturn));

/* The RRD file path of an entity (for the report and tools); malloc'd,
 * NULL when the entity is malformed. Relative to the rrdcached base
 * directory when rrdcached is remote ("host:port"). */
char *store_path(const struct conf *conf, const char *entity);

/* The most data sources a kind has. */
#define STORE_METRICS_MAX 6

/* The data sources of an entity's kind ("ap:x", "venue", ...) in file
 * order: up to max names into names. Returns how many the kind has, or
 * -1 for an unknown kind. */
int store_metrics(const char *entity, const char **names, size_t max);

/* ---- writing (the module uses these; tests, tools and benches too) ---- */

struct store_batch;

struct store_batch *store_batch_new(time_t t);
/* values are in store_metrics() order, n of them (NAN = unknown).
 * Returns -1 for a malformed entity. */
int store_batch_add(struct store_batch *b, const char *entity, const double *values,
		    size_t n);
size_t store_batch_len(const struct store_batch *b);
void store_batch_free(struct store_batch *b);

struct venue;
/* Everything the venue knows at time t: every AP (planned and not),
 * room, uplink, DHCP pool and the venue totals. */
struct store_batch *store_batch_from_venue(const struct venue *v, time_t t);

/* A store with a writer thread (what the module runs). */
struct store *store_start(const struct conf *conf, char *err, size_t errlen);
/* Queue a batch for the writer thread; takes ownership, never blocks on
 * disk. A writer far behind drops its oldest batch (counted). */
void store_submit(struct store *s, struct store_batch *b);
/* Wait until every queued batch is written. */
void store_flush(struct store *s);
/* Write a batch now in the calling thread (tests, tools); only for a
 * store from store_open(). Returns the number of failed updates. */
int store_write_batch(struct store *s, const struct store_batch *b);

struct store_stats {
	unsigned long updates;		/* rows written */
	unsigned long skipped;		/* timestamps not newer than the file */
	unsigned long failed;		/* updates that failed */
	unsigned long batches_dropped;	/* unwritable state dir or writer behind */
	unsigned long files_created;
	unsigned long files_moved;	/* moved aside: layout changed */
	unsigned long files_upgraded;	/* data sources added in place */
	size_t queued;			/* batches waiting for the writer */
};
void store_get_stats(struct store *s, struct store_stats *out);

#endif
