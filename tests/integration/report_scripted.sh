#!/bin/sh
# headroom report on a scripted two-day event (real RRD files written by
# rrdtool, see report_lib.sh): every number in report.json and the CSV
# files matches the one worked out by hand from the script.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
report_need_rrdtool
export TZ=UTC
# librrd and fontconfig keep allocations of rrd_graph until exit
printf 'leak:librrd.so\nleak:libfontconfig.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="fast_unwind_on_malloc=0"

mkdir -p "$TMP/state"
report_schedule "$TMP/schedule.ics"
report_conf "$TMP/headroom.conf" "$TMP/state" 600 "$TMP/schedule.ics" \
	'capture "mirror" { mode = "uplink"  file = "/nonexistent/mirror.pcap" }'
report_fill "$TMP/state"
report_fill_capture "$TMP/state" mirror
report_alert_log "$TMP/state/alerts.log"

cd "$TMP" || fail "no tmp dir"
"$HEADROOM" report -c "$TMP/headroom.conf" 2>"$TMP/stderr" ||
	{ cat "$TMP/stderr"; fail "headroom report failed"; }
grep -q "files to read" "$TMP/stderr" || fail "no progress on stderr"
out="$TMP/report-scripted"
for f in report.json report.html summary.csv days.csv uplinks.csv uplink_days.csv rooms.csv \
	aps.csv sessions.csv heatmap.csv alerts.csv outages.csv recommendations.csv; do
	[ -s "$out/$f" ] || fail "default output folder lacks $f"
done

python3 - "$out" <<'PY' || fail "report.json or the CSV files differ from the script"
import csv, json, math, sys
out = sys.argv[1]
r = json.load(open(out + "/report.json"))
bad = []

def eq(what, got, want, tol=1e-6):
    if want is None:
        ok = got is None
    elif isinstance(want, str):
        ok = got == want
    else:
        ok = got is not None and abs(float(got) - want) <= tol * max(1, abs(want))
    if not ok:
        bad.append("%s: got %r, want %r" % (what, got, want))

s = r["summary"]
eq("attendees", s["attendees"], 600)
eq("projected devices (ceil 600 x 0.9)", s["projected_devices"], 540)
eq("capacity", s["capacity"], 625)
eq("peak devices", s["peak_devices"], 530)
eq("peak devices at", s["peak_devices_at"], "2027-05-15T15:30:00+0000")
eq("peak ratio", s["peak_ratio"], 530 / 600)
eq("uplink peak", s["uplink_peak_mbps"], 150)
eq("recommended uplink (150 / 0.8 -> 200)", s["recommended_uplink_mbps"], 200)
d = r["days"]
eq("days", len(d), 2)
eq("day 1 peak", d[0]["peak_devices"], 412)
eq("day 1 peak at", d[0]["peak_at"], "2027-05-14T11:00:00+0000")
eq("day 1 ratio", d[0]["ratio"], 412 / 600)
eq("day 2 peak", d[1]["peak_devices"], 530)
eq("day 2 ratio", d[1]["ratio"], 530 / 600)
eq("day 1 distinct devices", d[0]["distinct_devices"], 300)
eq("day 1 distinct global MACs", d[0]["distinct_global_macs"], 300)
eq("day 1 distinct random MACs", d[0]["distinct_random_macs"], 800)
eq("day 2 distinct devices", d[1]["distinct_devices"], 450)
eq("day 2 distinct random MACs", d[1]["distinct_random_macs"], 1200)

u = r["uplinks"][0]
eq("uplink peak in", u["peak_in_mbps"], 150)
eq("uplink peak in at", u["peak_in_at"], "2027-05-15T01:00:10+0000")
eq("uplink peak out", u["peak_out_mbps"], 14.375)
# 576 buckets, 72 unknown: rank ceil(0.95 x 504) = 479 -> bucket 550
eq("p95 in", u["p95_in_mbps"], 55.0)
eq("p95 out", u["p95_out_mbps"], 13.75)
eq("p95 samples", u["p95_samples"], 504)
eq("p95 unknown", u["p95_unknown"], 72)
eq("avg in", u["avg_in_mbps"], 468732 / 15120)
eq("minutes >= 80%", u["minutes_above_warn"], 2.5)
eq("minutes >= 100%", u["minutes_above_crit"], 0.5)
eq("90% rule asked", u["projected_mbps"], 135)
eq("day 1 bytes in", u["days"][0]["bytes_in"], 955560e6 / 8)
eq("day 2 bytes in", u["days"][1]["bytes_in"], 3731760e6 / 8)
eq("day 1 bytes out", u["days"][0]["bytes_out"], 236790e6 / 8)
eq("day 1 unknown", u["days"][0]["unknown_samples"], 2160)

rooms = {x["name"]: x for x in r["rooms"]}
h = rooms["hall"]
eq("hall peak", h["peak_clients"], 410)
eq("hall peak at", h["peak_at"], "2027-05-15T14:00:00+0000")
eq("hall minutes >= 80%", h["minutes_above_warn"], 73 * 10 / 60)
eq("hall minutes >= 100%", h["minutes_above_crit"], 13 * 10 / 60)
eq("hall p95", h["p95_clients"], 50)
eq("hall projected", h["projected"], 450)
eq("hall add", h["recommend_add_clients"], 50)
eq("session at the hall's peak", h["peak_session"], "Scaling the hall Wi-Fi")
sm = rooms["small"]
if sm["has_data"] is not False: bad.append("small has data")
eq("small peak", sm["peak_clients"], None)
eq("small minutes", sm["minutes_above_warn"], None)
eq("small add (90 - 75)", sm["recommend_add_clients"], 15)
eq("lobby peak", rooms["lobby"]["peak_clients"], 0)

aps = {x["name"]: x for x in r["aps"]}
eq("hall-1 peak", aps["hall-1"]["peak_clients"], 245)
eq("hall-1 2.4", aps["hall-1"]["peak_clients_2g4"], 73)
eq("hall-1 5", aps["hall-1"]["peak_clients_5g"], 172)
eq("hall-1 6 (a file from before 6 GHz)", aps["hall-1"].get("peak_clients_6g", "absent"), None)
eq("hall-2 6 (165 x 20%)", aps["hall-2"].get("peak_clients_6g"), 33)
eq("hall-2 5 (165 - 49 - 33)", aps["hall-2"]["peak_clients_5g"], 83)
eq("hall-1 min >= crit", aps["hall-1"]["minutes_above_crit"], 13 * 10 / 60)
eq("hall-2 peak at", aps["hall-2"]["peak_at"], "2027-05-15T13:48:00+0000")
eq("hall-2 min >= crit", aps["hall-2"]["minutes_above_crit"], 0)
eq("hall-2 unknown", aps["hall-2"]["unknown_samples"], 180)
eq("small-1 peak", aps["small-1"]["peak_clients"], None)
if aps["lobby-1"]["never_used"] is not True:
    bad.append("lobby-1 is not reported as never used")

# sessions: talks fill 70% of the seats (hall 350 x 0.9 = 315, small
# 70 x 0.9 = 63), the keynote all 500 (450, over the hall's 400)
ss = r["sessions"] or []
eq("sessions", len(ss), 4)
want_sessions = [
    ("Morning talk", "hall", "2027-05-14T09:00:00+0000", 315, 400, False, 50, False),
    ("Small room workshop", "small", "2027-05-15T10:00:00+0000", 63, 75, False, None, None),
    ("Scaling the hall Wi-Fi", "hall", "2027-05-15T13:30:00+0000", 315, 400, False, 410, True),
    ("Closing keynote", "hall", "2027-05-15T16:00:00+0000", 450, 400, True, 50, False),
]
for x, (title, room, start, proj, cap, over, peak, overloaded) in zip(ss, want_sessions):
    eq("session title", x["title"], title)
    eq(title + " room", x["room"], room)
    eq(title + " start", x["start"], start)
    eq(title + " projected", x["projected_devices"], proj)
    eq(title + " capacity", x["capacity"], cap)
    if x["projected_over_capacity"] is not over: bad.append(title + " projected_over_capacity")
    eq(title + " peak", x["peak_clients"], peak)
    if x["overloaded"] is not overloaded: bad.append("%s overloaded: %r" % (title, x["overloaded"]))
eq("peak during the hall talk at", ss[2]["peak_at"] if len(ss) > 2 else None, "2027-05-15T14:00:00+0000")
eq("sessions overloaded", s["sessions_overloaded"], 1)

heat = r["heatmap"]
eq("heat hours", heat["hours"], 48)
eq("hall at 05-15 13h", heat["rooms"]["hall"][24 + 13], 410)
eq("hall at 05-15 14h", heat["rooms"]["hall"][24 + 14], 50)
eq("small heat", heat["rooms"]["small"][0], None)

inc = r["incidents"]
eq("skipped log lines", inc["alert_lines_skipped"], 1)
al = {a["id"]: a for a in inc["alerts"]}
eq("alerts", len(al), 2)
eq("hall fired", al["fp-hall"]["fired"], "2027-05-15T13:51:00+0000")
eq("hall acked by", al["fp-hall"]["acked_by"], "noc-ana")
eq("hall entity", al["fp-hall"]["entity"], "room:hall")
eq("hall duration", al["fp-hall"]["duration_s"], 1140)
eq("wlc severity", al["fp-wlc"]["severity"], "crit")
og = {(o["entity"], o["start"]): o for o in inc["outages"]}
eq("outages", len(og), 2)
w = og.get(("target:wlc", "2027-05-15T03:00:00+0000"))
eq("wlc outage", w and w["duration_s"], 1800)
i = og.get(("uplink:isp", "2027-05-14T08:20:00+0000"))
eq("uplink gap", i and i["duration_s"], 21600)

reco = {(x["kind"], x["entity"]): x for x in r["recommendations"]}
eq("reco hall", reco.get(("room", "room:hall"), {}).get("value"), 50)
eq("reco uplink", reco.get(("uplink", "venue"), {}).get("value"), 200)
eq("reco unused AP", reco.get(("ap", "ap:lobby-1"), {}).get("value"), 0)
eq("reco ratio", reco.get(("plan", "venue"), {}).get("value"), 530 / 600)

# the CSV files carry the same numbers
def rows(name):
    return list(csv.DictReader(open("%s/%s" % (out, name))))
summ = {x["field"]: x["value"] for x in rows("summary.csv")}
eq("csv peak devices", summ["peak_devices"], 530)
eq("csv peak ratio", summ["peak_ratio"], 530 / 600)
up = rows("uplinks.csv")[0]
eq("csv p95 in", up["p95_in_mbps"], 55.0)
eq("csv minutes >= 100%", up["minutes_above_crit"], 0.5)
eq("csv p95 unknown", up["p95_unknown"], 72)
rm = {x["room"]: x for x in rows("rooms.csv")}
eq("csv hall peak", rm["hall"]["peak_clients"], 410)
eq("csv hall peak at", rm["hall"]["peak_at"], "2027-05-15T14:00:00+0000")
eq("csv hall session", rm["hall"]["peak_session"], "Scaling the hall Wi-Fi")
eq("csv small peak (empty, not 0)", rm["small"]["peak_clients"], "")
se = {x["session"]: x for x in rows("sessions.csv")}
eq("csv sessions", len(se), 4)
eq("csv talk peak", se["Scaling the hall Wi-Fi"]["peak_clients"], 410)
eq("csv talk overloaded", se["Scaling the hall Wi-Fi"]["overloaded"], "yes")
eq("csv keynote projected over", se["Closing keynote"]["projected_over_capacity"], "yes")
eq("csv keynote overloaded", se["Closing keynote"]["overloaded"], "no")
eq("csv workshop peak (empty, not 0)", se["Small room workshop"]["peak_clients"], "")
eq("csv workshop overloaded unknown", se["Small room workshop"]["overloaded"], "")
ud = rows("uplink_days.csv")
eq("csv day 2 bytes in", ud[1]["bytes_in"], 3731760e6 / 8)
dy = rows("days.csv")
eq("csv day 1 peak", dy[0]["peak_devices"], 412)
eq("csv day 2 distinct devices", dy[1]["distinct_devices"], 450)
eq("csv day 2 random MACs", dy[1]["distinct_random_macs"], 1200)
ap = {x["ap"]: x for x in rows("aps.csv")}
eq("csv lobby-1 never used", ap["lobby-1"]["never_used"], "yes")
eq("csv alerts", len(rows("alerts.csv")), 2)
eq("csv outages", len(rows("outages.csv")), 2)
hm = [x for x in rows("heatmap.csv") if x["room"] == "hall" and x["hour"] == "2027-05-15T13:00:00+0000"]
eq("csv heat hall 13h", hm[0]["peak_clients"] if hm else None, 410)

for b in bad:
    print("MISMATCH " + b)
sys.exit(1 if bad else 0)
PY

# the HTML's session table names the overloading talk
python3 - "$out/report.html" <<'PY' || fail "report.html lacks the session table"
import re, sys
html = open(sys.argv[1]).read()
m = re.search(r'<h2 id="sessions">.*?</table>', html, re.S)
assert m, "no Sessions section"
t = m.group(0)
assert "1 session overloaded the Wi-Fi" in t, t[:400]
row = re.search(r'<tr class="crit"><td>Scaling the hall Wi-Fi</td>.*?</tr>', t)
assert row and "<strong>overloaded</strong>" in row.group(0) and ">410<" in row.group(0), t
assert "Closing keynote</td><td>hall</td>" in t and "450 (over)" in t, t
assert "they are not people" in html, "no caveat next to the random MACs"
PY

# --format and -o: only what was asked for, where it was asked
"$HEADROOM" report -q -c "$TMP/headroom.conf" -o "$TMP/only-json" --format json ||
	fail "--format json failed"
[ -s "$TMP/only-json/report.json" ] || fail "--format json wrote no JSON"
[ -e "$TMP/only-json/report.html" ] && fail "--format json wrote HTML too"
# --from/--to narrow the window: day 1 only
"$HEADROOM" report -q -c "$TMP/headroom.conf" -o "$TMP/day1" --format json \
	--from "2027-05-14 00:00" --to "2027-05-15 00:00" || fail "--from/--to failed"
python3 -c "
import json, sys
r = json.load(open('$TMP/day1/report.json'))
assert len(r['days']) == 1, r['days']
assert r['summary']['peak_devices'] == 412, r['summary']
" || fail "--from/--to did not narrow the window to day 1"
"$HEADROOM" report -q -c "$TMP/headroom.conf" --format pdf 2>/dev/null &&
	fail "an unknown format was accepted"
pass "report numbers match the scripted event"
