#!/bin/sh
# web API against a running headroomd: the plan's numbers in every JSON
# endpoint and /metrics, gzip and ETag, the SSE stream (state, then one
# tick per publish), token rules for silences and acks (401, 403, 429),
# a silence created and deleted through the alert engine; then live
# numbers from a Cisco WLC and a switch in snmpsimd, an unplanned AP, and
# APs turning "unknown" when the controller stops answering.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd curl

WEB_PORT=$(free_port)
WEB_EXTRA_LISTEN=""
if "$PY" -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	V6_PORT=$(free_port)
	WEB_EXTRA_LISTEN=", \"[::1]:$V6_PORT\""
fi
conf="$TMP/headroom.conf"
write_conf "$conf" "$WEB_PORT" "" "" 'api_token = "t0ken-for-tests"'
start_headroomd "$conf"

# ---- the plan, before any reading ----
jcheck /api/v1/venue 'd["projected"] == 1080 and d["capacity"] == 550 and d["devices"] is None' \
	"venue totals are not the plan's"
jcheck /api/v1/venue 'd["headroom"] == -530 and d["status"] == "unknown" and d["attendees"] == 1200'
jcheck /api/v1/venue 'd["verdict"]["status"] in ("unknown", "crit") and "1,080 projected devices" in d["verdict"]["text"]' \
	"verdict does not name the projection"
jcheck /api/v1/venue 'd["uplink"]["capacity_mbps"] == 1000 and d["uplink"]["projected_mbps"] == 270'
jcheck /api/v1/rooms 'by(d["rooms"], "hall-a")["projected"] == 540 and by(d["rooms"], "hall-a")["capacity"] == 400'
jcheck /api/v1/rooms 'by(d["rooms"], "hall-a")["plan_status"] == "crit" and by(d["rooms"], "hall-a")["aps"] == ["a1", "a2"]'
jcheck /api/v1/rooms 'by(d["rooms"], "lobby")["projected"] == 270 and by(d["rooms"], "lobby")["common_area"] is True'
jcheck /api/v1/aps 'len(d["aps"]) == 3 and all(a["state"] == "unknown" and a["clients"] is None for a in d["aps"])'
jcheck /api/v1/aps 'by(d["aps"], "a1")["projected"] == 270 and by(d["aps"], "a1")["room"] == "hall-a"'
jcheck /api/v1/uplinks 'by(d["uplinks"], "wan")["projected_mbps"] == 270 and by(d["uplinks"], "wan")["mbps_in"] is None'
jcheck /api/v1/targets 'd["targets"] == []'
jcheck /api/v1/alerts 'isinstance(d["alerts"], list) and isinstance(d["silences"], list)'
jcheck /healthz 'd["status"] == "ok" and d["seq"] >= 1'
[ "$(status)" = 200 ] || fail "/healthz answered $(status)"
if [ -n "$WEB_EXTRA_LISTEN" ]; then
	curl -sf -g "http://[::1]:$V6_PORT/api/v1/venue" | grep -q '"projected":1080' ||
		fail "no answer on the IPv6 listener [::1]:$V6_PORT"
fi

# ---- /metrics: exposition format and the plan's numbers ----
get /metrics >"$TMP/metrics.txt"
[ "$(status)" = 200 ] || fail "/metrics answered $(status)"
"$PY" - "$TMP/metrics.txt" <<'PYEOF' || fail "/metrics is not valid exposition text"
import re, sys
text = open(sys.argv[1]).read()
assert text.endswith("\n")
helped, typed, samples = set(), {}, {}
line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$')
for line in text.splitlines():
    if line.startswith("# HELP "):
        helped.add(line.split()[2])
    elif line.startswith("# TYPE "):
        _, _, name, kind = line.split()
        assert kind in ("gauge", "counter"), line
        assert name not in typed, "TYPE twice: " + name
        typed[name] = kind
    else:
        m = line_re.match(line)
        assert m, "bad line: " + line
        name = m.group(1)
        assert name in typed and name in helped, "sample before HELP/TYPE: " + line
        samples[line.rsplit(" ", 1)[0]] = float(line.rsplit(" ", 1)[1])
for name, kind in typed.items():
    assert (kind == "counter") == name.endswith("_total"), "counter naming: " + name
want = {
    "headroom_venue_projected_devices": 1080,
    "headroom_venue_capacity_devices": 550,
    'headroom_room_capacity{room="hall-a"}': 400,
    'headroom_room_projected_devices{room="lobby"}': 270,
    'headroom_ap_capacity{ap="a1",room="hall-a"}': 200,
    'headroom_uplink_capacity_bytes_per_second{uplink="wan"}': 1e9 / 8,
}
for k, v in want.items():
    assert samples.get(k) == v, "%s = %s, want %s" % (k, samples.get(k), v)
assert "headroom_venue_devices" not in samples, "unknown devices exported as a number"
assert samples["headroom_ticks_total"] >= 1
PYEOF

# ---- gzip, ETag, caching and security headers ----
curl -s -D "$TMP/h1" -H 'Accept-Encoding: gzip' -o "$TMP/aps.gz" "http://127.0.0.1:$WEB_PORT/api/v1/aps"
grep -qi '^Content-Encoding: gzip' "$TMP/h1" || fail "no gzip for a client that accepts it"
gzip -dc "$TMP/aps.gz" | "$PY" -c 'import json, sys; assert len(json.load(sys.stdin)["aps"]) == 3' ||
	fail "gzip body does not decode to the JSON"
curl -s -D "$TMP/h2" -H 'Accept-Encoding: gzip;q=0, identity' -o /dev/null "http://127.0.0.1:$WEB_PORT/api/v1/aps"
! grep -qi '^Content-Encoding: gzip' "$TMP/h2" || fail "gzip sent although q=0 refused it"
curl -s -D "$TMP/h3" -o /dev/null "http://127.0.0.1:$WEB_PORT/static/app.js"
etag=$(sed -n 's/^ETag: *//Ip' "$TMP/h3" | tr -d '\r')
[ -n "$etag" ] || fail "no ETag on a static file"
grep -qi '^Cache-Control: no-cache' "$TMP/h3" || fail "no Cache-Control on a static file"
grep -qi '^Content-Type: text/javascript' "$TMP/h3" || fail "app.js is not text/javascript"
get /static/app.js -H "If-None-Match: $etag" >/dev/null
[ "$(status)" = 304 ] || fail "If-None-Match with the ETag answered $(status), not 304"
curl -s -D "$TMP/h4" -o "$TMP/index.html" "http://127.0.0.1:$WEB_PORT/"
grep -qi "^Content-Security-Policy: default-src 'self'" "$TMP/h4" || fail "no CSP on the dashboard"
grep -qi '^X-Content-Type-Options: nosniff' "$TMP/h4" || fail "no X-Content-Type-Options"
grep -qi '^Referrer-Policy: no-referrer' "$TMP/h4" || fail "no Referrer-Policy"
grep -q 'id="verdict"' "$TMP/index.html" || fail "/ is not the dashboard"

# ---- server-sent events: full state first, then a diff per tick ----
"$PY" - "$WEB_PORT" <<'PYEOF' || fail "the /events stream is wrong"
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=20)
c.request("GET", "/events")
r = c.getresponse()
assert r.status == 200 and r.getheader("Content-Type").startswith("text/event-stream")
events, cur = [], {}
while len(events) < 3:
    line = r.fp.readline().decode().rstrip("\n")
    if line == "":
        if cur:
            events.append(cur)
        cur = {}
        continue
    k, _, v = line.partition(": ")
    cur[k] = v
first, second, third = events
assert first["event"] == "state", first
state = json.loads(first["data"])
assert state["venue"]["projected"] == 1080 and "hall-a" in state["rooms"] and "a1" in state["aps"]
assert second["event"] == "tick" and int(second["id"]) == int(first["id"]) + 1, second
tick = json.loads(second["data"])
assert tick["seq"] == state["seq"] + 1 and "venue" in tick and tick["rooms"] == {}, tick
assert int(third["id"]) == int(second["id"]) + 1
PYEOF

# ---- silences and acks: token rules and the alert engine ----
# post PATH [TOKEN [METHOD [BODY]]]
post() {
	local data=${4:-}
	[ -n "$data" ] || data='{}'
	if [ -n "${2:-}" ]; then
		get "$1" -X "${3:-POST}" -H 'Content-Type: application/json' \
			-H "Authorization: Bearer $2" --data-binary "$data"
	else
		get "$1" -X "${3:-POST}" -H 'Content-Type: application/json' --data-binary "$data"
	fi
}
post /api/v1/silences >/dev/null
[ "$(status)" = 401 ] || fail "silence without a token answered $(status), not 401"
post /api/v1/silences wrong-token >/dev/null
[ "$(status)" = 401 ] || fail "silence with a wrong token answered $(status), not 401"
post /api/v1/silences t0ken-for-tests POST '[1,' >/dev/null
[ "$(status)" = 400 ] || fail "malformed JSON answered $(status), not 400"
ends=$(( $(date +%s) + 3600 ))
body='{"matchers":[{"name":"room","value":"hall-a"}],"endsAt":'$ends',"comment":"web test","createdBy":"web_api.sh"}'
post /api/v1/silences t0ken-for-tests POST "$body" >"$TMP/silence.json"
[ "$(status)" = 201 ] || { cat "$TMP/silence.json"; fail "valid silence answered $(status), not 201"; }
sid=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/silence.json")
jwait 10 /api/v1/silences "any(s[\"id\"] == \"$sid\" for s in d[\"silences\"])" "silence $sid never listed"
post "/api/v1/silences/$sid" t0ken-for-tests DELETE >/dev/null
[ "$(status)" = 202 ] || fail "DELETE of silence answered $(status), not 202"
# A regex whose automaton explodes is refused when the silence is made.
costly='{"matchers":[{"name":"ap","value":"((a{1,100}){1,100}){1,100}","isRegex":true}],"endsAt":'$ends',"comment":"web test","createdBy":"web_api.sh"}'
post /api/v1/silences t0ken-for-tests POST "$costly" >"$TMP/costly.json"
[ "$(status)" = 400 ] && grep -q regex "$TMP/costly.json" ||
	{ cat "$TMP/costly.json"; fail "a costly regex silence answered $(status), not 400"; }
post /api/v1/alerts/no-such-alert/ack t0ken-for-tests POST '{"author":"test"}' >/dev/null
case "$(status)" in 202|400|404) ;; *) fail "ack of an unknown alert answered $(status)" ;; esac
get /api/v1/venue -X DELETE >/dev/null
[ "$(status)" = 405 ] || fail "DELETE /api/v1/venue answered $(status), not 405"

# Guessing the token: after ten failures in a minute, 429; the right
# token still works (web_auth_limit.sh has the rest).
for _ in 1 2 3 4 5 6 7 8 9 10; do post /api/v1/silences guess >/dev/null; done
post /api/v1/silences guess >/dev/null
[ "$(status)" = 429 ] || fail "the eleventh try answered $(status), not 429"
post /api/v1/silences t0ken-for-tests POST "$body" >/dev/null
[ "$(status)" = 201 ] || fail "the right token after ten wrong ones answered $(status), not 201"

# No api_token configured (reload): writes are forbidden, reads go on.
write_conf "$conf" "$WEB_PORT"
kill -HUP "$HEADROOMD_PID"
wait_for 20 sh -c "curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' http://127.0.0.1:$WEB_PORT/api/v1/silences | grep -q 403" ||
	fail "a POST without api_token configured is not 403"
jcheck /api/v1/venue 'd["projected"] == 1080'

# ---- series and graphs: bad parameters are 400 ----
for q in "metric=clients" "entity=ap:a1" "entity=../x&metric=clients" "entity=ap:a1&metric=cl%20ients" \
	"entity=ap:a1&metric=clients&cf=SUM" "entity=ap:a1&metric=clients&from=yesterday" \
	"entity=ap:a1&metric=clients&from=-1h&to=-2h" "entity=ap:a1&metric=clients&step=-5"; do
	get "/api/v1/series?$q" >/dev/null
	[ "$(status)" = 400 ] || fail "series?$q answered $(status), not 400"
done
get "/api/v1/series?entity=room:hall-a&metric=clients&from=-1h&cf=MAX" >"$TMP/series.json"
case "$(status)" in
200) "$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["cf"] == "MAX" and isinstance(d["points"], list)' "$TMP/series.json" ||
	fail "series body: $(cat "$TMP/series.json")" ;;
404|503) grep -q '"error"' "$TMP/series.json" || fail "series error without a JSON error" ;;
*) fail "series answered $(status)" ;;
esac
get "/graph/venue.svg?range=abc" >/dev/null
[ "$(status)" = 400 ] || fail "graph range=abc answered $(status)"
get "/graph/venue.gif" >/dev/null
[ "$(status)" = 404 ] || fail "graph .gif answered $(status)"

kill -TERM "$HEADROOMD_PID"
wait "$HEADROOMD_PID" || fail "headroomd exit code $? after SIGTERM"
no_sanitizer_reports

# ---- TLS and basic auth for the read-only pages ----
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
		-days 1 -subj /CN=localhost >/dev/null 2>&1 || fail "openssl could not make a certificate"
	write_conf "$conf" "$WEB_PORT" "" "" "tls_cert = \"$TMP/cert.pem\"  tls_key = \"$TMP/key.pem\"
  basic_auth_user = \"noc\"  basic_auth_password = \"pa55\""
	WEB_SCHEME=https
	start_headroomd "$conf"
	get /api/v1/venue >/dev/null
	[ "$(status)" = 401 ] || fail "no credentials over TLS answered $(status), not 401"
	get /api/v1/venue -u noc:wrong >/dev/null
	[ "$(status)" = 401 ] || fail "wrong password answered $(status), not 401"
	get /api/v1/venue -u noc:pa55 | grep -q '"projected":1080' || fail "venue over TLS with basic auth"
	get /metrics -u noc:pa55 | grep -q '^headroom_venue_projected_devices 1080$' || fail "/metrics over TLS with basic auth"
	get /healthz >/dev/null
	[ "$(status)" = 200 ] || fail "/healthz needs no credentials, answered $(status)"
	curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/healthz" && fail "plain HTTP answered on a TLS listener"
	kill -TERM "$HEADROOMD_PID"
	wait "$HEADROOMD_PID" || fail "headroomd exit code $? after SIGTERM"
	WEB_SCHEME=http
	no_sanitizer_reports
else
	echo "SKIP: no openssl to make a certificate; TLS checks left out"
fi

# ---- live numbers from snmpsimd ----
command -v snmpsimd >/dev/null 2>&1 || { pass "web api (no snmpsimd: live part skipped)"; exit 0; }
write_snmprec "$TMP/snmp"
chmod 711 "$TMP"
SNMP_PORT=$(free_port udp)
start_snmpsim "$TMP/snmp" "$SNMP_PORT" wlc
write_conf "$conf" "$WEB_PORT" "$SNMP_PORT" wlc

# What the SNMP collector of this build delivers from these devices
# (headroomd -T); the web side is held to what it delivers.
timeout 60 "$HEADROOMD" -T -c "$conf" >"$TMP/probe.jsonl" 2>"$TMP/probe.log"
delivers() { grep -q "\"entity\":\"$1\",\"metric\":\"$2\"" "$TMP/probe.jsonl"; }
aps_live=0
uplink_live=0
delivers ap:a1 clients && aps_live=1
delivers uplink:wan octets_in_total && uplink_live=1
[ $aps_live = 1 ] || echo "SKIP: the SNMP collector delivers no AP rows from the WLC yet; live AP checks left out"
[ $uplink_live = 1 ] || echo "SKIP: the SNMP collector delivers no uplink counters from the switch yet; live uplink checks left out"

: >"$TMP/daemon.log"
start_headroomd "$conf"
get /metrics >"$TMP/metrics.txt"
if [ $aps_live = 1 ]; then
jwait 30 /api/v1/aps 'by(d["aps"], "a1")["clients"] == 120' "a1 never reported 120 clients"
jcheck /api/v1/aps 'by(d["aps"], "a1")["clients_2g4"] == 30 and by(d["aps"], "a1")["clients_5g"] == 90 and by(d["aps"], "a1")["state"] == "reporting"'
jcheck /api/v1/aps 'by(d["aps"], "a1")["device_name"] == "hall-a-1" and by(d["aps"], "a1")["target"] == "wlc"'
jwait 10 /api/v1/aps 'by(d["aps"], "rogue-9") is not None and by(d["aps"], "rogue-9")["planned"] is False and by(d["aps"], "rogue-9")["clients"] == 12' \
	"the unplanned AP is not listed"
jwait 10 /api/v1/rooms 'by(d["rooms"], "hall-a")["clients"] == 200 and by(d["rooms"], "hall-a")["status"] == "ok" and by(d["rooms"], "hall-a")["load"] == 0.5'
jwait 10 /api/v1/venue 'd["devices"] == 262 and d["status"] == "ok" and d["aps_unplanned"] == 1'
# The plan falls short in hall-a: a critical alert, so the verdict is
# critical and names it, however calm the numbers.
jwait 10 /api/v1/venue 'd["verdict"]["status"] == "crit" and "262 of 1,080 projected devices" in d["verdict"]["detail"]'
jcheck /api/v1/venue 'd["verdict"]["text"].startswith("Wi-Fi critical: room hall-a: projected 540 devices, capacity 400")'
jcheck /api/v1/alerts 'sorted(i["key"] for i in d["incidents"]) == ["room:hall-a", "room:lobby", "venue:venue"]'
jcheck /api/v1/alerts 'all(i["severity"] == "crit" and i["rule"] == "plan_shortfall" for i in d["incidents"])'
jwait 10 /api/v1/targets 'by(d["targets"], "wlc")["state"] == "up" and by(d["targets"], "wlc")["up"] is True'
get /metrics >"$TMP/metrics.txt"
grep -q '^headroom_ap_clients{ap="a1",room="hall-a"} 120$' "$TMP/metrics.txt" || fail "no headroom_ap_clients for a1"
grep -q '^headroom_ap_band_clients{ap="a1",room="hall-a",band="5GHz"} 90$' "$TMP/metrics.txt" || fail "no band split for a1"
grep -q '^headroom_ap_clients{ap="rogue-9",room=""} 12$' "$TMP/metrics.txt" || fail "no unplanned AP in /metrics"
grep -q '^headroom_room_clients{room="hall-a"} 200$' "$TMP/metrics.txt" || fail "no room clients in /metrics"
grep -q '^headroom_target_up{target="wlc"} 1$' "$TMP/metrics.txt" || fail "no headroom_target_up"
grep -q '^headroom_venue_devices 262$' "$TMP/metrics.txt" || fail "no venue devices"
fi
if [ $uplink_live = 1 ]; then
# counters that do not move: a rate of 0 after the second poll
jwait 15 /api/v1/uplinks 'by(d["uplinks"], "wan")["mbps_in"] == 0 and by(d["uplinks"], "wan")["mbps_out"] == 0'
jcheck /api/v1/venue 'd["uplink"]["utilisation"] == 0 and d["uplink"]["mbps_in"] == 0'
get /metrics >"$TMP/metrics.txt"
grep -q '^headroom_uplink_bytes_per_second{uplink="wan",direction="in"} 0$' "$TMP/metrics.txt" || fail "no uplink rate"
grep -q '^headroom_uplink_octets_total{uplink="wan",direction="out"} 987654321$' "$TMP/metrics.txt" || fail "no uplink octet counter"
fi

# The controller stops answering: its APs turn unknown, never zero.
kill "$SNMPSIM_PID"
wait "$SNMPSIM_PID" 2>/dev/null
jwait 30 /api/v1/targets 'by(d["targets"], "wlc")["state"] == "down"' "wlc never marked down"
jwait 10 /api/v1/venue 'd["targets_down"] >= 1 and "down" in d["verdict"]["text"]'
jwait 10 /api/v1/aps 'by(d["aps"], "a1")["state"] == "unknown" and by(d["aps"], "a1")["clients"] is None and "target wlc is down" in by(d["aps"], "a1")["reason"]' \
	"a1 is not unknown while its controller is down"
jcheck /api/v1/rooms 'by(d["rooms"], "hall-a")["clients"] is None and by(d["rooms"], "hall-a")["status"] == "unknown"'
kill -TERM "$HEADROOMD_PID"
wait "$HEADROOMD_PID" || fail "headroomd exit code $? after SIGTERM"
no_sanitizer_reports
pass "web api"
