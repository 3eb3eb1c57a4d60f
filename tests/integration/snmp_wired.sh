#!/bin/sh
# Wired ports: the 16 switch recordings of snmprec-wired served by
# snmpsimd, each polled once as target "sw" of kind = "switch", and one
# made from tplink-tplink_sg2008 with an FDB status column (none of the
# recordings has one; snmp_wired_status.py writes it, the fixtures'
# fdb_truth.py its expected figures: only learned(3) rows count). Every
# port's state, type, speed and learned MACs (in total and by VLAN) and
# the switch's summary must equal expected/<community>.tsv
# (snmp_wired_check.py says how); the test prints "N of 17 switches
# exact". It also checks that no MAC of a recording leaves the collector:
# the samples and the log hold none.
. "$(dirname "$0")/lib.sh"
need_fixtures snmprec-wired
need_cmd snmpsimd
need_cmd python3

wired="$SHARED_FIXTURES/snmprec-wired"
mkdir -p "$TMP/data" "$TMP/expected"
for f in "$wired"/*.snmprec; do ln -s "$f" "$TMP/data/"; done
for f in "$wired"/expected/*.tsv; do ln -s "$f" "$TMP/expected/"; done
python3 "$top_srcdir/tests/integration/snmp_wired_status.py" \
	"$wired/tplink-tplink_sg2008.snmprec" "$TMP/data/synthetic-status.snmprec"
python3 "$wired/tools/fdb_truth.py" "$TMP/data/synthetic-status.snmprec" \
	-o "$TMP/expected/synthetic-status.tsv"
grep -q "status_column=yes" "$TMP/expected/synthetic-status.tsv" &&
	grep -q "dropped_status=[1-9]" "$TMP/expected/synthetic-status.tsv" ||
	fail "the synthetic status column drops nothing"
chmod -R a+rX "$TMP/data" "$TMP/expected"

port=$(free_port udp)
start_snmpsim "$TMP/data" "$port" tplink-tplink_sg2008

communities=$(cd "$TMP/data" && ls *.snmprec | sed 's/\.snmprec$//')
mkdir -p "$TMP/out"
for c in $communities; do
	cat >"$TMP/$c.conf" <<CONF
state_dir = "$TMP/state"
event "t" { attendees = 200 }
room "hall" { seats = 150 }
target "sw" { kind = "switch" address = "127.0.0.1" port = $port community = "$c" timeout = 5 retries = 2 }
CONF
	"$HEADROOMD" -T -c "$TMP/$c.conf" >"$TMP/out/$c.json" 2>"$TMP/out/$c.log" ||
		{ tail -20 "$TMP/out/$c.log"; fail "$c: headroomd -T failed"; }
	if grep -q "runtime error\|AddressSanitizer" "$TMP/out/$c.log"; then
		cat "$TMP/out/$c.log"
		fail "$c: sanitizer report"
	fi
done
# shellcheck disable=SC2086
python3 "$top_srcdir/tests/integration/snmp_wired_check.py" "$TMP/expected" "$TMP/out" \
	$communities || fail "not every switch is exact (above)"

# Privacy: a MAC of the FDB never appears in what headroomd printed.
mac=$(grep -m1 '^1\.3\.6\.1\.2\.1\.17\.7\.1\.2\.2\.1\.2\.' "$wired/tplink-tplink_sg2008.snmprec" |
	cut -d'|' -f1 | awk -F. '{ printf "%02x:%02x:%02x:%02x:%02x:%02x", $(NF-5), $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF }')
[ -n "$mac" ] || fail "no FDB row to look for"
if grep -rqi "$mac" "$TMP/out"; then
	fail "a learned MAC ($mac) left the collector"
fi
pass "snmp wired: every switch recording exact"
