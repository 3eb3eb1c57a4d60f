/*
 * store_writer: turns batches into RRD files (internal to the store).
 * One writer belongs to one thread at a time: the store's writer thread,
 * or the caller of store_write_batch(). It remembers, per file, whether
 * its layout was checked and the last timestamp written, so a file is
 * looked at once and old timestamps are skipped without asking librrd.
 *
 * rrdcached's C client keeps one connection per process (librrd locks
 * it); a failure that was not an answer from the daemon drops that
 * connection, reconnects and retries the call once, which also covers a
 * daemon restart.
 */
#ifndef HEADROOM_STORE_WRITER_H
#define HEADROOM_STORE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/sample.h"
#include "store/store.h"
#include "store/store_layout.h"

/* Where the files are and how to reach them. */
struct store_target {
	char *base;		/* state_dir, or the instance prefix on a remote daemon */
	char *daemon;		/* rrdcached address or NULL */
	bool remote;		/* daemon is host:port: paths are relative, no local I/O */
	long step;
};

struct store_entry {
	enum store_kind kind;
	double v[STORE_MAX_DS];
	char name[SAMPLE_ENTITY_MAX];
};

struct store_batch {
	time_t t;
	size_t n, cap;
	struct store_entry *e;
};

struct store_writer;

struct store_writer *store_writer_new(const struct store_target *target);
void store_writer_free(struct store_writer *w);

/* Write one batch; adds to *stats. Returns the number of failed updates
 * (a dropped batch counts its unwritten rows). */
int store_writer_write(struct store_writer *w, const struct store_batch *b,
		       struct store_stats *stats);

/* True while writes fail (from the first error until a batch is written
 * whole), with the latest error in why. */
bool store_writer_failing(const struct store_writer *w, char *why, size_t len);

/* Connect the process's rrdcached client to addr (no-op when connected). */
int store_daemon_connect(const char *addr);
/* After a failed librrd call: true when it met a file lock another
 * thread or process held for a moment (worth waiting for). */
bool store_lock_busy(void);

/* After a failed rrdc_* call: true (and reconnected) when the failure was
 * the connection rather than an answer of the daemon, so a retry makes
 * sense. */
bool store_daemon_retry(const char *addr);

#endif
