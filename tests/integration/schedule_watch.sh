#!/bin/sh
# A schedule file changes during the event: a new export dropped in place
# is taken within one schedule_refresh without a SIGHUP (the API shows the
# moved session and the note); a file cut short keeps the copy in force
# and shows why.
. "$(dirname "$0")/lib.sh"
need_cmd python3

day=$(date -u -d tomorrow +%F)
write_ics() {	# START-HOUR [LINES]: the opening at START-HOUR; only LINES lines when given
	cat >"$TMP/s.full" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:a
DTSTART:$(echo "$day" | tr -d -)T${1}0000Z
DURATION:PT30M
LOCATION:hall
SUMMARY:Opening
END:VEVENT
BEGIN:VEVENT
UID:b
DTSTART:$(echo "$day" | tr -d -)T150000Z
DURATION:PT1H
LOCATION:hall
SUMMARY:Second
END:VEVENT
END:VCALENDAR
ICS
	head -n "${2:-99}" "$TMP/s.full" >"$TMP/s.tmp"
	mv "$TMP/s.tmp" "$TMP/s.ics"
}
write_ics 09

port=$(free_port)
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
web { listen = { "127.0.0.1:$port" } }
event "t" { attendees = 200  schedule = "s.ics"  timezone = "UTC"  schedule_refresh = "1s" }
room "hall" { seats = 150 }
ap "h1" { room = "hall"  max_clients = 100 }
CONF
"$HEADROOMD" -f -c "$TMP/headroom.conf" >"$TMP/daemon.log" 2>&1 &
pid=$!
started $pid
api_wait 20 "$port" /healthz 'd["status"] == "ok"' "daemon did not start"
next_at() {
	api_check "$port" /api/v1/rooms 'by(d["rooms"], "hall")["next"]["start_local"][11:16] == "'"$1"'"'
}
next_at 09:00 || { api_get "$port" /api/v1/rooms; fail "schedule not loaded at start"; }

write_ics 11
wait_for 6 next_at 11:00 || { api_get "$port" /api/v1/rooms; fail "the new file was not taken within a refresh"; }
api_check "$port" /api/v1/venue 'd["schedule"]["note"] == "schedule changed: 1 session moved" and not d["schedule"]["live"]' ||
	{ api_get "$port" /api/v1/venue; fail "no note for the changed file"; }

write_ics 13 14
wait_for 6 api_check "$port" /api/v1/venue 'd["schedule"]["error"] is not None and d["schedule"]["error"].startswith("no schedule in the file: ")' ||
	{ api_get "$port" /api/v1/venue; fail "a cut file is not shown as an error"; }
next_at 11:00 || fail "a cut file replaced the copy in force"
grep -q "schedule: reading $TMP/s.ics failed: no schedule in the file: $TMP/s.ics:10: BEGIN: BEGIN:VEVENT is never closed" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "the log does not say why the file was not taken"; }

kill -TERM $pid
wait $pid || fail "daemon exit code $? after SIGTERM"
pass "schedule watch"
