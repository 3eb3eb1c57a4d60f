#!/bin/sh
# Silences both ways with a real Alertmanager (Debian's
# prometheus-alertmanager on 127.0.0.1): a silence made through headroom's
# API is created there too (for this venue only) and silences the alert
# there, and deleting it in headroom expires it there; an ack silences that alert's own label set there; a silence made
# in Alertmanager shows as silenced in headroom's /api/v1/alerts. Without
# "silences = true" nothing crosses. The Alertmanager is shared with a
# crowd of other venues' alerts and silences, so each list it serves is far
# over the 64 KiB a chat service's reply is held to.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/am_lib.sh"

rport=$(free_port)
start_receiver "$rport" "$TMP/chat.jsonl"
write_am_config "$TMP/am.yml" "http://127.0.0.1:$rport/chat"
start_am 1 "$TMP/am.yml"
AM="http://127.0.0.1:$AM_WEB_1"

# the crowd: 300 silenced alerts and 300 silences of venue "other"
python3 - "$AM" <<'PY' || fail "cannot crowd Alertmanager"
import datetime, json, sys, urllib.request
am = sys.argv[1]
def post(path, body):
    req = urllib.request.Request(am + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
t = lambda h: (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ")
pad = "a room on another floor of another building " * 6
post("/api/v2/alerts", [{"labels": {"alertname": "plan_shortfall", "venue": "other", "room": "r%d" % i},
                         "annotations": {"description": pad}, "endsAt": t(1)} for i in range(300)])
for i in range(300):
    post("/api/v2/silences", {"matchers": [{"name": "venue", "value": "other", "isRegex": False, "isEqual": True},
                                           {"name": "room", "value": "r%d" % i, "isRegex": False, "isEqual": True}],
                              "startsAt": t(0), "endsAt": t(1), "createdBy": "other",
                              "comment": pad + "(headroom silence x%d)" % i})
PY
[ "$(curl -sf "$AM/api/v2/silences" | wc -c)" -gt 65536 ] || fail "the crowd of silences is under 64 KiB"
[ "$(curl -sf "$AM/api/v2/alerts?silenced=true" | wc -c)" -gt 65536 ] || fail "the crowd of alerts is under 64 KiB"

web=$(free_port)
token=s3cret-token
write_conf() {
	cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
alert_group_wait = "1s"
event "expo" { attendees = 400 }
room "hall" { seats = 200 }
room "foyer" { seats = 100 }
ap "h1" { room = "hall" max_clients = 100 }
ap "f1" { room = "foyer" max_clients = 50 }
web { listen = { "127.0.0.1:$web" } public_url = "https://noc.example/" api_token = "$token" }
notifier "am" { kind = "alertmanager" url = "$AM" resend = "2s" silences = $1 }
CONF
}
write_conf true
"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon.log" &
pid=$!
started $pid
# the three shortfalls (hall, foyer, venue) reach Alertmanager
am_alerts() { curl -sf "$AM/api/v2/alerts?filter=venue%3D%22expo%22"; }
am_has() {
	am_alerts | python3 -c '
import json, sys
alerts = json.load(sys.stdin)
sys.exit(0 if eval(sys.argv[1], {"alerts": alerts, "by": lambda k, v: [a for a in alerts if a["labels"].get(k) == v]}) else 1)' "$1"
}
wait_for 30 am_has 'len(alerts) == 3' || { am_alerts; cat "$TMP/daemon.log"; fail "the alerts did not reach Alertmanager"; }

post() {
	curl -s -o "$TMP/reply.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$web$1"
}
reply() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$TMP/reply.json" "$1"; }
ends=$(( $(date +%s) + 3600 ))

# 1. headroom -> Alertmanager: a silence on the hall
code=$(post /api/v1/silences "{\"matchers\": [{\"name\": \"room\", \"value\": \"hall\"}], \"endsAt\": $ends, \"createdBy\": \"noc\", \"comment\": \"hall is fine\"}")
[ "$code" = 201 ] || { cat "$TMP/reply.json"; fail "silence answered $code"; }
am_id=$(reply alertmanager_silence)
local_id=$(reply id)
[ -n "$am_id" ] || { cat "$TMP/reply.json"; fail "the silence did not reach Alertmanager"; }
curl -sf "$AM/api/v2/silence/$am_id" >"$TMP/silence.json" || fail "Alertmanager has no silence $am_id"
python3 - "$TMP/silence.json" <<'PY' || fail "Alertmanager's silence is not headroom's"
import json, sys
s = json.load(open(sys.argv[1]))
m = {x["name"]: (x["value"], x["isRegex"], x.get("isEqual", True)) for x in s["matchers"]}
assert m == {"room": ("hall", False, True), "venue": ("expo", False, True)}, m
assert s["createdBy"] == "noc" and s["comment"].startswith("hall is fine (headroom silence "), s
assert s["status"]["state"] == "active", s
PY
wait_for 10 am_has 'by("room", "hall")[0]["status"]["silencedBy"] == ["'"$am_id"'"]' ||
	{ am_alerts; fail "Alertmanager does not silence the hall's alert"; }

# ... and deleting it in headroom expires it there
code=$(curl -s -o "$TMP/reply.json" -w '%{http_code}' -X DELETE -H "Authorization: Bearer $token" \
	"http://127.0.0.1:$web/api/v1/silences/$local_id")
[ "$code" = 202 ] && [ "$(reply alertmanager_expired)" = "$am_id" ] ||
	{ echo "$code"; cat "$TMP/reply.json"; fail "deleting the silence did not expire Alertmanager's"; }
curl -sf "$AM/api/v2/silence/$am_id" | grep -q '"state":"expired"' || fail "Alertmanager's silence is not expired"
wait_for 10 am_has 'by("room", "hall")[0]["status"]["silencedBy"] == []' ||
	{ am_alerts; fail "Alertmanager still silences the hall"; }

# 2. Alertmanager -> headroom: a silence made there on the venue's alert
amtool_body="{\"matchers\": [{\"name\": \"scope\", \"value\": \"venue\", \"isRegex\": false, \"isEqual\": true}], \"startsAt\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"endsAt\": \"$(date -u -d @$ends +%Y-%m-%dT%H:%M:%SZ)\", \"createdBy\": \"amtool\", \"comment\": \"known\"}"
venue_sil=$(curl -sf -H 'Content-Type: application/json' -d "$amtool_body" "$AM/api/v2/silences" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["silenceID"])') || fail "cannot silence in Alertmanager"
venue_alert() { echo 'next(a for a in d["alerts"] if a["labels"].get("scope") == "venue")'; }
api_wait 20 "$web" /api/v1/alerts "$(venue_alert)[\"silenced\"] is True and $(venue_alert)[\"silence\"] == \"$venue_sil\" and $(venue_alert)[\"silenced_in\"] == \"alertmanager\"" \
	"Alertmanager's silence does not show in headroom"
foyer='next(a for a in d["alerts"] if a["labels"].get("room") == "foyer")'
api_check "$web" /api/v1/alerts "$foyer[\"silenced\"] is False" || fail "the foyer shows silenced"

# 3. an ack: the foyer's alert, its own label set, silenced there
foyer_id=$(api_get "$web" /api/v1/alerts | python3 -c "import json, sys; d = json.load(sys.stdin); print($foyer['id'])")
code=$(post "/api/v1/alerts/$foyer_id/ack" '{"author": "ana", "comment": "on it"}')
[ "$code" = 202 ] || { cat "$TMP/reply.json"; fail "ack answered $code"; }
ack_sil=$(reply alertmanager_silence)
[ -n "$ack_sil" ] || { cat "$TMP/reply.json"; fail "the ack did not reach Alertmanager"; }
wait_for 10 am_has 'by("room", "foyer")[0]["status"]["silencedBy"] == ["'"$ack_sil"'"]' ||
	{ am_alerts; fail "Alertmanager does not silence the acked alert"; }
curl -sf "$AM/api/v2/silence/$ack_sil" | python3 -c '
import json, sys
s = json.load(sys.stdin)
m = {x["name"]: x["value"] for x in s["matchers"]}
assert m == {"alertname": "plan_shortfall", "room": "foyer", "severity": "crit", "venue": "expo"}, m
assert s["createdBy"] == "ana" and "on it" in s["comment"], s' || fail "the ack's silence is not the alert's label set"

# 4. without silences = true nothing crosses
write_conf false
kill -HUP $pid
wait_ticks "$web" 3
code=$(post /api/v1/silences "{\"matchers\": [{\"name\": \"room\", \"value\": \"foyer\"}], \"endsAt\": $ends, \"createdBy\": \"noc\", \"comment\": \"local\"}")
[ "$code" = 201 ] && [ -z "$(reply alertmanager_silence)" ] || { cat "$TMP/reply.json"; fail "a silence crossed without silences = true"; }
api_wait 10 "$web" /api/v1/alerts "$(venue_alert).get(\"silenced_in\") is None" \
	"Alertmanager's silence still shows without silences = true"

kill -TERM $pid
wait $pid || fail "headroomd exited with $? after SIGTERM"
grep -q "AddressSanitizer\|runtime error" "$TMP/daemon.log" && fail "sanitizer report"
pass "silences cross both ways between headroom and Alertmanager"
