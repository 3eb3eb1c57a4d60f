#!/bin/sh
# The wide corpus: 40 real recordings of 19 vendor families served by
# snmpsimd, each polled once with profile = "auto" (the default) as target
# "dev", with an `ap "self"` at the target's address so a device that is
# itself the AP reports as ap:self. Every expected row of class clients
# (scopes ap, radio, ssid, total, other) and utilization must come out
# exactly (snmp_corpus_check.py says how keys map to samples); the test
# prints "N of 40 files exact" and each miss with expected and got.
. "$(dirname "$0")/lib.sh"
need_fixtures snmprec-corpus
need_cmd snmpsimd
need_cmd python3

corpus="$SHARED_FIXTURES/snmprec-corpus"
port=$(free_port udp)
start_snmpsim "$corpus" "$port" zyxel-zyxelnwa

communities=$(cd "$corpus" && ls *.snmprec | sed 's/\.snmprec$//')
mkdir -p "$TMP/out"
for c in $communities; do
	cat >"$TMP/$c.conf" <<CONF
state_dir = "$TMP/state"
event "t" { attendees = 200 }
room "hall" { seats = 150 }
target "dev" { address = "127.0.0.1" port = $port community = "$c" timeout = 5 retries = 2 }
ap "self" { room = "hall" target = "dev" address = "127.0.0.1" }
CONF
	"$HEADROOMD" -T -c "$TMP/$c.conf" >"$TMP/out/$c.json" 2>"$TMP/out/$c.log" ||
		{ tail -20 "$TMP/out/$c.log"; fail "$c: headroomd -T failed"; }
	if grep -q "runtime error\|AddressSanitizer" "$TMP/out/$c.log"; then
		cat "$TMP/out/$c.log"
		fail "$c: sanitizer report"
	fi
done
# shellcheck disable=SC2086
python3 "$top_srcdir/tests/integration/snmp_corpus_check.py" "$corpus/expected" "$TMP/out" \
	$communities || fail "not every corpus file is exact (above)"
pass "snmp corpus: every recording exact with profile = auto"
