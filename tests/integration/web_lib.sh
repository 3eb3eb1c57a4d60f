# Shared by the web tests (sourced after lib.sh): a small venue whose
# numbers are known from the plan, a Cisco WLC and a switch served by
# snmpsimd, and helpers to start headroomd and read its HTTP answers.
#
# Plan: 1,200 attendees x 0.9 = 1,080 projected devices; hall-a (600
# seats) projects 540 against 400 capacity, the lobby 270 against 150;
# uplink wan 1,000 Mbit/s, projected demand 1,080 x 250 kbit/s = 270.
# Live (community "wlc"): hall-a-1 30+90, hall-a-2 20+60, lobby-1 10+40
# clients, and rogue-9 (5+7) that the config does not know: 262 devices.
# Community "wlc-busy": hall-a-1 60+200, hall-a-2 60+100: hall-a at 420
# of 400, over capacity.

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# ap_rows COMMUNITY-FILE NAME MAC-SUFFIX USERS-2G4 USERS-5G
ap_rows() {
	local mac="0.17.34.51.68.$3"
	cat >>"$1" <<ROWS
1.3.6.1.4.1.14179.2.2.1.1.3.$mac|4|$2
1.3.6.1.4.1.14179.2.2.2.1.2.$mac.0|2|1
1.3.6.1.4.1.14179.2.2.2.1.2.$mac.1|2|2
1.3.6.1.4.1.14179.2.2.2.1.15.$mac.0|65|$4
1.3.6.1.4.1.14179.2.2.2.1.15.$mac.1|65|$5
ROWS
}

system_rows() {
	cat >>"$1" <<ROWS
1.3.6.1.2.1.1.1.0|4|$2
1.3.6.1.2.1.1.3.0|67|39682400
1.3.6.1.2.1.1.5.0|4|$2
ROWS
}

# wlc_rows FILE SSID-CLIENTS APS: the WLAN table and the AP count scalar.
wlc_rows() {
	cat >>"$1" <<ROWS
1.3.6.1.4.1.14179.2.1.1.1.1.1|2|1
1.3.6.1.4.1.14179.2.1.1.1.2.1|4|conference
1.3.6.1.4.1.14179.2.1.1.1.38.1|65|$2
1.3.6.1.4.1.9.9.618.1.8.4.0|66|$3
ROWS
}

# snmprec files sort by OID within a file: snmpsim walks them in order.
sort_rec() {
	sort -t'|' -k1,1 -V "$1" >"$1.sorted" && mv "$1.sorted" "$1"
}

write_snmprec() {
	local dir=$1
	mkdir -p "$dir"
	: >"$dir/wlc.snmprec"
	system_rows "$dir/wlc.snmprec" "Cisco Controller"
	ap_rows "$dir/wlc.snmprec" hall-a-1 1 30 90
	ap_rows "$dir/wlc.snmprec" hall-a-2 2 20 60
	ap_rows "$dir/wlc.snmprec" lobby-1 3 10 40
	ap_rows "$dir/wlc.snmprec" rogue-9 9 5 7
	wlc_rows "$dir/wlc.snmprec" 262 4
	sort_rec "$dir/wlc.snmprec"
	: >"$dir/wlc-busy.snmprec"
	system_rows "$dir/wlc-busy.snmprec" "Cisco Controller"
	ap_rows "$dir/wlc-busy.snmprec" hall-a-1 1 60 200
	ap_rows "$dir/wlc-busy.snmprec" hall-a-2 2 60 100
	ap_rows "$dir/wlc-busy.snmprec" lobby-1 3 10 40
	wlc_rows "$dir/wlc-busy.snmprec" 470 3
	sort_rec "$dir/wlc-busy.snmprec"
	: >"$dir/core-sw.snmprec"
	system_rows "$dir/core-sw.snmprec" "core switch"
	cat >>"$dir/core-sw.snmprec" <<ROWS
1.3.6.1.2.1.2.2.1.1.1|2|1
1.3.6.1.2.1.2.2.1.2.1|4|wan
1.3.6.1.2.1.2.2.1.5.1|66|1000000000
1.3.6.1.2.1.2.2.1.8.1|2|1
1.3.6.1.2.1.2.2.1.10.1|65|1000
1.3.6.1.2.1.2.2.1.16.1|65|2000
1.3.6.1.2.1.31.1.1.1.1.1|4|wan
1.3.6.1.2.1.31.1.1.1.6.1|70|123456789
1.3.6.1.2.1.31.1.1.1.10.1|70|987654321
1.3.6.1.2.1.31.1.1.1.15.1|66|1000
1.3.6.1.2.1.31.1.1.1.18.1|4|internet
ROWS
	sort_rec "$dir/core-sw.snmprec"
	chmod -R a+rX "$dir"
}

# write_conf FILE WEB-PORT [SNMP-PORT [COMMUNITY]] [EXTRA]
write_conf() {
	local file=$1 port=$2 snmp=${3:-} community=${4:-wlc} extra=${5:-}
	local targets="" apt="" upt=""
	if [ -n "$snmp" ]; then
		targets="target \"wlc\" { address = \"127.0.0.1\" port = $snmp community = \"$community\"
  profile = \"cisco-wlc\" interval = 1 timeout = 2 retries = 1 }
target \"core-sw\" { address = \"127.0.0.1\" port = $snmp community = \"core-sw\"
  profile = \"generic-ifmib\" interval = 1 timeout = 2 retries = 1 }"
		apt='target = "wlc"'
		upt='target = "core-sw" interface = "wan"'
	fi
	cat >"$file" <<CONF
state_dir = "$TMP/state"
tick = 1
event "web-test" { attendees = 1200 }
web {
  listen = { "127.0.0.1:$port" $WEB_EXTRA_LISTEN }
  $extra
}
room "hall-a" { seats = 600 }
room "lobby" { seats = 300  common_area = true }
ap "a1" { room = "hall-a"  max_clients = 200  $apt name = "hall-a-1" }
ap "a2" { room = "hall-a"  max_clients = 200  $apt name = "hall-a-2" }
ap "l1" { room = "lobby"  max_clients = 150  $apt name = "lobby-1" }
uplink "wan" { capacity_mbps = 1000  $upt }
alert "room_over_capacity" { for = "0s" }
$targets
CONF
}

# start_headroomd CONF: sets HEADROOMD_PID, waits for /healthz.
start_headroomd() {
	"$HEADROOMD" -f -c "$1" 2>>"$TMP/daemon.log" &
	HEADROOMD_PID=$!
	started "$HEADROOMD_PID"
	wait_for 20 curl -skf "${WEB_SCHEME:-http}://127.0.0.1:$WEB_PORT/healthz" ||
		{ cat "$TMP/daemon.log"; fail "headroomd did not serve /healthz"; }
}

# get PATH [CURL-ARGS...]: body on stdout, status in $TMP/status.
get() {
	local path=$1
	shift
	curl -sk -o "$TMP/body" -w '%{http_code}' "$@" "${WEB_SCHEME:-http}://127.0.0.1:$WEB_PORT$path" >"$TMP/status"
	cat "$TMP/body"
}

status() { cat "$TMP/status"; }

# jcheck PATH EXPR [MESSAGE]: the JSON at PATH satisfies the python
# expression EXPR over `d` (the parsed body).
jcheck() {
	local path=$1 expr=$2 msg=${3:-$2}
	get "$path" >"$TMP/j.json"
	"$PY" - "$TMP/j.json" "$expr" <<'PYEOF' || { echo "body: $(head -c 2000 "$TMP/j.json")" >&2; fail "$path: $msg"; }
import json, sys
d = json.load(open(sys.argv[1]))
by = lambda arr, name: next((x for x in arr if x.get("name") == name), None)
sys.exit(0 if eval(sys.argv[2], {"d": d, "by": by}) else 1)
PYEOF
}

# jwait SECONDS PATH EXPR [MESSAGE]: like jcheck, retried until true.
jwait() {
	local limit=$1
	shift
	wait_for "$limit" jcheck_quiet "$@" || jcheck "$@"
}

jcheck_quiet() { (jcheck "$@") >/dev/null 2>&1; }

# Sanitizers report on stderr: the daemon log is the one place to look.
no_sanitizer_reports() {
	! grep -q "ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer" "$TMP/daemon.log" ||
		{ cat "$TMP/daemon.log"; fail "sanitizer report in the daemon log"; }
}
