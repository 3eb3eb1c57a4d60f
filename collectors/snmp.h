/*
 * snmp collector: polls every configured `target` over SNMP v1/v2c/v3
 * with net-snmp's single-session asynchronous API inside the daemon's
 * libevent loop (one read event per session socket, one timer per session
 * for net-snmp's retransmissions). Every target is in flight at once with
 * its own interval, timeout and retries; tables are read with GETBULK.
 *
 * What a target's vendor profile (config/profiles/NAME.conf, see
 * snmp_profile.h) names becomes samples (names from venue.h):
 *   ap:<config name>  clients clients_2g4 clients_5g clients_6g
 *                     (text: the AP's name on the device) for rows matched
 *                     to an `ap` block whose target is this target, by name
 *                     (or, for a device that is itself the AP, by address);
 *   ap:<device name>  the same plus unplanned=1 for rows the config lacks;
 *                     a configured AP the device no longer lists gets
 *                     clients=NAN (unknown);
 *   ssid:<ssid>       clients (text: target name), summed per SSID name;
 *   target:<name>     up (1/0, text: why down), poll_ms, errors_total, and
 *                     the profile's controller scalars (e.g.
 *                     controller_clients). The plan is fed by the per-AP
 *                     rows; controller scalars are reported as the device
 *                     says and never used to correct the per-AP numbers.
 *   uplink:<name>     bps_in bps_out (rate across counter wraps; a reboot or
 *                     counter reset discards the interval and logs it),
 *                     octets_in_total octets_out_total, capacity_mbps
 *                     (ifHighSpeed, else ifSpeed) for every `uplink` whose
 *                     target is this target, found by ifName, ifDescr or
 *                     ifAlias (64-bit counters, 32-bit only when absent).
 * A target that stops answering is down after (retries + 1) x timeout.
 * After its n-th failed poll in a row the next one starts interval x 2^n
 * later, but at most 8 x interval or 600 s, whichever is less, and never
 * sooner than one interval (so an interval above 600 s is kept). A malformed
 * reply (wrong type, missing column, noSuch*, empty table, a text count
 * that is not a number) is logged and counted in errors_total, and the
 * rest of the poll goes on. Per-radio and per-WLAN rows are logged at
 * debug level.
 *
 * In once mode (-T) every target is polled one time and cycle_done is
 * called when all have finished, answered or not. reconfigure keeps the
 * session and counter state of targets whose connection settings and
 * profile did not change.
 */
#ifndef HEADROOM_SNMP_H
#define HEADROOM_SNMP_H

#include "base/collector.h"

extern const struct collector_ops snmp_collector_ops;

/* Fuzzing: polls of target conf (profile from snmp_profile_dir()) without
 * a session, their requests answered by replies in order until they run
 * out; samples go to c's sink. c->once must be set. */
struct snmp_pdu;
void snmp_replay_poll(struct collector *c, const struct conf_target *conf,
		      struct snmp_pdu *const *replies, size_t n);

#endif
