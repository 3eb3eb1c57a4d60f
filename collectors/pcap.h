/*
 * pcap collector: turns a mirror port or a monitor-mode radio into the
 * samples the SNMP collector gives, one `capture` block at a time.
 *
 *   uplink  uplink:<u> bps_in bps_out pps_in pps_out octets_in_total
 *           octets_out_total (for the uplink whose `capture` names it);
 *           capture:<c> active_clients devices_day_global
 *           devices_day_random packets_total bytes_total drops_total
 *           malformed_total up
 *   dot11   ap:<name> clients clients_2g4 clients_5g (BSSIDs from the ap
 *           blocks' `bssid` lists); unknown BSSIDs with stations become
 *           ap:bssid-<mac> unplanned=1 ("unplanned / neighbouring")
 *           with airtime (default): channel:<c>/<channel> utilization
 *           retry_ratio frames_no_rate; bssid:<c>/<bssid> utilization
 *           retry_ratio channel (doc/airtime.md)
 *   dhcp    pool:<name> leases, from DHCPACKs (any ether capture a pool
 *           names; pools without `capture` follow every dhcp capture)
 *
 * Each capture runs in its own thread, which owns the pcap handle and all
 * per-window aggregation; only finished windows cross to the loop. Handles
 * are opened in start(), before privileges are dropped: a live capture
 * needs root or CAP_NET_RAW (plus CAP_NET_ADMIN for promiscuous mode).
 * Client MACs and IPs exist only as SipHash values keyed with a random
 * salt kept in state_dir/pcap.salt (0600); payloads are never kept.
 *
 * A file is read as fast as possible (speed = 0) or replayed on its own
 * clock scaled by speed; loop = true replays it forever with timestamps
 * shifted to now. In -T mode every file is read once to its end and the
 * totals are printed, with per-file detail (distinct MACs and IPs,
 * VLANs, DHCP messages, stations per BSSID) for checking against other
 * tools; live interfaces are skipped in -T.
 */
#ifndef HEADROOM_PCAP_H
#define HEADROOM_PCAP_H

#include "base/collector.h"

extern const struct collector_ops pcap_collector_ops;

#endif
