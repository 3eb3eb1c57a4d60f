/*
 * pcap_uplink: Ethernet frames, for uplink accounting (traffic in and
 * out, distinct clients, devices per local day) and DHCP leases per pool.
 *
 * A frame is reduced to a digest first (cap_ether_digest(), any thread:
 * it only reads the state's settings and key), then counted
 * (cap_ether_count(), the capture thread). A file's reader thread and a
 * fanned-out live capture's member threads make the digests, so 64 bytes
 * a frame cross to the counting thread instead of the frame. A digest
 * holds the frame's addresses only as keyed hashes.
 */
#ifndef HEADROOM_PCAP_UPLINK_H
#define HEADROOM_PCAP_UPLINK_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/pcap_table.h"

enum eth_flag {
	ETH_MALFORMED = 1 << 0,		/* no Ethernet header: nothing else is set */
	ETH_IP_BAD = 1 << 1,		/* an IP ethertype whose header is broken */
	ETH_IP = 1 << 2,		/* h[1], h[2]: IP source and destination */
	ETH_IP6 = 1 << 3,
	ETH_PRIV4 = 1 << 4,		/* an RFC 1918 IPv4 source */
	ETH_MAC_UNICAST = 1 << 5,	/* the source MAC is unicast, not zero */
	ETH_MAC_LOCAL = 1 << 6,		/* ... locally administered (random) */
	ETH_CLIENT = 1 << 7,		/* the sender is a venue client */
	ETH_INNER6 = 1 << 8,		/* inner[]: tunnelled IPv6 addresses */
	ETH_DHCP = 1 << 9,		/* lease.type: a DHCP message */
	ETH_DHCP_BAD = 1 << 10,		/* ... that does not decode */
	ETH_LEASE = 1 << 11,		/* lease.key: the lease it starts or ends */
};

#define ETH_NO_VLAN 0xffffu

struct cap_eth {
	double ts;
	uint32_t len, caplen;
	uint64_t h[3];			/* source MAC; IP source, destination */
	union {				/* tunnels and DHCP ports never meet */
		uint64_t inner[2];
		struct {
			uint64_t key;
			uint32_t secs;	/* an ACK's lease time */
			uint16_t pool;	/* an ACK's pool, CAP_NO_POOL for none */
			uint8_t type;	/* DHCP message type */
		} lease;
	};
	uint16_t flags, vlan;		/* eth_flag; outermost VLAN or ETH_NO_VLAN */
	int8_t dir;			/* -1 in, 1 out, 0 neither */
};
_Static_assert(sizeof(struct cap_eth) == 64, "a digest a cache line");

/* One Ethernet frame of wire_len bytes, len of them captured. */
void cap_ether_digest(const struct cap_state *st, const uint8_t *p, size_t len, size_t wire_len, double ts,
		      struct cap_eth *d);
/* Load the first slots of n frames' addresses, every load issued before
 * any completes: their cache and TLB misses overlap instead of coming one
 * by one in cap_ether_count(). */
static inline void cap_ether_load(const struct cap_state *st, const struct cap_eth *d, size_t n)
{
	uint64_t sink = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i].flags & ETH_MALFORMED)
			continue;
		sink ^= atab_load(&st->addrs, d[i].h[0]);
		if (d[i].flags & ETH_IP)
			sink ^= atab_load(&st->addrs, d[i].h[1]) ^ atab_load(&st->addrs, d[i].h[2]);
	}
	__asm__ volatile("" : : "r"(sink));
}
void cap_ether_count(struct cap_state *st, const struct cap_eth *d);
/* A window's end: expired leases go, the live ones are counted per pool. */
void cap_dhcp_window(struct cap_state *st, double t_end, uint32_t *pool_leases);

#endif
