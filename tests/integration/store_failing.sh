#!/bin/sh
# RRD writes that fail on every tick are visible: /healthz answers 503
# with the reason, /metrics has headroom_store_failing 1 and the dropped
# batches, and the store_failing alert fires; all clear by themselves
# once writes work again. The failure is an "ap" directory that is a
# file. As root, a run with -u nobody over RRD files root left behind
# says at start which of them the user cannot write.
. "$(dirname "$0")/lib.sh"
need_cmd curl

state="$TMP/state"
mkdir -p "$state"
: >"$state/ap"		# where the APs' directory should be
port=$(free_port)
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$state"
tick = 1
web { listen = { "127.0.0.1:$port" } }
event "t" { attendees = 100 }
room "hall" { seats = 100 }
ap "h1" { room = "hall" max_clients = 100 }
alert "store_failing" { for = "0s" }
alert "watchdog" { enabled = false }
CONF
"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon.log" &
pid=$!
started $pid

health() { curl -s --max-time 10 -o "$TMP/health.json" -w '%{http_code}' "http://127.0.0.1:$port/healthz"; }
health_is() { [ "$(health)" = "$1" ]; }
store_alert() {	# store_alert STATE: the store_failing alert is (or is not: none) in STATE
	api_check "$port" /api/v1/alerts \
		"[a['state'] for a in d['alerts'] if a['rule'] == 'store_failing'] $2 ['$1']"
}

# A 503 "starting" comes before the first snapshot; wait past it.
store_503() { health_is 503 && ! grep -q '"starting"' "$TMP/health.json"; }
wait_for 20 store_503 || { cat "$TMP/daemon.log"; fail "/healthz stayed $(health) while the store fails"; }
python3 - "$TMP/health.json" "$state/ap" <<'PY' || fail "the 503 does not say why: $(cat "$TMP/health.json")"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["status"] == "store_failing" and sys.argv[2] in d["reason"] else 1)
PY
metric_is() { [ "$(api_metric "$port" "$1")" = "$2" ]; }
# /metrics comes with the tick's snapshot, a tick after /healthz can know
wait_for 20 metric_is headroom_store_failing 1 || fail "headroom_store_failing is not 1"
dropped=$(api_metric "$port" headroom_store_batches_dropped_total)
[ "${dropped:-0}" -gt 0 ] || fail "no dropped batches counted"
wait_for 20 store_alert firing == || { api_get "$port" /api/v1/alerts; fail "store_failing did not fire"; }

# writes work again: all three clear without a restart
rm "$state/ap"
wait_for 30 health_is 200 || { cat "$TMP/daemon.log"; fail "/healthz stayed $(health) after writes resumed"; }
wait_for 20 metric_is headroom_store_failing 0 || fail "headroom_store_failing stayed 1"
wait_for 30 store_alert firing != || { api_get "$port" /api/v1/alerts; fail "store_failing did not resolve"; }
grep -q "store: writes resumed" "$TMP/daemon.log" || fail "the recovery was not logged"

# files root left behind, then a run as nobody
[ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 || { pass "store failures are visible (privilege drop part skipped)"; exit 0; }
kill "$pid"
wait_for 20 sh -c "! kill -0 $pid" || fail "headroomd did not stop"
chmod 755 "$TMP"
chown nobody "$state"	# the files in it stay root's, as the run as root left them
port=$(free_port)
sed -i "s/127.0.0.1:[0-9]*/127.0.0.1:$port/" "$TMP/headroom.conf"
"$HEADROOMD" -f -u nobody -c "$TMP/headroom.conf" 2>"$TMP/nobody.log" &
started $!
wait_for 20 grep -q "store: .* not writable by uid $(id -u nobody), e.g. $state/" "$TMP/nobody.log" ||
	{ cat "$TMP/nobody.log"; fail "start-up did not name the files nobody cannot write"; }
pass "store failures are visible"
