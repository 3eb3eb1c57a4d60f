/*
 * pcap_capture: what the capture thread calls: a frame in, counted and
 * handed to its mode (pcap_uplink.h, pcap_dot11.h) against the capture's
 * state (pcap_table.h), and the window reports that cross to the event
 * loop.
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

#include "collectors/pcap_dot11.h"
#include "collectors/pcap_ring.h"
#include "collectors/pcap_table.h"
#include "collectors/pcap_uplink.h"

struct pcap_pkthdr;

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
	struct cap_bss *bss;		/* BSSIDs seen (stations, beacons, airtime) */
	size_t n_bss;
	struct cap_chan *chans;		/* channels seen, with the window's airtime */
	size_t n_chans;
	struct cap_vlan_count *vlans;
	size_t n_vlans;
};

/* One captured frame; ts is on the capture's (possibly shifted) clock. */
void cap_packet(struct cap_state *st, int dlt, const struct pcap_pkthdr *h, const uint8_t *data,
		double ts);
/* Count a digested Ethernet frame (cap_ether_digest() in
 * pcap_uplink.h), its slots loaded with its group's by
 * cap_ether_load(). */
void cap_ether_frame(struct cap_state *st, const struct cap_eth *d);
/* Count a digested 802.11 frame (cap_dot11_digest()), with its airtime
 * record or NULL, and hashes cap_dot11_prefetch() worked out a few
 * frames ahead, or NULL. */
void cap_dot11_frame(struct cap_state *st, const struct cap_d11 *d, const struct cap_d11_air *air,
		     const struct cap_ahead *a);
/* Digest a frame into a batch of b->dlt's digests, 802.11 ones with g,
 * the digesting thread's (any thread: the state is only read); false
 * when the batch is full. */
bool cap_batch_digest(const struct cap_state *st, struct d11_digester *g, struct pkt_batch *b,
		      const struct pcap_pkthdr *h, const uint8_t *data, double ts);
/* A batch of 802.11 digests holds PKT_DIGESTS of them, then as many
 * airtime records (written only when the capture accounts airtime). */
#define CAP_AIR_OFF (PKT_DIGESTS * sizeof(struct cap_d11))
static inline struct cap_d11 *cap_batch_d11(const struct pkt_batch *b)
{
	return (struct cap_d11 *)(void *)b->data;
}
static inline struct cap_d11_air *cap_batch_air(const struct pkt_batch *b)
{
	return (struct cap_d11_air *)(void *)(b->data + CAP_AIR_OFF);
}
struct cap_report *cap_window_report(struct cap_state *st, double t_end, double span, bool final);
void cap_report_free(struct cap_report *r);

#endif
