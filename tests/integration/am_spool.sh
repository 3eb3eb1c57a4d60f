#!/bin/sh
# Nothing is lost while Alertmanager is down: with the API unreachable an
# alert fires and resolves, headroomd is killed (SIGKILL) and restarted;
# once the API answers, the spooled firing and resolution arrive in order,
# the resolution ending the alert in the past, and the active alerts are
# re-sent every interval. The API is played by the webhook receiver, which
# records every request (Alertmanager keeps no history to read back).
. "$(dirname "$0")/lib.sh"
need_cmd python3

port=$(free_port)
web_port=$(free_port)
log="$TMP/requests.jsonl"
write_conf() {
	cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
alert_group_wait = "1s"
alert_group_interval = "1s"
event "expo" { attendees = 300 }
room "hall" { seats = $1 }
ap "h1" { room = "hall" max_clients = 100 }
web { listen = { "127.0.0.1:$web_port" } public_url = "https://noc.example/" }
notifier "am" { kind = "alertmanager" url = "http://127.0.0.1:$port/" resend = "2s" }
CONF
}
write_conf 200
"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon1.log" &
pid=$!
started $pid
spooled() { [ "$(ls "$TMP/state/spool/am" 2>/dev/null | grep -c '\.json$')" -ge "$1" ]; }
wait_for 30 spooled 1 || { cat "$TMP/daemon1.log"; fail "the firing alerts were not spooled"; }
write_conf 50	# the hall's shortfall ends
kill -HUP $pid
wait_for 30 grep -q '"event":"resolved".*"room":"hall"' "$TMP/state/alerts.log" ||
	fail "the hall's alert did not resolve"
wait_for 10 spooled 3 || fail "the resolution was not spooled"
kill -9 $pid
wait $pid 2>/dev/null

python3 "$top_srcdir/tests/integration/webhook_receiver.py" --port "$port" --log "$log" \
	2>"$TMP/receiver.err" &
started $!
wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" ||
	fail "receiver did not start"
"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon2.log" &
pid=$!
started $pid

# hall: fired, then ended (endsAt in the past); venue: re-sent, still firing
check() {
	python3 - "$log" <<'PY'
import json, sys, time
from datetime import datetime
reqs = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["path"] == "/api/v2/alerts" and r["method"] == "POST" for r in reqs), "path"
def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
hall = [(r["time"], a) for r in reqs for a in r["json"] if a["labels"].get("room") == "hall"]
venue = [(r["time"], a) for r in reqs for a in r["json"] if a["labels"].get("scope") == "venue"]
assert len(hall) >= 2 and len(venue) >= 2, "not yet"
first, last = hall[0][1], hall[-1][1]
assert ts(first["endsAt"]) > hall[0][0], "hall's first message is not firing"
assert ts(last["endsAt"]) <= hall[-1][0], "hall's last message does not end it"
assert all(ts(a["endsAt"]) > t for t, a in venue), "venue ended"
for _, a in hall + venue:
    assert a["labels"]["venue"] == "expo" and a["labels"]["alertname"] == "plan_shortfall"
    assert a["annotations"]["dashboard"] == "https://noc.example/"
PY
}
wait_for 30 check || { check; cat "$log"; fail "the spooled alerts did not arrive as sent"; }
wait_for 10 sh -c "[ -z \"\$(ls '$TMP/state/spool/am' | grep '\.json$')\" ]" ||
	fail "the spool did not drain"
kill -TERM $pid
wait $pid || fail "headroomd exited with $? after SIGTERM"
grep -q "AddressSanitizer\|runtime error" "$TMP"/daemon*.log && fail "sanitizer report"
pass "alertmanager: spooled alerts survive a crash while the API is down ($(wc -l <"$log") requests)"
