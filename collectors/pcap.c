/* The pcap collector: opens each capture, runs its thread, turns window reports into samples. */
#include "config.h"
#include "collectors/pcap.h"
#include "collectors/client_key.h"
#include "collectors/pcap_capture.h"
#include "collectors/pcap_dot11.h"
#include "collectors/pcap_live.h"
#include "collectors/pcap_ring.h"
#include "base/log.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_MAX 16
#define LIVE_TIMEOUT_MS 500
#define LIVE_NAP 0.015		/* seconds; see read_live() */
#define DHCP_SNAPLEN 600
#define DHCP_FILTER "udp port 67 or udp port 68 or (vlan and (udp port 67 or udp port 68))"
#define PACE_SLICE 0.1

struct capture {
	struct pcap_collector *owner;
	char *sig;			/* config this capture was built from */
	struct cap_settings set;
	struct cap_state st;		/* capture thread only */
	char *file, *iface, *filter;
	double speed;
	bool loop, once;
	long snaplen;
	double link_mbps;		/* live: sizes the kernel's ring */
	int threads;			/* live: fan-out members (1: none) */
	struct live live;		/* live: its handles, and members if fanned out */
	struct pkt_batch *live_batch;	/* live, one thread: digests of the block read */
	uintptr_t live_ahead;		/* live, one thread: live_prefetch()'s */
	pcap_t *pc;			/* the file's, or the first live handle */
	char *file_buf;			/* stdio buffer of an open capture file */
	int dlt;
	char open_error[PCAP_ERRBUF_SIZE + 64];

	/* capture thread only */
	bool win_open;
	double win_start;
	double pace_ts, pace_real, pace_prev;
	bool pace_set;
	uint64_t drops_logged;

	/* the thread that reads: the capture thread, or a fast file's reader
	 * (which writes read_last_ts on every packet: a cache line of its
	 * own, so the counting thread's win_start does not bounce with it) */
	_Alignas(64) double shift;	/* added to file timestamps (loop) */
	bool shift_set;
	double read_last_ts;		/* the last packet read, shifted */
	unsigned long passes;		/* over a looping file */

	_Alignas(64) pthread_t thread;
	bool running;
	atomic_bool stop;
	pthread_mutex_t mu;
	pthread_cond_t room;
	struct cap_report *queue[QUEUE_MAX];
	size_t qhead, qlen;
	struct event *wake;

	/* a file read as fast as possible: its reader thread's hand-over */
	struct pkt_ring ring;
	_Alignas(64) struct d11_digester reader_dg;	/* the reader thread's (written every frame) */
	int reader_end;			/* enum read_end, set before the last batch */
	double reader_cpu;		/* its CPU seconds, set likewise */
	char reader_error[PCAP_ERRBUF_SIZE + 64];

	bool done;			/* loop side: final report handled */
};

struct pcap_collector {
	struct collector *c;
	struct sipkey key;
	struct capture **caps;
	size_t n_caps;
	bool cycle_reported;
};

/* ---- settings ---- */

static enum cap_mode mode_of(const char *s)
{
	if (s && strcmp(s, "dot11") == 0)
		return CAP_DOT11;
	if (s && strcmp(s, "dhcp") == 0)
		return CAP_DHCP;
	return CAP_UPLINK;
}

static int parse_prefix(const char *s, struct cap_prefix *px)
{
	char buf[64];
	strlcpy_hr(buf, s, sizeof buf);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(px, 0, sizeof *px);
	if (inet_pton(AF_INET, buf, px->addr) == 1)
		px->family = 4;
	else if (inet_pton(AF_INET6, buf, px->addr) == 1)
		px->family = 6;
	else
		return -1;
	unsigned max = px->family == 4 ? 32 : 128;
	char *end = NULL;
	long bits = slash ? strtol(slash, &end, 10) : (long)max;
	if (slash && (*end || end == slash))
		return -1;
	if (bits < 0 || bits > (long)max)
		return -1;
	px->bits = (unsigned)bits;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char tail;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6 &&
	    sscanf(s, "%2x-%2x-%2x-%2x-%2x-%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int parse_subnet(const char *s, struct cap_pool *p)
{
	struct cap_prefix px;
	if (parse_prefix(s, &px) != 0 || px.family != 4)
		return -1;
	uint32_t net;
	memcpy(&net, px.addr, 4);
	p->mask = px.bits ? 0xffffffffu << (32 - px.bits) : 0;
	p->net = ntohl(net) & p->mask;
	p->has_subnet = true;
	return 0;
}

static bool pool_follows(const struct conf_dhcp_pool *p, const struct conf_capture *cc)
{
	if (p->capture)
		return strcmp(p->capture, cc->name) == 0;
	return mode_of(cc->mode) == CAP_DHCP;
}

static long utc_offset_now(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return tm.tm_gmtoff;
}

static int build_settings(const struct conf *conf, const struct conf_capture *cc, struct cap_settings *set)
{
	memset(set, 0, sizeof *set);
	set->name = xstrdup(cc->name);
	set->mode = mode_of(cc->mode);
	set->window = cc->window > 0 ? (double)cc->window : 60;
	set->station_timeout = cc->station_timeout > 0 ? (double)cc->station_timeout : 300;
	set->airtime = cc->airtime;
	set->utc_offset = utc_offset_now();
	set->prefixes = xcalloc(cc->n_local_prefixes + 1, sizeof *set->prefixes);
	for (size_t i = 0; i < cc->n_local_prefixes; i++) {
		if (parse_prefix(cc->local_prefixes[i], &set->prefixes[set->n_prefixes]) != 0) {
			log_err("capture \"%s\": local_prefixes: \"%s\" is not an address/length",
				cc->name, cc->local_prefixes[i]);
			return -1;
		}
		set->n_prefixes++;
	}
	if (cc->gateway_mac) {
		if (parse_mac(cc->gateway_mac, set->gateway) != 0) {
			log_err("capture \"%s\": gateway_mac: \"%s\" is not a MAC address", cc->name, cc->gateway_mac);
			return -1;
		}
		set->has_gateway = true;
	}
	set->pools = xcalloc(conf->n_pools + 1, sizeof *set->pools);
	for (size_t i = 0; i < conf->n_pools; i++) {
		const struct conf_dhcp_pool *p = &conf->pools[i];
		if (!pool_follows(p, cc))
			continue;
		struct cap_pool *cp = &set->pools[set->n_pools];
		cp->name = xstrdup(p->name);
		cp->vlan = p->vlan;
		set->n_pools++;
		if (p->subnet && parse_subnet(p->subnet, cp) != 0) {
			log_err("dhcp_pool \"%s\": subnet: \"%s\" is not an IPv4 network/length", p->name, p->subnet);
			return -1;
		}
	}
	return 0;
}

static void free_settings(struct cap_settings *set)
{
	for (size_t i = 0; i < set->n_pools; i++)
		free(set->pools[i].name);
	free(set->pools);
	free(set->prefixes);
	free(set->name);
	memset(set, 0, sizeof *set);
}

/* Everything a running capture depends on; a reload that changes it
 * restarts the capture, anything else keeps its state. */
static char *signature(const struct conf *conf, const struct conf_capture *cc)
{
	char *s = xasprintf("%s|%s|%s|%s|%g|%d|%s|%ld|%ld|%ld|%d|%s|%s|%g|%ld", cc->name, cc->mode,
			    cc->interface ? cc->interface : "", cc->file ? cc->file : "", cc->speed,
			    cc->loop, cc->filter ? cc->filter : "", cc->window, cc->snaplen,
			    cc->station_timeout, cc->airtime, cc->gateway_mac ? cc->gateway_mac : "", conf->state_dir,
			    cc->link_mbps, cc->threads);
	for (size_t i = 0; i < cc->n_local_prefixes; i++) {
		char *t = xasprintf("%s|%s", s, cc->local_prefixes[i]);
		free(s);
		s = t;
	}
	for (size_t i = 0; i < conf->n_pools; i++) {
		const struct conf_dhcp_pool *p = &conf->pools[i];
		if (!pool_follows(p, cc))
			continue;
		char *t = xasprintf("%s|pool=%s,%ld,%s", s, p->name, p->vlan, p->subnet ? p->subnet : "");
		free(s);
		s = t;
	}
	return s;
}

/* ---- opening ---- */

static bool dlt_fits(enum cap_mode mode, int dlt)
{
	if (mode == CAP_DOT11)
		return dlt == DLT_IEEE802_11 || dlt == DLT_IEEE802_11_RADIO || dlt == DLT_PRISM_HEADER;
	return dlt == DLT_EN10MB;
}

/* ---- live: ring size, fan-out, pinning (pcap_live.h) ---- */

static pcap_t *open_live(struct capture *cap, char *errbuf)
{
	if (live_open(&cap->live, cap->iface, cap->snaplen, cap->link_mbps, cap->threads, LIVE_TIMEOUT_MS,
		      errbuf) != 0)
		return NULL;
	return cap->live.m[0].pc;
}

static void close_handles(struct capture *cap)
{
	if (cap->file && cap->pc)
		pcap_close(cap->pc);
	else
		live_close(&cap->live);
	cap->pc = NULL;
}

/* ---- end of live ---- */

static int apply_filter(struct capture *cap, pcap_t *pc)
{
	const char *filter = cap->filter;
	if (!filter && cap->set.mode == CAP_DHCP)
		filter = DHCP_FILTER;
	if (!filter)
		return 0;
	struct bpf_program prog;
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 || pcap_setfilter(pc, &prog) != 0) {
		snprintf(cap->open_error, sizeof cap->open_error, "filter \"%s\": %s", filter, pcap_geterr(pc));
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

/* libpcap reads a file through stdio, by default in 4 KiB read(2)s: a
 * bare read loop spends most of its time in those calls. A larger buffer
 * cuts them 64-fold. */
#define FILE_BUF_SIZE ((size_t)256 << 10)

/* One thread reads a capture file at a time: the lock stdio takes on
 * every read (two a packet, once the process has threads) is pure cost. */
static pcap_t *open_file(struct capture *cap, char *errbuf)
{
	const char *path = cap->file;
	if (strcmp(path, "-") == 0)
		return pcap_open_offline(path, errbuf);
	FILE *fp = fopen(path, "rbe");
	if (!fp) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		return NULL;
	}
	/* The buffer outlives each FILE it serves: pcap_close() closes the
	 * file, capture_free() frees the buffer. */
	if (!cap->file_buf)
		cap->file_buf = xmalloc(FILE_BUF_SIZE);
	setvbuf(fp, cap->file_buf, _IOFBF, FILE_BUF_SIZE);
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	pcap_t *pc = pcap_fopen_offline(fp, errbuf);
	if (!pc)
		fclose(fp);
	return pc;
}

static int open_capture(struct capture *cap)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = cap->file ? open_file(cap, errbuf) : open_live(cap, errbuf);
	if (!pc) {
		snprintf(cap->open_error, sizeof cap->open_error, "%s: %s",
			 cap->file ? cap->file : cap->iface, errbuf);
		return -1;
	}
	int dlt = pcap_datalink(pc);
	if (!dlt_fits(cap->set.mode, dlt)) {
		snprintf(cap->open_error, sizeof cap->open_error, "%s: link type %s does not fit mode %s",
			 cap->file ? cap->file : cap->iface,
			 pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "unknown",
			 cap->set.mode == CAP_DOT11 ? "dot11" : cap->set.mode == CAP_DHCP ? "dhcp" : "uplink");
		cap->pc = pc;
		close_handles(cap);
		return -1;
	}
	cap->pc = pc;
	for (int i = 0; i < (cap->file ? 1 : cap->live.n); i++)
		if (apply_filter(cap, cap->file ? pc : cap->live.m[i].pc) != 0) {
			close_handles(cap);
			return -1;
		}
	cap->dlt = dlt;
	return 0;
}

/* ---- the capture thread ---- */

static void push_report(struct capture *cap, struct cap_report *r)
{
	pthread_mutex_lock(&cap->mu);
	/* Reading a file faster than the loop drains it: wait, never drop. */
	while (cap->qlen == QUEUE_MAX && !atomic_load(&cap->stop))
		pthread_cond_wait(&cap->room, &cap->mu);
	if (atomic_load(&cap->stop)) {
		pthread_mutex_unlock(&cap->mu);
		cap_report_free(r);
		return;
	}
	cap->queue[(cap->qhead + cap->qlen++) % QUEUE_MAX] = r;
	pthread_mutex_unlock(&cap->mu);
	event_active(cap->wake, EV_READ, 0);
}

static void update_drops(struct capture *cap)
{
	if (cap->file || !cap->live.n)
		return;
	cap->st.tot.drops = live_drops(&cap->live);
	if (cap->st.tot.drops > cap->drops_logged) {
		log_warn("capture \"%s\": %llu packets dropped so far (kernel or interface)",
			 cap->set.name, (unsigned long long)cap->st.tot.drops);
		cap->drops_logged = cap->st.tot.drops;
	}
}

static void close_window(struct capture *cap, double t_end, double span, bool final)
{
	update_drops(cap);
	push_report(cap, cap_window_report(&cap->st, t_end, span, final));
}

/* Windows follow the capture's clock. A jump of more than a window (two
 * captures appended, a quiet night) starts a fresh window at the packet
 * instead of emitting every empty window in between. */
static void open_or_close_window(struct capture *cap, double ts)
{
	double w = cap->set.window;
	if (!cap->win_open) {
		cap->win_start = ts;
		cap->win_open = true;
		return;
	}
	if (ts < cap->win_start + w)
		return;
	close_window(cap, cap->win_start + w, w, false);
	cap->win_start = ts < cap->win_start + 2 * w ? cap->win_start + w : ts;
}

/* Every frame asks; nearly every one is inside the open window. */
static inline void advance_window(struct capture *cap, double ts)
{
	if (cap->win_open && ts < cap->win_start + cap->set.window)
		return;
	open_or_close_window(cap, ts);
}

static void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - floor(s)) * 1e9) };
	nanosleep(&ts, NULL);
}

/* Replay on the capture's own clock divided by speed. Gaps longer than a
 * window and backward steps restart the pacing instead of sleeping. */
static void pace(struct capture *cap, double ts)
{
	double now = now_seconds();
	if (!cap->pace_set || ts < cap->pace_prev || ts - cap->pace_prev > cap->set.window) {
		cap->pace_ts = ts;
		cap->pace_real = now;
		cap->pace_set = true;
	}
	cap->pace_prev = ts;
	double due = cap->pace_real + (ts - cap->pace_ts) / cap->speed;
	while (due > now && !atomic_load(&cap->stop)) {
		sleep_seconds(fmin(due - now, PACE_SLICE));
		now = now_seconds();
	}
}

enum read_end { READ_EOF, READ_ERROR, READ_STOPPED };

/* Passes 1, 2, 4, 8...: a short file looped fast would flood the log. */
static void log_pass(const struct capture *cap, double start)
{
	if (cap->passes & (cap->passes - 1))
		return;
	log_debug("capture \"%s\": pass %lu of %s starts at %.6f after %.6f", cap->set.name, cap->passes,
		  cap->file, start, cap->read_last_ts);
}

/* A packet's time on the capture's clock: a looping file is shifted to
 * follow on from the previous pass, a millisecond after its last packet
 * (the first pass: to start now). */
static double packet_ts(struct capture *cap, const struct pcap_pkthdr *h)
{
	double raw = (double)h->ts.tv_sec + (double)h->ts.tv_usec * 1e-6;
	if (cap->loop && !cap->once && !cap->shift_set) {
		cap->shift = (cap->read_last_ts > 0 ? cap->read_last_ts + 0.001 : now_seconds()) - raw;
		cap->shift_set = true;
		cap->passes++;
		log_pass(cap, raw + cap->shift);
	}
	cap->read_last_ts = raw + cap->shift;
	return cap->read_last_ts;
}

static enum read_end read_packets(struct capture *cap, char *error, size_t error_len)
{
	bool pacing = cap->file && cap->speed > 0 && !cap->once;
	while (!atomic_load(&cap->stop)) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(cap->pc, &h, &data);
		if (rc == 1) {
			double ts = packet_ts(cap, h);
			if (pacing)
				pace(cap, ts);
			advance_window(cap, ts);
			cap_packet(&cap->st, cap->dlt, h, data, ts);
		} else if (rc == 0) {
			if (cap->win_open)
				advance_window(cap, now_seconds());
		} else if (rc == PCAP_ERROR_BREAK) {
			return cap->file ? READ_EOF : READ_STOPPED;
		} else {
			snprintf(error, error_len, "%s", pcap_geterr(cap->pc));
			return READ_ERROR;
		}
	}
	return READ_STOPPED;
}

static bool reopen_for_loop(struct capture *cap)
{
	close_handles(cap);
	cap->shift_set = false;
	if (open_capture(cap) == 0)
		return true;
	log_err("capture \"%s\": cannot reopen for the next loop: %s", cap->set.name, cap->open_error);
	return false;
}

/* A live interface that went away (an unplugged adapter, a deleted veth)
 * may come back under its name: try it every 2 s until it opens or the
 * capture is stopped. Windows start again at the next packet. */
static bool reopen_live(struct capture *cap)
{
	close_handles(cap);
	while (!atomic_load(&cap->stop)) {
		struct timespec pause = { 2, 0 };
		nanosleep(&pause, NULL);
		if (!atomic_load(&cap->stop) && open_capture(cap) == 0) {
			log_info("capture \"%s\": %s is open again", cap->set.name, cap->iface);
			return true;
		}
	}
	return false;
}

/* ---- a file read as fast as possible ----
 * Copying a file out of the page cache through libpcap is most of the
 * time a bare read loop takes; here it runs in a reader thread while the
 * capture thread counts the previous batch. Loops (reopening the file)
 * happen on the reader's side. */

/* A file's reader hands over digests instead of frames (cap_d11,
 * cap_eth): for 802.11 a third of the bytes crossing between the cores,
 * for Ethernet a tenth, and the frame is decoded once. Airtime records
 * (cap_d11_air) follow the 802.11 digests in a batch of their own. */
static bool batch_add(struct capture *cap, struct pkt_batch *b, const struct pcap_pkthdr *h,
		      const u_char *data, double ts)
{
	return cap_batch_digest(&cap->st, &cap->reader_dg, b, h, data, ts);
}

static double thread_cpu_seconds(void)
{
	struct timespec t;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0)
		return 0;
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void read_file_passes(struct capture *cap, struct pkt_batch *b)
{
	enum read_end end = READ_EOF;
	b->dlt = cap->dlt;
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(cap->pc, &h, &data);
		if (rc == 1) {
			double ts = packet_ts(cap, h);
			if (batch_add(cap, b, h, data, ts))
				continue;
			pkt_ring_publish(&cap->ring);
			if (!(b = pkt_ring_fill(&cap->ring)))
				return;
			b->dlt = cap->dlt;
			batch_add(cap, b, h, data, ts);
		} else if (rc == PCAP_ERROR_BREAK) {
			if (atomic_load(&cap->stop))
				return;
			if (!cap->loop || cap->once || !reopen_for_loop(cap))
				break;
			/* A batch holds one link type: the file may have changed. */
			if (b->n) {
				pkt_ring_publish(&cap->ring);
				if (!(b = pkt_ring_fill(&cap->ring)))
					return;
			}
			b->dlt = cap->dlt;
		} else {
			snprintf(cap->reader_error, sizeof cap->reader_error, "%s", pcap_geterr(cap->pc));
			end = READ_ERROR;
			break;
		}
	}
	cap->reader_end = end;
	cap->reader_cpu = thread_cpu_seconds();
	b->last = true;
	pkt_ring_publish(&cap->ring);
}

static void *reader_main(void *arg)
{
	struct capture *cap = arg;
	struct pkt_batch *b = pkt_ring_fill(&cap->ring);
	if (b)
		read_file_passes(cap, b);
	return NULL;
}

/* Table slots are requested this many packets ahead of their use. */
#define LOOKAHEAD 8

static void count_digests(struct capture *cap, const struct pkt_batch *b)
{
	const struct cap_d11 *d = cap_batch_d11(b);
	const struct cap_d11_air *air = cap->set.airtime ? cap_batch_air(b) : NULL;
	struct cap_ahead ahead[LOOKAHEAD];
	for (size_t i = 0; i < b->n + LOOKAHEAD; i++) {
		struct cap_ahead *a = &ahead[i % LOOKAHEAD];
		if (i >= LOOKAHEAD) {
			const struct cap_d11 *f = &d[i - LOOKAHEAD];
			advance_window(cap, f->ts);
			cap_dot11_frame(&cap->st, f, air ? air + (i - LOOKAHEAD) : NULL, a);
		}
		if (i < b->n)
			cap_dot11_prefetch(&cap->st, &d[i], a);
	}
}

/* Frames are counted a group at a time, after their table slots were
 * all loaded at once (cap_ether_load()). */
#define ETHER_GROUP 32

static void count_ether_digests(struct capture *cap, const struct pkt_batch *b)
{
	const struct cap_eth *d = (const struct cap_eth *)(const void *)b->data;
	for (size_t g = 0; g < b->n; g += ETHER_GROUP) {
		size_t end = g + ETHER_GROUP < b->n ? g + ETHER_GROUP : b->n;
		cap_ether_load(&cap->st, d + g, end - g);
		for (size_t i = g; i < end; i++) {
			advance_window(cap, d[i].ts);
			cap_ether_frame(&cap->st, &d[i]);
		}
	}
}

static enum read_end count_file(struct capture *cap, char *error, size_t error_len)
{
	pthread_t reader;
	pkt_ring_open(&cap->ring);
	cap->reader_error[0] = '\0';
	cap->reader_dg = (struct d11_digester){ .airtime = cap->set.airtime };
	if (pthread_create(&reader, NULL, reader_main, cap) != 0) {
		snprintf(error, error_len, "cannot start a reader thread");
		return READ_ERROR;
	}
	enum read_end end = READ_STOPPED;
	double counting_cpu = thread_cpu_seconds();
	struct pkt_batch *b;
	while ((b = pkt_ring_drain(&cap->ring))) {
		if (b->dlt != DLT_EN10MB)
			count_digests(cap, b);
		else
			count_ether_digests(cap, b);
		bool last = b->last;
		pkt_ring_release(&cap->ring);
		if (last) {
			end = (enum read_end)cap->reader_end;
			snprintf(error, error_len, "%s", cap->reader_error);
			/* Which side a fast read waited on. */
			log_debug("capture \"%s\": %llu packets read; CPU seconds: reader %.3f, counting %.3f",
				  cap->set.name, (unsigned long long)cap->st.tot.packets, cap->reader_cpu,
				  thread_cpu_seconds() - counting_cpu);
			break;
		}
	}
	pthread_join(reader, NULL);
	return end;
}

/* ---- live: one thread reads and counts ---- */

/* A live capture's first window starts when it opens, so a quiet link
 * reports (zero traffic, up) instead of going stale. */
static void open_live_window(struct capture *cap)
{
	if (!cap->win_open) {
		cap->win_start = now_seconds();
		cap->win_open = true;
	}
}

static void count_batch(struct capture *cap, struct pkt_batch *b)
{
	if (b->dlt != DLT_EN10MB)
		count_digests(cap, b);
	else
		count_ether_digests(cap, b);
	b->n = 0;
}

/* Frames are digested as they come and counted a block (or a batch) at
 * a time, as a file's are: table slots are requested ahead, so the
 * cache misses of one frame's lookups overlap the next ones'. */
static void on_live_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *cap = (struct capture *)(void *)arg;
	struct pkt_batch *b = cap->live_batch;
	live_prefetch(&cap->live_ahead, data);
	double ts = packet_ts(cap, h);
	if (!cap_batch_digest(&cap->st, &cap->st.dg, b, h, data, ts)) {
		count_batch(cap, b);
		cap_batch_digest(&cap->st, &cap->st.dg, b, h, data, ts);
	}
}

/* With TPACKET_V3 libpcap blocks until the kernel hands over a block,
 * and the kernel never hands over an empty one: a quiet link would keep
 * its window open. Non-blocking reads and a poll with a timeout close
 * windows on time.
 * Once a busy link's blocks are read, the thread naps LIVE_NAP before it
 * looks again, instead of being woken for each block (every 2 ms at
 * 1 Gbit/s): it then reads several blocks a wake-up, and each wake-up
 * costs a context switch and a cold cache and TLB. The kernel's ring
 * holds an eighth of a second of line rate, eight naps. A quiet link is
 * waited for with poll as before. */
static enum read_end read_live(struct capture *cap, char *error, size_t error_len)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	if (pcap_setnonblock(cap->pc, 1, errbuf) != 0) {
		snprintf(error, error_len, "%s", errbuf);
		return READ_ERROR;
	}
	struct pollfd p = { .fd = pcap_get_selectable_fd(cap->pc), .events = POLLIN };
	if (!cap->live_batch)
		cap->live_batch = xcalloc_aligned(_Alignof(struct pkt_batch), sizeof *cap->live_batch);
	cap->live_batch->dlt = cap->dlt;
	open_live_window(cap);
	enum read_end end = READ_STOPPED;
	bool busy = false;
	while (!atomic_load(&cap->stop)) {
		int rc = pcap_dispatch(cap->pc, -1, on_live_frame, (u_char *)cap);
		count_batch(cap, cap->live_batch);
		if (rc == PCAP_ERROR_BREAK)
			break;
		if (rc < 0) {
			snprintf(error, error_len, "%s", pcap_geterr(cap->pc));
			end = READ_ERROR;
			break;
		}
		if (rc > 0) {
			busy = true;
		} else if (busy) {
			busy = false;
			sleep_seconds(LIVE_NAP);
		} else if (poll(&p, 1, LIVE_TIMEOUT_MS) == 0) {
			advance_window(cap, now_seconds());
		}
	}
	return end;
}

/* ---- live, fanned out: members digest, this thread counts ---- */

static enum read_end read_fanout(struct capture *cap, char *error, size_t error_len)
{
	if (live_start(&cap->live, &cap->st, cap->dlt) != 0) {
		snprintf(error, error_len, "cannot start the fan-out threads");
		return READ_ERROR;
	}
	enum read_end end = READ_STOPPED;
	open_live_window(cap);
	while (!atomic_load(&cap->stop)) {
		struct pkt_ring *from;
		struct pkt_batch *b = live_next(&cap->live, &from, LIVE_TIMEOUT_MS);
		if (b) {
			count_batch(cap, b);
			pkt_ring_release(from);
			continue;
		}
		if (live_error(&cap->live)) {
			snprintf(error, error_len, "%s", live_error(&cap->live));
			end = READ_ERROR;
			break;
		}
		advance_window(cap, now_seconds());
	}
	live_stop(&cap->live);
	return end;
}

/* ---- end of live, fanned out ---- */

/* A live capture's tables are resident before its first frame; a file
 * read once touches only what its clients need. */
static void pretouch_tables(struct capture *cap)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t bytes = cap_state_pretouch(&cap->st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("capture \"%s\": tables resident, %zu KiB, in %.1f ms", cap->set.name, bytes >> 10,
		 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
}

static void *capture_main(void *arg)
{
	struct capture *cap = arg;
	char error[PCAP_ERRBUF_SIZE + 64] = "";
	enum read_end end;
	bool pacing = cap->speed > 0 && !cap->once;
	if (!cap->file)
		pretouch_tables(cap);
	for (;;) {
		if (cap->file && !pacing) {
			end = count_file(cap, error, sizeof error);
			break;
		}
		if (!cap->file)
			end = cap->live.n > 1 ? read_fanout(cap, error, sizeof error)
					      : read_live(cap, error, sizeof error);
		else
			end = read_packets(cap, error, sizeof error);
		if (end == READ_ERROR && !cap->file && !cap->once) {
			log_warn("capture \"%s\": %s: %s; reopening it every 2 s", cap->set.name, cap->iface, error);
			if (reopen_live(cap))
				continue;
			end = READ_STOPPED;
		}
		if (end != READ_EOF || !cap->loop || cap->once || !reopen_for_loop(cap))
			break;
	}
	if (end == READ_STOPPED)
		return NULL;
	update_drops(cap);
	struct cap_report *r = cap_window_report(&cap->st, cap->st.last_ts,
						 cap->win_open ? cap->st.last_ts - cap->win_start : 0, true);
	snprintf(r->error, sizeof r->error, "%s", error);
	push_report(cap, r);
	return NULL;
}

/* ---- emitting on the loop ---- */

static double rate(uint64_t n, double span, double factor)
{
	return span > 0 ? (double)n * factor / span : NAN;
}

static void emit_uplinks(struct capture *cap, const struct cap_report *r, double now)
{
	struct collector *c = cap->owner->c;
	for (size_t i = 0; i < c->conf->n_uplinks; i++) {
		const struct conf_uplink *u = &c->conf->uplinks[i];
		if (!u->capture || strcmp(u->capture, cap->set.name) != 0)
			continue;
		char e[SAMPLE_ENTITY_MAX];
		snprintf(e, sizeof e, "uplink:%s", u->name);
		collector_emit(c, e, "bps_in", rate(r->win.bytes_in, r->span, 8), now, NULL);
		collector_emit(c, e, "bps_out", rate(r->win.bytes_out, r->span, 8), now, NULL);
		collector_emit(c, e, "pps_in", rate(r->win.packets_in, r->span, 1), now, NULL);
		collector_emit(c, e, "pps_out", rate(r->win.packets_out, r->span, 1), now, NULL);
		collector_emit(c, e, "octets_in_total", (double)r->tot.bytes_in, now, NULL);
		collector_emit(c, e, "octets_out_total", (double)r->tot.bytes_out, now, NULL);
	}
}

static void emit_pools(struct capture *cap, const struct cap_report *r, double now)
{
	for (size_t i = 0; i < r->n_pools && i < cap->set.n_pools; i++) {
		char e[SAMPLE_ENTITY_MAX];
		snprintf(e, sizeof e, "pool:%s", cap->set.pools[i].name);
		collector_emit(cap->owner->c, e, "leases", (double)r->pool_leases[i], now, NULL);
	}
}

static void format_mac(const uint8_t *m, char *out, size_t n)
{
	snprintf(out, n, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static int ap_of_bssid(const struct conf *conf, const char *mac)
{
	for (size_t i = 0; i < conf->n_aps; i++)
		for (size_t j = 0; j < conf->aps[i].n_bssids; j++)
			if (strcasecmp(conf->aps[i].bssids[j], mac) == 0)
				return (int)i;
	return -1;
}

struct ap_sum {
	bool seen;
	uint32_t clients, c2g4, c5g, c6g;
};

static void emit_aps(struct capture *cap, const struct cap_report *r, double now)
{
	struct collector *c = cap->owner->c;
	const struct conf *conf = c->conf;
	struct ap_sum *sum = xcalloc(conf->n_aps + 1, sizeof *sum);
	for (size_t i = 0; i < r->n_bss; i++) {
		const struct cap_bss *b = &r->bss[i];
		char mac[18], e[SAMPLE_ENTITY_MAX];
		format_mac(b->mac, mac, sizeof mac);
		int ap = ap_of_bssid(conf, mac);
		if (ap >= 0) {
			sum[ap].seen = true;
			sum[ap].clients += b->clients;
			sum[ap].c2g4 += b->clients_2g4;
			sum[ap].c5g += b->clients_5g;
			sum[ap].c6g += b->clients_6g;
		} else if (b->data_sta || b->assoc_sta) {
			snprintf(e, sizeof e, "ap:bssid-%s", mac);
			collector_emit(c, e, "unplanned", 1, now, "unplanned / neighbouring");
			collector_emit(c, e, "clients", b->clients, now, "unplanned / neighbouring");
		}
	}
	for (size_t i = 0; i < conf->n_aps; i++) {
		if (!sum[i].seen)
			continue;
		char e[SAMPLE_ENTITY_MAX];
		snprintf(e, sizeof e, "ap:%s", conf->aps[i].name);
		collector_emit(c, e, "clients", sum[i].clients, now, NULL);
		collector_emit(c, e, "clients_2g4", sum[i].c2g4, now, NULL);
		collector_emit(c, e, "clients_5g", sum[i].c5g, now, NULL);
		collector_emit(c, e, "clients_6g", sum[i].c6g, now, NULL);
	}
	free(sum);
}

/* A channel's name: its number on 2.4 and 5 GHz, "6g" and the number on
 * 6 GHz (whose numbers repeat 2.4 GHz's), the frequency off the grid,
 * "unknown" for frames without one (no radiotap Channel field). */
static void channel_name(uint16_t freq, char *out, size_t n)
{
	int ch = channel_of_freq(freq);
	if (!freq)
		snprintf(out, n, "unknown");
	else if (!ch)
		snprintf(out, n, "%uMHz", (unsigned)freq);
	else if (band_of_freq(freq) == BAND_6G)
		snprintf(out, n, "6g%d", ch);
	else
		snprintf(out, n, "%d", ch);
}

/* Busy percent of the window; NAN when nothing rated was heard (a
 * channel whose frames all lack rates is unknown, not idle). */
static double utilization(const struct cap_air *a, double span)
{
	if (span <= 0 || a->frames == a->no_rate)
		return NAN;
	return fmin(100.0, (double)a->ns * 1e-9 / span * 100.0);
}

static void emit_air_of(struct collector *c, const char *e, const struct cap_air *a, double span, double now)
{
	collector_emit(c, e, "utilization", utilization(a, span), now, NULL);
	collector_emit(c, e, "retry_ratio", a->frames ? (double)a->retries / a->frames : NAN, now, NULL);
}

/* Channels and BSSIDs heard in this window, and once more (unknown) in
 * the window after they fall silent. */
static void emit_air(struct capture *cap, const struct cap_report *r, double now)
{
	struct collector *c = cap->owner->c;
	char e[SAMPLE_ENTITY_MAX], name[16], text[32];
	for (size_t i = 0; i < r->n_chans; i++) {
		const struct cap_chan *ch = &r->chans[i];
		if (!ch->air.frames && !ch->air.last_window)
			continue;
		channel_name(ch->freq, name, sizeof name);
		snprintf(e, sizeof e, "channel:%s/%s", cap->set.name, name);
		emit_air_of(c, e, &ch->air, r->span, now);
		collector_emit(c, e, "frames_no_rate", ch->air.no_rate, now, NULL);
	}
	for (size_t i = 0; i < r->n_bss; i++) {
		const struct cap_bss *b = &r->bss[i];
		if (!b->air.frames && !b->air.last_window)
			continue;
		char mac[18];
		format_mac(b->mac, mac, sizeof mac);
		snprintf(e, sizeof e, "bssid:%s/%s", cap->set.name, mac);
		emit_air_of(c, e, &b->air, r->span, now);
		snprintf(text, sizeof text, "%u MHz", (unsigned)b->freq);
		int ch = channel_of_freq(b->freq);
		collector_emit(c, e, "channel", ch ? ch : NAN, now, b->freq ? text : NULL);
	}
}

static const char *const dhcp_names[DHCP_MSG_MAX] = {
	[DHCP_DISCOVER] = "discover", [DHCP_OFFER] = "offer", [DHCP_REQUEST] = "request",
	[DHCP_DECLINE] = "decline", [DHCP_ACK] = "ack", [DHCP_NAK] = "nak",
	[DHCP_RELEASE] = "release", [DHCP_INFORM] = "inform",
};

/* Whole-run figures, printed by -T so they can be checked against tshark. */
static void emit_detail(struct capture *cap, const struct cap_report *r, const char *e, double now)
{
	struct collector *c = cap->owner->c;
	const struct cap_totals *t = &r->tot;
	collector_emit(c, e, "cap_bytes_total", (double)t->cap_bytes, now, NULL);
	collector_emit(c, e, "saturated", r->saturated, now, NULL);
	if (cap->set.mode == CAP_DOT11) {
		collector_emit(c, e, "data_frames_total", (double)t->data_frames, now, NULL);
		collector_emit(c, e, "data_frames_wds", (double)t->data_wds, now, NULL);
		collector_emit(c, e, "data_frames_ds0", (double)t->data_ds0, now, NULL);
		collector_emit(c, e, "bad_fcs_total", (double)t->bad_fcs, now, NULL);
		collector_emit(c, e, "beacon_bssids", r->beacon_bssids, now, NULL);
		collector_emit(c, e, "bssids_with_stations", r->bssids_with_stations, now, NULL);
		collector_emit(c, e, "data_stations", t->distinct[K_STA], now, NULL);
		if (cap->set.airtime) {
			collector_emit(c, e, "air_frames_total", (double)t->air_frames, now, NULL);
			collector_emit(c, e, "air_frames_no_rate_total", (double)t->air_no_rate, now, NULL);
			collector_emit(c, e, "airtime_seconds_total", (double)t->air_ns * 1e-9, now, NULL);
		}
		for (size_t i = 0; i < r->n_bss; i++) {
			const struct cap_bss *b = &r->bss[i];
			char mac[18], be[SAMPLE_ENTITY_MAX];
			format_mac(b->mac, mac, sizeof mac);
			snprintf(be, sizeof be, "bssid:%s", mac);
			collector_emit(c, be, "beacon", b->beacon, now, NULL);
			collector_emit(c, be, "data_stations", b->data_sta, now, NULL);
			collector_emit(c, be, "tx_stations", b->tx_sta, now, NULL);
			collector_emit(c, be, "assoc_stations", b->assoc_sta, now, NULL);
			collector_emit(c, be, "clients", b->clients, now, NULL);
		}
		return;
	}
	static const struct { int kind; const char *name; } distinct[] = {
		{ K_SRC_MAC, "src_macs" }, { K_SRC_MAC_UNICAST, "src_macs_unicast" },
		{ K_IP4, "ipv4_addrs" }, { K_IP4_SRC, "ipv4_src" }, { K_IP4_SRC_PRIVATE, "ipv4_src_private" },
		{ K_IP6, "ipv6_addrs" }, { K_IP6_SRC, "ipv6_src" }, { K_LEASE, "dhcp_leases_seen" },
	};
	for (size_t i = 0; i < sizeof distinct / sizeof *distinct; i++)
		collector_emit(c, e, distinct[i].name, t->distinct[distinct[i].kind], now, NULL);
	for (int m = 1; m < DHCP_MSG_MAX; m++) {
		char metric[SAMPLE_METRIC_MAX];
		snprintf(metric, sizeof metric, "dhcp_%s_total", dhcp_names[m]);
		collector_emit(c, e, metric, (double)t->dhcp_msgs[m], now, NULL);
	}
	collector_emit(c, e, "vlans", (double)r->n_vlans, now, NULL);
	for (size_t i = 0; i < r->n_vlans; i++) {
		char metric[SAMPLE_METRIC_MAX];
		snprintf(metric, sizeof metric, "vlan_%d_frames", r->vlans[i].id);
		collector_emit(c, e, metric, (double)r->vlans[i].frames, now, NULL);
	}
}

static void emit_report(struct capture *cap, const struct cap_report *r)
{
	struct collector *c = cap->owner->c;
	double now = collector_now(c);
	char e[SAMPLE_ENTITY_MAX];
	snprintf(e, sizeof e, "capture:%s", cap->set.name);
	collector_emit(c, e, "up", 1, now, NULL);
	collector_emit(c, e, "packets_total", (double)r->tot.packets, now, NULL);
	collector_emit(c, e, "bytes_total", (double)r->tot.bytes, now, NULL);
	collector_emit(c, e, "drops_total", (double)r->tot.drops, now, NULL);
	collector_emit(c, e, "malformed_total", (double)r->tot.malformed, now, NULL);
	if (cap->set.mode == CAP_DOT11) {
		emit_aps(cap, r, now);
		if (cap->set.airtime)
			emit_air(cap, r, now);
	} else {
		collector_emit(c, e, "active_clients", r->active_clients, now, NULL);
		collector_emit(c, e, "devices_day_global", r->day_global, now, NULL);
		collector_emit(c, e, "devices_day_random", r->day_random, now, NULL);
		emit_uplinks(cap, r, now);
		emit_pools(cap, r, now);
	}
	if (r->final) {
		collector_emit(c, e, "read_error", r->error[0] != 0, now, r->error[0] ? r->error : NULL);
		if (c->once)
			emit_detail(cap, r, e, now);
	}
}

static void maybe_cycle_done(struct pcap_collector *pc)
{
	if (!pc->c->once || pc->cycle_reported)
		return;
	for (size_t i = 0; i < pc->n_caps; i++)
		if (!pc->caps[i]->done)
			return;
	pc->cycle_reported = true;
	pc->c->sink->cycle_done(pc->c->sink, "pcap");
}

static void log_end(const struct capture *cap, const struct cap_report *r)
{
	if (r->error[0])
		log_warn("capture \"%s\": read error after %llu packets: %s", cap->set.name,
			 (unsigned long long)r->tot.packets, r->error);
	log_info("capture \"%s\": end of file: packets %llu bytes %llu in %llu out %llu malformed %llu",
		 cap->set.name, (unsigned long long)r->tot.packets, (unsigned long long)r->tot.bytes,
		 (unsigned long long)r->tot.bytes_in, (unsigned long long)r->tot.bytes_out,
		 (unsigned long long)r->tot.malformed);
}

static void on_reports(evutil_socket_t fd, short what, void *arg)
{
	struct capture *cap = arg;
	struct cap_report *batch[QUEUE_MAX];
	size_t n = 0;
	pthread_mutex_lock(&cap->mu);
	while (cap->qlen) {
		batch[n++] = cap->queue[cap->qhead];
		cap->qhead = (cap->qhead + 1) % QUEUE_MAX;
		cap->qlen--;
	}
	pthread_cond_signal(&cap->room);
	pthread_mutex_unlock(&cap->mu);
	for (size_t i = 0; i < n; i++) {
		emit_report(cap, batch[i]);
		if (batch[i]->final) {
			log_end(cap, batch[i]);
			cap->done = true;
		}
		cap_report_free(batch[i]);
	}
	maybe_cycle_done(cap->owner);
}

/* ---- lifecycle ---- */

static void emit_down(struct pcap_collector *pc, const char *name, const char *why)
{
	char e[SAMPLE_ENTITY_MAX];
	snprintf(e, sizeof e, "capture:%s", name);
	collector_emit(pc->c, e, "up", 0, collector_now(pc->c), why);
}

static void capture_free(struct capture *cap)
{
	if (cap->running) {
		atomic_store(&cap->stop, true);
		if (cap->pc)
			pcap_breakloop(cap->pc);
		if (!cap->file)
			live_wake(&cap->live);
		pthread_mutex_lock(&cap->mu);
		pthread_cond_broadcast(&cap->room);
		pthread_mutex_unlock(&cap->mu);
		pkt_ring_wake(&cap->ring);
		pthread_join(cap->thread, NULL);
	}
	for (size_t i = 0; i < cap->qlen; i++)
		cap_report_free(cap->queue[(cap->qhead + i) % QUEUE_MAX]);
	if (cap->wake)
		event_free(cap->wake);
	close_handles(cap);
	live_free(&cap->live);
	free(cap->live_batch);
	free(cap->file_buf);
	if (cap->running || cap->st.set)
		cap_state_free(&cap->st);
	pthread_mutex_destroy(&cap->mu);
	pthread_cond_destroy(&cap->room);
	pkt_ring_free(&cap->ring);
	free_settings(&cap->set);
	free(cap->sig);
	free(cap->file);
	free(cap->iface);
	free(cap->filter);
	free(cap);
}

static long snaplen_for(const struct conf *conf, const struct conf_capture *cc, const struct cap_settings *set)
{
	long snap = cc->snaplen > 0 ? cc->snaplen : 256;
	/* DHCP options start 282 bytes into a frame. */
	if (set->n_pools > 0 && snap < DHCP_SNAPLEN)
		snap = DHCP_SNAPLEN;
	return snap;
}

static struct capture *capture_new(struct pcap_collector *pc, const struct conf *conf, const struct conf_capture *cc)
{
	/* Its reader's and counter's fields start cache lines of their own. */
	struct capture *cap = xcalloc_aligned(_Alignof(struct capture), sizeof *cap);
	cap->owner = pc;
	pthread_mutex_init(&cap->mu, NULL);
	pthread_cond_init(&cap->room, NULL);
	pkt_ring_init(&cap->ring, &cap->stop);
	live_init(&cap->live);
	cap->sig = signature(conf, cc);
	cap->file = cc->file ? xstrdup(cc->file) : NULL;
	cap->iface = cc->interface ? xstrdup(cc->interface) : NULL;
	cap->filter = cc->filter ? xstrdup(cc->filter) : NULL;
	cap->speed = cc->speed;
	cap->loop = cc->loop;
	cap->link_mbps = cc->link_mbps > 0 ? cc->link_mbps : 1000;
	cap->threads = cc->threads > 1 ? (int)cc->threads : 1;
	cap->once = pc->c->once;
	if (build_settings(conf, cc, &cap->set) != 0) {
		capture_free(cap);
		return NULL;
	}
	cap->snaplen = snaplen_for(conf, cc, &cap->set);
	return cap;
}

/* Open and run; a capture that cannot open is reported down, not fatal,
 * so an unplugged adapter does not stop the rest of the monitor. */
static void capture_launch(struct capture *cap)
{
	struct pcap_collector *pc = cap->owner;
	if (cap->once && !cap->file) {
		log_warn("capture \"%s\": live interface %s skipped in -T (files only)", cap->set.name, cap->iface);
		cap->done = true;
		return;
	}
	if (open_capture(cap) != 0) {
		log_err("capture \"%s\": %s", cap->set.name, cap->open_error);
		emit_down(pc, cap->set.name, cap->open_error);
		cap->done = true;
		return;
	}
	cap_state_init(&cap->st, &cap->set, &pc->key);
	/* Also a timer: keeps the loop alive in -T and drains the queue even
	 * if a wake-up were ever missed. */
	cap->wake = event_new(pc->c->base, -1, EV_PERSIST, on_reports, cap);
	struct timeval second = { 1, 0 };
	event_add(cap->wake, &second);
	if (pthread_create(&cap->thread, NULL, capture_main, cap) != 0) {
		log_err("capture \"%s\": cannot start its thread", cap->set.name);
		cap->done = true;
		return;
	}
	cap->running = true;
	log_info("capture \"%s\": reading %s %s (%s)", cap->set.name, cap->file ? "file" : "interface",
		 cap->file ? cap->file : cap->iface, pcap_datalink_val_to_name(cap->dlt));
	if (!cap->file) {
		live_pin(cap->thread, 0, cap->live.n > 1 ? cap->live.n + 1 : 1);
		log_info("capture \"%s\": %d thread%s, kernel ring %zu KiB each (link_mbps %g)", cap->set.name,
			 cap->live.n, cap->live.n > 1 ? "s fanned out" : "",
			 live_ring_bytes(cap->link_mbps, cap->live.n) >> 10, cap->link_mbps);
	}
}

static int pcap_start(struct collector *c)
{
	struct pcap_collector *pc = xcalloc(1, sizeof *pc);
	pc->c = c;
	c->priv = pc;
	if (c->conf->n_captures)
		client_key_load(c->conf, "pcap", &pc->key);
	pc->caps = xcalloc(c->conf->n_captures + 1, sizeof *pc->caps);
	for (size_t i = 0; i < c->conf->n_captures; i++) {
		struct capture *cap = capture_new(pc, c->conf, &c->conf->captures[i]);
		if (!cap)
			return -1;
		pc->caps[pc->n_caps++] = cap;
	}
	for (size_t i = 0; i < pc->n_caps; i++)
		capture_launch(pc->caps[i]);
	if (c->once)
		maybe_cycle_done(pc);
	return 0;
}

static struct capture *take_matching(struct pcap_collector *pc, const char *sig)
{
	for (size_t i = 0; i < pc->n_caps; i++) {
		struct capture *cap = pc->caps[i];
		if (cap && strcmp(cap->sig, sig) == 0) {
			pc->caps[i] = NULL;
			return cap;
		}
	}
	return NULL;
}

static int pcap_reconfigure(struct collector *c, const struct conf *conf)
{
	struct pcap_collector *pc = c->priv;
	struct capture **next = xcalloc(conf->n_captures + 1, sizeof *next);
	size_t n = 0;
	int rc = 0;
	for (size_t i = 0; i < conf->n_captures; i++) {
		char *sig = signature(conf, &conf->captures[i]);
		struct capture *cap = take_matching(pc, sig);
		free(sig);
		if (!cap) {
			cap = capture_new(pc, conf, &conf->captures[i]);
			if (!cap) {
				rc = -1;
				continue;
			}
			cap->done = false;
			next[n++] = cap;
			cap->owner = pc;
			continue;
		}
		next[n++] = cap;
	}
	for (size_t i = 0; i < pc->n_caps; i++)
		if (pc->caps[i])
			capture_free(pc->caps[i]);
	free(pc->caps);
	pc->caps = next;
	pc->n_caps = n;
	c->conf = conf;
	if (n && !pc->key.k0 && !pc->key.k1)
		client_key_load(conf, "pcap", &pc->key);
	for (size_t i = 0; i < n; i++)
		if (!next[i]->running && !next[i]->done)
			capture_launch(next[i]);
	return rc;
}

static void pcap_stop(struct collector *c)
{
	struct pcap_collector *pc = c->priv;
	if (!pc)
		return;
	for (size_t i = 0; i < pc->n_caps; i++)
		if (pc->caps[i])
			capture_free(pc->caps[i]);
	free(pc->caps);
	free(pc);
	c->priv = NULL;
}

const struct collector_ops pcap_collector_ops = {
	.name = "pcap",
	.start = pcap_start,
	.reconfigure = pcap_reconfigure,
	.stop = pcap_stop,
};
