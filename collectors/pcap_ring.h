/*
 * pcap_ring: packets handed from a reading thread (a file's reader, a
 * fanned-out live capture's members) to the capture thread in batches of
 * the reader's digests of them (cap_eth, cap_d11), so that reading and
 * counting run side by side. One producer, one
 * consumer; a whole batch changes hands under the mutex, never a single
 * packet. Both sides return NULL once *stop is set and pkt_ring_wake()
 * has been called.
 */
#ifndef HEADROOM_PCAP_RING_H
#define HEADROOM_PCAP_RING_H

#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Digests a batch holds (of up to PKT_BATCH_BYTES / PKT_DIGESTS bytes). */
#define PKT_DIGESTS 2048
#define PKT_BATCH_BYTES (128u << 10)
#define PKT_RING_BATCHES 4

struct pkt_batch {
	size_t n;
	int dlt;
	bool prefetchw;			/* the CPU has PREFETCHW */
	bool last;			/* the reader ended after this batch */
	_Alignas(64) uint8_t data[PKT_BATCH_BYTES];
};

struct pkt_ring {
	struct pkt_batch *batch;	/* PKT_RING_BATCHES, allocated by pkt_ring_open */
	size_t head, filled;		/* next to drain; how many are full */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const atomic_bool *stop;
};

void pkt_ring_init(struct pkt_ring *r, const atomic_bool *stop);
/* Allocate (or empty) the batches before a reader starts. */
void pkt_ring_open(struct pkt_ring *r);
void pkt_ring_free(struct pkt_ring *r);
/* Producer: the next empty batch, waiting while all are full. */
struct pkt_batch *pkt_ring_fill(struct pkt_ring *r);
void pkt_ring_publish(struct pkt_ring *r);
/* Consumer: the oldest full batch, waiting while none is. */
struct pkt_batch *pkt_ring_drain(struct pkt_ring *r);
void pkt_ring_release(struct pkt_ring *r);
void pkt_ring_wake(struct pkt_ring *r);

/* How far ahead of the write position batch lines are requested. */
#define PKT_WRITE_AHEAD 1024

/* Ask for a line of a batch about to be written, in exclusive state. The
 * other thread read it last: a plain store would wait for it to cross
 * between the cores (on a 2-core VM that waiting was more than half of
 * the reader's time), a write prefetch far enough ahead does not. A
 * plain prefetch fetches a shared copy and leaves the wait to the store.
 */
static inline void pkt_batch_want(const struct pkt_batch *b, const uint8_t *p)
{
#if defined(__x86_64__)
	if (b->prefetchw)
		__asm__ volatile("prefetchw %0" : : "m"(*(const volatile uint8_t *)p));
#else
	(void)b;
	__builtin_prefetch(p, 1, 3);
#endif
}

/* The next digest's place in a batch, its line requested ahead; NULL
 * when the batch is full. */
static inline void *pkt_batch_slot(struct pkt_batch *b, size_t size)
{
	if (b->n == PKT_DIGESTS)
		return NULL;
	size_t off = b->n * size;
	if (off % 64 == 0 && off + PKT_WRITE_AHEAD < PKT_DIGESTS * size)
		pkt_batch_want(b, b->data + off + PKT_WRITE_AHEAD);
	b->n++;
	return b->data + off;
}

#endif
