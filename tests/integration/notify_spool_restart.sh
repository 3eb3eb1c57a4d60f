#!/bin/sh
# At-least-once delivery across a crash: notifications are spooled while
# the receiver is down, the daemon is killed with SIGKILL, the receiver
# comes up, the daemon restarts: every spooled message arrives, none twice,
# the Matrix txnId is the one spooled before the crash, and the restarted
# daemon does not page again for the alerts it had already handed over.
. "$(dirname "$0")/lib.sh"
need_cmd python3

port=$(free_port)
web_port=$(free_port)
log="$TMP/requests.jsonl"
base="http://127.0.0.1:$port"
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
alert_group_wait = "1s"
event "t" { attendees = 400 }
room "hall" { seats = 200 }
room "foyer" { seats = 100 }
ap "h1" { room = "hall" max_clients = 100 }
ap "f1" { room = "foyer" max_clients = 50 }
web { listen = { "127.0.0.1:$web_port" } public_url = "https://noc.example/" }
notifier "mx" { kind = "matrix" url = "$base" room_id = "!r:example.org" token = "tok" rate_per_minute = 600 }
notifier "am" { kind = "generic" url = "$base/am" rate_per_minute = 600 }
CONF

"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon1.log" &
pid=$!
started $pid
# Three shortfalls (hall, foyer, venue) for each notifier, each tried and failed.
retried() { [ "$(grep -c "\"event\":\"retry\",\"notifier\":\"$1\"" "$TMP/state/alerts.log")" -ge 1 ] &&
	[ "$(ls "$TMP/state/spool/$1" | grep -c '\.json$')" -ge 3 ]; }
wait_for 30 retried mx || { cat "$TMP/daemon1.log"; fail "matrix messages were not spooled and tried"; }
wait_for 30 retried am || { cat "$TMP/daemon1.log"; fail "generic messages were not spooled and tried"; }
kill -9 $pid
wait $pid 2>/dev/null

python3 - "$TMP/state/spool" >"$TMP/spooled.txt" <<'PY'
import json, os, sys
root = sys.argv[1]
for notifier in sorted(os.listdir(root)):
    for name in sorted(os.listdir(os.path.join(root, notifier))):
        if name.endswith(".json"):
            m = json.load(open(os.path.join(root, notifier, name)))
            print(notifier, m["id"], m["notification"]["id"])
PY
[ "$(wc -l <"$TMP/spooled.txt")" = 6 ] || { cat "$TMP/spooled.txt"; fail "expected 6 spooled messages"; }

python3 "$top_srcdir/tests/integration/webhook_receiver.py" --port "$port" --log "$log" \
	2>"$TMP/receiver.err" &
started $!
wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" ||
	fail "receiver did not start"

# What the crashed daemon had decided: its firing alerts and since when.
firing=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(json.dumps({a["id"]: a["started"] for a in s["alerts"] if a["state"] == 2}))' "$TMP/state/alerts.json")
[ "$firing" != "{}" ] || fail "the crashed daemon had persisted no firing alert"

"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon2.log" &
pid=$!
started $pid
empty() { [ -z "$(ls "$TMP/state/spool/mx" "$TMP/state/spool/am" | grep '\.json$')" ]; }
wait_for 60 empty || { cat "$TMP/daemon2.log"; fail "the spool did not drain"; }
# The restart resumed the alert state: the API serves the same alerts,
# firing since the same times.
api_wait 20 "$web_port" /api/v1/alerts \
	'all(any(a["id"] == i and a["state"] == "firing" and abs(a["since"] - t) < 0.01 for a in d["alerts"]) for i, t in '"$firing"'.items())' \
	"the restart did not resume the alert state ($firing)"
wait_ticks "$web_port" 3	# a re-page or a second delivery would show by now

python3 - "$log" "$TMP/spooled.txt" <<'PY' || fail "delivery after the crash"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
spooled = [l.split() for l in open(sys.argv[2])]
mx = [q for q in reqs if q["path"].startswith("/_matrix/")]
am = [q for q in reqs if q["path"] == "/am"]
txns = [q["path"].rsplit("/", 1)[1] for q in mx]
want_mx = [s[1] for s in spooled if s[0] == "mx"]
assert txns == want_mx, ("matrix txnIds", txns, want_mx)
assert len(am) == 3, ("generic deliveries", len(am))
keys = sorted(q["json"]["groupKey"] for q in am)
assert len(set(keys)) == 3, keys
assert len(reqs) == 6, ("no other request (no re-page)", len(reqs))
PY
# A sanitizer reports on stderr: the log is where its report is.
grep -q "runtime error\|AddressSanitizer" "$TMP/daemon1.log" "$TMP/daemon2.log" && fail "sanitizer report"
kill -TERM $pid
wait $pid || fail "daemon exit code $?"
pass "spool survives kill -9"
