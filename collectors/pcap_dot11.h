/*
 * pcap_dot11: stations per BSSID from 802.11 frames (a monitor port). A
 * frame is reduced to a digest first, so a fast file's reader thread can
 * do that half and hand 32 bytes a frame to the capture thread.
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

struct cap_d11 {
	double ts;
	uint32_t len, caplen;
	uint8_t what, ds, band, pad;
	uint8_t sta[6], bssid[6];
};
_Static_assert(sizeof(struct cap_d11) == 32, "two digests a cache line");

/* cap_dot11_digest() reduces a frame to d (any thread, no state);
 * cap_dot11_prefetch() works out its hashes a few frames ahead;
 * cap_dot11_count() counts it, with those hashes or NULL. */
void cap_dot11_digest(int dlt, const struct pcap_pkthdr *h, const uint8_t *p, double ts, struct cap_d11 *d);
void cap_dot11_prefetch(struct cap_state *st, const struct cap_d11 *d, struct cap_ahead *a);
void cap_dot11_count(struct cap_state *st, const struct cap_d11 *d, const struct cap_ahead *a);
/* A window's end: stations gone quiet leave, per-BSSID counts are taken. */
void cap_dot11_window(struct cap_state *st, double t_end);

#endif
