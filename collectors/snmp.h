/*
 * snmp collector: polls every configured `target` over SNMP v1/v2c/v3
 * with net-snmp's single-session asynchronous API inside the daemon's
 * libevent loop (one read event per session socket, one timer per session
 * for net-snmp's retransmissions). Every target is in flight at once with
 * its own interval, timeout and retries; tables are read with GETBULK.
 *
 * A target's profile (config/profiles/NAME.conf, the language is in
 * snmp_profile.h) is the configured one, or with profile = "auto" (the
 * default) the one its sysObjectID, sysDescr and probe objects choose on
 * the first poll. What the profile finds becomes samples (names from
 * venue.h):
 *   ap:<config name>  clients, clients_2g4 clients_5g clients_6g
 *                     clients_3g5 clients_60g (text: the AP's name on the
 *                     device) for rows matched to an `ap` block whose
 *                     target is this target, by name (or, for a device
 *                     that is itself the AP, by address);
 *   ap:<device name>  the same plus unplanned=1 for rows the config lacks;
 *                     a device that is itself one AP is named by sysName
 *                     (the target's name without one); a configured AP the
 *                     device no longer lists gets clients=NAN (unknown);
 *   radio:<ap>/<band>[/<radio>]   clients, utilization and
 *                     utilization#<variant> (percent: #total, #self-rx,
 *                     #airtime, #downlink-1m, ...) per radio; <ap> is the
 *                     ap entity's name, <band> 2g4 5g 6g 3g5 60g or unk,
 *                     <radio> only when the AP has several in that band;
 *                     noise (dBm), channel and frequency (MHz) where the
 *                     profile reads them;
 *   vap:<ap>/<name>   clients of a virtual AP whose radio is unknown;
 *   ssid:<ssid>       clients (text: target name), clients_<band> when the
 *                     device splits them; WLANs sharing a name on one
 *                     device are ssid:<name>[<index>];
 *   target:<name>     up (1/0, text: why down), poll_ms, errors_total;
 *                     clients (the device's own total), aps and
 *                     aps#<variant> (AP counts), exactly as the device
 *                     states them: never reconciled with the rows above;
 *                     profile (profile = "auto": once per choice; 1, or
 *                     0 when no profile matched and generic-ifmib reads
 *                     the device; text "unifi: sysObjectID
 *                     1.3.6.1.4.1.41112 (longest prefix)"; a configured
 *                     profile is not repeated as a sample);
 *                     no_data: for a profile that gives client counts,
 *                     1 when the device answered but no client figure
 *                     came back, text the reason ("profile huawei:
 *                     1.3.6.1.4.1.2011.6.139.16.1.2.1.40 empty;
 *                     sysObjectID 1.3.6.1.4.1.2011.2.240.6"), and 0 on
 *                     every poll that finds one. Never sent while the
 *                     target is down (up = 0 says that);
 *   uplink:<name>     bps_in bps_out (rate across counter wraps; a reboot or
 *                     counter reset discards the interval and logs it),
 *                     octets_in_total octets_out_total, capacity_mbps
 *                     (ifHighSpeed, else ifSpeed) for every `uplink` whose
 *                     target is this target, found by ifName, ifDescr or
 *                     ifAlias (64-bit counters, 32-bit only when absent).
 * A target of kind = "switch" has no profile: its ports, learned MACs
 * (hashed), uplinks and rooms come out as switch:, wired: and port:
 * samples (collectors/snmp_switch.h).
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

#include <stdio.h>

#include "base/collector.h"

extern const struct collector_ops snmp_collector_ops;

/* Fuzzing: polls of target conf (profile from snmp_profile_dir()) without
 * a session, their requests answered by replies in order until they run
 * out; samples go to c's sink. c->once must be set. */
struct snmp_pdu;
void snmp_replay_poll(struct collector *c, const struct conf_target *conf,
		      struct snmp_pdu *const *replies, size_t n);

/* headroomd --probe: poll target `name` of conf once and print to out the
 * device, the profile and why, every AP with its radios, the SSIDs, the
 * totals, the interfaces and what the profile expected but did not get.
 * 0: client counts found; 1: none; 2: no such target. */
int snmp_probe(const struct conf *conf, const char *name, FILE *out);

/* headroomd -t: every profile a target names exists and loads (with
 * profile = "auto": generic-ifmib, and a warning for each file the choice
 * would skip). Findings go to out as "file:line: profile: why"; returns
 * how many would stop a target from working. */
int snmp_check_profiles(const struct conf *conf, FILE *out);

#endif
