#!/bin/sh
# A target whose agent is not running: it is reported down with the
# reason after (retries + 1) tries, -T still finishes and reports the
# live target; the daemon retries it with exponential backoff while the
# live target keeps its one-second cycle, and marks it up on the first
# answer once the agent starts.
. "$(dirname "$0")/lib.sh"
need_cmd snmpsimd

data="$TMP/data"
mkdir -p "$data"
for name in live dead; do
	cat >"$data/$name.snmprec" <<REC
1.3.6.1.2.1.1.3.0|67|4242
1.3.6.1.2.1.1.5.0|4|$name-agent
1.3.6.1.2.1.31.1.1.1.1.1|4|eth0
1.3.6.1.2.1.31.1.1.1.6.1|70|1000
1.3.6.1.2.1.31.1.1.1.10.1|70|2000
1.3.6.1.2.1.31.1.1.1.15.1|66|1000
REC
done
chmod 644 "$data"/*.snmprec
live_port=$(free_port udp)
dead_port=$(free_port udp)
start_snmpsim "$data" "$live_port" live
LIVE_PID=$SNMPSIM_PID

conf="$TMP/headroom.conf"
cat >"$conf" <<CONF
state_dir = "$TMP/state"
tick = 1
event "t" { attendees = 200 }
room "hall" { seats = 150 }
target "live" {
    address = "127.0.0.1"  port = $live_port  community = "live"  profile = "generic-ifmib"
    interval = 1  timeout = 0.5  retries = 1
}
target "dead" {
    address = "127.0.0.1"  port = $dead_port  community = "dead"  profile = "generic-ifmib"
    interval = 1  timeout = 0.5  retries = 1
}
uplink "a" { target = "live"  interface = "eth0" }
uplink "b" { target = "dead"  interface = "eth0" }
CONF

# Once mode: both targets reported, the dead one with its reason.
"$HEADROOMD" -T -c "$conf" >"$TMP/once.json" 2>"$TMP/once.log" || fail "-T failed with a dead target"
grep -q '"entity":"target:dead","metric":"up","value":0.0,.*"text":"no answer after 2 tries of 0.5 s"' "$TMP/once.json" ||
	{ cat "$TMP/once.json"; fail "dead target not reported down with its reason"; }
grep -q '"entity":"target:live","metric":"up","value":1.0' "$TMP/once.json" || fail "live target not up"
grep -q '"entity":"uplink:a","metric":"octets_in_total","value":1000.0' "$TMP/once.json" ||
	fail "live target's counters missing"
if grep -q '"entity":"uplink:b"' "$TMP/once.json"; then fail "a dead target produced uplink samples"; fi

# Daemon: backoff while down, the other target keeps polling.
"$HEADROOMD" -d -c "$conf" 2>"$TMP/daemon.log" &
DAEMON_PID=$!
started $DAEMON_PID
wait_for 30 grep -q "target dead is down: no answer after 2 tries of 0.5 s" "$TMP/daemon.log" ||
	{ tail "$TMP/daemon.log"; fail "dead target never marked down"; }
wait_for 30 grep -q "target dead: next try in 4 s (backoff)" "$TMP/daemon.log" ||
	{ grep dead "$TMP/daemon.log" | tail; fail "no exponential backoff"; }
grep -q "target dead: next try in 2 s (backoff)" "$TMP/daemon.log" || fail "backoff did not start at 2 x interval"
live_before=$(grep -c "target live: uplink a: in 1000 out 2000" "$TMP/daemon.log")
wait_for 30 sh -c "[ \$(grep -c 'target live: uplink a: in 1000 out 2000' '$TMP/daemon.log') -ge $((live_before + 3)) ]" ||
	fail "the live target stopped its cycle while the other was down"

start_snmpsim "$data" "$dead_port" dead
wait_for 60 grep -q "target dead is up again" "$TMP/daemon.log" ||
	{ grep dead "$TMP/daemon.log" | tail; fail "target did not come back up"; }
wait_for 30 grep -q "target dead: uplink b: in 1000 out 2000" "$TMP/daemon.log" ||
	fail "the recovered target is not polled"

# SIGHUP with one more target: the two that stay keep their sessions and
# state (their uplinks are not looked up again), the new one is polled.
resolved=$(grep -c 'uplink a is interface "eth0"' "$TMP/daemon.log")
cat >>"$conf" <<CONF
target "third" {
    address = "127.0.0.1"  port = $live_port  community = "live"  profile = "generic-ifmib"
    interval = 1  timeout = 0.5  retries = 1
}
uplink "c" { target = "third"  interface = "eth0" }
CONF
kill -HUP "$DAEMON_PID"
wait_for 30 grep -q "snmp: reconfigured, polling 3 targets" "$TMP/daemon.log" ||
	fail "reload did not reach the snmp collector"
wait_for 30 grep -q "target third: uplink c: in 1000 out 2000" "$TMP/daemon.log" ||
	fail "the new target is not polled"
[ "$(grep -c 'uplink a is interface "eth0"' "$TMP/daemon.log")" = "$resolved" ] ||
	fail "a target that stayed was rebuilt on reload"
pass "snmp down: reported, backed off, others unaffected, back up, kept on reload"
