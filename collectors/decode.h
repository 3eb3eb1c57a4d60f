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

struct dec_radio {
	int freq_mhz;			/* 0 when unknown */
	enum band band;
	bool fcs_at_end;		/* the 802.11 frame carries its 4-byte FCS */
	bool bad_fcs;
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
int decode_prism(const uint8_t *p, size_t len, struct dec_radio *out);
int decode_80211(const uint8_t *p, size_t len, struct dec_80211 *out);
/* The status code of a (re)association response, -1 when truncated. */
int decode_assoc_status(const struct dec_80211 *f);

enum band band_of_freq(int mhz);

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
