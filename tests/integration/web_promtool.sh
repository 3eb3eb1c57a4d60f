#!/bin/sh
# /metrics passes `promtool check metrics` (Prometheus' own linter: names,
# base units, HELP and TYPE, counters ending in _total), read from a
# running headroomd: with snmpsimd once the controller's and the switch's
# numbers are in (every AP, room and uplink series present), else on the
# plan alone. Skips without promtool (Debian: the prometheus package;
# tools/install-deps installs it).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd curl
command -v promtool >/dev/null 2>&1 || skip "no promtool (apt-get install prometheus)"

WEB_PORT=$(free_port)
WEB_EXTRA_LISTEN=""
conf="$TMP/headroom.conf"
snmp=""
if command -v snmpsimd >/dev/null 2>&1; then
	write_snmprec "$TMP/snmp"
	chmod 711 "$TMP"
	snmp=$(free_port udp)
	start_snmpsim "$TMP/snmp" "$snmp" wlc
fi
write_conf "$conf" "$WEB_PORT" "$snmp" wlc
start_headroomd "$conf"
if [ -n "$snmp" ]; then
	# live rates need two polls of the switch's counters
	jwait 30 /api/v1/uplinks 'by(d["uplinks"], "wan")["mbps_in"] is not None' "no uplink rate"
	jwait 10 /api/v1/aps 'by(d["aps"], "a1")["clients"] == 120' "no AP clients"
fi
get /metrics >"$TMP/metrics.txt"
[ "$(status)" = 200 ] || fail "/metrics answered $(status)"
grep -q '^headroom_uplink_capacity_bytes_per_second{uplink="wan"} 125000000$' "$TMP/metrics.txt" ||
	fail "uplink capacity is not in bytes per second"
if [ -n "$snmp" ]; then
	grep -q '^headroom_uplink_bytes_per_second{uplink="wan",direction="in"} ' "$TMP/metrics.txt" ||
		fail "no live uplink rate in /metrics"
fi
promtool check metrics <"$TMP/metrics.txt" >"$TMP/promtool.out" 2>&1 ||
	{ cat "$TMP/promtool.out"; fail "promtool check metrics failed"; }
[ -s "$TMP/promtool.out" ] && { cat "$TMP/promtool.out"; fail "promtool check metrics complains"; }
kill -TERM "$HEADROOMD_PID"
wait "$HEADROOMD_PID" || fail "headroomd exit code $? after SIGTERM"
no_sanitizer_reports
pass "/metrics passes promtool check metrics ($(grep -c '^headroom_' "$TMP/metrics.txt") samples)"
