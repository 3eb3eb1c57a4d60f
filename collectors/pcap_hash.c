#include "config.h"
#include "pcap_hash.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

/* Zeroed slots. Tables of megabytes are probed at random on every packet:
 * on 2 MiB pages they cost one TLB entry per page instead of 512. */
static void *slots_alloc(size_t n, size_t size)
{
	size_t bytes = n * size;
	if (bytes < HUGE_PAGE)
		return xcalloc(n, size);
	void *p = NULL;
	if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
		return xcalloc(n, size);
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	memset(p, 0, bytes);
	return p;
}

void hset_init(struct hset *s, unsigned log2_slots)
{
	memset(s, 0, sizeof *s);
	s->slots = slots_alloc((size_t)1 << log2_slots, sizeof *s->slots);
	s->mask = (1u << log2_slots) - 1;
	s->limit = (s->mask + 1) / 4 * 3;
	s->gen = 1;
}

void hset_free(struct hset *s)
{
	free(s->slots);
	memset(s, 0, sizeof *s);
}

void hset_clear(struct hset *s)
{
	s->count = 0;
	s->saturated = false;
	if (++s->gen == 0) {
		memset(s->slots, 0, ((size_t)s->mask + 1) * sizeof *s->slots);
		s->gen = 1;
	}
}

int hset_add(struct hset *s, uint64_t key)
{
	for (uint32_t i = (uint32_t)key & s->mask;; i = (i + 1) & s->mask) {
		struct hset_slot *slot = &s->slots[i];
		if (slot->gen != s->gen) {
			if (s->count >= s->limit) {
				s->saturated = true;
				return -1;
			}
			slot->gen = s->gen;
			slot->key = key;
			s->count++;
			return 1;
		}
		if (slot->key == key)
			return 0;
	}
}

void hmap_init(struct hmap *m, unsigned log2_slots)
{
	memset(m, 0, sizeof *m);
	m->slots = slots_alloc((size_t)1 << log2_slots, sizeof *m->slots);
	m->mask = (1u << log2_slots) - 1;
	m->limit = (m->mask + 1) / 4 * 3;
}

void hmap_free(struct hmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

struct hmap_slot *hmap_find(struct hmap *m, uint64_t key)
{
	for (uint32_t i = (uint32_t)key & m->mask;; i = (i + 1) & m->mask) {
		struct hmap_slot *slot = &m->slots[i];
		if (slot->state == HMAP_EMPTY)
			return NULL;
		if (slot->state == HMAP_USED && slot->key == key)
			return slot;
	}
}

struct hmap_slot *hmap_put(struct hmap *m, uint64_t key, bool *fresh)
{
	struct hmap_slot *grave = NULL;
	*fresh = false;
	for (uint32_t i = (uint32_t)key & m->mask;; i = (i + 1) & m->mask) {
		struct hmap_slot *slot = &m->slots[i];
		if (slot->state == HMAP_USED && slot->key == key)
			return slot;
		if (slot->state == HMAP_DEAD && !grave)
			grave = slot;
		if (slot->state != HMAP_EMPTY)
			continue;
		if (grave) {
			slot = grave;
			m->dead--;
		} else if (m->used + m->dead >= m->limit) {
			m->saturated = true;
			return NULL;
		}
		memset(slot, 0, sizeof *slot);
		slot->key = key;
		slot->state = HMAP_USED;
		m->used++;
		*fresh = true;
		return slot;
	}
}

void hmap_del(struct hmap *m, struct hmap_slot *slot)
{
	slot->state = HMAP_DEAD;
	m->used--;
	m->dead++;
}

void hmap_compact(struct hmap *m)
{
	if (m->dead <= (m->mask + 1) / 8)
		return;
	size_t n = (size_t)m->mask + 1;
	struct hmap_slot *old = m->slots;
	m->slots = slots_alloc(n, sizeof *m->slots);
	m->used = m->dead = 0;
	for (size_t i = 0; i < n; i++) {
		if (old[i].state != HMAP_USED)
			continue;
		bool fresh;
		struct hmap_slot *s = hmap_put(m, old[i].key, &fresh);
		s->t = old[i].t;
		s->v = old[i].v;
	}
	free(old);
	m->saturated = false;
}
