/*
 * pcap_live: what a live capture asks of libpcap and the kernel.
 *
 *  - The ring (TPACKET_V3) is sized from the link's line rate: an eighth
 *    of a second of it in bytes (LIVE_RING_SECONDS), at least one libpcap
 *    block and at most LIVE_RING_MAX, split over the handles of a
 *    fanned-out link. Frames are kept to snaplen, so an eighth of a
 *    second of full-size frames is most of a second of ring, of
 *    minimum-size ones about 60 ms: longer than the capture thread is
 *    kept off a busy core. A larger ring costs CPU on every frame: the
 *    reader walks memory the cache and TLB no longer hold (a one-second
 *    ring, 122 MiB at 1 Gbit/s, cost 0.24 us a packet more in
 *    bench/pcap/live, and dropped no fewer: none either way).
 *  - Immediate mode is off: the kernel hands over a block at a time (or
 *    after the timeout), not a wake-up per packet.
 *  - threads > 1 fans the link out over that many handles in one
 *    PACKET_FANOUT group (hash of the flow, defragmented first). Each
 *    member thread reads its handle and digests its frames into its own
 *    ring of batches (pcap_ring.h); the capture thread counts them all,
 *    so client and byte counts are the same as with one thread.
 *  - Capture threads run away from the first allowed CPU, left to the
 *    event loop, when there are cores to spare (none with one core).
 *  - Drops: the kernel's per socket (ps_drop, summed over the members)
 *    and the interface's (ps_ifdrop, counted once: every member sees the
 *    same interface).
 */
#ifndef HEADROOM_PCAP_LIVE_H
#define HEADROOM_PCAP_LIVE_H

#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/pcap_ring.h"
#include "collectors/pcap_table.h"

#define LIVE_MAX_THREADS 16
#define LIVE_RING_SECONDS 0.125
#define LIVE_RING_MIN ((size_t)256 << 10)	/* one libpcap TPACKET_V3 block */
#define LIVE_RING_MAX ((size_t)256 << 20)

struct live;

struct live_member {
	struct live *lv;
	pcap_t *pc;
	struct pkt_ring ring;
	struct pkt_batch *b;		/* being filled */
	uintptr_t ahead;		/* live_prefetch()'s */
	struct d11_digester dg;		/* its 802.11 digests' */
	pthread_t thread;
	bool running;
	char error[PCAP_ERRBUF_SIZE];
};

struct live {
	struct live_member m[LIVE_MAX_THREADS];
	int n;
	int dlt;
	const struct cap_state *st;	/* read only: the digests' key and settings */
	atomic_bool halt;
	atomic_bool failed;
	pthread_mutex_t mu;		/* the bell members ring after a batch */
	pthread_cond_t cv;
	uint64_t seq;
	int next;			/* the member drained first next time */
};

/* The kernel wrote the frames after this one into the ring from another
 * CPU, so the first read of each header misses the cache: a quarter of
 * the live path's time. Lines are requested LIVE_PREFETCH bytes ahead of
 * the frame at hand, a few frames' worth, so those misses overlap the
 * work on it. *next is the first line not yet requested; a jump (the
 * next block, the ring's start) starts again from the frame. */
#define LIVE_PREFETCH 2048
static inline void live_prefetch(uintptr_t *next, const void *frame)
{
	uintptr_t at = (uintptr_t)frame & ~(uintptr_t)63, end = at + LIVE_PREFETCH;
	uintptr_t p = *next;
	if (p <= at || p > end)
		p = at + 64;
	for (; p < end; p += 64)
		__builtin_prefetch((const void *)p);
	*next = p;
}

/* Ring bytes per handle for a link of link_mbps over n handles. */
size_t live_ring_bytes(double link_mbps, int n);
void live_init(struct live *lv);
void live_free(struct live *lv);
/* Open n handles on iface (n > 1: in one fanout group); -1 with errbuf
 * set, and nothing left open, on failure. */
int live_open(struct live *lv, const char *iface, long snaplen, double link_mbps, int n, int timeout_ms,
	      char *errbuf);
void live_close(struct live *lv);
/* Start the member threads (n > 1) digesting for st. */
int live_start(struct live *lv, const struct cap_state *st, int dlt);
/* The next full batch of any member, its ring in *from for
 * pkt_ring_release(); NULL after timeout_ms, on halt or when a member
 * failed (live_error()). */
struct pkt_batch *live_next(struct live *lv, struct pkt_ring **from, int timeout_ms);
/* Stop the member threads and wait for them (any thread may call
 * live_wake() first to hurry them). */
void live_stop(struct live *lv);
void live_wake(struct live *lv);
/* A failed member's error, or NULL. */
const char *live_error(const struct live *lv);
/* Packets dropped so far: every member's socket, the interface once. */
uint64_t live_drops(struct live *lv);
/* Pin a capture thread (slot of slots it runs beside) away from the
 * first CPU; a no-op with a single CPU. */
void live_pin(pthread_t t, int slot, int slots);

#endif
