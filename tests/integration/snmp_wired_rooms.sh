#!/bin/sh
# Ports to rooms: switch recordings of snmprec-wired polled with -T under
# wired blocks that name ports by range (cisco-ios_2960x "Gi1/0/1-24"),
# by ifAlias glob, and by VLAN (cisco-ciscosb_cbs250, the VLAN its MACs
# were learned on), with uplinks excluded by uplink_ports, by MAC count
# and by LLDP neighbour (hpe-procurve, and with lldp_uplinks = false).
# wired:<room> (ports, up, used, free, devices) and every exclusion must
# be what snmp_wired_rooms.py works out from expected/<community>.tsv,
# and --probe shows each exclusion with its reason.
. "$(dirname "$0")/lib.sh"
need_fixtures snmprec-wired
need_cmd snmpsimd
need_cmd python3

wired="$SHARED_FIXTURES/snmprec-wired"
port=$(free_port udp)
start_snmpsim "$wired" "$port" cisco-ios_2960x

# run NAME COMMUNITY TARGET-EXTRA BLOCKS SPEC: poll once, check the rooms
run() {
	cat >"$TMP/$1.conf" <<CONF
state_dir = "$TMP/state"
event "t" { attendees = 200 }
room "sprint" { seats = 40 }
room "hall" { seats = 100 }
room "voice" { seats = 10 }
target "sw" { kind = "switch" address = "127.0.0.1" port = $port community = "$2" timeout = 5 retries = 2 $3 }
$4
CONF
	printf '%s\n' "$5" >"$TMP/$1.spec"
	"$HEADROOMD" -T -c "$TMP/$1.conf" >"$TMP/$1.json" 2>"$TMP/$1.log" ||
		{ tail -20 "$TMP/$1.log"; fail "$1: headroomd -T failed"; }
	! grep -q "runtime error\|AddressSanitizer" "$TMP/$1.log" || fail "$1: sanitizer report"
	python3 "$top_srcdir/tests/integration/snmp_wired_rooms.py" \
		"$wired/expected/$2.tsv" "$TMP/$1.json" "$TMP/$1.spec" || fail "$1: rooms differ (above)"
}

run ranges cisco-ios_2960x 'uplink_ports = { "Gi1/0/5" } uplink_macs = 20' '
wired "sprint-tables" { room = "sprint" target = "sw" ports = { "Gi1/0/1-24" } }
wired "hall-aps" { room = "hall" target = "sw" ports = { "*link to acme-fr-ap*" } }
wired "voice" { room = "voice" target = "sw" ports = { "*VOICE*" } }' \
	'{"uplink_ports": ["Gi1/0/5"], "uplink_macs": 20, "rooms": [
	  ["sprint", {"ports": ["Gi1/0/1-24"]}], ["hall", {"ports": ["*link to acme-fr-ap*"]}],
	  ["voice", {"ports": ["*VOICE*"]}]]}'
grep -q '"entity":"wired:sprint","metric":"devices","value":2' "$TMP/ranges.json" ||
	fail "ranges: the sprint room's two APs are not its wired devices"

run vlan cisco-ciscosb_cbs250-24p-4x-v3 '' '
wired "guests" { room = "hall" target = "sw" vlans = { 2 } }' \
	'{"rooms": [["hall", {"vlans": [2]}]]}'

lldp=$(python3 "$wired/tools/fdb_truth.py" "$wired/hpe-procurve.snmprec" | tail -1 | tr '\t' '\n' |
	sed -n 's/^lldp_ports=//p' | tr ',' '\n' | sed 's/(.*//' | paste -sd, -)
[ -n "$lldp" ] || fail "procurve: no LLDP ports in its expected figures"
run lldp hpe-procurve '' '
wired "all" { room = "hall" target = "sw" ports = { "*" } }' \
	"{\"lldp\": [$lldp], \"rooms\": [[\"hall\", {\"ports\": [\"*\"]}]]}"
run nolldp hpe-procurve 'lldp_uplinks = false uplink_macs = 0' '
wired "all" { room = "hall" target = "sw" ports = { "*" } }' \
	'{"uplink_macs": 0, "rooms": [["hall", {"ports": ["*"]}]]}'

# --probe names every exclusion and why
"$HEADROOMD" -c "$TMP/ranges.conf" --probe sw >"$TMP/probe.txt" 2>"$TMP/probe.log" ||
	{ cat "$TMP/probe.txt" "$TMP/probe.log"; fail "--probe of a switch failed"; }
grep -q 'Gi1/0/5 .*uplink: uplink_ports "Gi1/0/5"' "$TMP/probe.txt" &&
	grep -q 'Po1 .*uplink: 24 MACs, uplink_macs 20' "$TMP/probe.txt" &&
	grep -q 'Gi1/0/4 .*room sprint' "$TMP/probe.txt" ||
	{ cat "$TMP/probe.txt"; fail "--probe does not show the exclusions"; }
"$HEADROOMD" -c "$TMP/lldp.conf" --probe sw >"$TMP/probe-lldp.txt" 2>&1 ||
	fail "--probe of procurve failed"
grep -q 'uplink: LLDP neighbour' "$TMP/probe-lldp.txt" ||
	{ cat "$TMP/probe-lldp.txt"; fail "--probe does not show LLDP uplinks"; }
pass "snmp wired rooms: ranges, globs, VLANs and every uplink rule"
