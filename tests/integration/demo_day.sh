#!/bin/sh
# demo_day: a short accelerated demo day through tools/demo/run-demo (the
# same runner `make demo` uses), on free ports, at 120x from 08:55 to
# past lunch. While the day runs, a sampler reads what exists every second:
# the simulated controller and switch over SNMP (snmpsimd, always), the
# SNMP collector through `headroomd -T` (once it reports targets), and the
# web API (once /api/v1/venue answers). Afterwards it asserts the day's
# script came true wherever it can be seen:
#   - keynote: the main hall above its APs' capacity (640), and not before;
#   - lunch: the lobby above 80% of its capacity and the ISP uplink above
#     80% of 500 Mbit/s, well above its rate during the keynote;
#   - counters only grow; every configured AP is served, none unplanned;
#   - once alerts and notifications exist: the console webhook received the
#     main hall's room_over_capacity alert;
#   - SIGINT (Ctrl-C) stops the runner and every process it started;
#   - make demo-report's report matches the script's peaks, on the
#     script's clock (from 08:55, the keynote at 09:20, hour by hour).
# Parts not built yet are reported as SKIP lines; the simulation and the
# runner are always checked.
. "$(dirname "$0")/lib.sh"

need_cmd snmpsimd
need_cmd snmpbulkwalk
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c 'import scapy' 2>/dev/null || skip "python3-scapy is not installed"
env --default-signal=INT true 2>/dev/null || skip "env --default-signal is missing (coreutils >= 8.31)"

demo="$top_srcdir/tools/demo"
conf="$top_srcdir/config/demo.conf"

# The config describes the simulated gear: each AP the controller serves
# is configured, in its room, under its controller name.
"$PY" "$demo/conference_day.py" venue >"$TMP/venue.txt" || fail "conference_day.py venue failed"
[ "$(wc -l <"$TMP/venue.txt")" = 24 ] || fail "the simulation has $(wc -l <"$TMP/venue.txt") APs, not 24"
while read -r room name; do
	grep -q "room = \"$room\" .*name = \"$name\"" "$conf" ||
		fail "config/demo.conf has no AP named \"$name\" in room \"$room\""
done <"$TMP/venue.txt"
[ "$(grep -c '^ap "' "$conf")" = 24 ] || fail "config/demo.conf configures APs the simulation does not serve"
# -t reads the capture file the runner makes at start: make one for it.
mkdir "$TMP/check"
"$PY" "$demo/make_capture.py" "$TMP/check/video-uplink.pcap" >/dev/null || fail "make_capture.py failed"
HEADROOM_DEMO_DIR="$TMP/check" "$HEADROOMD" -t -c "$conf" >"$TMP/plan.txt" ||
	fail "headroomd -t rejects config/demo.conf"
grep -q "Verdict: the plan holds" "$TMP/plan.txt" || { cat "$TMP/plan.txt"; fail "the demo's plan does not hold"; }

DIR="$TMP/demo"
chmod 711 "$TMP"	# snmpsimd runs as nobody when the test runs as root
export HEADROOM_DEMO_DIR="$DIR"
export HEADROOM_DEMO_WEB="127.0.0.1:$(free_port)"
export HEADROOM_DEMO_SNMP_PORT="$(free_port udp)"
export HEADROOM_DEMO_SWITCH_PORT="$(free_port udp)"
export HEADROOM_DEMO_SPRINT_PORT="$(free_port udp)"
export HEADROOM_DEMO_HOOK_PORT="$(free_port)"
export HEADROOM_DEMO_TICK=1 HEADROOM_DEMO_INTERVAL=1 HEADROOM_DEMO_UPLINK_INTERVAL=3 HEADROOM_DEMO_FOR=2s
export HEADROOM_DEMO_GROUP_WAIT=1s HEADROOM_DEMO_GROUP_INTERVAL=10s

# Does this build's headroomd -T report the SNMP targets? (Before the
# agents run: a target that does not answer is reported down.)
once=0
HEADROOM_DEMO_DIR="$TMP/probe" timeout 120 "$HEADROOMD" -T -c "$conf" >"$TMP/probe.jsonl" 2>"$TMP/probe.err"
case $? in
0) grep -q '"entity":"target:wlc"' "$TMP/probe.jsonl" && once=1 ;;
124) cat "$TMP/probe.err"; fail "headroomd -T on config/demo.conf did not finish in 120 s" ;;
*) cat "$TMP/probe.err"; fail "headroomd -T on config/demo.conf failed" ;;
esac

SPEED=120 START=08:55 HEADROOMD="$HEADROOMD" PYTHON="$PY" \
	env --default-signal=INT bash "$demo/run-demo" >"$TMP/run.out" 2>&1 &
runner=$!
started $runner
wait_for 90 grep -q "headroom demo:" "$TMP/run.out" ||
	{ cat "$TMP/run.out"; fail "run-demo did not start"; }
for part in snmpsimd-wlc snmpsimd-core-sw webhook headroomd narrator; do
	grep -q " $part\$" "$DIR/pids" || fail "run-demo did not start its $part"
done

# Which parts of headroom this build has.
web=0
if "$PY" -c "import sys, urllib.request; urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1], timeout=2)" \
	"http://$HEADROOM_DEMO_WEB/api/v1/venue" 2>/dev/null; then
	web=1
fi
notify=0
"$HEADROOMD" --test-notify console -c "$conf" >/dev/null 2>&1 && notify=1

cat >"$TMP/sample.py" <<'PY'
import json, subprocess, sys, time, urllib.error, urllib.request
sys.path.insert(0, sys.argv[1])
import conference_day as cd

day_path, until, wlc_port, switch_port, headroomd, conf, web, out, use_once = sys.argv[2:11]
use_once = use_once == "1"
day = cd.load_day(day_path)
begin = cd.minutes(day["begin"])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def snmp(tool, community, port, oid):
    r = subprocess.run([tool, "-v2c", "-c", community, "-Oqn", "-t", "1", "-r", "1",
                        "127.0.0.1:%s" % port, oid], capture_output=True, text=True)
    rows = [l.split(None, 1) for l in r.stdout.splitlines() if " " in l]
    return [(o, v) for o, v in rows if (o == "." + oid or o.startswith("." + oid + "."))
            and v.strip().isdigit()]

def from_snmp():
    rooms = {}
    for oid, value in snmp("snmpbulkwalk", "wlc", wlc_port, "1.3.6.1.4.1.14179.2.2.2.1.15"):
        room = cd.ROOMS[int(oid.split(".")[-4]) - 0x10][0]
        rooms[room] = rooms.get(room, 0) + int(value)
    t = time.time()
    isp = snmp("snmpget", "core-sw", switch_port, "1.3.6.1.2.1.31.1.1.1.6.%d" % cd.UPLINK_IFINDEX)
    return {"rooms": rooms, "isp_octets_in": int(isp[0][1]) if isp else None, "isp_t": t}

def from_once():
    if not use_once:
        return []
    try:
        r = subprocess.run([headroomd, "-T", "-c", conf], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        sys.exit("headroomd -T did not finish within 60 s")
    return [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]

def get(path):
    try:
        return json.load(opener.open("http://%s%s" % (web, path), timeout=2))
    except (OSError, ValueError):
        return None

deadline = time.time() + 400
with open(out, "w") as f:
    while True:
        now = time.time()
        minute = begin + cd.day_minute_at(day, now)
        if minute >= cd.minutes(until):
            break
        if now > deadline:
            sys.exit("the demo day did not reach %s" % until)
        rec = {"t": now, "minute": minute, "snmp": from_snmp(), "once": from_once()}
        if web != "-":
            rec["web"] = {p: get("/api/v1/" + p) for p in ("rooms", "uplinks", "alerts")}
        f.write(json.dumps(rec) + "\n")
        f.flush()
        time.sleep(max(0, 1 - (time.time() - now)))
PY

webarg=-
[ $web = 1 ] && webarg=$HEADROOM_DEMO_WEB
"$PY" "$TMP/sample.py" "$demo" "$DIR/day.json" 13:20 "$HEADROOM_DEMO_SNMP_PORT" \
	"$HEADROOM_DEMO_SWITCH_PORT" "$HEADROOMD" \
	"$conf" "$webarg" "$TMP/samples.jsonl" $once || fail "sampling the demo day failed"
kill -0 "$(sed -n 's/ headroomd$//p' "$DIR/pids")" 2>/dev/null ||
	{ tail -20 "$DIR/headroomd.log"; fail "headroomd died during the demo day"; }

cat >"$TMP/check.py" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import conference_day as cd

samples = [json.loads(l) for l in open(sys.argv[2])]
web_on, notify_on, hooks_path, state_dir = sys.argv[3] == "1", sys.argv[4] == "1", sys.argv[5], sys.argv[6]
snmp_on = sys.argv[7] == "1"
cap = {r[0]: r[3] * cd.AP_MAX_CLIENTS for r in cd.ROOMS}
limit = cd.UPLINK_CAPACITY_MBPS
failures = []

def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)

def window(a, b):
    return [s for s in samples if cd.minutes(a) <= s["minute"] <= cd.minutes(b)]

def mean_rate(pairs):
    """Mbit/s from the first to the last (time, octets) pair."""
    pairs = [p for p in pairs if p and p[1] is not None]
    if len(pairs) < 2 or pairs[-1][0] <= pairs[0][0]:
        return 0.0
    return (pairs[-1][1] - pairs[0][1]) * 8 / 1e6 / (pairs[-1][0] - pairs[0][0])

keynote, lunch = window("09:25", "09:50"), window("12:40", "13:10")
check(len(keynote) >= 3 and len(lunch) >= 3,
      "sampled the keynote (%d) and lunch (%d)" % (len(keynote), len(lunch)))
if failures:
    sys.exit(1)

# The simulated gear, read over SNMP from snmpsimd.
main_keynote = max(s["snmp"]["rooms"].get("main-hall", 0) for s in keynote)
check(main_keynote > cap["main-hall"],
      "SNMP: main hall peaks at %d clients in the keynote, capacity %d" % (main_keynote, cap["main-hall"]))
before = [s["snmp"]["rooms"].get("main-hall", 0) for s in window("00:00", "09:08")]
if before:
    check(max(before) < cap["main-hall"], "SNMP: main hall below capacity before the keynote (%d)" % max(before))
lobby_lunch = max(s["snmp"]["rooms"].get("lobby", 0) for s in lunch)
check(lobby_lunch >= 0.8 * cap["lobby"],
      "SNMP: lobby peaks at %d clients at lunch, capacity %d" % (lobby_lunch, cap["lobby"]))
octets = [s["snmp"]["isp_octets_in"] for s in samples]
check(None not in octets and octets == sorted(octets), "SNMP: ifHCInOctets only grows")
lunch_mbps = mean_rate([(s["snmp"]["isp_t"], s["snmp"]["isp_octets_in"]) for s in lunch])
keynote_mbps = mean_rate([(s["snmp"]["isp_t"], s["snmp"]["isp_octets_in"]) for s in keynote])
check(lunch_mbps > 0.8 * limit and keynote_mbps < 0.7 * limit,
      "SNMP: ISP uplink at %.0f Mbit/s at lunch, %.0f in the keynote, capacity %d" %
      (lunch_mbps, keynote_mbps, limit))

# The SNMP collector, through headroomd -T.
once = [x for s in samples for x in s["once"]]
if not snmp_on:
    print("SKIP: headroomd -T reports no SNMP target yet (the SNMP collector is not built)")
else:
    for target in ("wlc", "core-sw"):
        ups = [x for x in once if x["entity"] == "target:" + target and x["metric"] == "up"]
        check(any(x["value"] == 1 for x in ups), "headroomd -T: target %s is up%s" %
              (target, "" if any(x["value"] == 1 for x in ups) else
               " (it says: %s)" % (ups[-1].get("text") if ups else "nothing")))
    def room_clients(sample, room):
        vals = [x["value"] for x in sample["once"] if x["metric"] == "clients" and
                x["entity"].startswith("ap:%s-" % room) and x["value"] is not None]
        return sum(vals) if vals else None
    aps = {x["entity"] for x in once if x["entity"].startswith("ap:") and x["metric"] == "clients"}
    check(len(aps) == 24 and all(a[3:].rsplit("-", 1)[0] in cap for a in aps),
          "headroomd -T: clients of the 24 configured APs, none unplanned (%d entities)" % len(aps))
    peak = max((room_clients(s, "main-hall") or 0) for s in keynote)
    check(peak > cap["main-hall"], "headroomd -T: main hall at %d clients in the keynote" % peak)
    lobby = max((room_clients(s, "lobby") or 0) for s in lunch)
    check(lobby >= 0.8 * cap["lobby"], "headroomd -T: lobby at %d clients at lunch" % lobby)
    def isp_octets(sample):
        for x in sample["once"]:
            if x["entity"] == "uplink:isp" and x["metric"] == "octets_in_total":
                return (x["timestamp"], x["value"])
        return None
    pairs = [p for p in map(isp_octets, lunch) if p]
    check(len(pairs) >= 2 and mean_rate(pairs) > 0.8 * limit,
          "headroomd -T: ISP uplink at %.0f Mbit/s at lunch (uplink:isp octets_in_total)" % mean_rate(pairs))

# The web API.
def named(doc, key, name):
    """The object called name in doc (a list, or an object holding one)."""
    if isinstance(doc, dict):
        doc = doc.get(key, doc.get("items", []))
    for o in doc if isinstance(doc, list) else []:
        if isinstance(o, dict) and o.get("name") == name:
            return o
    return None

if not web_on:
    print("SKIP: the web API does not answer yet (/api/v1/venue)")
else:
    def web_room(s, room):
        o = named((s.get("web") or {}).get("rooms"), "rooms", room)
        return o.get("clients") if o else None
    peak = max((web_room(s, "main-hall") or 0) for s in keynote)
    check(peak > cap["main-hall"], "web: /api/v1/rooms shows the main hall at %s clients in the keynote" % peak)
    lobby = max((web_room(s, "lobby") or 0) for s in lunch)
    check(lobby >= 0.8 * cap["lobby"], "web: /api/v1/rooms shows the lobby at %s clients at lunch" % lobby)
    # the day's schedule runs on the demo's clock: the keynote is on now
    def now_title(s, room):
        o = named((s.get("web") or {}).get("rooms"), "rooms", room) or {}
        return (o.get("now") or {}).get("title")
    titles = {now_title(s, "main-hall") for s in keynote}
    check("Opening keynote" in titles,
          "web: the main hall's current session during the keynote is %s" % sorted(map(str, titles)))
    lunch_titles = {now_title(s, "lobby") for s in lunch}
    check("Lunch" in lunch_titles, "web: the lobby's current session at lunch is %s" % sorted(map(str, lunch_titles)))
    def web_util(s):
        o = named((s.get("web") or {}).get("uplinks"), "uplinks", "isp")
        return o.get("utilisation") if o else None
    utils = [u for u in map(web_util, lunch) if u is not None]
    if not snmp_on:
        print("SKIP: the SNMP collector is not built: no uplink to show")
    else:
        check(utils and max(utils) > 0.8, "web: /api/v1/uplinks shows the ISP uplink at %s%% at lunch" %
              ("%.0f" % (100 * max(utils)) if utils else "no"))

# Alerts and the console webhook.
import glob, os
alert_logs = [p for p in glob.glob(os.path.join(state_dir, "**", "*alert*"), recursive=True)
              if os.path.isfile(p) and os.path.getsize(p) > 0]
alerts_on = bool(alert_logs) or any((s.get("web") or {}).get("alerts") is not None for s in samples)
if not (alerts_on and notify_on and snmp_on):
    print("SKIP: alerts (%s), notifications (%s) or the SNMP collector (%s) are not built yet" %
          tuple("on" if x else "off" for x in (alerts_on, notify_on, snmp_on)))
else:
    hooks = [json.loads(l) for l in open(hooks_path)] if os.path.exists(hooks_path) else []
    fired = [a for h in hooks if isinstance(h["body"], dict)
             for a in h["body"].get("alerts", [])
             if a.get("status") == "firing" and a.get("labels", {}).get("alertname") == "room_over_capacity"
             and "main-hall" in json.dumps(a.get("labels", {}))]
    check(len(fired) >= 1, "webhook: received the main hall's room_over_capacity alert (%d notices)" % len(fired))
    uplink = [a for h in hooks if isinstance(h["body"], dict)
              for a in h["body"].get("alerts", [])
              if a.get("labels", {}).get("alertname") == "uplink_utilisation"
              and "isp" in json.dumps(a.get("labels", {}))]
    check(len(uplink) >= 1, "webhook: received the ISP uplink's utilisation warning at lunch (%d notices)" % len(uplink))

sys.exit(1 if failures else 0)
PY

"$PY" "$TMP/check.py" "$demo" "$TMP/samples.jsonl" $web $notify "$DIR/webhook.jsonl" "$DIR/state" $once ||
	{ tail -5 "$DIR/headroomd.log"; fail "the demo day did not come true (see above)"; }

# Ctrl-C: the runner stops every process it started.
kill -INT $runner
wait_for 30 sh -c "! kill -0 $runner 2>/dev/null" || fail "run-demo ignored SIGINT"
wait $runner
rc=$?
[ $rc = 130 ] || fail "run-demo exited $rc after SIGINT, not 130"
while read -r pid what; do
	if kill -0 "$pid" 2>/dev/null; then fail "$what (pid $pid) still runs after Ctrl-C"; fi
done <"$DIR/pids"
grep -q "stopped every demo process" "$TMP/run.out" || fail "run-demo did not say it stopped"
# The report of the day (once `headroom report` and the SNMP collector
# exist): make demo-report's script, its peaks against the day's script,
# on the day's own clock.
headroom="$HEADROOM"
if [ ! -x "$headroom" ] || [ $once = 0 ]; then
	echo "SKIP: headroom report or the SNMP collector is not built yet"
else
	HEADROOM="$headroom" DEMO_CONF="$conf" bash "$demo/demo-report" >"$TMP/report.out" 2>&1 ||
		{ cat "$TMP/report.out"; fail "demo-report failed"; }
	[ -f "$DIR/report/report.json" ] || fail "demo-report wrote no report.json"
	"$PY" - "$demo" "$DIR/report/report.json" <<'PY' || fail "the report's peaks do not match the day's script"
import json, subprocess, sys
sys.path.insert(0, sys.argv[1])
import conference_day as cd
report = json.load(open(sys.argv[2]))
expect = json.loads(subprocess.run([sys.executable, sys.argv[1] + "/conference_day.py", "expect"],
                                   capture_output=True, text=True, check=True).stdout)
rooms = {r["name"]: r for r in report["rooms"]}
ok = True
for name in ("main-hall", "lobby"):
    got, want = rooms[name]["peak_clients"], expect["rooms"][name]["peak"]
    good = got is not None and abs(got - want) <= 0.1 * want
    print("%s: report %s peak %s clients, the script %d" % ("ok" if good else "FAIL", name, got, want))
    ok = ok and good
isp = [u for u in report["uplinks"] if u["name"] == "isp"][0]
got, want = isp["peak_in_mbps"], expect["uplink"]["peak_in_mbps"]
good = got is not None and abs(got - want) <= 0.15 * want
print("%s: report isp peak %s Mbit/s in, the script %.0f" % ("ok" if good else "FAIL", got, want))
ok = ok and good
# The report is on the script's clock, not the wall clock the day ran on
# 120 times too fast: it starts at 08:55, the main hall peaks in the
# keynote, and the hours from its first to 13:00 each have a column. A
# stored 10 s row spans 20 script minutes at 120x, so the first row starts
# on a 20-minute step whose place depends on the wall clock (08:48 and
# 09:01 are both seen), a little later on a loaded box: 08:35 to 09:15.
# The heat map's first column is that start's hour (08:00 or 09:00).
def hm(stamp):
    return stamp[11:16]
start, peak = hm(report["window"]["from"]), hm(rooms["main-hall"]["peak_at"])
good = "08:35" <= start <= "09:15" and "09:20" <= peak <= "10:00" and len(report["days"]) == 1
print("%s: the report starts at %s, the main hall peaks at %s, %d day(s)" % (
    "ok" if good else "FAIL", start, peak, len(report["days"])))
ok = ok and good
good = isp.get("p95_in_mbps") is not None
print("%s: the ISP uplink's p95 over five-minute averages is %s" % ("ok" if good else "FAIL", isp.get("p95_in_mbps")))
ok = ok and good
hours, first = report["heatmap"]["hours"], int(start[:2])
good = hm(report["heatmap"]["start"]) == "%02d:00" % first and first + hours >= 13
print("%s: the heat map has %d hours from %s" % ("ok" if good else "FAIL", hours, hm(report["heatmap"]["start"])))
ok = ok and good
sys.exit(0 if ok else 1)
PY
fi
pass "demo_day"
