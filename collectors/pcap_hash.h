/*
 * pcap_hash: fixed-size open-addressing tables keyed by 64-bit keyed
 * hashes (siphash), allocated once, never grown on the packet path.
 *
 * hset  a set of keys; hset_clear() is O(1) (a generation number), so a
 *       per-window set costs nothing to reset. When 3/4 full it refuses
 *       new keys and reports itself saturated: counts become lower bounds.
 * hmap  keys with a time and a 32-bit value, with deletion (tombstones);
 *       hmap_compact() rebuilds it without tombstones, outside the hot path.
 * A key's first probe is its low bits: keys that differ only in their top
 * bits share a cache line.
 */
#ifndef HEADROOM_PCAP_HASH_H
#define HEADROOM_PCAP_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hset_slot {
	uint64_t key;
	uint32_t gen;
	uint32_t pad;
};

struct hset {
	struct hset_slot *slots;
	uint32_t mask, limit, count, gen;
	bool saturated;
};

void hset_init(struct hset *s, unsigned log2_slots);
void hset_free(struct hset *s);
void hset_clear(struct hset *s);
/* 1: new key, 0: already present, -1: table full (key not stored). */
int hset_add(struct hset *s, uint64_t key);
/* Start loading the slot a key will probe first: issue it for every key of
 * a packet before the first add, so their cache misses overlap. */
static inline void hset_prefetch(const struct hset *s, uint64_t key)
{
	__builtin_prefetch(&s->slots[(uint32_t)key & s->mask], 1);
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
struct hmap_slot *hmap_find(struct hmap *m, uint64_t key);
/* Find or insert; *fresh tells which. NULL when the table is full. */
struct hmap_slot *hmap_put(struct hmap *m, uint64_t key, bool *fresh);
void hmap_del(struct hmap *m, struct hmap_slot *slot);
/* Drop tombstones when they take more than an eighth of the table. */
void hmap_compact(struct hmap *m);
static inline size_t hmap_capacity(const struct hmap *m)
{
	return (size_t)m->mask + 1;
}

#endif
