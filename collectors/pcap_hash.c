/* Fixed-size open-addressing tables of keyed hashes for the capture's hot path. */
#include "config.h"
#include "collectors/pcap_hash.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

/* Zeroed slots straight from the kernel: pages are only touched (and
 * zeroed) as entries land on them, so a table sized for 100k clients
 * costs nothing at start and little for a small capture. Tables of
 * megabytes are probed at random on every packet: on 2 MiB pages they
 * cost one TLB entry per page instead of 512. */
static void *slots_alloc(size_t n, size_t size)
{
	size_t bytes = n * size;
	if (bytes < HUGE_PAGE)
		return xcalloc(n, size);
	uint8_t *p = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return xcalloc(n, size);
	/* Keep the 2 MiB aligned part, hand the rest back. */
	size_t head = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
	if (head)
		munmap(p, head);
	munmap(p + head + bytes, HUGE_PAGE - head);
	p += head;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void slots_free(void *p, size_t n, size_t size)
{
	if (!p)
		return;
	if (n * size < HUGE_PAGE)
		free(p);
	else
		munmap(p, n * size);
}

/* Write a byte of every page, so the kernel maps (and zeroes) them all
 * now rather than as the first packets to reach each one arrive. */
static size_t slots_pretouch(void *p, size_t n, size_t size)
{
	volatile uint8_t *b = p;
	size_t bytes = p ? n * size : 0;
	for (size_t off = 0; off < bytes; off += 4096)
		b[off] = 0;
	return bytes;
}

void atab_init(struct atab *t, unsigned log2_slots)
{
	memset(t, 0, sizeof *t);
	t->slots = slots_alloc((size_t)1 << log2_slots, sizeof *t->slots);
	t->mask = (1u << log2_slots) - 1;
	t->limit = (t->mask + 1) / 4 * 3;
}

size_t atab_pretouch(struct atab *t)
{
	return slots_pretouch(t->slots, (size_t)t->mask + 1, sizeof *t->slots);
}

void atab_free(struct atab *t)
{
	if (t->slots)
		slots_free(t->slots, (size_t)t->mask + 1, sizeof *t->slots);
	memset(t, 0, sizeof *t);
}

struct atab_entry *atab_get(struct atab *t, uint64_t key)
{
	uint32_t tag = atab_tag(key);
	for (uint32_t i = (uint32_t)key & t->mask;; i = (i + 1) & t->mask) {
		struct atab_entry *e = &t->slots[i];
		if (e->kinds == 0) {
			if (t->count >= t->limit) {
				t->saturated = true;
				return NULL;
			}
			*e = (struct atab_entry){ .tag = tag, .kinds = ATAB_USED };
			t->count++;
			return e;
		}
		if (e->tag == tag)
			return e;
	}
}

void atab_clear_windows(struct atab *t)
{
	for (size_t i = 0; i <= t->mask; i++)
		t->slots[i].window = 0;
}

void atab_clear_days(struct atab *t)
{
	for (size_t i = 0; i <= t->mask; i++)
		t->slots[i].day = 0;
}

void hmap_init(struct hmap *m, unsigned log2_slots)
{
	memset(m, 0, sizeof *m);
	m->slots = slots_alloc((size_t)1 << log2_slots, sizeof *m->slots);
	m->mask = (1u << log2_slots) - 1;
	m->limit = (m->mask + 1) / 4 * 3;
}

size_t hmap_pretouch(struct hmap *m)
{
	return slots_pretouch(m->slots, hmap_capacity(m), sizeof *m->slots);
}

void hmap_free(struct hmap *m)
{
	slots_free(m->slots, (size_t)m->mask + 1, sizeof *m->slots);
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

/* A tombstone just before an empty slot ends no probe that would
 * otherwise go on: it can become empty itself, and so can a run of them.
 * Walking backwards from an empty slot clears every such run in one pass,
 * without moving an entry. */
static void hmap_sweep(struct hmap *m)
{
	size_t n = (size_t)m->mask + 1, start = n;
	for (size_t i = 0; i < n && start == n; i++)
		if (m->slots[i].state == HMAP_EMPTY)
			start = i;
	if (start == n)
		return;
	bool next_empty = true;
	for (size_t k = 1; k < n; k++) {
		struct hmap_slot *s = &m->slots[(start - k) & m->mask];
		if (s->state == HMAP_DEAD && next_empty) {
			s->state = HMAP_EMPTY;
			m->dead--;
		} else {
			next_empty = s->state == HMAP_EMPTY;
		}
	}
}

void hmap_compact(struct hmap *m)
{
	if (m->dead <= (m->mask + 1) / 8)
		return;
	/* Most tombstones of a sparse table go without a rebuild (a fresh
	 * table costs page faults and zeroing every time). */
	hmap_sweep(m);
	if (m->dead <= (m->mask + 1) / 8) {
		m->saturated = false;
		return;
	}
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
	slots_free(old, n, sizeof *old);
	m->saturated = false;
}
