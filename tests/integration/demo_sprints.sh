#!/bin/sh
# demo_sprints: the demo's afternoon sprints through tools/demo/run-demo
# at 120x from 15:35 to 17:15 on free ports. The sprint room's simulated
# switch (48 ports, Q-BRIDGE-MIB FDB with a status column) fills as the
# script's laptops plug in: while it runs, /api/v1/rooms must show the
# sprint room's devices on cables and its ports up as the script has them
# (conference_day.py SPRINT_WIRED, up to 44), with a wired share; after
# Ctrl-C, make demo-report's report gives the sprint room's day a wired
# share at its peak, the ports up then, and a recommendation about ports.
. "$(dirname "$0")/lib.sh"

need_cmd snmpsimd
need_cmd snmpbulkwalk
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c 'import scapy' 2>/dev/null || skip "python3-scapy is not installed"
env --default-signal=INT true 2>/dev/null || skip "env --default-signal is missing (coreutils >= 8.31)"
[ -x "$HEADROOM" ] || skip "no headroom report program"

demo="$top_srcdir/tools/demo"
conf="$top_srcdir/config/demo.conf"
DIR="$TMP/demo"
chmod 711 "$TMP"	# snmpsimd runs as nobody when the test runs as root
export HEADROOM_DEMO_DIR="$DIR"
export HEADROOM_DEMO_WEB="127.0.0.1:$(free_port)"
export HEADROOM_DEMO_SNMP_PORT="$(free_port udp)"
export HEADROOM_DEMO_SWITCH_PORT="$(free_port udp)"
export HEADROOM_DEMO_SPRINT_PORT="$(free_port udp)"
export HEADROOM_DEMO_HOOK_PORT="$(free_port)"
export HEADROOM_DEMO_TICK=1 HEADROOM_DEMO_INTERVAL=1 HEADROOM_DEMO_UPLINK_INTERVAL=2 HEADROOM_DEMO_FOR=2s

SPEED=120 START=15:35 HEADROOMD="$HEADROOMD" PYTHON="$PY" \
	env --default-signal=INT bash "$demo/run-demo" >"$TMP/run.out" 2>&1 &
runner=$!
started $runner
wait_for 90 grep -q "headroom demo:" "$TMP/run.out" ||
	{ cat "$TMP/run.out"; fail "run-demo did not start"; }
grep -q " snmpsimd-sprint-sw\$" "$DIR/pids" || fail "run-demo did not start the sprint switch's agent"

"$PY" - "$demo" "$DIR/day.json" "$HEADROOM_DEMO_WEB" "$TMP/samples.jsonl" <<'PY' || fail "sampling the sprints failed"
import json, sys, time, urllib.request
sys.path.insert(0, sys.argv[1])
import conference_day as cd
day = cd.load_day(sys.argv[2])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
begin = cd.minutes(day["begin"])
deadline = time.time() + 200
with open(sys.argv[4], "w") as f:
    while True:
        now = time.time()
        minute = begin + cd.day_minute_at(day, now)
        if minute >= cd.minutes("17:15"):
            break
        if now > deadline:
            sys.exit("the demo day did not reach 17:15")
        try:
            rooms = json.load(opener.open("http://%s/api/v1/rooms" % sys.argv[3], timeout=2))["rooms"]
        except (OSError, ValueError):
            rooms = []
        sprint = next((r for r in rooms if r.get("name") == "sprints"), None)
        f.write(json.dumps({"minute": minute, "want": cd.sprint_wired(minute),
                            "room": sprint}) + "\n")
        time.sleep(max(0, 0.5 - (time.time() - now)))
PY
"$PY" - "$TMP/samples.jsonl" <<'PY' || fail "the dashboard's sprint room does not follow the script (above)"
import json, sys
samples = [json.loads(l) for l in open(sys.argv[1])]
wired = [(s["minute"], s["want"], (s["room"] or {}).get("wired") or {}) for s in samples]
seen = [w.get("devices") for _m, _want, w in wired if w.get("devices") is not None]
peak = max(seen) if seen else None
share = max((w.get("share") or 0) for _m, _want, w in wired)
ups = max((w.get("ports_up") or 0) for _m, _want, w in wired)
before = [w.get("devices") for m, _want, w in wired if m < 15 * 60 + 38 and w.get("devices") is not None]
ok = peak is not None and 40 <= peak <= 44 and ups == peak and 0 < share < 1 and all(b == 0 for b in before)
print("%s: sprint room on cables: peak %s devices (the script 44), %s ports up, share up to %.0f%%, "
      "%s before the sprints" % ("ok" if ok else "FAIL", peak, ups, 100 * share, sorted(set(before))))
# from the switch's first poll on, the room always knows its ports
known = [w.get("ports") for _m, _want, w in wired]
first = next((i for i, x in enumerate(known) if x is not None), len(known))
ports = set(known[first:])
print("%s: the room's ports: %s from its first poll on, %d samples before it (48 mapped, the "
      "uplink left out)" % ("ok" if ports == {48} else "FAIL", ports, first))
sys.exit(0 if ok and ports == {48} else 1)
PY

kill -INT $runner
wait_for 30 sh -c "! kill -0 $runner 2>/dev/null" || fail "run-demo ignored SIGINT"
wait $runner
HEADROOM="$HEADROOM" DEMO_CONF="$conf" bash "$demo/demo-report" >"$TMP/report.out" 2>&1 ||
	{ cat "$TMP/report.out"; fail "demo-report failed"; }
"$PY" - "$DIR/report" <<'PY' || fail "the report does not show the sprint room's cables (above)"
import json, sys
report = json.load(open(sys.argv[1] + "/report.json"))
room = [r for r in report["rooms"] if r["name"] == "sprints"][0]
days = (room.get("wired") or {}).get("days") or []
day = days[0] if days else {}
ok = day.get("wired_share") is not None and 0.1 < day["wired_share"] < 0.5 and \
    day.get("wired_at_peak", 0) >= 38 and day.get("ports") == 48 and \
    "15:4" <= (day.get("peak_at") or "")[11:16] <= "17:0"
print("%s: sprint room's day: %s" % ("ok" if ok else "FAIL", day))
recos = [x for x in report.get("recommendations", []) if x.get("kind") == "wired"]
good = any("sprints" in x.get("text", "") and "more ports" in x.get("text", "") for x in recos)
print("%s: recommendation: %s" % ("ok" if good else "FAIL", [x.get("text") for x in recos]))
html = open(sys.argv[1] + "/report.html").read()
csv = open(sys.argv[1] + "/room_wired.csv").read()
both = "Devices on cables" in html and "\nsprints," in csv
print("%s: report.html has the cables section and room_wired.csv the sprint room" % ("ok" if both else "FAIL"))
sys.exit(0 if ok and good and both else 1)
PY
pass "demo sprints: the sprint room's cables on the dashboard and in the report"
