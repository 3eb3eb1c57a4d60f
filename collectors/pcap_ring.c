/* Batches of packets handed from a file-reading thread to the capture thread. */
#include "config.h"
#include "collectors/pcap_ring.h"
#include "base/util.h"

#include <stdlib.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

/* PREFETCHW: AMD's 3DNowPrefetch bit, on Intel since Broadwell. */
static bool cpu_has_prefetchw(void)
{
#if defined(__x86_64__)
	unsigned a, b, c, d;
	return __get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & (1u << 8));
#else
	return false;
#endif
}

void pkt_ring_init(struct pkt_ring *r, const atomic_bool *stop)
{
	r->batch = NULL;
	r->head = r->filled = 0;
	r->stop = stop;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
}

void pkt_ring_open(struct pkt_ring *r)
{
	if (!r->batch) {
		r->batch = xcalloc(PKT_RING_BATCHES, sizeof *r->batch);
		bool prefetchw = cpu_has_prefetchw();
		for (size_t i = 0; i < PKT_RING_BATCHES; i++)
			r->batch[i].prefetchw = prefetchw;
	}
	r->head = r->filled = 0;
}

void pkt_ring_free(struct pkt_ring *r)
{
	free(r->batch);
	r->batch = NULL;
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

struct pkt_batch *pkt_ring_fill(struct pkt_ring *r)
{
	pthread_mutex_lock(&r->mu);
	while (r->filled == PKT_RING_BATCHES && !atomic_load(r->stop))
		pthread_cond_wait(&r->cv, &r->mu);
	struct pkt_batch *b = NULL;
	if (!atomic_load(r->stop)) {
		b = &r->batch[(r->head + r->filled) % PKT_RING_BATCHES];
		b->n = 0;
		b->last = false;
	}
	pthread_mutex_unlock(&r->mu);
	return b;
}

void pkt_ring_publish(struct pkt_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->filled++;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

struct pkt_batch *pkt_ring_drain(struct pkt_ring *r)
{
	pthread_mutex_lock(&r->mu);
	while (r->filled == 0 && !atomic_load(r->stop))
		pthread_cond_wait(&r->cv, &r->mu);
	struct pkt_batch *b = atomic_load(r->stop) ? NULL : &r->batch[r->head];
	pthread_mutex_unlock(&r->mu);
	return b;
}

void pkt_ring_release(struct pkt_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->head = (r->head + 1) % PKT_RING_BATCHES;
	r->filled--;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

void pkt_ring_wake(struct pkt_ring *r)
{
	pthread_mutex_lock(&r->mu);
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}
