/*
 * pcap_table: a capture's state, which lives in the capture thread (its
 * private settings, the address and station tables, the counters), and
 * the counting helpers every mode shares. Calls run one way:
 * pcap_capture.c -> the modes (pcap_uplink.c, pcap_dot11.c) -> here.
 */
#ifndef HEADROOM_PCAP_TABLE_H
#define HEADROOM_PCAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/decode.h"
#include "collectors/pcap_hash.h"
#include "collectors/siphash.h"

enum cap_mode { CAP_UPLINK, CAP_DOT11, CAP_DHCP };

/* Distinct things counted over the whole run (for -T totals). */
enum cap_kind {
	K_SRC_MAC, K_SRC_MAC_UNICAST, K_IP4, K_IP4_SRC, K_IP4_SRC_PRIVATE,
	K_IP6, K_IP6_SRC, K_LEASE, K_DATA_STA, K_TX_STA, K_ASSOC_STA, K_STA,
	K_N
};

#define CAP_MAX_BSS 4096
#define CAP_BSS_FILTER_LOG2 14		/* bits of the BSSID filter */
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
	bool airtime;			/* dot11: account airtime */
};

/* Airtime over a window, of a channel or a BSS. no_rate frames carry no
 * rate information: they are counted, never given a guessed airtime. */
struct cap_air {
	uint64_t ns;
	uint32_t frames, retries, no_rate;
	bool last_window;		/* had frames in the window before */
};

/* What digesting keeps from frame to frame, owned by the one thread that
 * digests a capture's frames: whether airtime is wanted, and the A-MPDU
 * under way (its subframes come together, under one reference). */
struct d11_digester {
	bool airtime;
	bool ampdu_open;
	uint32_t ampdu_ref;
	int ampdu_freq;
	uint64_t ampdu_bits;		/* its subframes' so far */
	struct air_cache rates;		/* the rates' constants, for airtime */
	struct rt_plans plans;		/* radiotap headers' field offsets */
};

#define CAP_MAX_CHAN 64
#define CAP_CHAN_FREQS 8192		/* MHz indexed directly: up to 6 GHz's top */
struct cap_chan {
	uint16_t freq;			/* MHz; 0: frames without a channel */
	struct cap_air air;
};

struct cap_bss {
	uint8_t mac[6];
	bool beacon;
	double flushed_at;		/* broadcast deauth: stations seen before leave */
	uint32_t data_sta, tx_sta, assoc_sta;	/* distinct over the run */
	uint32_t clients, clients_2g4, clients_5g, clients_6g;	/* at window end */
	uint16_t freq;			/* of its latest frame */
	struct cap_air air;
};

struct cap_totals {
	uint64_t packets, bytes, cap_bytes, malformed, drops;
	uint64_t packets_in, packets_out, bytes_in, bytes_out;
	uint64_t dhcp_msgs[DHCP_MSG_MAX];
	uint64_t data_frames, data_wds, data_ds0, bad_fcs;
	uint64_t air_frames, air_no_rate, air_ns;
	uint32_t distinct[K_N];
};

struct cap_window {
	uint64_t packets, bytes, packets_in, packets_out, bytes_in, bytes_out;
};

/* The previous packet's address hash and its entry: a flow's next packet
 * skips the probe. In memory only, overwritten by the next packet, never
 * reported. */
struct cap_recent {
	uint64_t key;
	struct atab_entry *e;
};

/* An 802.11 frame's address hashes, worked out a few frames ahead of it
 * by cap_dot11_prefetch(), which also starts loading their table slots:
 * by the time the frame is counted its cache misses are over. n = 0:
 * nothing worked out (the frame takes the ordinary path). */
#define CAP_AHEAD_MAX 3
struct cap_ahead {
	uint8_t n;
	uint64_t h[CAP_AHEAD_MAX];
};

struct cap_state {
	const struct cap_settings *set;
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
	struct d11_digester dg;		/* frames digested on this thread */
	uint64_t bss_filter[(1u << CAP_BSS_FILTER_LOG2) / 64];	/* pcap_dot11.c: BSSIDs' hashes */
	uint64_t recent_bss_key;	/* the last BSSID counted (raw bytes), 0 none */
	int recent_bss;			/* ... and its row */
	struct cap_chan chans[CAP_MAX_CHAN];
	size_t n_chans;
	uint8_t chan_at[CAP_CHAN_FREQS];	/* frequency -> 1 + its chans index, 0 none */
	uint64_t chans_full;		/* frames of channels beyond CAP_MAX_CHAN */
};

void cap_state_init(struct cap_state *st, const struct cap_settings *set, const struct sipkey *key);
void cap_state_free(struct cap_state *st);
/* Fault in every table page at once (bytes): a live capture's tables are
 * sized for its busiest hour, and a burst of new clients then costs no
 * page faults (nor the kernel zeroing pages) on the packet path. */
size_t cap_state_pretouch(struct cap_state *st);

/* An address's keyed hash: no raw address reaches a table. */
uint64_t cap_hash(const struct cap_state *st, const void *data, size_t len);
/* Count a hashed thing once over the run; 1 when it was new. */
int cap_seen(struct cap_state *st, uint64_t h, unsigned kind);
/* The same for an address whose entry is at hand (NULL: table full). */
static inline int cap_mark(struct cap_state *st, struct atab_entry *e, unsigned kind)
{
	if (!e || (e->kinds & (1u << kind)))
		return 0;
	e->kinds |= 1u << kind;
	st->tot.distinct[kind]++;
	return 1;
}

#endif
