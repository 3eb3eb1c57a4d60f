#!/bin/sh
# Secrets never leave the config: SNMP communities (inline and from the
# secrets file), SNMPv3 passphrases, the web's password and API token,
# webhook URLs and tokens are given unique marker strings; the daemon runs
# with SNMP (a live agent answering that community), notifiers (a webhook
# receiver) and the web; every API endpoint, page, /metrics, the SSE
# stream, -t, -T, a notification and `headroom report` are produced; then
# no output, log or state file may hold a marker. Every response also
# carries the security headers.
. "$(dirname "$0")/lib.sh"
need_cmd snmpsimd
need_cmd curl

mark=$(python3 -c 'import secrets; print(secrets.token_hex(6))')
COMM="leakcomm$mark"		# the live agent's community, from the secrets file
INLINE="leakinline$mark"	# a community written in the config
AUTH="leakauth$mark"
PRIV="leakpriv$mark"
WEBPW="leakwebpw$mark"
TOKEN="leaktoken$mark"
HOOKPATH="leakhook$mark"
MXTOKEN="leakmx$mark"

data="$TMP/data"
mkdir -p "$data"
cat >"$data/$COMM.snmprec" <<REC
1.3.6.1.2.1.1.3.0|67|4242
1.3.6.1.2.1.1.5.0|4|core
1.3.6.1.2.1.31.1.1.1.1.1|4|eth0
1.3.6.1.2.1.31.1.1.1.6.1|70|1000
1.3.6.1.2.1.31.1.1.1.10.1|70|2000
1.3.6.1.2.1.31.1.1.1.15.1|66|1000
REC
chmod 644 "$data"/*.snmprec
snmp_port=$(free_port udp)
dead_port=$(free_port udp)
start_snmpsim "$data" "$snmp_port" "$COMM"

hook_port=$(free_port)
web_port=$(free_port)
python3 "$top_srcdir/tests/integration/webhook_receiver.py" --port "$hook_port" \
	--log "$TMP/receiver.jsonl" 2>"$TMP/receiver.err" &
started $!

cat >"$TMP/secrets.conf" <<SEC
secret "comm" { value = "$COMM" }
secret "auth" { value = "$AUTH" }
secret "priv" { value = "$PRIV" }
secret "webpw" { value = "$WEBPW" }
secret "token" { value = "$TOKEN" }
secret "hook" { value = "http://127.0.0.1:$hook_port/$HOOKPATH" }
secret "mx" { value = "$MXTOKEN" }
SEC
chmod 600 "$TMP/secrets.conf"
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
secrets = "$TMP/secrets.conf"
tick = 1
alert_group_wait = "1s"
event "t" { attendees = 400 }
room "hall" { seats = 200 }
ap "h1" { room = "hall" max_clients = 100 }
target "core" {
    address = "127.0.0.1"  port = $snmp_port  community = "secret:comm"
    interval = 1  timeout = 0.5  retries = 0
}
target "old" {
    address = "127.0.0.1"  port = $dead_port  community = "$INLINE"
    interval = 1  timeout = 0.5  retries = 0
}
target "v3" {
    address = "127.0.0.1"  port = $dead_port  snmp_version = "3"  user = "ops"
    auth_passphrase = "secret:auth"  priv_passphrase = "secret:priv"
    interval = 1  timeout = 0.5  retries = 0
}
uplink "wan" { capacity_mbps = 100  target = "core"  interface = "eth0" }
web {
    listen = { "127.0.0.1:$web_port" }
    basic_auth_user = "noc"
    basic_auth_password = "secret:webpw"
    api_token = "secret:token"
}
notifier "am" { kind = "generic" url = "secret:hook" rate_per_minute = 600 }
notifier "mx" { kind = "matrix" url = "http://127.0.0.1:$hook_port/" room_id = "!r:example.org"
                token = "secret:mx" rate_per_minute = 600 }
CONF

out="$TMP/out"
mkdir -p "$out"
"$HEADROOMD" -t -c "$TMP/headroom.conf" >"$out/plan.txt" 2>&1 || { cat "$out/plan.txt"; fail "-t rejected the config"; }
"$HEADROOMD" -T -c "$TMP/headroom.conf" >"$out/once.json" 2>"$out/once.log" || fail "-T failed"
grep -q '"entity":"uplink:wan","metric":"octets_in_total"' "$out/once.json" ||
	{ cat "$out/once.json"; fail "-T did not read the agent with the secret community"; }
"$HEADROOMD" -d -c "$TMP/headroom.conf" 2>"$out/daemon.log" &
pid=$!
started $pid
base="http://127.0.0.1:$web_port"
wait_for 20 curl -sf -o /dev/null "$base/healthz" || { cat "$out/daemon.log"; fail "web did not start"; }
# a notification delivered (plan_shortfall fires at once for this plan)
wait_for 30 grep -q "$HOOKPATH" "$TMP/receiver.jsonl" || fail "no notification reached the receiver"
wait_for 30 grep -q '_matrix' "$TMP/receiver.jsonl" || fail "no Matrix notification reached the receiver"
# every target polled: the live one up, the dead ones down with their
# error (where a community or passphrase could leak into the log)
targets_polled() {
	curl -sf -u "noc:$WEBPW" "$base/api/v1/targets" | python3 -c '
import json, sys
t = {x["name"]: x for x in json.load(sys.stdin)["targets"]}
sys.exit(0 if t["core"]["state"] == "up" and t["old"]["state"] == "down" and
         t["v3"]["state"] == "down" and t["old"]["last_error"] else 1)'
}
wait_for 30 targets_polled || fail "the targets were not all polled: $(curl -s -u "noc:$WEBPW" "$base/api/v1/targets")"
wait_ticks "$web_port" 2	# a few ticks into the RRDs

n=0
get() {	# get PATH [CURL ARGS]: body and headers into $out
	n=$((n + 1))
	path=$1; shift
	curl -s -u "noc:$WEBPW" -D "$out/h$n" -o "$out/b$n" "$@" "$base$path"
	echo "$path" >"$out/p$n"
}
for path in / /index.html /static/app.js /static/style.css /api/v1/venue /api/v1/rooms \
	/api/v1/aps /api/v1/uplinks /api/v1/targets /api/v1/alerts /api/v1/silences /metrics \
	/healthz "/api/v1/series?entity=uplink:wan&metric=bps_in&range=1h" \
	"/api/v1/series?entity=room:hall&metric=clients&range=1h" \
	"/graph/uplink:wan.svg?range=1h" /nosuch; do
	get "$path"
done
get /events --max-time 3
get /api/v1/silences -X POST -H "Authorization: Bearer $TOKEN" \
	-d '{"match":"room:hall","duration":"1h","comment":"leak test"}'
get /api/v1/silences -X POST -H "Authorization: Bearer wrong" -d '{}'
curl -s -D "$out/h-noauth" -o "$out/b-noauth" "$base/api/v1/venue"
grep -q '"name":"core"' "$out/b9" || { cat "$out/b9"; fail "targets endpoint lacks the live target"; }
grep -q 'headroom_' "$out/b12" || fail "/metrics is empty"

# security headers on every answer but the SSE stream
for h in "$out"/h[0-9]*; do
	grep -qi '^Content-Security-Policy:' "$h" && grep -qi '^X-Content-Type-Options: nosniff' "$h" &&
		grep -qi '^Referrer-Policy:' "$h" ||
		{ cat "$h"; fail "$(cat "$out/p${h##*/h}") lacks a security header"; }
done

kill $pid
wait $pid 2>/dev/null
"$HEADROOM" report -c "$TMP/headroom.conf" -o "$out/report" -q >"$out/report.log" 2>&1 ||
	{ cat "$out/report.log"; fail "headroom report failed"; }
[ -f "$out/report/report.json" ] || fail "the report wrote no JSON"

# the markers: nowhere but the config, the secrets file, the agent's data
# and what the receiver (the secret's rightful destination) saw
leaks=$(grep -rlaE "$mark" "$out" "$TMP/state" 2>/dev/null)
[ -z "$leaks" ] || { for f in $leaks; do echo "== $f"; grep -aoE ".{0,60}$mark.{0,20}" "$f" | head -3; done
	fail "secrets leaked into: $leaks"; }
files=$(find "$out" "$TMP/state" -type f | wc -l)
pass "no secret in $n responses, -t, -T, the daemon log, the report and $files output and state files"
