#!/bin/sh
# A 429 is the service pacing us, not a failure: after a run of 429s
# (with and without Retry-After) one 500 is retried after the base delay
# (2 s +-20%), not after a backoff grown by every 429. The receiver is
# real; the delays checked are the ones the daemon scheduled and logged
# in alerts.log, so the test holds on a slow machine.
. "$(dirname "$0")/lib.sh"
need_cmd python3

port=$(free_port)
web_port=$(free_port)
log="$TMP/requests.jsonl"
cat >"$TMP/script.json" <<'JSON'
{"/hook": [{"status": 429}, {"status": 429}, {"status": 429, "headers": {"Retry-After": "1"}},
           {"status": 429, "headers": {"Retry-After": "1"}}, {"status": 429},
           {"status": 500}, {"status": 200}]}
JSON
python3 "$top_srcdir/tests/integration/webhook_receiver.py" --port "$port" --log "$log" \
	--script "$TMP/script.json" 2>"$TMP/receiver.err" &
started $!
wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" ||
	fail "receiver did not start"

cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
alert_group_wait = "1s"
event "t" { attendees = 300 }
room "hall" { seats = 200 }
ap "h1" { room = "hall" max_clients = 100 }
web { listen = { "127.0.0.1:$web_port" } }
notifier "hook" { kind = "generic" url = "http://127.0.0.1:$port/hook" rate_per_minute = 600 }
CONF

"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon.log" &
pid=$!
started $pid

# retries STATUS: the delays logged for retries after that HTTP status
retries() {
	python3 - "$TMP/state/alerts.log" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") == "retry" and e.get("notifier") == "hook" and e.get("http_status") == int(sys.argv[2]):
        print(e["delay"])
PY
}
has_retry() { [ -n "$(retries "$1")" ]; }
wait_for 60 has_retry 500 || { cat "$TMP/daemon.log"; fail "no retry after the 500 was logged"; }
delay=$(retries 500)
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 2.4 else 1)" "$delay" ||
	fail "after five 429s one 500 waits $delay s, not the base delay of 2 s"
[ "$(retries 429 | wc -l)" = 5 ] || fail "five 429s should be five retries: $(retries 429)"

delivered() { grep -q '"status": 200' "$log"; }
wait_for 30 delivered || { cat "$TMP/daemon.log"; fail "the notification was never delivered"; }
grep -q '"event":"sent","notifier":"hook"' "$TMP/state/alerts.log" ||
	fail "the delivery was not logged as sent"
pass "429s pace, they do not count as failures"
