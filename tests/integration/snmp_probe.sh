#!/bin/sh
# headroomd --probe TARGET: one poll of one target, printed for people.
# Against real recordings (a Cisco controller and a MikroTik AP) it names
# the device, the profile and why, the APs with radios, bands, clients and
# utilisation, the SSIDs, the totals and the interfaces, and exits 0; a
# device that answers with no client figure prints the objects it did not
# answer and the reason, and exits 1, as does a target that does not
# answer; an unknown target is a usage error, exit 2.
. "$(dirname "$0")/lib.sh"
need_fixtures snmprec-corpus
need_cmd snmpsimd

data="$TMP/data"
mkdir -p "$data"
for f in cisco-ciscowlc_cbw240ac mikrotik-routeros; do
	cp "$SHARED_FIXTURES/snmprec-corpus/$f.snmprec" "$data/"
done
# A Huawei AC that answers its WLAN MIB but has no AP, radio or SSID rows.
cat >"$data/empty-ac.snmprec" <<REC
1.3.6.1.2.1.1.1.0|4|Huawei AC6605
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.2.240.6
1.3.6.1.2.1.1.3.0|67|100
1.3.6.1.2.1.1.5.0|4|ac1
1.3.6.1.4.1.2011.6.139.12.1.2.1.0|66|0
REC
chmod 644 "$data"/*.snmprec
port=$(free_port udp)
dead=$(free_port udp)
start_snmpsim "$data" "$port" mikrotik-routeros
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
event "t" { attendees = 200 }
room "hall" { seats = 150 }
target "wlc" { address = "127.0.0.1" port = $port community = "cisco-ciscowlc_cbw240ac" timeout = 3 retries = 1 }
target "router" { address = "127.0.0.1" port = $port community = "mikrotik-routeros" timeout = 3 retries = 1 }
target "ac" { address = "127.0.0.1" port = $port community = "empty-ac" timeout = 3 retries = 1 }
target "gone" { address = "127.0.0.1" port = $dead community = "x" timeout = 0.5 retries = 0 }
CONF

probe() {	# NAME WANT_RC
	"$HEADROOMD" --probe "$1" -c "$TMP/headroom.conf" >"$TMP/$1.txt" 2>"$TMP/$1.log"
	rc=$?
	[ "$rc" = "$2" ] || { cat "$TMP/$1.txt" "$TMP/$1.log"; fail "--probe $1: exit $rc, want $2"; }
}
has() {		# NAME TEXT
	grep -qF -- "$2" "$TMP/$1.txt" || { cat "$TMP/$1.txt"; fail "--probe $1 lacks: $2"; }
}

probe wlc 0
has wlc "sysObjectID  1.3.6.1.4.1.9.6.1.37.240.1"
has wlc "profile      cisco-wlc: sysObjectID 1.3.6.1.4.1.9 (longest prefix), 1.3.6.1.4.1.14179.2.1.1.1 answers"
has wlc "Access points: 4"
has wlc "radio 2g4                         0 clients  util 31%"
has wlc "ssid1                              23 clients"
has wlc "  clients 23"
has wlc "  aps 4"
has wlc "GigabitEthernet0/0/1"

probe router 0
has router "role         access point: the device itself is one AP (self)"
has router "vap if9 (radio unknown)           4 clients"
has router "WARKOP-KOPIBOSS-B                   7 clients  2g4 7"

probe ac 1
has ac "profile      huawei: sysObjectID 1.3.6.1.4.1.2011 (longest prefix), 1.3.6.1.4.1.2011.6.139 answers"
has ac "1.3.6.1.4.1.2011.6.139.16.1.2.1.40 (table radios: 40)"
has ac "No client counts: profile huawei: 1.3.6.1.4.1.2011.6.139.16.1.2.1.40 empty; sysObjectID 1.3.6.1.4.1.2011.2.240.6"

probe gone 1
has gone "no answer"

probe nosuch 2
"$HEADROOMD" --probe >/dev/null 2>&1
[ $? = 2 ] || fail "--probe without a target: want exit 2"
pass "headroomd --probe prints what a target gives, exit 0 / 1 / 2"
