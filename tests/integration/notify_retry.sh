#!/bin/sh
# Retries against a real receiver that answers 500, then 429 with
# Retry-After: 2, then 200: the first notification is delivered exactly
# once, not before the server's wait, and the second one (queued behind
# it) only after it: order is kept per notifier. A notifier answered 404
# is permanent: notifier_failing fires and the message goes to the
# fallback notifier.
. "$(dirname "$0")/lib.sh"
need_cmd python3

port=$(free_port)
web_port=$(free_port)
log="$TMP/requests.jsonl"
cat >"$TMP/script.json" <<'JSON'
{"/slack": [{"status": 500}, {"status": 429, "headers": {"Retry-After": "2"}}, {"status": 200}],
 "/gone": [{"status": 404}, {"status": 404}, {"status": 404}, {"status": 404}]}
JSON
python3 "$top_srcdir/tests/integration/webhook_receiver.py" --port "$port" --log "$log" \
	--script "$TMP/script.json" 2>"$TMP/receiver.err" &
started $!
wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" ||
	fail "receiver did not start"

base="http://127.0.0.1:$port"
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
alert_group_wait = "1s"
event "t" { attendees = 300 }
room "hall" { seats = 200 }
room "foyer" { seats = 100 }
ap "h1" { room = "hall" max_clients = 100 }
ap "f1" { room = "foyer" max_clients = 50 }
web { listen = { "127.0.0.1:$web_port" } public_url = "https://noc.example/" }
notifier "sl" { kind = "slack" url = "$base/slack" rooms = { "hall", "foyer" } rate_per_minute = 600 }
notifier "gone" { kind = "slack" url = "$base/gone" rooms = { "hall" } fallback = "rescue" rate_per_minute = 600 }
notifier "rescue" { kind = "generic" url = "$base/rescue" rules = { "notifier_failing" } rate_per_minute = 600 }
CONF

"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon.log" &
pid=$!
started $pid

count() { python3 -c "
import json, sys
n = sum(1 for l in open('$log') if json.loads(l)['path'] == sys.argv[1])
sys.exit(0 if n >= int(sys.argv[2]) else 1)" "$@"; }
wait_for 60 count /slack 4 || { cat "$TMP/daemon.log"; fail "slack did not get 4 requests"; }
wait_for 30 count /rescue 2 || { cat "$TMP/daemon.log"; fail "the fallback got no message"; }
wait_ticks "$web_port" 3	# room for a wrong extra delivery to show up

python3 - "$log" <<'PY' || fail "retry semantics"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
sl = [q for q in reqs if q["path"] == "/slack"]
def check(cond, what):
    if not cond:
        print("FAIL:", what, [(round(q["time"], 2), q["status"], q["body"][:60]) for q in sl], file=sys.stderr)
        sys.exit(1)
check(len(sl) == 4, "exactly 4 slack requests (500, 429, 200, then the second message)")
check([q["status"] for q in sl] == [500, 429, 200, 200], "statuses")
first = sl[0]["body"]
check(sl[1]["body"] == first and sl[2]["body"] == first, "the same message is retried")
check(sl[3]["body"] != first, "the second message comes after the first was accepted")
check(sum(1 for q in sl if q["body"] == first and q["status"] == 200) == 1, "accepted once")
# backoff after the 500 is 2 s +-20%; after the 429 the server's 2 s
check(sl[1]["time"] - sl[0]["time"] >= 1.6, "backoff after 500")
check(sl[2]["time"] - sl[1]["time"] >= 2.0, "Retry-After honoured")
check(sl[3]["time"] >= sl[2]["time"], "order kept")
# the two rooms' notifications, each once
rooms = sorted(("hall" in q["json"]["text"], "foyer" in q["json"]["text"]) for q in sl if q["status"] == 200)
check(rooms == [(False, True), (True, False)], "one accepted message per room")

gone = [q for q in reqs if q["path"] == "/gone"]
check(len(gone) == 1, "a 404 is not retried (%d requests)" % len(gone))
rescue = [q for q in reqs if q["path"] == "/rescue"]
bodies = [q["json"] for q in rescue]
names = sorted(a["labels"]["alertname"] for b in bodies for a in b["alerts"])
check("plan_shortfall" in names, "the failed message went to the fallback: %s" % names)
check("notifier_failing" in names, "notifier_failing reached the fallback: %s" % names)
nf = [a for b in bodies for a in b["alerts"] if a["labels"]["alertname"] == "notifier_failing"]
check(nf[0]["labels"]["notifier"] == "gone" and "HTTP 404" in nf[0]["annotations"]["summary"], "notifier_failing labels")
PY

python3 - "$TMP/state/alerts.log" <<'PY' || fail "alert log lacks the delivery story"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
sl = [e for e in ev if e.get("notifier") == "sl"]
kinds = [(e["event"], e.get("http_status")) for e in sl if e["event"] in ("retry", "sent")]
assert kinds[:3] == [("retry", 500), ("retry", 429), ("sent", 200)], kinds
r429 = [e for e in sl if e["event"] == "retry" and e["http_status"] == 429][0]
assert r429["delay"] == 2, r429
assert any(e["event"] == "failed" and e["notifier"] == "gone" and e["http_status"] == 404 for e in ev)
assert any(e["event"] == "fallback" and e["notifier"] == "gone" and e["to"] == "rescue" for e in ev)
assert any(e["event"] == "firing" and e["rule"] == "notifier_failing" for e in ev)
PY
# A sanitizer reports on stderr: the log is where its report is.
grep -q "runtime error\|AddressSanitizer" "$TMP/daemon.log" && { cat "$TMP/daemon.log"; fail "sanitizer report"; }
kill -TERM $pid
wait $pid || fail "daemon exit code $?"
pass "notify retry, order, permanent failure and fallback"
