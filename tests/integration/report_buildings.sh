#!/bin/sh
# Many buildings, one event: one headroomd per building (each polling its
# own controller, served by snmpsimd) writes through one rrdcached (unix
# socket) and sends to one Alertmanager (Debian's prometheus-alertmanager);
# `headroom report --state-dir A --state-dir B` with the whole event's
# config writes one report that finds the rooms of both buildings with
# their clients, and the venue's peak as the sum of the buildings'. Each
# building's alerts reach Alertmanager under a venue label of its own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
. "$(dirname "$0")/am_lib.sh"
need_cmd rrdcached
need_cmd snmpget
need_cmd rrdtool
printf 'leak:librrd.so\nleak:libfontconfig.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp:print_suppressions=0"

# the two controllers: building A 30+90 and 20+60 clients, B 10+40
mkdir -p "$TMP/snmp"
: >"$TMP/snmp/bldg-a.snmprec"
system_rows "$TMP/snmp/bldg-a.snmprec" "Cisco Controller"
ap_rows "$TMP/snmp/bldg-a.snmprec" a-hall-1 1 30 90
ap_rows "$TMP/snmp/bldg-a.snmprec" a-hall-2 2 20 60
wlc_rows "$TMP/snmp/bldg-a.snmprec" 200 2
sort_rec "$TMP/snmp/bldg-a.snmprec"
: >"$TMP/snmp/bldg-b.snmprec"
system_rows "$TMP/snmp/bldg-b.snmprec" "Cisco Controller"
ap_rows "$TMP/snmp/bldg-b.snmprec" b-aula-1 3 10 40
wlc_rows "$TMP/snmp/bldg-b.snmprec" 50 1
sort_rec "$TMP/snmp/bldg-b.snmprec"
chmod -R a+rX "$TMP/snmp"
chmod 711 "$TMP"
snmp=$(free_port udp)
start_snmpsim "$TMP/snmp" "$snmp" bldg-a

sock="$TMP/rrdcached.sock"
mkdir -p "$TMP/journal"
rrdcached -g -l "unix:$sock" -b "$TMP" -B -p "$TMP/rrdcached.pid" -j "$TMP/journal" \
	>"$TMP/rrdcached.log" 2>&1 &
started $!
wait_for 10 test -S "$sock" || { cat "$TMP/rrdcached.log"; fail "rrdcached did not start"; }

rport=$(free_port)
start_receiver "$rport" "$TMP/chat.jsonl"
write_am_config "$TMP/am.yml" "http://127.0.0.1:$rport/chat"
start_am 1 "$TMP/am.yml"

# building B BLOCKS: one building's config
building() {
	cat >"$TMP/$1.conf" <<CONF
state_dir = "$TMP/$1"
rrdcached = "unix:$sock"
tick = 1
event "expo $1" { attendees = $2 }
web { listen = { "127.0.0.1:$(free_port)" } }
target "wlc-$1" { address = "127.0.0.1" port = $snmp community = "bldg-$1"
  profile = "cisco-wlc" interval = 1 timeout = 2 retries = 1 }
notifier "am" { kind = "alertmanager" url = "http://127.0.0.1:$AM_WEB_1" resend = "2s" }
$3
CONF
}
rooms_a='room "a-hall" { seats = 600 }
ap "a-hall-1" { room = "a-hall" max_clients = 200 target = "wlc-a" }
ap "a-hall-2" { room = "a-hall" max_clients = 200 target = "wlc-a" }'
rooms_b='room "b-aula" { seats = 200 }
ap "b-aula-1" { room = "b-aula" max_clients = 150 target = "wlc-b" }'
building a 700 "$rooms_a"
building b 300 "$rooms_b"
for b in a b; do
	"$HEADROOMD" -f -c "$TMP/$b.conf" 2>"$TMP/daemon-$b.log" &
	eval "pid_$b=$!"
	started $!
done

# both buildings' shortfalls reach the one Alertmanager, told apart
am_has() {
	curl -sf "http://127.0.0.1:$AM_WEB_1/api/v2/alerts" | python3 -c '
import json, sys
have = {(a["labels"].get("venue"), a["labels"].get("room")) for a in json.load(sys.stdin)}
sys.exit(0 if {("expo a", "a-hall"), ("expo b", "b-aula")} <= have else 1)'
}
wait_for 30 am_has || { cat "$TMP/daemon-a.log"; fail "the buildings' alerts did not reach Alertmanager"; }

# consolidated rows (10 s each) with both buildings' clients
rows() {
	[ "$(rrdtool fetch --daemon "unix:$sock" "$TMP/$1/room/$2.rrd" AVERAGE -s -120 2>/dev/null |
		awk '$1 ~ /:$/ && $2 != "-nan" && $2 != "nan" && $2 > 0' | wc -l)" -ge 2 ]
}
wait_for 60 rows a a-hall && wait_for 20 rows b b-aula || { cat "$TMP/daemon-a.log"; fail "no room rows"; }
for b in a b; do
	eval "kill -TERM \$pid_$b; wait \$pid_$b" || fail "headroomd $b exited with $?"
done

# the whole event: every building's rooms, APs and controllers, the
# attendees of all
cat >"$TMP/event.conf" <<CONF
state_dir = "$TMP/nowhere"
rrdcached = "unix:$sock"
tick = 1
event "expo" { attendees = 1000 }
target "wlc-a" { address = "127.0.0.1" }
target "wlc-b" { address = "127.0.0.1" }
$rooms_a
$rooms_b
CONF
TMPDIR="$TMP" "$HEADROOM" report -c "$TMP/event.conf" --state-dir "$TMP/a" --state-dir "$TMP/b" \
	--format json,html -o "$TMP/report" 2>"$TMP/report.err" ||
	{ cat "$TMP/report.err"; fail "headroom report failed"; }
python3 - "$TMP/report/report.json" <<'PY' || { cat "$TMP/report.err"; fail "the report does not cover both buildings"; }
import json, sys
r = json.load(open(sys.argv[1]))
rooms = {x["name"]: x for x in r["rooms"]}
assert rooms["a-hall"]["has_data"] and rooms["a-hall"]["peak_clients"] == 200, rooms["a-hall"]
assert rooms["b-aula"]["has_data"] and rooms["b-aula"]["peak_clients"] == 50, rooms["b-aula"]
assert r["summary"]["peak_devices"] == 250, r["summary"]
print("rooms", sorted(rooms), "venue peak", r["summary"]["peak_devices"])
PY
grep -q "b-aula" "$TMP/report/report.html" && grep -q "a-hall" "$TMP/report/report.html" ||
	fail "report.html lacks a building's room"
ls "$TMP"/headroom-report.* >/dev/null 2>&1 && fail "the merged view was left behind"
# the same room name in two buildings cannot be told apart
mkdir -p "$TMP/c/room"
cp "$TMP/a/room/a-hall.rrd" "$TMP/c/room/"
if "$HEADROOM" report -c "$TMP/event.conf" --state-dir "$TMP/a" --state-dir "$TMP/c" \
	--format json -o "$TMP/dup" 2>"$TMP/dup.err"; then
	fail "a room in two state directories was accepted"
fi
grep -q "room:a-hall is in more than one state directory" "$TMP/dup.err" ||
	{ cat "$TMP/dup.err"; fail "the clash is not named"; }
grep -q "AddressSanitizer\|runtime error" "$TMP"/daemon-*.log "$TMP/report.err" && fail "sanitizer report"
pass "one report for two buildings: $(grep -c . "$TMP/report/report.json") line(s) of JSON, rooms of both"
