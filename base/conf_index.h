/*
 * conf_index: what keeps loading a config linear in its number of blocks.
 * A name index finds a block by its title in constant time; parking
 * moves each block out of libconfuse's list as soon as it is parsed,
 * because libconfuse compares every new block's title with all earlier
 * ones and grows its list one entry at a time (quadratic: 32,000 APs
 * took 9 s). Internal to base/conf*.c.
 */
#ifndef HEADROOM_CONF_INDEX_H
#define HEADROOM_CONF_INDEX_H

#include <stddef.h>

#include <confuse.h>

typedef const char *(*name_of_fn)(const void *ctx, size_t i);

struct name_index {
	size_t *slot;			/* index + 1; 0 is empty */
	size_t mask;			/* slots - 1 (a power of two) */
};

/* Index names 0..n-1 of ctx. For a name seen before, dup(dup_ctx, first,
 * again) is called and the first one stays indexed. */
void name_index_build(struct name_index *x, size_t n, name_of_fn name_of, const void *ctx,
		      void (*dup)(void *dup_ctx, size_t first, size_t again), void *dup_ctx);
/* The index of name, or -1. */
int name_index_find(const struct name_index *x, const char *name, name_of_fn name_of,
		    const void *ctx);
void name_index_free(struct name_index *x);

/* The indexes struct conf carries, one per kind looked up by name. */
struct conf_names {
	struct name_index rooms, aps, uplinks, targets, captures, notifiers;
};

/* Park every block of the named kinds (NULL-terminated) of root while
 * cfg_parse runs; conf_unpark puts them back in file order (call it
 * whatever cfg_parse returned). Titles are not checked for duplicates
 * meanwhile: build a name index for that. One parse per thread at a
 * time. */
void conf_park(cfg_t *root, const char *const *kinds);
void conf_unpark(void);

#endif
