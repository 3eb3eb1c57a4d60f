/*
 * pcap_hash: fixed-size open-addressing tables keyed by 64-bit keyed
 * hashes (siphash), allocated once (zero pages, touched as they fill),
 * never grown on the packet path.
 *
 * atab  one entry per distinct hashed address (a MAC, an IP, a lease, a
 *       station/BSSID pair) holding all the capture asks about it: which
 *       counting kinds have seen it over the run (a bit each), and the
 *       window and day it was last counted in. One probe per address
 *       answers "seen over the run / this window / today?". Entries never
 *       move or go away, so a pointer to one stays valid for the run. When
 *       3/4 full it refuses new keys and reports itself saturated: counts
 *       become lower bounds.
 * hmap  keys with a time and a 32-bit value, with deletion (tombstones);
 *       hmap_compact() clears them (in place when it can, else by a
 *       rebuild), outside the hot path.
 */
#ifndef HEADROOM_PCAP_HASH_H
#define HEADROOM_PCAP_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* kinds: bit k for counting kind k; ATAB_USED marks a taken slot. */
#define ATAB_USED 0x8000u

struct atab_entry {
	uint64_t key;
	uint32_t window;		/* stamp of the last window it was active in */
	uint16_t day;			/* stamp of the last day it was counted in */
	uint16_t kinds;
};

struct atab {
	struct atab_entry *slots;
	uint32_t mask, limit, count;
	bool saturated;
};

void atab_init(struct atab *t, unsigned log2_slots);
void atab_free(struct atab *t);
/* Fault in every page of the slots now; their size in bytes. */
size_t atab_pretouch(struct atab *t);
/* The entry of a key, created empty (stamps 0, no kinds) on first sight;
 * NULL when the table is full. */
struct atab_entry *atab_get(struct atab *t, uint64_t key);
/* Zero every window stamp, or every day stamp (when a counter wraps). */
void atab_clear_windows(struct atab *t);
void atab_clear_days(struct atab *t);
/* Start loading the slot a key will probe first: issue it for every key of
 * a packet before the first lookup, so their cache misses overlap. */
static inline void atab_prefetch(const struct atab *t, uint64_t key)
{
	__builtin_prefetch(&t->slots[(uint32_t)key & t->mask], 1);
}

enum { HMAP_EMPTY = 0, HMAP_USED, HMAP_DEAD };

struct hmap_slot {
	uint64_t key;
	double t;
	uint32_t v;
	uint8_t state;
};

struct hmap {
	struct hmap_slot *slots;
	uint32_t mask, limit, used, dead;
	bool saturated;
};

void hmap_init(struct hmap *m, unsigned log2_slots);
void hmap_free(struct hmap *m);
size_t hmap_pretouch(struct hmap *m);
struct hmap_slot *hmap_find(struct hmap *m, uint64_t key);
/* Find or insert; *fresh tells which. NULL when the table is full. */
struct hmap_slot *hmap_put(struct hmap *m, uint64_t key, bool *fresh);
void hmap_del(struct hmap *m, struct hmap_slot *slot);
/* Drop tombstones when they take more than an eighth of the table. */
void hmap_compact(struct hmap *m);
static inline void hmap_prefetch(const struct hmap *m, uint64_t key)
{
	__builtin_prefetch(&m->slots[(uint32_t)key & m->mask], 1);
}
static inline size_t hmap_capacity(const struct hmap *m)
{
	return (size_t)m->mask + 1;
}

#endif
