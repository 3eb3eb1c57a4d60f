/*
 * pcap_ring: packets handed from a file-reading thread to the capture
 * thread in batches (header, timestamp and captured bytes copied out of
 * libpcap's buffer; for 802.11, the reader's digests of them instead), so
 * that reading a file and counting it run side by side. One producer, one
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

#define PKT_BATCH_MAX 512
/* libpcap refuses records longer than 256 KiB: any one packet fits. */
#define PKT_BATCH_BYTES (256u << 10)
#define PKT_RING_BATCHES 4

struct pkt_rec {
	struct pcap_pkthdr h;
	double ts;			/* on the capture's (possibly shifted) clock */
	uint32_t off;			/* into data */
};

struct pkt_batch {
	size_t n, used;
	int dlt;
	bool prefetchw;			/* the CPU has PREFETCHW */
	bool last;			/* the reader ended after this batch */
	struct pkt_rec rec[PKT_BATCH_MAX];
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

/* Append a packet; false when the batch has no room left for it. */
static inline bool pkt_batch_add(struct pkt_batch *b, const struct pcap_pkthdr *h, const uint8_t *data,
				 double ts)
{
	uint32_t len = h->caplen < PKT_BATCH_BYTES ? h->caplen : PKT_BATCH_BYTES;
	if (b->n == PKT_BATCH_MAX || (b->n && len > PKT_BATCH_BYTES - b->used))
		return false;
	struct pkt_rec *r = &b->rec[b->n++];
	r->h = *h;
	r->h.caplen = len;
	r->ts = ts;
	r->off = (uint32_t)b->used;
	__builtin_memcpy(b->data + b->used, data, len);
	b->used += len;
	return true;
}

#endif
