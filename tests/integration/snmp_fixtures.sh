#!/bin/sh
# The snmp collector against snmpsimd serving the six real-device
# recordings, each with its profile named in the config: per-AP, per-radio
# and per-SSID client counts, AP names and interface counters must equal
# expected/*.tsv exactly, as -T samples. (snmp_corpus.sh polls the wide
# corpus with profile = "auto".)
. "$(dirname "$0")/lib.sh"
need_fixtures snmprec
need_cmd snmpsimd
need_cmd python3

fixtures="$SHARED_FIXTURES/snmprec"
port=$(free_port udp)
start_snmpsim "$fixtures" "$port" cisco-ciscowlc_cbw240ac

# uplinks_for COMMUNITY: one uplink per interface of the recording.
uplinks_for() {
	f="$fixtures/expected/$1.ifaces.tsv"
	[ -f "$f" ] || return 0
	tail -n +2 "$f" | while IFS="	" read -r idx name rest; do
		printf 'uplink "if%s" { target = "dev" interface = "%s" }\n' "$idx" "$name"
	done
}

# run KIND COMMUNITY PROFILE [EXTRA CONFIG]
run() {
	kind=$1 community=$2 profile=$3 extra=${4:-}
	conf="$TMP/$kind.conf"
	cat >"$conf" <<CONF
state_dir = "$TMP/state"
event "t" { attendees = 200 }
room "hall" { seats = 150 }
target "dev" {
    address = "127.0.0.1"  port = $port  community = "$community"
    profile = "$profile"  timeout = 5  retries = 2
}
$extra
$(uplinks_for "$community")
CONF
	"$HEADROOMD" -T -c "$conf" >"$TMP/$kind.json" 2>"$TMP/$kind.log" ||
		{ tail -20 "$TMP/$kind.log"; fail "$kind: headroomd -T failed"; }
	python3 "$top_srcdir/tests/integration/snmp_check.py" "$kind" "$TMP/$kind.json" \
		"$fixtures/expected" "$community" ||
		fail "$kind: samples differ from expected/$community.*.tsv"
}

run cisco cisco-ciscowlc_cbw240ac cisco-wlc 'ap "hall-2" { room = "hall" target = "dev" name = "ap2" }'
run aruba aruba-arubaos aruba 'ap "busiest" { room = "hall" target = "dev" name = "ar6-inf1g1nce" }'
run mikrotik mikrotik-routeros mikrotik 'ap "router" { room = "hall" target = "dev" address = "127.0.0.1" }'
run unifi ubiquiti-unifi_nanohd unifi
run ruckus-sz ruckus-ruckuswireless-sz ruckus-sz
run ruckus-zd ruckus-ruckuswireless_zd1200 ruckus-zd
pass "snmp fixtures: six recordings match expected/*.tsv"
