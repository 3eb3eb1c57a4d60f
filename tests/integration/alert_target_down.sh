#!/bin/sh
# target_down end to end: an SNMP target on a closed port of 127.0.0.1
# fires target_down (no data is a state, never "0 clients"), the alert is
# persisted, and a restart neither re-pages it nor forgets it.
. "$(dirname "$0")/lib.sh"
need_cmd python3

port=$(free_port)
web_port=$(free_port)
snmp_port=$(free_port udp)
log="$TMP/requests.jsonl"
python3 "$top_srcdir/tests/integration/webhook_receiver.py" --port "$port" --log "$log" \
	2>"$TMP/receiver.err" &
started $!
wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" ||
	fail "receiver did not start"

cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
alert_group_wait = "1s"
event "t" { attendees = 10 }
room "hall" { seats = 10 }
target "wlc" { address = "127.0.0.1" port = $snmp_port interval = 1 timeout = 0.3 retries = 0 }
ap "h1" { room = "hall" max_clients = 100 target = "wlc" }
web { listen = { "127.0.0.1:$web_port" } public_url = "https://noc.example/" }
notifier "am" { kind = "generic" url = "http://127.0.0.1:$port/am" rules = { "target_down", "ap_over_capacity", "client_drop" } rate_per_minute = 600 }
CONF

start_daemon() {
	"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>>"$TMP/daemon.log" &
	pid=$!
	started $pid
}
start_daemon
got_down() { grep -q '"alertname": "target_down"' "$log"; }
wait_for 30 got_down || { cat "$TMP/daemon.log"; fail "no target_down notification"; }
python3 - "$log" <<'PY' || fail "target_down notification"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
assert len(reqs) == 1, len(reqs)
a = reqs[0]["json"]["alerts"][0]
assert a["labels"] == {"target": "wlc", "alertname": "target_down", "severity": "crit"}, a["labels"]
assert a["status"] == "firing"
assert "not answering" in a["annotations"]["summary"], a
PY
python3 - "$TMP/state/alerts.json" <<'PY' || fail "persisted state"
import json, sys
s = json.load(open(sys.argv[1]))
down = [a for a in s["alerts"] if a["rule"] == "target_down"]
assert down and down[0]["state"] == 2 and down[0]["notified"] == 3, down
assert not [a for a in s["alerts"] if a["rule"] == "ap_over_capacity" and a["state"]], "an AP without data alerted"
PY

started_at=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print([a for a in s["alerts"] if a["rule"] == "target_down"][0]["started"])' "$TMP/state/alerts.json")

kill -TERM $pid
wait $pid || fail "daemon exit code $?"
start_daemon
# Resumed: the API serves the alert that fired before the restart (its
# start time), not one the new process raised again.
api_wait 20 "$web_port" /api/v1/alerts \
	'any(a["rule"] == "target_down" and a["state"] == "firing" and abs(a["since"] - '"$started_at"') < 0.01 for a in d["alerts"])' \
	"the restart did not resume target_down (firing since $started_at)"
wait_ticks "$web_port" 3	# a re-page would show by now
[ "$(wc -l <"$log")" = 1 ] || { cat "$log"; fail "the restart paged again"; }
[ "$(grep -c '"event":"firing","id":"[0-9a-f]*","rule":"target_down"' "$TMP/state/alerts.log")" = 1 ] ||
	{ cat "$TMP/state/alerts.log"; fail "the restart decided to fire target_down again"; }
# A sanitizer reports on stderr: the log is where its report is.
grep -q "runtime error\|AddressSanitizer" "$TMP/daemon.log" && fail "sanitizer report"
kill -TERM $pid
wait $pid || fail "daemon exit code $?"
pass "target_down fires once across a restart"
