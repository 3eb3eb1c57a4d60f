#!/bin/sh
# Dashboard "now" and "next" per room from a schedule written around the
# current time: a talk running in hall-a (it fits), the keynote after it
# (projected over hall-a's AP capacity, so session_over_capacity fires
# within its lead time), nothing in the lobby. Checked in /api/v1/rooms
# and in the live model the dashboard's SSE stream carries.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd curl

WEB_PORT=$(free_port)
now=$(date +%s)
base=$((now - now % 60))
talk_start=$((base - 600))	# running: 10 min ago, 40 min long
keynote_start=$((base + 1800))	# next: in 30 min, within a 60 min lead
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S+00:00; }
local_min() { date -u -d "@$1" +%Y-%m-%dT%H:%M+00:00; }

cat >"$TMP/schedule.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<schedule>
<day index="1" date="$(date -u -d "@$talk_start" +%Y-%m-%d)">
<room name="hall-a">
<event id="1"><date>$(iso $talk_start)</date><duration>00:40</duration><room>hall-a</room><title>Packaging &amp; you</title><type>talk</type></event>
<event id="2"><date>$(iso $keynote_start)</date><duration>01:00</duration><room>hall-a</room><title>Keynote</title><type>keynote</type></event>
</room>
</day>
</schedule>
XML

# hall-a: 600 seats, 400 capacity. The talk fills 70%: 420 people x 0.9
# = 378 devices (fits); the keynote all 600: 540 devices (over).
conf="$TMP/headroom.conf"
cat >"$conf" <<CONF
state_dir = "$TMP/state"
tick = 1
event "web-schedule" { attendees = 1200  schedule = "schedule.xml" }
web { listen = { "127.0.0.1:$WEB_PORT" } }
room "hall-a" { seats = 600 }
room "lobby" { seats = 300  common_area = true }
ap "a1" { room = "hall-a"  max_clients = 200 }
ap "a2" { room = "hall-a"  max_clients = 200 }
ap "l1" { room = "lobby"  max_clients = 150 }
alert "session_over_capacity" { lead_minutes = 60 }
CONF
start_headroomd "$conf"

jcheck /api/v1/rooms "by(d['rooms'], 'hall-a')['now'] == {'title': 'Packaging & you', 'type': 'talk', 'start': $talk_start, 'end': $((talk_start + 2400)), 'start_local': '$(local_min $talk_start)', 'projected': 378, 'capacity': 400, 'over_capacity': False}" \
	"hall-a's running talk is not 'now'"
jcheck /api/v1/rooms "by(d['rooms'], 'hall-a')['next'] == {'title': 'Keynote', 'type': 'keynote', 'start': $keynote_start, 'end': $((keynote_start + 3600)), 'start_local': '$(local_min $keynote_start)', 'projected': 540, 'capacity': 400, 'over_capacity': True}" \
	"hall-a's keynote is not 'next'"
jcheck /api/v1/rooms "by(d['rooms'], 'lobby')['now'] is None and by(d['rooms'], 'lobby')['next'] is None" \
	"the lobby has no sessions, but now/next are not null"

# the keynote starts within the lead time: its alert names room and session
jwait 15 /api/v1/alerts "any(a['rule'] == 'session_over_capacity' and a['labels'].get('room') == 'hall-a' and a['labels'].get('session') == 'Keynote' and a['state'] == 'firing' for a in d['alerts'])" \
	"no firing session_over_capacity alert for the keynote"
jcheck /api/v1/alerts "not any(a['rule'] == 'session_over_capacity' and a['labels'].get('session') != 'Keynote' for a in d['alerts'])" \
	"a session that fits raised session_over_capacity"

# the dashboard's live model (first SSE event) carries the same objects
curl -sN --max-time 3 "http://127.0.0.1:$WEB_PORT/events" >"$TMP/sse.txt" 2>/dev/null || true
"$PY" - "$TMP/sse.txt" <<'PYEOF' || { head -c 2000 "$TMP/sse.txt" >&2; fail "the SSE state lacks hall-a's now/next"; }
import json, sys
for line in open(sys.argv[1]):
    if line.startswith("data:"):
        d = json.loads(line[5:])
        rooms = d.get("rooms") or d.get("model", {}).get("rooms")
        if rooms and "hall-a" in rooms:
            r = rooms["hall-a"]
            assert r["now"]["title"] == "Packaging & you", r
            assert r["next"]["title"] == "Keynote" and r["next"]["over_capacity"] is True, r
            assert rooms["lobby"]["now"] is None and rooms["lobby"]["next"] is None
            sys.exit(0)
sys.exit(1)
PYEOF

# without a schedule both are null
kill "$HEADROOMD_PID"
wait "$HEADROOMD_PID" 2>/dev/null
sed -i 's/  schedule = "schedule.xml"//' "$conf"
start_headroomd "$conf"
jcheck /api/v1/rooms "all(r['now'] is None and r['next'] is None for r in d['rooms'])" \
	"now/next are not null without a schedule"
no_sanitizer_reports
pass "rooms show now/next sessions; the keynote's session_over_capacity fires within its lead"
