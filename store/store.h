/*
 * store: RRD time series for every entity (the module's contract, and
 * the only code that calls librrd: the report and the web read here).
 *
 * The module writes each tick's venue state to one RRD file per entity
 * under state_dir (ap/<name>.rrd, room/<name>.rrd, uplink/<name>.rrd,
 * pool/<name>.rrd, capture/<name>.rrd, venue.rrd), directly or through
 * rrdcached, never blocking the loop for more than a few milliseconds.
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
 * Reads (store_fetch, store_series, store_list, store_extent,
 * store_graph) are safe from any thread (web threads, the report) and
 * work on any store: one the module runs, or a reader opened on a state
 * directory or an rrdcached address. A series comes at the step of the
 * archive that served it, which follows the configured tick (10 s rows
 * at a tick of 10 s or less, the tick's own above), never an assumed
 * one. Graph rendering is serialised internally because rrd_graph is
 * not thread-safe.
 *
 * rrdcached: with conf->rrdcached "unix:/path" files stay under
 * state_dir and every create, update and read goes through the daemon
 * (reads flush the file first). With "host:port" the daemon may be on
 * another machine: files are named relative to its base directory as
 * INSTANCE/ap/NAME.rrd, INSTANCE being the last component of state_dir,
 * so several headroomd write into one store (run it with -B -R), and a
 * reader anywhere reads them through it (FETCH, INFO, FIRST, LAST, LIST).
 * A restarted rrdcached is reconnected on the next call.
 *
 * Data sources per entity (in file order) are listed by store_metrics().
 */
#ifndef HEADROOM_STORE_H
#define HEADROOM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
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

/* Open the store of a config for reading only (headroom report, tools),
 * and for store_write_batch(). */
struct store *store_open(const struct conf *conf, char *err, size_t errlen);
/* Open a reader on the files under state_dir, directly (daemon NULL) or
 * through the rrdcached at daemon, "unix:/path" or "host:port" (then
 * state_dir only names the instance: its last component). */
struct store *store_open_reader(const char *state_dir, const char *daemon, char *err,
				size_t errlen);
void store_close(struct store *s);

/* Every data source of an entity's file at once. */
struct store_table {
	time_t start;		/* time of the first row (the end of its interval) */
	long step;		/* seconds between rows: the serving archive's */
	long pdp_step;		/* the file's step; rows of a longer step consolidate
				 * several samples (MAX then differs from AVERAGE) */
	size_t n;		/* rows */
	size_t n_ds;
	char **ds;		/* data source names, in file order */
	double *values;		/* n rows of n_ds values; NAN where unknown */
	char cf[8];		/* AVERAGE or MAX */
};

/* The rows of an entity's file between from and to at a resolution
 * (seconds, 0 = the finest archive that covers the window) and
 * consolidation ("AVERAGE" or "MAX"). Returns 0 (free the table with
 * store_table_free), or -1 with a reason in err (unknown entity, no
 * file, unreadable). */
int store_fetch(struct store *s, const char *entity, time_t from, time_t to, long resolution,
		const char *cf, struct store_table *out, char *err, size_t errlen);
/* The column of a data source in a table, or -1 when the file has none. */
int store_table_column(const struct store_table *t, const char *ds);
void store_table_free(struct store_table *t);

/* The entities that have a file in the store, as "venue", "ap:NAME", ...
 * (names as the config spells them), sorted by strcmp. Files moved aside
 * or not named by the store are left out. Returns 0 (free the list with
 * store_list_free) or -1 with a reason in err. */
int store_list(struct store *s, char ***entities, size_t *n, char *err, size_t errlen);
void store_list_free(char **entities, size_t n);

/* The time of the oldest row of an entity's finest archive and of the
 * file's last update. 0, or -1 with a reason in err. */
int store_extent(struct store *s, const char *entity, time_t *first, time_t *last, char *err,
		 size_t errlen);

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

/* The RRD file path of an entity, for tools and tests (readers use
 * store_fetch); malloc'd, NULL when the entity is malformed. Relative to
 * the rrdcached base directory when rrdcached is remote ("host:port"). */
char *store_path(const struct conf *conf, const char *entity);

/* -t: the disk the venue's RRD files take (each is full size from its
 * creation: about 7.6 MB per AP at the default 10 s tick), per kind and in
 * all, and whether state_dir's file system has that much free. */
void store_print_disk(const struct conf *conf, FILE *out);

/* The most data sources a kind has. */
#define STORE_METRICS_MAX 8

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
	bool failing;			/* the latest batch was not written whole */
	char failing_why[256];		/* its latest error: path and reason */
};
void store_get_stats(struct store *s, struct store_stats *out);

#endif
