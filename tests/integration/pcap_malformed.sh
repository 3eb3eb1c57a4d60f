#!/bin/sh
# Every capture in the fixtures' malformed/ folder is read to its end or to
# a clean error: packets and captured bytes equal libpcap's figures from
# the README, a read error is reported where libpcap stops early, damaged
# frames are counted, and nothing crashes (this runs under ASan/UBSan in
# sanitizer builds). A link type the mode cannot read is refused with a
# reason instead of being misread.
. "$(dirname "$0")/lib.sh"
need_fixtures pcap
FX="$SHARED_FIXTURES/pcap"
LIB="$top_srcdir/tests/integration/pcap_lib.py"

files=$(cd "$FX" && ls malformed/*)
python3 "$LIB" conf "$TMP/m.conf" "$TMP/map.json" "$TMP/state" "$FX" $files || fail "cannot write the config"
"$HEADROOMD" -T -c "$TMP/m.conf" >"$TMP/m.jsonl" 2>"$TMP/m.err"
rc=$?
cat "$TMP/m.err"
[ $rc = 0 ] || fail "headroomd -T exited $rc on malformed captures"
if grep -q -E 'AddressSanitizer|runtime error|LeakSanitizer' "$TMP/m.err"; then
	fail "sanitizer report on malformed input"
fi
python3 "$LIB" malformed "$TMP/m.jsonl" "$TMP/map.json" "$FX" || fail "malformed captures not read as libpcap reads them"
grep -q 'invalid packet capture length' "$TMP/m.jsonl" || fail "the bad caplen record's error is not reported"
python3 - "$TMP/m.jsonl" "$TMP/map.json" <<'PY' || fail "damaged frames not counted"
import json, sys
m = {v: k for k, v in json.load(open(sys.argv[2])).items()}
last = {}
for line in open(sys.argv[1]):
    s = json.loads(line)
    last[(s["entity"], s["metric"])] = s["value"]
bad = []
# A radiotap header claiming more bytes than captured, and an IPv4 header
# cut by the snaplen: each is one skipped, counted frame.
for f in ("malformed/tcpdump-radiotap-heapoverflow.pcap", "malformed/zeek-trunc-ip4-trunc.pcap"):
    if last.get(("capture:" + m[f], "malformed_total")) != 1:
        bad.append(f)
# A DLT_NULL file is refused by an uplink capture with a reason.
if last.get(("capture:" + m["malformed/ndpi-fuzz-2021-10-13-cutshort.pcap"], "up")) != 0:
    bad.append("cutshort not refused")
print("problems:", bad)
sys.exit(1 if bad else 0)
PY
pass "malformed captures read safely"
