#!/bin/sh
# Cables from the switch to the file, the API and /metrics: snmpsimd
# serves cisco-ios_2960x (snmprec-wired), headroomd polls it as a switch
# whose Gi1/0/1-24 are the sprint room's (its APs on Gi1/0/3-4 are the
# room's two wired devices; Gi1/0/5 is excluded by uplink_ports). The
# room's RRD file exists in the layout from before cables, with an
# hour-old row: headroomd adds airtime_max, airtime_mean, wired_devices,
# wired_ports and wired_ports_up to it in place and writes the last three
# as 2, 23 and the ports up.
# /api/v1/rooms shows the wired side beside Wi-Fi and /metrics the
# headroom_room_wired_* series; with Chromium and playwright-core
# (tests/browser/wired.mjs, installed as web_browser.sh does) the
# dashboard's sprint tile and room view show the cables too.
. "$(dirname "$0")/lib.sh"
need_fixtures snmprec-wired
need_cmd snmpsimd
need_cmd rrdtool
need_cmd curl
export TZ=UTC
printf 'leak:librrd.so\nleak:libfontconfig.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp:print_suppressions=0"

wired="$SHARED_FIXTURES/snmprec-wired"
port=$(free_port udp)
start_snmpsim "$wired" "$port" cisco-ios_2960x
web=$(free_port)

# what the TSV says the sprint room's ports are: Gi1/0/1-24 but Gi1/0/5
up=$(awk -F'\t' '$2 ~ /^Gi1\/0\/([1-9]|1[0-9]|2[0-4])$/ && $2 != "Gi1/0/5" && $4 == 1' \
	"$wired/expected/cisco-ios_2960x.tsv" | wc -l)
[ "$up" -gt 0 ] || fail "no port of Gi1/0/1-24 is up in the expected figures"

state="$TMP/state"
cat >"$TMP/headroom.conf" <<CONF
tick = 1
state_dir = "$state"
event "t" { attendees = 200 }
web { listen = { "127.0.0.1:$web" } }
room "sprint" { seats = 40 }
room "hall" { seats = 100 }
ap "h1" { room = "hall" max_clients = 100 }
ap "s1" { room = "sprint" max_clients = 20 }
target "sw" { kind = "switch" address = "127.0.0.1" port = $port community = "cisco-ios_2960x"
    interval = 2 timeout = 5 retries = 2 uplink_ports = { "Gi1/0/5" } }
wired "tables" { room = "sprint" target = "sw" ports = { "Gi1/0/1-24" } }
CONF

old=$(( ($(date +%s) - 3600) / 60 * 60 ))
mkdir -p "$state/room"
{
	echo "create $state/room/sprint.rrd --start $((old - 1)) --step 1" \
		"DS:clients:GAUGE:3:0:U DS:projected:GAUGE:3:0:U DS:capacity:GAUGE:3:0:U" \
		"RRA:AVERAGE:0.5:10:34560 RRA:MAX:0.5:10:34560 RRA:AVERAGE:0.5:60:43200" \
		"RRA:MAX:0.5:60:43200 RRA:AVERAGE:0.5:3600:17520 RRA:MAX:0.5:3600:17520"
	t=$old
	while [ $t -lt $((old + 120)) ]; do
		echo "update $state/room/sprint.rrd $t:12:36:20"
		t=$((t + 1))
	done
} | rrdtool - >"$TMP/rrdtool.log" 2>&1 || { tail -3 "$TMP/rrdtool.log"; fail "rrdtool failed"; }
grep -q ERROR "$TMP/rrdtool.log" && { grep -m3 ERROR "$TMP/rrdtool.log"; fail "rrdtool failed"; }

"$HEADROOMD" -f -c "$TMP/headroom.conf" -p "$TMP/headroomd.pid" 2>"$TMP/daemon.log" &
pid=$!
started $pid
# clients unknown (no AP answers), projected 36, capacity 20 + 23 ports seen
wait_for 60 sh -c "rrdtool lastupdate '$state/room/sprint.rrd' | tail -1 | grep -q ': U 36 43 U U 2 23 $up\$'" ||
	{ rrdtool lastupdate "$state/room/sprint.rrd"; tail -20 "$TMP/daemon.log"; fail "no wired figures in the room's file"; }
grep -q "sprint.rrd: added 5 data source(s) from airtime_max on in place" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "the daemon did not say it upgraded the file"; }
rrdtool fetch "$state/room/sprint.rrd" MAX -r 10 -s $((old + 20)) -e $((old + 60)) |
	grep -q "^$((old + 60)): 1.2000000000e+01 3.6000000000e+01 2.0000000000e+01 -nan -nan -nan -nan -nan$" ||
	fail "the hour-old row was not kept (or its cables are not unknown)"

api_wait 30 "$web" /api/v1/rooms \
	"by(d['rooms'], 'sprint')['wired'] == {'devices': 2, 'ports': 23, 'ports_up': $up, 'ports_used': 2, 'ports_free': $((23 - up)), 'capacity': 23, 'wifi_capacity': 20, 'share': 1, 'cables_needed': True}" \
	"/api/v1/rooms does not show the sprint room's cables"
[ "$(api_metric "$web" 'headroom_room_wired_devices{room="sprint"}')" = 2 ] ||
	fail "/metrics has no headroom_room_wired_devices for the sprint room"
[ "$(api_metric "$web" 'headroom_room_wired_ports_up{room="sprint"}')" = "$up" ] ||
	fail "/metrics: wrong headroom_room_wired_ports_up"
[ "$(api_metric "$web" 'headroom_room_capacity{room="sprint"}')" = 43 ] ||
	fail "/metrics: the room's capacity does not count its 23 ports"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
work="$top_builddir/tests/browser"
if [ -x "$CHROMIUM" ] && command -v node >/dev/null 2>&1; then
	export CHROMIUM
	mkdir -p "$work"
	for f in package.json package-lock.json wired.mjs; do
		[ "$top_srcdir/tests/browser/$f" -ef "$work/$f" ] || cp "$top_srcdir/tests/browser/$f" "$work/$f"
	done
	[ -d "$work/node_modules/playwright-core" ] ||
		(cd "$work" && npm ci --no-audit --no-fund >"$TMP/npm.log" 2>&1) ||
		echo "SKIP: npm ci could not install playwright-core; no dashboard check"
	if [ -d "$work/node_modules/playwright-core" ]; then
		(cd "$work" && node wired.mjs "http://127.0.0.1:$web" "$work" 2 "$up" 23) >"$TMP/node.log" 2>&1 ||
			{ cat "$TMP/node.log"; fail "the dashboard does not show the cables"; }
		grep -q "wired ok" "$TMP/node.log" || fail "the dashboard check did not finish"
	fi
else
	echo "SKIP: no $CHROMIUM or node; no dashboard check"
fi
kill -TERM $pid
wait $pid || fail "headroomd exited with $?"
! grep -q "runtime error\|AddressSanitizer" "$TMP/daemon.log" || fail "sanitizer report"
pass "wired: the room's cables reach its RRD file (upgraded in place), the API and /metrics"
