/*
 * pcap_uplink: Ethernet frames, for uplink accounting (traffic in and
 * out, distinct clients, devices per local day) and DHCP leases per pool.
 */
#ifndef HEADROOM_PCAP_UPLINK_H
#define HEADROOM_PCAP_UPLINK_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/pcap_table.h"

/* One Ethernet frame: len bytes captured of wire_len. */
void cap_ether_packet(struct cap_state *st, const uint8_t *p, size_t len, size_t wire_len,
		      double ts);
/* Its address hashes worked out, and their slots loaded, a few frames ahead. */
void cap_ether_prefetch(struct cap_state *st, const uint8_t *p, size_t len, struct cap_ahead *a);
/* A window's end: expired leases go, the live ones are counted per pool. */
void cap_dhcp_window(struct cap_state *st, double t_end, uint32_t *pool_leases);

#endif
