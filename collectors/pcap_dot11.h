/*
 * pcap_dot11: stations per BSSID and airtime per channel and BSSID from
 * 802.11 frames (a monitor port). A frame is reduced to a digest first,
 * so a fast file's reader thread can do that half (decoding, the
 * airtime arithmetic) and hand 32 bytes a frame to the capture thread,
 * 8 more with airtime.
 */
#ifndef HEADROOM_PCAP_DOT11_H
#define HEADROOM_PCAP_DOT11_H

#include <stdint.h>

#include "collectors/pcap_table.h"

struct pcap_pkthdr;

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

/* flags */
#define D11F_AIR	0x01	/* counts towards its channel's airtime */
#define D11F_RATED	0x02	/* air_ns holds its airtime */
#define D11F_RETRY	0x04	/* the Retry bit */
#define D11F_BSS	0x08	/* bssid names the BSS it belongs to */
#define D11F_PEER	0x10	/* control frame: bssid (its RA) may be a known BSSID */
#define D11F_PEER_TA	0x20	/* ... or sta (its TA) */

struct cap_d11 {
	double ts;
	uint32_t len, caplen;
	uint8_t what, ds, band, pad;
	uint8_t sta[6], bssid[6];
};
_Static_assert(sizeof(struct cap_d11) == 32, "two digests a cache line");

/* ... and what airtime needs, apart: a capture without airtime neither
 * writes nor reads it. D11F_BSS and D11F_PEER name the digest's bssid
 * and sta fields, which airtime fills for frames of any kind. */
struct cap_d11_air {
	uint32_t ns;			/* with D11F_RATED */
	uint16_t freq;			/* MHz, 0 unknown */
	uint8_t flags, pad;
};
_Static_assert(sizeof(struct cap_d11_air) == 8, "eight a cache line");

/* cap_dot11_digest() reduces a frame to d, and to air when g wants
 * airtime (the thread that owns g);
 * cap_dot11_prefetch() works out its hashes a few frames ahead;
 * cap_dot11_count() counts it, with those hashes or NULL, and its
 * airtime or NULL. */
void cap_dot11_digest(struct d11_digester *g, int dlt, const struct pcap_pkthdr *h, const uint8_t *p, double ts,
		      struct cap_d11 *d, struct cap_d11_air *air);
void cap_dot11_prefetch(struct cap_state *st, const struct cap_d11 *d, struct cap_ahead *a);
void cap_dot11_count(struct cap_state *st, const struct cap_d11 *d, const struct cap_d11_air *air,
		     const struct cap_ahead *a);
/* A window's end: stations gone quiet leave, per-BSSID counts are taken.
 * (The airtime counters are reset by the report that copies them.) */
void cap_dot11_window(struct cap_state *st, double t_end);

#endif
