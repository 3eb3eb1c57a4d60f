#!/bin/sh
# The schedule follows the config: a file that is no schedule (cut short)
# stops the start; on SIGHUP overlaps are taken with a warning, a cut file
# leaves the last good schedule in force (the rest of the config is
# taken) and a fixed one is taken.
. "$(dirname "$0")/lib.sh"

conf="$TMP/headroom.conf"
port=$(free_port)
cat >"$conf" <<CONF
state_dir = "$TMP/state"
tick = 1
web { listen = { "127.0.0.1:$port" } }
event "t" { attendees = 200  schedule = "s.ics"  timezone = "Europe/Berlin" }
room "hall" { seats = 150 }
ap "h1" { room = "hall"  max_clients = 100 }
CONF

write_ics() {	# NAME DTEND [LINES]: only the first LINES lines when given
	cat >"$TMP/s.full" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:a
DTSTART;TZID=Europe/Berlin:20270610T090000
DTEND;TZID=Europe/Berlin:$2
LOCATION:hall
SUMMARY:$1
END:VEVENT
BEGIN:VEVENT
UID:b
DTSTART;TZID=Europe/Berlin:20270610T100000
DTEND;TZID=Europe/Berlin:20270610T110000
LOCATION:hall
SUMMARY:Second
END:VEVENT
END:VCALENDAR
ICS
	head -n "${3:-99}" "$TMP/s.full" >"$TMP/s.ics"
}

# A start with a cut schedule fails. The daemon serves nothing then:
# its stderr is where the operator reads why, so the wording is the
# contract here.
write_ics "Opening" 20270610T093000 14
if "$HEADROOMD" -f -c "$conf" 2>"$TMP/start.log"; then
	fail "daemon started with a cut schedule"
fi
grep -qF "$TMP/s.ics:10: BEGIN: BEGIN:VEVENT is never closed: the file is truncated" "$TMP/start.log" ||
	{ cat "$TMP/start.log"; fail "start error lacks the element and line"; }

# opening MINUTES: the hall's next session, served by the API, is
# "Opening" lasting MINUTES (30 at start, 45 once fixed; the broken
# version would last 90).
opening() {
	api_check "$port" /api/v1/rooms '(lambda n: n["title"] == "Opening" and n["end"] - n["start"] == '"$1"' * 60)(by(d["rooms"], "hall")["next"])'
}

write_ics "Opening" 20270610T093000
"$HEADROOMD" -f -c "$conf" -p "$TMP/headroomd.pid" 2>"$TMP/daemon.log" &
pid=$!
started $pid
api_wait 20 "$port" /healthz 'd["status"] == "ok"' "daemon did not start"
opening 30 || { api_get "$port" /api/v1/rooms; fail "schedule not loaded at start"; }

# Overlapping sessions are what real exports hold: taken, with a
# warning naming both (only the log says).
write_ics "Opening" 20270610T103000
kill -HUP $pid
wait_for 20 opening 90 || { api_get "$port" /api/v1/rooms; fail "overlapping sessions were not taken"; }
grep -qF "schedule: $TMP/s.ics:10: VEVENT b: overlaps \"Opening\" (VEVENT a at line 3) in room \"hall\"; both kept" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "overlap warning lacks the element and line"; }

# Cut short, with a new room in the config: the room is taken, the last
# good schedule stays in force (built for the new rooms). Two ticks
# after the signal the loop has handled it.
write_ics "Opening" 20270610T093000 14
echo 'room "annex" { seats = 50 }' >>"$conf"
seq=$(api_seq "$port")
kill -HUP $pid
wait_for 20 seq_at_least "$port" $((seq + 2)) || fail "the daemon stopped ticking after a broken schedule"
kill -0 $pid || fail "daemon died on a broken schedule"
opening 90 || { api_get "$port" /api/v1/rooms; fail "the last good schedule was dropped"; }
api_check "$port" /api/v1/rooms 'by(d["rooms"], "annex") is not None' ||
	{ api_get "$port" /api/v1/rooms; fail "the rest of the config was not taken"; }
grep -qF "schedule: $TMP/s.ics:10: BEGIN: BEGIN:VEVENT is never closed: the file is truncated" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "reload error lacks the element and line"; }
grep -qF "schedule: s.ics does not load; the last good copy ($TMP/s.ics, 2 sessions) stays in force" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "the log does not say the last good schedule stays"; }

# Fixed: taken on the next SIGHUP.
write_ics "Opening" 20270610T094500
kill -HUP $pid
wait_for 20 opening 45 || { api_get "$port" /api/v1/rooms; fail "the fixed schedule was not reloaded"; }

kill -TERM $pid
wait $pid
rc=$?
[ $rc = 0 ] || fail "exit code $rc after SIGTERM"
pass "schedule reload"
