#!/bin/sh
# The schedule follows the config: a broken schedule stops the start, a
# schedule broken later is rejected on SIGHUP (the old one stays), a fixed
# one is taken on the next SIGHUP.
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

write_ics() {	# NAME DTEND
	cat >"$TMP/s.ics" <<ICS
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
}

# A start with a broken schedule fails.
write_ics "Opening" 20270610T083000
if "$HEADROOMD" -f -c "$conf" 2>"$TMP/start.log"; then
	fail "daemon started with a broken schedule"
fi
grep -qF "$TMP/s.ics:3: VEVENT a: negative duration (-30 min)" "$TMP/start.log" ||
	{ cat "$TMP/start.log"; fail "start error lacks the element and line"; }

write_ics "Opening" 20270610T093000
"$HEADROOMD" -f -c "$conf" -p "$TMP/headroomd.pid" 2>"$TMP/daemon.log" &
pid=$!
started $pid
wait_for 10 grep -q "starting" "$TMP/daemon.log" || { cat "$TMP/daemon.log"; fail "daemon did not start"; }
grep -qF "schedule $TMP/s.ics: 2 sessions, 1 rooms" "$TMP/daemon.log" || fail "schedule not loaded at start"

# Overlapping sessions: the reload is rejected, the daemon keeps going.
write_ics "Opening" 20270610T103000
kill -HUP $pid
wait_for 10 grep -q "reload rejected: keeping the running config" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "a broken schedule was not rejected"; }
grep -qF "reload rejected: $TMP/s.ics:10: VEVENT b: overlaps \"Opening\" (VEVENT a at line 3) in room \"hall\"" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "reload error lacks the element and line"; }
kill -0 $pid || fail "daemon died on a broken schedule"
[ "$(grep -c "schedule $TMP/s.ics: 2 sessions" "$TMP/daemon.log")" = 1 ] || fail "a broken schedule was loaded"

# Fixed: taken on the next SIGHUP.
write_ics "Opening" 20270610T094500
kill -HUP $pid
wait_for 10 grep -q "reloaded: 1 rooms" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "the fixed schedule was not reloaded"; }
[ "$(grep -c "schedule $TMP/s.ics: 2 sessions" "$TMP/daemon.log")" = 2 ] || fail "fixed schedule not loaded"

kill -TERM $pid
wait $pid
rc=$?
[ $rc = 0 ] || fail "exit code $rc after SIGTERM"
pass "schedule reload"
