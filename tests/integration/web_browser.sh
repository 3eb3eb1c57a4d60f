#!/bin/sh
# The dashboard in headless Chromium (tests/browser/dashboard.mjs): live
# numbers over SSE, the verdict, room tiles and AP details, an ack with
# the token, then after new data (a config change, and with snmpsimd the
# busy controller) a new room tile, a room turning "Full" and its alerts
# appearing live, and the new config's warning listed under Sources;
# a room's history of clients and of its channels' airtime; the stale banner; a click held across an update and the
# focus on an Ack button surviving updates; the phone layout. Screenshots at 1920x1080 and 390x844
# land in the build directory (tests/browser/). playwright-core is
# installed there from package.json and package-lock.json (npm ci).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd node
need_cmd npm
need_cmd curl
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (apt-get install chromium)"
export CHROMIUM

work="$top_builddir/tests/browser"
mkdir -p "$work"
for f in package.json package-lock.json dashboard.mjs; do
	cp "$top_srcdir/tests/browser/$f" "$work/$f"
done
if [ ! -d "$work/node_modules/playwright-core" ]; then
	(cd "$work" && npm ci --no-audit --no-fund >"$TMP/npm.log" 2>&1) ||
		{ cat "$TMP/npm.log"; skip "npm ci could not install playwright-core (offline?)"; }
fi

WEB_PORT=$(free_port)
WEB_EXTRA_LISTEN=""
conf="$TMP/headroom.conf"
# With snmpsimd the numbers are live, and the next config points at the
# busy controller; without it the dashboard runs on the plan alone.
live=""
snmp=""
if command -v snmpsimd >/dev/null 2>&1; then
	write_snmprec "$TMP/snmp"
	# hall-a's radios state their channel's busy share (bsnAPIfLoadChannelUtilization)
	for rec in wlc wlc-busy; do
		printf '%s\n' "1.3.6.1.4.1.14179.2.2.13.1.3.0.17.34.51.68.1.0|2|22" \
			"1.3.6.1.4.1.14179.2.2.13.1.3.0.17.34.51.68.1.1|2|41" \
			"1.3.6.1.4.1.14179.2.2.13.1.3.0.17.34.51.68.2.1|2|37" >>"$TMP/snmp/$rec.snmprec"
		sort_rec "$TMP/snmp/$rec.snmprec"
	done
	chmod 711 "$TMP"
	snmp=$(free_port udp)
	start_snmpsim "$TMP/snmp" "$snmp" wlc
	live=live
else
	echo "SKIP: no snmpsimd; the dashboard runs on the plan only"
fi
write_conf "$conf" "$WEB_PORT" "$snmp" wlc 'api_token = "t0ken-for-tests"'
write_conf "$TMP/next.conf" "$WEB_PORT" "$snmp" wlc-busy 'api_token = "t0ken-for-tests"'
cat >>"$TMP/next.conf" <<'CONF'
room "workshop" { seats = 200  schedule_room = { "Aula", "aula" } }
ap "w1" { room = "workshop"  max_clients = 60 }
CONF
start_headroomd "$conf"

(cd "$work" && node dashboard.mjs "http://127.0.0.1:$WEB_PORT" "$work" "$HEADROOMD_PID" \
	"$conf" "$TMP/next.conf" t0ken-for-tests $live) >"$TMP/node.log" 2>&1 ||
	{ cat "$TMP/node.log"; tail -20 "$TMP/daemon.log"; fail "dashboard test failed"; }
grep -q "dashboard ok" "$TMP/node.log" || fail "dashboard test did not finish"
for shot in dashboard-1920x1080.png dashboard-390x844.png; do
	[ -s "$work/$shot" ] || fail "no screenshot $shot"
done
kill -TERM "$HEADROOMD_PID"
wait "$HEADROOMD_PID" || fail "headroomd exit code $? after SIGTERM"
no_sanitizer_reports
pass "web browser"
