/* Live capture handles: ring size, immediate mode, fan-out members, pinning, drops. */
#include "config.h"
#include "collectors/pcap_live.h"
#include "collectors/pcap_capture.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

size_t live_ring_bytes(double link_mbps, int n)
{
	double total = link_mbps * 1e6 / 8 * LIVE_RING_SECONDS;
	if (!(total < (double)LIVE_RING_MAX))
		total = (double)LIVE_RING_MAX;
	size_t each = (size_t)(total / (n > 0 ? n : 1));
	return each < LIVE_RING_MIN ? LIVE_RING_MIN : each;
}

void live_init(struct live *lv)
{
	memset(lv, 0, sizeof *lv);
	pthread_mutex_init(&lv->mu, NULL);
	pthread_cond_init(&lv->cv, NULL);
	for (int i = 0; i < LIVE_MAX_THREADS; i++) {
		lv->m[i].lv = lv;
		pkt_ring_init(&lv->m[i].ring, &lv->halt);
	}
}

void live_free(struct live *lv)
{
	live_stop(lv);
	live_close(lv);
	for (int i = 0; i < LIVE_MAX_THREADS; i++)
		pkt_ring_free(&lv->m[i].ring);
	pthread_mutex_destroy(&lv->mu);
	pthread_cond_destroy(&lv->cv);
}

static pcap_t *open_one(const char *iface, long snaplen, size_t ring, int timeout_ms, char *errbuf)
{
	pcap_t *pc = pcap_create(iface, errbuf);
	if (!pc)
		return NULL;
	pcap_set_snaplen(pc, (int)snaplen);
	pcap_set_promisc(pc, 1);
	pcap_set_timeout(pc, timeout_ms);
	pcap_set_buffer_size(pc, (int)ring);
	/* A block at a time: a wake-up per packet costs more than it saves
	 * in latency for counts kept per window. */
	pcap_set_immediate_mode(pc, 0);
	int rc = pcap_activate(pc);
	if (rc < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(pc));
		if (!errbuf[0] || rc == PCAP_ERROR_PERM_DENIED)
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s (needs root or CAP_NET_RAW)", pcap_statustostr(rc));
		pcap_close(pc);
		return NULL;
	}
	return pc;
}

/* The first member asks the kernel for a group id of its own (no other
 * process's group is joined by chance); the others join it. */
static int join_fanout(pcap_t *pc, int *group, char *errbuf)
{
	int fd = pcap_fileno(pc);
	uint32_t flags = PACKET_FANOUT_FLAG_DEFRAG | (*group < 0 ? PACKET_FANOUT_FLAG_UNIQUEID : 0);
	uint32_t arg = (uint32_t)(*group < 0 ? 0 : *group) | (uint32_t)(PACKET_FANOUT_HASH | flags) << 16;
	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "PACKET_FANOUT: %s", strerror(errno));
		return -1;
	}
	if (*group < 0) {
		socklen_t len = sizeof arg;
		if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) != 0) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "PACKET_FANOUT: %s", strerror(errno));
			return -1;
		}
		*group = (int)(arg & 0xffff);
	}
	return 0;
}

int live_open(struct live *lv, const char *iface, long snaplen, double link_mbps, int n, int timeout_ms,
	      char *errbuf)
{
	if (n < 1)
		n = 1;
	if (n > LIVE_MAX_THREADS)
		n = LIVE_MAX_THREADS;
	size_t ring = live_ring_bytes(link_mbps, n);
	int group = -1;
	for (int i = 0; i < n; i++) {
		pcap_t *pc = open_one(iface, snaplen, ring, timeout_ms, errbuf);
		if (pc && n > 1 && join_fanout(pc, &group, errbuf) != 0) {
			pcap_close(pc);
			pc = NULL;
		}
		if (!pc) {
			live_close(lv);
			return -1;
		}
		lv->m[lv->n++].pc = pc;
	}
	return 0;
}

void live_close(struct live *lv)
{
	for (int i = 0; i < lv->n; i++) {
		if (lv->m[i].pc)
			pcap_close(lv->m[i].pc);
		lv->m[i].pc = NULL;
	}
	lv->n = 0;
}

static void ring_bell(struct live *lv)
{
	pthread_mutex_lock(&lv->mu);
	lv->seq++;
	pthread_cond_signal(&lv->cv);
	pthread_mutex_unlock(&lv->mu);
}

static void publish(struct live_member *m)
{
	pkt_ring_publish(&m->ring);
	m->b = NULL;
	ring_bell(m->lv);
}

static void on_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct live_member *m = (struct live_member *)(void *)arg;
	struct live *lv = m->lv;
	live_prefetch(&m->ahead, data);
	double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec * 1e-6;
	for (;;) {
		if (!m->b) {
			/* Waits while the counting thread is behind: the kernel's
			 * ring fills meanwhile and its drops are counted. */
			m->b = pkt_ring_fill(&m->ring);
			if (!m->b) {
				pcap_breakloop(m->pc);
				return;
			}
			m->b->dlt = lv->dlt;
		}
		if (cap_batch_digest(lv->st, &m->dg, m->b, h, data, ts))
			return;
		publish(m);
	}
}

/* A member: a block of frames at a time, digested; the batch goes over
 * after each block, so a quiet link's counts wait at most the timeout. */
static void *member_main(void *arg)
{
	struct live_member *m = arg;
	struct live *lv = m->lv;
	while (!atomic_load(&lv->halt)) {
		int rc = pcap_dispatch(m->pc, -1, on_frame, (u_char *)m);
		if (rc == PCAP_ERROR_BREAK)
			break;
		if (rc < 0) {
			snprintf(m->error, sizeof m->error, "%s", pcap_geterr(m->pc));
			atomic_store(&lv->failed, true);
			ring_bell(lv);
			break;
		}
		if (m->b && m->b->n)
			publish(m);
	}
	return NULL;
}

int live_start(struct live *lv, const struct cap_state *st, int dlt)
{
	lv->st = st;
	lv->dlt = dlt;
	atomic_store(&lv->halt, false);
	atomic_store(&lv->failed, false);
	if (lv->n < 2)
		return 0;
	for (int i = 0; i < lv->n; i++) {
		struct live_member *m = &lv->m[i];
		pkt_ring_open(&m->ring);
		m->b = NULL;
		m->dg = (struct d11_digester){ .airtime = st->set->airtime };
		m->error[0] = '\0';
		if (pthread_create(&m->thread, NULL, member_main, m) != 0) {
			live_stop(lv);
			return -1;
		}
		m->running = true;
		live_pin(m->thread, i + 1, lv->n + 1);
	}
	return 0;
}

/* Oldest member first after the one drained last, so none starves. */
static struct pkt_batch *poll_members(struct live *lv, struct pkt_ring **from)
{
	for (int k = 0; k < lv->n; k++) {
		struct live_member *m = &lv->m[(lv->next + k) % lv->n];
		pthread_mutex_lock(&m->ring.mu);
		struct pkt_batch *b = m->ring.filled ? &m->ring.batch[m->ring.head] : NULL;
		pthread_mutex_unlock(&m->ring.mu);
		if (b) {
			lv->next = (lv->next + k + 1) % lv->n;
			*from = &m->ring;
			return b;
		}
	}
	return NULL;
}

struct pkt_batch *live_next(struct live *lv, struct pkt_ring **from, int timeout_ms)
{
	pthread_mutex_lock(&lv->mu);
	uint64_t seq = lv->seq;
	pthread_mutex_unlock(&lv->mu);
	struct pkt_batch *b = poll_members(lv, from);
	if (b || atomic_load(&lv->halt) || atomic_load(&lv->failed))
		return b;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lv->mu);
	while (lv->seq == seq && !atomic_load(&lv->halt))
		if (pthread_cond_timedwait(&lv->cv, &lv->mu, &until) != 0)
			break;
	pthread_mutex_unlock(&lv->mu);
	return poll_members(lv, from);
}

void live_wake(struct live *lv)
{
	atomic_store(&lv->halt, true);
	for (int i = 0; i < lv->n; i++) {
		if (lv->m[i].pc)
			pcap_breakloop(lv->m[i].pc);
		pkt_ring_wake(&lv->m[i].ring);
	}
	ring_bell(lv);
}

void live_stop(struct live *lv)
{
	live_wake(lv);
	for (int i = 0; i < lv->n; i++) {
		if (!lv->m[i].running)
			continue;
		pthread_join(lv->m[i].thread, NULL);
		lv->m[i].running = false;
	}
}

const char *live_error(const struct live *lv)
{
	/* A member writes its error before it raises the flag. */
	if (!atomic_load(&lv->failed))
		return NULL;
	for (int i = 0; i < lv->n; i++)
		if (lv->m[i].error[0])
			return lv->m[i].error;
	return NULL;
}

uint64_t live_drops(struct live *lv)
{
	uint64_t drops = 0, ifdrop = 0;
	for (int i = 0; i < lv->n; i++) {
		struct pcap_stat ps;
		if (!lv->m[i].pc || pcap_stats(lv->m[i].pc, &ps) != 0)
			continue;
		drops += ps.ps_drop;
		if (ps.ps_ifdrop > ifdrop)
			ifdrop = ps.ps_ifdrop;
	}
	return drops + ifdrop;
}

void live_pin(pthread_t t, int slot, int slots)
{
	cpu_set_t allowed, set;
	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2)
		return;
	int cpus[CPU_SETSIZE], n = 0;
	bool first = true;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &allowed))
			continue;
		if (first)
			first = false;	/* the loop's */
		else
			cpus[n++] = c;
	}
	CPU_ZERO(&set);
	if (n >= slots) {
		CPU_SET(cpus[slot % n], &set);
	} else {
		for (int i = 0; i < n; i++)
			CPU_SET(cpus[i], &set);
	}
	pthread_setaffinity_np(t, sizeof set, &set);
}
