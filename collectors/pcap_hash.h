/*
 * pcap_hash: fixed-size open-addressing tables keyed by 64-bit keyed
 * hashes (siphash), allocated once (zero pages, touched as they fill,
 * or all at start for a live capture: *_pretouch), never grown on the
 * packet path.
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
#include <string.h>

/* An entry is 8 bytes, so a table of a million of them (8 MiB) keeps
 * more of itself in the cache than 16-byte ones did: every packet looks
 * up new clients at random in it.
 *  tag     the key's top ATAB_TAG_BITS bits: two keys are told apart by
 *          them. Keys are uniform 64-bit keyed hashes, so a new address
 *          meets an entry with its tag by chance once in 2^28 probes: at
 *          200k addresses in a million slots (about 1.3 probes a new
 *          address) one merged pair in about a thousand such events.
 *  kinds   bit k for counting kind k; ATAB_USED marks a taken slot.
 *  window, day  stamps of the last window and day it was counted in;
 *          they wrap past ATAB_WINDOW_MAX and ATAB_DAY_MAX, when the
 *          caller clears them all (atab_clear_windows/_days). */
#define ATAB_TAG_BITS 28
#define ATAB_USED (1u << 12)
#define ATAB_WINDOW_MAX 0x7fffu
#define ATAB_DAY_MAX 0xffu

struct atab_entry {
	uint64_t tag : ATAB_TAG_BITS;
	uint64_t kinds : 13;
	uint64_t window : 15;
	uint64_t day : 8;
};
_Static_assert(sizeof(struct atab_entry) == 8, "an address table entry is 8 bytes");

static inline uint32_t atab_tag(uint64_t key)
{
	return (uint32_t)(key >> (64 - ATAB_TAG_BITS));
}

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
/* Load the slot a key probes first and return its bits. A prefetch is
 * only a hint, and it is dropped when the page is not in the TLB (every
 * time for a table of megabytes probed at random, after the thread
 * slept); a load is not. Loads of a few dozen frames' keys issued back
 * to back, their results unused, have their misses overlap. */
static inline uint64_t atab_load(const struct atab *t, uint64_t key)
{
	uint64_t v;
	memcpy(&v, &t->slots[(uint32_t)key & t->mask], sizeof v);
	return v;
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
