/*
 * decode: bounds-checked header decoders for the pcap collector.
 * Every decoder reads only inside [p, p + len), never trusts a length
 * field before checking it against len, and returns DEC_OK, DEC_TRUNC
 * (the bytes end inside a header) or DEC_BAD (a field makes no sense).
 * Decoders return pointers into the caller's buffer; nothing is copied
 * and no payload is kept.
 */
#ifndef HEADROOM_DECODE_H
#define HEADROOM_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { DEC_OK = 0, DEC_TRUNC = -1, DEC_BAD = -2 };

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP  0x0806
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_PPPOE_SESSION 0x8864
#define DEC_MAX_VLANS  2

struct dec_ether {
	const uint8_t *dst, *src;
	int vlan;			/* outermost 802.1Q/802.1ad id, -1 untagged */
	int n_vlans;
	uint16_t ethertype;		/* after the tags */
	const uint8_t *l3;
	size_t l3_len;
};

struct dec_ip {
	int family;			/* 4 or 6 */
	const uint8_t *src, *dst;	/* 4 or 16 bytes */
	uint8_t proto;			/* transport protocol, after IPv6 extensions */
	const uint8_t *l4;		/* NULL for non-first fragments */
	size_t l4_len;
};

struct dec_udp {
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t payload_len;
};

enum dhcp_msg {
	DHCP_DISCOVER = 1, DHCP_OFFER, DHCP_REQUEST, DHCP_DECLINE,
	DHCP_ACK, DHCP_NAK, DHCP_RELEASE, DHCP_INFORM, DHCP_MSG_MAX
};

struct dec_dhcp {
	uint8_t op;			/* 1 request, 2 reply */
	uint8_t msg_type;		/* option 53, 0 when absent (plain BOOTP) */
	uint8_t chaddr[6];		/* only when htype is Ethernet */
	uint32_t ciaddr, yiaddr;	/* network byte order */
	uint32_t requested;		/* option 50, 0 when absent */
	uint32_t lease_secs;		/* option 51 */
	bool has_lease;
};

enum band { BAND_UNKNOWN = 0, BAND_2G4, BAND_5G, BAND_6G };

/* How a frame was sent, from radiotap's Rate, MCS, VHT and HE fields
 * (the richest one present wins) or a Prism rate item. */
enum phy { PHY_NONE = 0, PHY_DSSS, PHY_OFDM, PHY_HT, PHY_VHT, PHY_HE };

struct dec_rate {
	uint8_t phy;			/* enum phy; PHY_NONE: no rate information */
	uint8_t rate;			/* DSSS/OFDM: 500 kb/s units */
	uint8_t mcs, nss;		/* HT: MCS 0..32 (nss derived); VHT/HE */
	uint16_t bw;			/* MHz; HE RUs: the RU's data subcarriers' width class */
	uint8_t gi;			/* HT/VHT: 1 short; HE: 0 0.8, 1 1.6, 2 3.2 us */
	uint8_t he_ltf;			/* HE LTF size 1, 2, 4 (0 unknown) */
	uint8_t he_nltf;		/* HE LTF symbols (0 unknown) */
	uint8_t he_format;		/* 0 SU, 1 extended-range SU, 3 trigger-based */
	uint16_t he_ru;			/* HE: the RU's data subcarriers, 0 whole channel */
	bool short_preamble;		/* DSSS */
	bool greenfield, stbc, ldpc, dcm;
	bool ampdu;			/* one MPDU of an A-MPDU */
	uint32_t ampdu_ref;
};

struct dec_radio {
	int freq_mhz;			/* 0 when unknown */
	enum band band;
	bool fcs_at_end;		/* the 802.11 frame carries its 4-byte FCS */
	bool bad_fcs;
	size_t hlen;			/* bytes before the 802.11 header */
	struct dec_rate rate;
	const uint8_t *frame;		/* the 802.11 header */
	size_t frame_len;
};

struct dec_80211 {
	uint8_t type, subtype;		/* 0 mgmt, 1 ctrl, 2 data */
	uint8_t ds;			/* bit 0 ToDS, bit 1 FromDS */
	bool protected;
	const uint8_t *a1, *a2, *a3, *a4;	/* NULL when the frame has none */
	const uint8_t *body;
	size_t body_len;
};

#define WLAN_SUB_ASSOC_RESP	1
#define WLAN_SUB_REASSOC_RESP	3
#define WLAN_SUB_BEACON		8
#define WLAN_SUB_DISASSOC	10
#define WLAN_SUB_DEAUTH		12

int decode_ether(const uint8_t *p, size_t len, struct dec_ether *out);
/* ethertype selects IPv4 or IPv6; anything else is DEC_BAD. */
int decode_ip(uint16_t ethertype, const uint8_t *p, size_t len, struct dec_ip *out);
/* IPv6 carried in IPv4: 6in4 (protocol 41), GRE, or Teredo (UDP 3544). */
int decode_inner_ipv6(const struct dec_ip *outer, struct dec_ip *inner);
int decode_udp(const uint8_t *p, size_t len, struct dec_udp *out);
/* A BOOTP/DHCP message (UDP payload). Options are walked to their end or
 * to the end of the bytes, whichever comes first. */
int decode_dhcp(const uint8_t *p, size_t len, struct dec_dhcp *out);

int decode_radiotap(const uint8_t *p, size_t len, struct dec_radio *out);
/* The same without the rate fields: channel, flags, the frame. */
int decode_radiotap_channel(const uint8_t *p, size_t len, struct dec_radio *out);
/* Where a radiotap header's fields sit follows from its present bitmaps
 * alone, and a capture's headers come with a handful of them: a cache of
 * those "plans", zeroed when empty, spares each frame the walk. */
#define RT_PLAN_BITS 24
struct rt_plan {
	uint32_t present;		/* the first word's bits walked */
	uint32_t data_off;		/* where the fields start; 0: empty slot */
	uint32_t read;			/* the present fields decoded */
	uint32_t all_end;		/* where the last of them ends */
	uint32_t at[RT_PLAN_BITS];	/* each present field's offset */
	uint32_t memo_bit;		/* its one MCS, VHT or HE field; 0 none */
	uint64_t memo_key[2];		/* ... the last one's bytes */
	struct dec_rate memo_rate;	/* ... and the rate they gave alone */
};
#define RT_PLANS 16			/* 8 pairs */
struct rt_plans {
	struct rt_plan slot[RT_PLANS];
};
/* decode_radiotap(), or decode_radiotap_channel() without rates, with
 * the plans seen so far. */
int decode_radiotap_cached(const uint8_t *p, size_t len, struct dec_radio *out, bool rates,
			   struct rt_plans *plans);
int decode_prism(const uint8_t *p, size_t len, struct dec_radio *out);
int decode_80211(const uint8_t *p, size_t len, struct dec_80211 *out);
/* The status code of a (re)association response, -1 when truncated. */
int decode_assoc_status(const struct dec_80211 *f);

enum band band_of_freq(int mhz);
/* The channel number of a centre frequency, 0 when off the grid. */
int channel_of_freq(int mhz);

/*
 * Airtime (decode_airtime.c), in nanoseconds, from 802.11-2016 clauses
 * 15-21 and 802.11ax clause 27. psdu_len is the MPDU's length on the
 * air, FCS included. 0: the rate is missing or makes no sense.
 */
uint32_t airtime_ppdu_ns(const struct dec_rate *r, size_t psdu_len, int freq_mhz);
/* A frame's whole cost: the inter-frame space before it, the PPDU, and
 * the ACK (or Block Ack) it implies. A-MPDU subframes share one PPDU:
 * the first carries the preamble, the space and the Block Ack, each one
 * the symbols its bits add to those of the subframes before it, so the
 * subframes of an A-MPDU add up to its TXTIME. */
struct air_frame {
	const struct dec_rate *rate;
	int freq_mhz;
	size_t psdu_len;		/* FCS included */
	uint8_t type, subtype;		/* 802.11 frame control */
	bool group;			/* addr1 is a group address */
	int tid;			/* QoS data: 0..7, else -1 */
	int ack_policy;			/* QoS data: 0..3, else 0 */
	uint64_t ampdu_bits_before;	/* A-MPDU: bits of its earlier subframes (< 2^26) */
	struct air_cache *cache;	/* optional: the rates' constants seen so far */
};
/* What a rate (on a band) fixes of every frame's time, worked out once:
 * a capture's frames come at a handful of rates. Zeroed: empty. */
#define AIR_MEMO_LOG2 3
struct air_rate {
	uint64_t k0, k1;		/* the dec_rate's fields up to dcm, and the band; k0 0: empty */
	uint32_t k2;
	uint32_t n_dbps;		/* data bits a symbol (DSSS: a microsecond, x2); 0: no rate */
	uint32_t pre_ns;		/* preamble (and signal extension) */
	uint32_t sym_ns;		/* one data symbol */
	uint32_t extra, m;		/* SERVICE and BCC tail bits; 2 with STBC, else 1 */
	uint32_t bpb;			/* bits a PSDU byte counts (DSSS: 16, as n_dbps) */
	uint32_t sifs, slot, ack_ns, ba_ns;
	bool sgi_round;			/* HT/VHT short GI: the total rounded up to 4 us */
	bool subframe;			/* VHT, HE: the PSDU is an A-MPDU */
	struct air_memo {		/* recent frames' whole times, by all else they depend on */
		uint64_t key;		/* 0: empty */
		uint32_t ns;
	} memo[1u << AIR_MEMO_LOG2];
};
#define AIR_CACHE_SLOTS 64		/* 32 pairs */
struct air_cache {
	struct air_rate slot[AIR_CACHE_SLOTS];
};
/* false when the rate is missing or makes no sense (*ns untouched); a
 * subframe may add 0 ns. */
bool airtime_frame_ns(const struct air_frame *f, uint32_t *ns);
/* Whether a frame at r of psdu_len bytes can be timed, with the rates'
 * constants seen so far. */
bool airtime_rate_known(struct air_cache *cache, const struct dec_rate *r, int freq_mhz, size_t psdu_len);
/* The bits an MPDU takes in an A-MPDU: delimiter, MPDU, padding. */
uint64_t airtime_subframe_bits(size_t psdu_len);

static inline bool mac_is_group(const uint8_t *m)
{
	return (m[0] & 1) != 0;
}

static inline bool mac_is_zero(const uint8_t *m)
{
	return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0;
}

/* Locally administered: phones set this bit on randomised addresses. */
static inline bool mac_is_local(const uint8_t *m)
{
	return (m[0] & 2) != 0;
}

#endif
