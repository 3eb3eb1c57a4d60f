#!/bin/sh
# Missing data: an empty store and an empty alert log give a report that
# says "no data" (null in JSON, empty in CSV) instead of zeros or a
# failure; a store with some files missing reports the rest; without any
# window at all the command fails with a reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
report_need_rrdtool
export TZ=UTC
printf 'leak:librrd.so\nleak:libfontconfig.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="fast_unwind_on_malloc=0"

# 1. nothing recorded at all, alert log empty
mkdir -p "$TMP/empty"
: >"$TMP/empty/alerts.log"
report_conf "$TMP/empty.conf" "$TMP/empty"
"$HEADROOM" report -q -c "$TMP/empty.conf" -o "$TMP/out1" 2>"$TMP/err1" ||
	{ cat "$TMP/err1"; fail "an empty store made the report fail"; }
python3 - "$TMP/out1" <<'PY' || fail "empty store: numbers are not null"
import csv, json, sys
out = sys.argv[1]
r = json.load(open(out + "/report.json"))
s = r["summary"]
assert s["has_data"] is False, s
assert s["peak_devices"] is None and s["peak_ratio"] is None, s
assert s["projected_devices"] == 540, s          # the plan is still known
for d in r["days"]:
    assert d["peak_devices"] is None and d["ratio"] is None, d
for u in r["uplinks"]:
    assert u["peak_in_mbps"] is None and u["p95_in_mbps"] is None, u
    assert u["minutes_above_warn"] is None, u
    assert all(x["bytes_in"] is None for x in u["days"]), u
for x in r["rooms"] + r["aps"]:
    assert x["has_data"] is False and x["peak_clients"] is None, x
assert r["incidents"]["alert_log_found"] is True
assert r["incidents"]["alerts"] == [] and r["incidents"]["outages"] == []
rooms = list(csv.DictReader(open(out + "/rooms.csv")))
assert all(x["peak_clients"] == "" for x in rooms), rooms
up = list(csv.DictReader(open(out + "/uplinks.csv")))
assert up[0]["peak_in_mbps"] == "" and up[0]["minutes_above_crit"] == "", up
PY
html="$TMP/out1/report.html"
grep -q "No samples were recorded in this window" "$html" || fail "HTML does not say the store is empty"
grep -q "no samples were recorded for this room" "$html" || fail "HTML does not say a room has no samples"
grep -q "No alert fired in this window" "$html" || fail "HTML does not say the alert log is empty"
grep -q "<img" "$html" && fail "HTML draws graphs of no data"

# 2. no alert log at all: said so
rm "$TMP/empty/alerts.log"
"$HEADROOM" report -q -c "$TMP/empty.conf" -o "$TMP/out2" --format html ||
	fail "a missing alert log made the report fail"
grep -q "No alert log was found" "$TMP/out2/report.html" || fail "HTML does not say the log is absent"

# 3. a store with gaps and rooms without files: those say "no data", the
#    rest is reported (the scripted event: room small has no file)
mkdir -p "$TMP/part"
report_conf "$TMP/part.conf" "$TMP/part"
report_fill "$TMP/part"
rm "$TMP/part/room/hall.rrd" "$TMP/part/venue.rrd"
"$HEADROOM" report -q -c "$TMP/part.conf" -o "$TMP/out3" ||
	fail "a partial store made the report fail"
python3 - "$TMP/out3" <<'PY' || fail "partial store: wrong mix of data and no data"
import json, sys
r = json.load(open(sys.argv[1] + "/report.json"))
rooms = {x["name"]: x for x in r["rooms"]}
assert rooms["hall"]["peak_clients"] is None and rooms["hall"]["has_data"] is False
assert rooms["lobby"]["peak_clients"] == 0
assert r["summary"]["peak_devices"] is None
# without the venue file the uplink peak comes from the uplinks themselves
assert r["summary"]["uplink_peak_mbps"] == 150, r["summary"]
assert r["uplinks"][0]["p95_in_mbps"] == 55.0
aps = {x["name"]: x for x in r["aps"]}
assert aps["hall-1"]["peak_clients"] == 245
PY
grep -q "no device counts were recorded" "$TMP/out3/report.html" ||
	fail "HTML does not say the day graphs have no data"

# 4. no window anywhere (no event start/end, no data): a clear failure
cat >"$TMP/nowin.conf" <<EOC
state_dir = "$TMP/nothing"
event "x" { attendees = 10 }
room "r" { seats = 10 }
EOC
mkdir -p "$TMP/nothing"
"$HEADROOM" report -q -c "$TMP/nowin.conf" -o "$TMP/out4" 2>"$TMP/err4" &&
	fail "a report without any window succeeded"
grep -q "no time window" "$TMP/err4" || fail "no reason given: $(cat "$TMP/err4")"
pass "missing data is reported as missing"
