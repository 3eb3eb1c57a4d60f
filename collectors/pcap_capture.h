/*
 * pcap_capture: the per-capture aggregation state that lives in the
 * capture thread, and the window reports that cross to the event loop.
 *
 * cap_packet() is the hot path: no lock, no allocation, no system call;
 * addresses are reduced to keyed hashes before they touch a table.
 * cap_window_report() closes a window (expires stations and leases,
 * snapshots counters) and returns a malloc'd report the loop frees with
 * cap_report_free(). Everything here is used by one thread at a time.
 */
#ifndef HEADROOM_PCAP_CAPTURE_H
#define HEADROOM_PCAP_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "collectors/decode.h"
#include "collectors/pcap_hash.h"
#include "collectors/siphash.h"

struct pcap_pkthdr;

enum cap_mode { CAP_UPLINK, CAP_DOT11, CAP_DHCP };

/* Distinct things counted over the whole run (for -T totals). */
enum cap_kind {
	K_SRC_MAC, K_SRC_MAC_UNICAST, K_IP4, K_IP4_SRC, K_IP4_SRC_PRIVATE,
	K_IP6, K_IP6_SRC, K_LEASE, K_DATA_STA, K_TX_STA, K_ASSOC_STA, K_STA,
	K_N
};

#define CAP_MAX_BSS 4096
#define CAP_VLANS 4096
#define CAP_NO_POOL 0xffffu

struct cap_prefix {
	int family;
	uint8_t addr[16];
	unsigned bits;
};

struct cap_pool {
	char *name;
	long vlan;			/* -1 any */
	bool has_subnet;
	uint32_t net, mask;		/* host byte order */
};

/* A private copy of the config the capture thread reads. */
struct cap_settings {
	char *name;
	enum cap_mode mode;
	double window;
	double station_timeout;
	struct cap_prefix *prefixes;
	size_t n_prefixes;
	bool has_gateway;
	uint8_t gateway[6];
	struct cap_pool *pools;
	size_t n_pools;
	long utc_offset;		/* seconds east of UTC: devices per local day */
};

struct cap_bss {
	uint8_t mac[6];
	bool beacon;
	double flushed_at;		/* broadcast deauth: stations seen before leave */
	uint32_t data_sta, tx_sta, assoc_sta;	/* distinct over the run */
	uint32_t clients, clients_2g4, clients_5g, clients_6g;	/* at window end */
};

struct cap_totals {
	uint64_t packets, bytes, cap_bytes, malformed, drops;
	uint64_t packets_in, packets_out, bytes_in, bytes_out;
	uint64_t dhcp_msgs[DHCP_MSG_MAX];
	uint64_t data_frames, data_wds, data_ds0, bad_fcs;
	uint32_t distinct[K_N];
};

struct cap_window {
	uint64_t packets, bytes, packets_in, packets_out, bytes_in, bytes_out;
};

struct cap_vlan_count {
	int id;
	uint64_t frames;
};

struct cap_report {
	double t_end;			/* capture clock */
	double span;			/* seconds the window covered */
	bool final;			/* the capture ended (file read to its end) */
	bool saturated;			/* a table was full: counts are lower bounds */
	char error[256];		/* read error at the end, or "" */
	struct cap_window win;
	struct cap_totals tot;
	uint32_t active_clients, day_global, day_random;
	uint32_t beacon_bssids, bssids_with_stations;
	uint32_t *pool_leases;		/* one per settings pool */
	size_t n_pools;
	struct cap_bss *bss;		/* BSSIDs that ever had stations or beacons */
	size_t n_bss;
	struct cap_vlan_count *vlans;
	size_t n_vlans;
};

/* The previous packet's address and its entry: a flow's next packet
 * skips the hash and the probe. In memory only, overwritten by the next
 * packet, never reported. */
struct cap_recent {
	uint8_t addr[16];
	uint8_t len;
	struct atab_entry *e;
};

/* A packet's address hashes, worked out a few packets ahead of it by
 * cap_prefetch(), which also starts loading their table slots: by the
 * time cap_packet_ahead() reaches the packet its cache misses are over.
 * n = 0: nothing worked out (the packet takes the ordinary path). */
#define CAP_AHEAD_MAX 3
struct cap_ahead {
	uint8_t n;
	uint64_t h[CAP_AHEAD_MAX];
};

struct cap_state {
	const struct cap_settings *set;
	const struct cap_ahead *ahead;	/* the current packet's, or NULL */
	struct sipkey key;
	double last_ts;
	struct cap_window win;
	struct cap_totals tot;
	struct atab addrs;		/* every hashed address: kinds, window, day */
	uint32_t window_stamp;		/* this window's stamp in addrs */
	uint32_t active_clients;	/* entries stamped this window */
	uint16_t day_stamp;		/* this local day's stamp in addrs */
	long day;			/* local day number, -1 before the first */
	double day_end;			/* capture clock when it ends */
	uint32_t day_global, day_random;
	struct cap_recent recent_mac, recent_ip[2];
	uint64_t *vlan_frames;		/* CAP_VLANS counters */
	/* dhcp */
	struct hmap leases;		/* t = expiry, v = pool index */
	/* dot11 */
	struct hmap stations;		/* t = last seen, v = bss | band << 16 */
	struct hmap bss_index;		/* v = index into bss */
	struct cap_bss *bss;
	size_t n_bss;
};

/* An 802.11 frame reduced to what counting stations needs. A fast file's
 * reader thread makes these, so 32 bytes a frame cross to the capture
 * thread instead of the frame; live and paced captures make one on the
 * stack. The addresses are the frame's own, held no longer than the frame
 * they replace: they are hashed before they touch a table. */
enum d11_what {
	D11_OTHER,			/* control frames, other management */
	D11_MALFORMED, D11_BAD_FCS,
	D11_DATA,			/* a data frame naming no station */
	D11_DATA_STA,			/* ... naming sta at bssid */
	D11_BEACON,			/* bssid */
	D11_ASSOC,			/* a successful (re)association of sta */
	D11_LEAVE,			/* deauth/disassoc of sta */
	D11_LEAVE_ALL,			/* ... of every station of bssid */
};

struct cap_d11 {
	double ts;
	uint32_t len, caplen;
	uint8_t what, ds, band, pad;
	uint8_t sta[6], bssid[6];
};
_Static_assert(sizeof(struct cap_d11) == 32, "two digests a cache line");

void cap_state_init(struct cap_state *st, const struct cap_settings *set, const struct sipkey *key);
void cap_state_free(struct cap_state *st);
/* One captured frame; ts is on the capture's (possibly shifted) clock. */
void cap_packet(struct cap_state *st, int dlt, const struct pcap_pkthdr *h, const uint8_t *data,
		double ts);
/* Ethernet packets known in advance (a file read in batches):
 * cap_prefetch() a few packets ahead, then cap_packet_ahead() with what it
 * worked out. (802.11 frames read ahead take the digest path below.) */
void cap_prefetch(struct cap_state *st, int dlt, const uint8_t *data, size_t caplen, struct cap_ahead *a);
void cap_packet_ahead(struct cap_state *st, int dlt, const struct pcap_pkthdr *h, const uint8_t *data,
		      double ts, const struct cap_ahead *a);
/* The 802.11 path in two halves: cap_dot11_digest() reduces a frame to d
 * (any thread, no state); cap_dot11_frame() counts it, with hashes
 * cap_dot11_prefetch() worked out a few frames ahead, or NULL. */
void cap_dot11_digest(int dlt, const struct pcap_pkthdr *h, const uint8_t *p, double ts, struct cap_d11 *d);
void cap_dot11_prefetch(struct cap_state *st, const struct cap_d11 *d, struct cap_ahead *a);
void cap_dot11_frame(struct cap_state *st, const struct cap_d11 *d, const struct cap_ahead *a);
struct cap_report *cap_window_report(struct cap_state *st, double t_end, double span, bool final);
void cap_report_free(struct cap_report *r);

/* Used by cap_packet and its mode parts. */
void cap_ether_packet(struct cap_state *st, const uint8_t *p, size_t len, size_t wire_len,
		      double ts);
void cap_dot11_count(struct cap_state *st, const struct cap_d11 *d, const struct cap_ahead *a);
void cap_ether_prefetch(struct cap_state *st, const uint8_t *p, size_t len, struct cap_ahead *a);
void cap_dot11_window(struct cap_state *st, double t_end);
void cap_dhcp_window(struct cap_state *st, double t_end, uint32_t *pool_leases);
uint64_t cap_hash(const struct cap_state *st, const void *data, size_t len);
/* Count a hashed thing once over the run; 1 when it was new. */
int cap_seen(struct cap_state *st, uint64_t h, unsigned kind);
/* The same for an address whose entry is at hand (NULL: table full). */
static inline int cap_mark(struct cap_state *st, struct atab_entry *e, unsigned kind)
{
	if (!e || (e->kinds & (1u << kind)))
		return 0;
	e->kinds |= (uint16_t)(1u << kind);
	st->tot.distinct[kind]++;
	return 1;
}

#endif
