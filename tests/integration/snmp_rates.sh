#!/bin/sh
# Uplink rates across 64-bit and 32-bit counter wraps, a device reboot
# (sysUpTime goes back) and a counter reset: the daemon polls snmpsimd
# every second while the test swaps the recording between polls. A wrap
# gives a small, correct rate; a reboot or reset discards the interval
# and logs it; no rate is ever a spike.
. "$(dirname "$0")/lib.sh"
need_cmd snmpsimd
need_cmd python3

data="$TMP/data"
mkdir -p "$data"
port=$(free_port udp)

# state UPTIME HC_IN HC_OUT C32_IN C32_OUT: the recording for one poll.
# ifIndex 1 "wan" has 64-bit counters; ifIndex 2 "wan32" only 32-bit ones.
state_no=0
state() {
	state_no=$((state_no + 1))
	cat >"$TMP/next.snmprec" <<REC
1.3.6.1.2.1.1.3.0|67|$1
1.3.6.1.2.1.1.5.0|4|edge
1.3.6.1.2.1.2.2.1.2.1|4|wan
1.3.6.1.2.1.2.2.1.2.2|4|wan32
1.3.6.1.2.1.2.2.1.10.2|65|$4
1.3.6.1.2.1.2.2.1.16.2|65|$5
1.3.6.1.2.1.31.1.1.1.1.1|4|wan
1.3.6.1.2.1.31.1.1.1.1.2|4|wan32
1.3.6.1.2.1.31.1.1.1.6.1|70|$2
1.3.6.1.2.1.31.1.1.1.10.1|70|$3
1.3.6.1.2.1.31.1.1.1.15.1|66|100
1.3.6.1.2.1.31.1.1.1.15.2|66|100
REC
	chmod 644 "$TMP/next.snmprec"
	# snmpsimd re-indexes a recording when its mtime (whole seconds) changes.
	touch -d "@$(( $(date +%s) + 100 * state_no ))" "$TMP/next.snmprec"
	mv "$TMP/next.snmprec" "$data/edge.snmprec"
}

# wait_poll OUT64 OUT32: both uplinks have been polled in this state.
wait_poll() {
	wait_for 30 grep -q "uplink wan: in [0-9]* out $1 octets" "$TMP/daemon.log" &&
	wait_for 30 grep -q "uplink wan32: in [0-9]* out $2 octets" "$TMP/daemon.log" ||
		{ tail -20 "$TMP/daemon.log"; fail "no poll saw out=$1/$2"; }
}

state 1000 18446744073709550616 5001 4294966996 7001
start_snmpsim "$data" "$port" edge

cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
event "t" { attendees = 200 }
room "hall" { seats = 150 }
target "edge" {
    address = "127.0.0.1"  port = $port  community = "edge"  profile = "generic-ifmib"
    interval = 1  timeout = 2  retries = 1
}
uplink "wan" { target = "edge"  interface = "wan" }
uplink "wan32" { target = "edge"  interface = "wan32" }
CONF
"$HEADROOMD" -d -c "$TMP/headroom.conf" 2>"$TMP/daemon.log" &
started $!

wait_poll 5001 7001
# 64-bit wraps past 2^64 (1500 bytes), 32-bit wraps past 2^32 (1004 bytes).
state 1200 500 5002 704 7002
wait_poll 5002 7002
# Reboot: sysUpTime went back and the counters restarted.
state 50 100 5003 40 7003
wait_poll 5003 7003
state 250 1100 5004 1040 7004
wait_poll 5004 7004
# A counter reset without a reboot: the counters went back, far beyond
# anything the 100 Mbit/s link could carry as a wrap.
state 450 10 5005 5 7005
wait_poll 5005 7005
state 650 1010 5006 1005 7006
wait_poll 5006 7006

python3 - "$TMP/daemon.log" <<'PY' || fail "rates are wrong (see above)"
import re, sys
log = open(sys.argv[1]).read()
problems = []
rates = re.findall(r"uplink (wan|wan32): in \d+ out (\d+) octets, ([\d.]+) / ([\d.]+) bit/s", log)
for name, out, rin, rout in rates:
    if float(rin) > 1e6 or float(rout) > 1e6:
        problems.append("spike on %s at out=%s: %s / %s bit/s" % (name, out, rin, rout))
def rated(name, out):
    return [r for r in rates if r[0] == name and r[1] == out]
# the wrap polls produce a rate, and not zero: the wrap delta is counted
for name, out in (("wan", "5002"), ("wan32", "7002")):
    if not any(float(r[2]) > 0 for r in rated(name, out)):
        problems.append("%s: no positive rate across the wrap (out=%s)" % (name, out))
# the first poll after a reboot or reset has no rate
for name, out in (("wan", "5003"), ("wan32", "7003"), ("wan", "5005"), ("wan32", "7005")):
    first = re.search(r"uplink %s: in \d+ out %s octets, (.*)" % (name, out), log).group(1)
    if "no rate" not in first:
        problems.append("%s: the first poll at out=%s has a rate: %s" % (name, out, first))
# and the next interval is measured again
for name, out in (("wan", "5004"), ("wan32", "7004"), ("wan", "5006"), ("wan32", "7006")):
    if not rated(name, out):
        problems.append("%s: no rate after the discarded interval (out=%s)" % (name, out))
for pattern in (r"uplink wan in: device rebooted \(sysUpTime went back\), interval discarded",
                r"uplink wan32 in: device rebooted",
                r"uplink wan in: counter reset, interval discarded",
                r"uplink wan32 in: counter reset, interval discarded"):
    if not re.search(pattern, log):
        problems.append("log lacks %r" % pattern)
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
pass "snmp rates: wraps counted, reboot and reset discarded, no spike"
