/*
 * store_read: reading the store's files (internal to the store; the
 * public side is in store.h). Every function takes the store's target,
 * which the caller holds for reading.
 *
 * Local files (no daemon, or rrdcached on a unix socket) are read with
 * librrd directly, after rrdcached flushed them; a file lock the writer
 * holds is waited for (up to a second). A remote rrdcached (host:port)
 * is asked for everything: FETCH, INFO, FIRST, LAST and LIST, and a lost
 * connection is reconnected and the call retried once.
 */
#ifndef HEADROOM_STORE_READ_H
#define HEADROOM_STORE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "store/store.h"
#include "store/store_writer.h"

/* A reader meeting the writer's lock on a file waits this often, this
 * long each time. */
#define STORE_READ_LOCK_ATTEMPTS 50
#define STORE_READ_LOCK_WAIT_US 20000

/* Make the rows a local rrdcached holds for path visible to a direct
 * read (nothing to do without one, or with a remote one). 0, also when
 * the daemon does not answer at all (logged once: the files are read as
 * they are), or -1 with the reason in err. */
int store_read_flush(const struct store_target *t, const char *path, char *err, size_t errlen);

/* store_fetch() and store_series() of store.h; with_step also reads the
 * file's step into out->pdp_step (one more look at its header). */
int store_read_table(const struct store_target *t, const char *entity, time_t from, time_t to,
		     long resolution, const char *cf, bool with_step, struct store_table *out,
		     char *err, size_t errlen);
int store_read_series(const struct store_target *t, const char *entity, const char *metric,
		      time_t from, time_t to, long resolution, const char *cf,
		      struct store_series *out, char *err, size_t errlen);

/* store_list() and store_extent() of store.h. */
int store_read_list(const struct store_target *t, char ***entities, size_t *n, char *err,
		    size_t errlen);
int store_read_extent(const struct store_target *t, const char *entity, time_t *first,
		      time_t *last, char *err, size_t errlen);

#endif
