/* Finding config blocks by title in constant time, and parsing thousands of them in linear time. */
#include "config.h"
#include "base/conf_index.h"
#include "base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void name_index_build(struct name_index *x, size_t n, name_of_fn name_of, const void *ctx,
		      void (*dup)(void *dup_ctx, size_t first, size_t again), void *dup_ctx)
{
	size_t slots = 16;
	while (slots < 2 * n)
		slots *= 2;
	x->slot = xcalloc(slots, sizeof *x->slot);
	x->mask = slots - 1;
	for (size_t i = 0; i < n; i++) {
		const char *name = name_of(ctx, i);
		if (!name)
			continue;
		size_t s = hash_name(name) & x->mask;
		while (x->slot[s] && strcmp(name_of(ctx, x->slot[s] - 1), name) != 0)
			s = (s + 1) & x->mask;
		if (!x->slot[s])
			x->slot[s] = i + 1;
		else if (dup)
			dup(dup_ctx, x->slot[s] - 1, i);
	}
}

int name_index_find(const struct name_index *x, const char *name, name_of_fn name_of,
		    const void *ctx)
{
	for (size_t s = hash_name(name) & x->mask; x->slot[s]; s = (s + 1) & x->mask)
		if (strcmp(name_of(ctx, x->slot[s] - 1), name) == 0)
			return (int)(x->slot[s] - 1);
	return -1;
}

void name_index_free(struct name_index *x)
{
	free(x->slot);
	x->slot = NULL;
}

/* ---- parking ---- */

#define PARK_KINDS 16
struct parked_kind {
	cfg_opt_t *opt;
	cfg_value_t **values;
	size_t n, cap;
};

/* libconfuse's validate callback has no user pointer. */
static __thread struct {
	struct parked_kind kinds[PARK_KINDS];
	size_t n_kinds;
} parked;

/* Called by libconfuse each time a block of a parked kind has been read:
 * move it (and any block left by an earlier failure) out of the list. */
static int park_block(cfg_t *cfg, cfg_opt_t *opt)
{
	(void)cfg;
	struct parked_kind *k = NULL;
	for (size_t i = 0; i < parked.n_kinds && !k; i++)
		if (parked.kinds[i].opt == opt)
			k = &parked.kinds[i];
	if (!k)
		return 0;
	for (unsigned i = 0; i < opt->nvalues; i++) {
		if (k->n == k->cap) {
			k->cap = k->cap ? 2 * k->cap : 64;
			k->values = xrealloc(k->values, k->cap * sizeof *k->values);
		}
		k->values[k->n++] = opt->values[i];
	}
	free(opt->values);
	opt->values = NULL;
	opt->nvalues = 0;
	return 0;
}

void conf_park(cfg_t *root, const char *const *kinds)
{
	memset(&parked, 0, sizeof parked);
	for (size_t i = 0; kinds[i] && parked.n_kinds < PARK_KINDS; i++) {
		cfg_opt_t *opt = cfg_getopt(root, kinds[i]);
		if (!opt)
			continue;
		cfg_set_validate_func(root, kinds[i], park_block);
		parked.kinds[parked.n_kinds++].opt = opt;
	}
}

void conf_unpark(void)
{
	for (size_t i = 0; i < parked.n_kinds; i++) {
		struct parked_kind *k = &parked.kinds[i];
		cfg_opt_t *opt = k->opt;
		park_block(NULL, opt);	/* a block libconfuse gave up in */
		opt->values = k->values;	/* malloc'd: cfg_free frees it */
		opt->nvalues = (unsigned)k->n;
		opt->validcb = NULL;
	}
	memset(&parked, 0, sizeof parked);
}
