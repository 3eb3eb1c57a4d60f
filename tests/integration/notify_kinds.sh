#!/bin/sh
# Every notifier kind against a real HTTP receiver on 127.0.0.1: a config
# whose rooms project over capacity fires plan_shortfall at start-up; each
# kind must get the request its service expects (method, URL shape, headers,
# auth, JSON body), the generic one the Alertmanager v4 body, and secrets
# must never reach the daemon's log. --test-notify prints one line per
# notifier (status and time), the receiver's reply only with -d.
. "$(dirname "$0")/lib.sh"
need_cmd python3

port=$(free_port)
web_port=$(free_port)
log="$TMP/requests.jsonl"
cat >"$TMP/script.json" <<'JSON'
{"/rejects": [{"status": 404, "body": "no such hook"}, {"status": 404, "body": "no such hook"}, {"status": 404, "body": "no such hook"}]}
JSON
python3 "$top_srcdir/tests/integration/webhook_receiver.py" --port "$port" --log "$log" \
	--script "$TMP/script.json" 2>"$TMP/receiver.err" &
started $!
wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" ||
	fail "receiver did not start"

cat >"$TMP/secrets.conf" <<CONF
secret "slack-hook" { value = "http://127.0.0.1:$port/services/T000/B000/SLACKSECRET" }
secret "mx-token" { value = "syt_MATRIXSECRET" }
CONF
chmod 600 "$TMP/secrets.conf"
base="http://127.0.0.1:$port"
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
secrets = "$TMP/secrets.conf"
tick = 1
alert_group_wait = "1s"
event "t" { attendees = 300 }
room "hall" { seats = 200 }
ap "h1" { room = "hall" max_clients = 100 }
web { listen = { "127.0.0.1:$web_port" } public_url = "https://noc.example/" }
notifier "sl" { kind = "slack" url = "secret:slack-hook" rate_per_minute = 600 }
notifier "mm" { kind = "mattermost" url = "$base/hooks/mmkey" rate_per_minute = 600 }
notifier "dc" { kind = "discord" url = "$base/api/webhooks/123/DISCORDTOKEN" rate_per_minute = 600 }
notifier "tm" { kind = "teams" url = "$base/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=TEAMSSIG" rate_per_minute = 600 }
notifier "mx" { kind = "matrix" url = "$base/" room_id = "!room:example.org" token = "secret:mx-token" rate_per_minute = 600 }
notifier "nt" { kind = "ntfy" url = "$base/headroom-alerts" token = "tk_NTFYTOKEN" rate_per_minute = 600 }
notifier "am" { kind = "generic" url = "$base/alertmanager" severities = { "info", "warn", "crit" } rate_per_minute = 600 }
notifier "bad" { kind = "slack" url = "$base/rejects" }
CONF

# --test-notify: accepted and rejected hooks, with the status on stdout.
"$HEADROOMD" -c "$TMP/headroom.conf" --test-notify sl >"$TMP/test-ok.out" 2>&1 ||
	{ cat "$TMP/test-ok.out"; fail "--test-notify sl failed"; }
grep -q 'notifier "sl" (slack): HTTP 200' "$TMP/test-ok.out" || fail "--test-notify lacks the status"
if "$HEADROOMD" -c "$TMP/headroom.conf" --test-notify bad >"$TMP/test-bad.out" 2>&1; then
	fail "--test-notify succeeded against a 404"
fi
grep -q 'HTTP 404' "$TMP/test-bad.out" || fail "--test-notify did not report the 404"
# one line per notifier, with its time; the receiver's reply only with -d
grep -Eq '^notifier "bad" \(slack\): HTTP 404, rejected in [0-9]+ ms$' "$TMP/test-bad.out" ||
	{ cat "$TMP/test-bad.out"; fail "--test-notify's line for bad"; }
[ "$(wc -l <"$TMP/test-bad.out")" = 1 ] && ! grep -q "no such hook" "$TMP/test-bad.out" ||
	{ cat "$TMP/test-bad.out"; fail "--test-notify printed more than its line"; }
"$HEADROOMD" -d -c "$TMP/headroom.conf" --test-notify bad >"$TMP/test-bad-d.out" 2>/dev/null
grep -q '^    no such hook$' "$TMP/test-bad-d.out" || { cat "$TMP/test-bad-d.out"; fail "--test-notify -d lacks the reply"; }
"$HEADROOMD" -c "$TMP/headroom.conf" --test-notify all >"$TMP/test-all.out" 2>&1
[ "$(grep -c '^notifier "' "$TMP/test-all.out")" = 8 ] || { cat "$TMP/test-all.out"; fail "--test-notify all: not one line per notifier"; }
if "$HEADROOMD" -c "$TMP/headroom.conf" --test-notify nosuch >/dev/null 2>&1; then
	fail "--test-notify accepted an unknown notifier"
fi
: >"$log"

"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon.log" &
pid=$!
started $pid

# Two shortfalls (room hall, venue) reach all seven kinds; "am" also gets
# the watchdog heartbeat.
count_paths() { python3 -c "
import json, sys
n = sum(1 for l in open('$log') if json.loads(l)['path'].startswith(sys.argv[1]))
sys.exit(0 if n >= int(sys.argv[2]) else 1)" "$@"; }
for p in /services/ /hooks/ /api/webhooks/ /workflows/ /_matrix/ /headroom-alerts /alertmanager; do
	n=2
	[ "$p" = /alertmanager ] && n=3
	wait_for 30 count_paths "$p" $n || { cat "$TMP/daemon.log"; fail "$p got fewer than $n requests"; }
done

python3 - "$log" <<'PY' || fail "a request does not look like its service expects"
import json, re, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
def of(prefix):
    r = [q for q in reqs if q["path"].startswith(prefix)]
    assert r, prefix
    return r
def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)

for q in reqs:
    check(q["headers"].get("User-Agent", "").startswith("headroom/"), "user agent")

for q in of("/services/T000/B000/SLACKSECRET"):
    check(q["method"] == "POST", "slack method")
    check(q["headers"]["Content-Type"] == "application/json", "slack content type")
    check(set(q["json"]) == {"text"}, "slack body keys %s" % q["json"])
    check("plan_shortfall" in q["json"]["text"] and "https://noc.example/" in q["json"]["text"], "slack text")
texts = [q["json"]["text"] for q in of("/services/")]
check(any("room hall: projected 180 devices, capacity 100" in t for t in texts), "slack: what and how bad")
check(all(re.search(r"since \d\d:\d\d UTC", t) for t in texts), "slack: since when")

for q in of("/hooks/mmkey"):
    check(q["method"] == "POST" and "text" in q["json"], "mattermost")

for q in of("/api/webhooks/123/DISCORDTOKEN"):
    check(q["method"] == "POST", "discord method")
    check(0 < len(q["json"]["content"]) <= 2000, "discord content length")
    check(q["json"]["allowed_mentions"] == {"parse": []}, "discord mentions off")

for q in of("/workflows/abc/triggers/manual/paths/invoke"):
    check("sig=TEAMSSIG" in q["path"], "teams query kept")
    b = q["json"]
    check(b["type"] == "message", "teams type")
    att = b["attachments"][0]
    check(att["contentType"] == "application/vnd.microsoft.card.adaptive", "teams content type")
    check(att["contentUrl"] is None, "teams contentUrl")
    card = att["content"]
    check(card["type"] == "AdaptiveCard" and card["version"] == "1.4", "teams card")
    check(card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json", "teams schema")
    check(card["body"][0]["type"] == "TextBlock" and card["body"][0]["wrap"] is True, "teams text")
    check(card["actions"][0]["url"] == "https://noc.example/", "teams link")

txns = []
for q in of("/_matrix/"):
    m = re.fullmatch(r"/_matrix/client/v3/rooms/%21room%3Aexample\.org/send/m\.room\.message/([A-Za-z0-9._~-]+)", q["path"])
    check(m, "matrix path %s" % q["path"])
    txns.append(m.group(1))
    check(q["method"] == "PUT", "matrix method")
    check(q["headers"]["Authorization"] == "Bearer syt_MATRIXSECRET", "matrix auth")
    check(q["json"]["msgtype"] == "m.text" and "plan_shortfall" in q["json"]["body"], "matrix body")
check(len(set(txns)) == len(txns), "matrix txnIds unique per message")

for q in of("/headroom-alerts"):
    h = q["headers"]
    check(q["method"] == "POST", "ntfy method")
    check(h["Authorization"] == "Bearer tk_NTFYTOKEN", "ntfy auth")
    check(h["Priority"] == "5" and h["Tags"] == "rotating_light", "ntfy priority/tags")
    check(h["Title"].startswith("[CRIT] plan_shortfall"), "ntfy title")
    check(h["Click"] == "https://noc.example/", "ntfy click")
    check(h["Content-Type"].startswith("text/plain"), "ntfy content type")
    check("capacity" in q["body"], "ntfy body")

ams = of("/alertmanager")
for q in ams:
    b = q["json"]
    check(q["headers"]["Content-Type"] == "application/json", "am content type")
    check(set(b) == {"version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels",
                     "commonLabels", "commonAnnotations", "externalURL", "alerts"}, "am keys %s" % sorted(b))
    check(b["version"] == "4" and b["truncatedAlerts"] == 0 and b["receiver"] == "am", "am header fields")
    check(b["status"] == "firing" and b["externalURL"] == "https://noc.example/", "am status/url")
    check(isinstance(b["groupKey"], str) and b["groupKey"], "am groupKey")
    check(b["groupLabels"]["alertname"] == b["commonLabels"]["alertname"], "am group labels")
    for a in b["alerts"]:
        check(set(a) == {"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL",
                         "fingerprint"}, "am alert keys %s" % sorted(a))
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["startsAt"]), "am startsAt")
        check(a["endsAt"] == "0001-01-01T00:00:00Z", "am endsAt of a firing alert")
        check(re.fullmatch(r"[0-9a-f]{16}", a["fingerprint"]), "am fingerprint")
        check(a["labels"]["alertname"] in ("plan_shortfall", "watchdog"), "am alertname")
        check(a["labels"]["severity"] in ("crit", "info"), "am severity label")
        check(a["annotations"]["summary"], "am summary")
names = sorted(a["labels"]["alertname"] for q in ams for a in q["json"]["alerts"])
check(names == ["plan_shortfall", "plan_shortfall", "watchdog"], "am alerts %s" % names)
room = [a for q in ams for a in q["json"]["alerts"] if a["labels"].get("room") == "hall"]
check(len(room) == 1 and room[0]["annotations"]["value"] == "1.8", "am room alert")
PY

# Secrets never reach the logs: here the log itself is the contract.
for s in SLACKSECRET MATRIXSECRET DISCORDTOKEN TEAMSSIG NTFYTOKEN; do
	if grep -q "$s" "$TMP/daemon.log" "$TMP/state/alerts.log" "$TMP/test-ok.out" "$TMP/test-bad.out"; then
		fail "secret $s appears in a log"
	fi
	if grep -rq "$s" "$TMP/state/spool"; then fail "secret $s written to the spool"; fi
done
grep -q '"event":"sent","notifier":"mx"' "$TMP/state/alerts.log" || fail "alert log lacks sent events"
grep -q '"event":"firing","id":"[0-9a-f]\{16\}","rule":"plan_shortfall"' "$TMP/state/alerts.log" ||
	fail "alert log lacks the firing decision"
kill -TERM $pid
wait $pid || fail "daemon exit code $?"
pass "notify kinds"
