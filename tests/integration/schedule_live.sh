#!/bin/sh
# schedule = "http://...": a local server (tests/integration/schedule_server.py,
# ETag/Last-Modified/304, started here and stopped by PID) serves a
# programme for tomorrow. The daemon fetches it at the start, confirms it
# with a conditional request, takes a new version within one refresh
# (the API shows the moved sessions and the note), keeps its copy when
# the server fails or sends no schedule (schedule_stale fires), and
# starts from the copy in the state dir while the server is down.
. "$(dirname "$0")/lib.sh"
need_cmd python3
need_cmd curl

www="$TMP/www"
mkdir -p "$www"
refresh=2
day=$(date -u -d tomorrow +%F)

# programme SHIFT: three sessions in the hall, SHIFT hours later than 09:00.
programme() {
	hh=$(printf %02d $((9 + $1)))
	cat >"$www/programme.tmp" <<XML
<?xml version='1.0' encoding='utf-8' ?>
<schedule>
 <conference><title>Live</title></conference>
 <day index='1' date='$day'>
  <room name='Hall'>
   <event id='1'><date>${day}T$hh:00:00Z</date><duration>00:30</duration><room>Hall</room><title>Opening</title></event>
   <event id='2'><date>${day}T$hh:30:00Z</date><duration>00:30</duration><room>Hall</room><title>Talk A</title></event>
  </room>
  <room name='Foyer'>
   <event id='3'><date>${day}T$hh:45:00Z</date><duration>00:15</duration><room>Foyer</room><title>Coffee break</title></event>
  </room>
 </day>
</schedule>
XML
	mv "$www/programme.tmp" "$www/programme.xml"	# whole, never half-written
}
programme 0

start_server() {
	rm -f "$TMP/server.port"
	python3 "$top_srcdir/tests/integration/schedule_server.py" "$www" "$TMP/server.port" \
		>"$TMP/server.log" 2>&1 &
	SERVER_PID=$!
	started $SERVER_PID
	wait_for 20 test -s "$TMP/server.port" || { cat "$TMP/server.log"; fail "schedule server did not start"; }
	sport=$(cat "$TMP/server.port")
}
start_server

port=$(free_port)
conf="$TMP/headroom.conf"
cat >"$conf" <<CONF
state_dir = "$TMP/state"
tick = 1
web { listen = { "127.0.0.1:$port" } }
event "live" {
    attendees = 300
    timezone = "UTC"
    schedule = "http://127.0.0.1:$sport/programme.xml"
    schedule_refresh = "${refresh}s"
    schedule_stale_after = "4s"
}
room "hall" { seats = 200  schedule_room = { "Hall", "Main *" } }
room "foyer" { seats = 100  common_area = true }
ap "h1" { room = "hall"  max_clients = 100 }
CONF

start_daemon() {
	"$HEADROOMD" -f -c "$conf" >"$TMP/daemon$1.log" 2>&1 &
	pid=$!
	started $pid
	api_wait 20 "$port" /healthz 'd["status"] == "ok"' "daemon did not start"
}

sched() {	# EXPR over s, the venue's schedule object
	api_check "$port" /api/v1/venue '(lambda s: '"$1"')(d["schedule"])'
}
next_start() {	# ROOM HH:MM: the room's next session starts at HH:MM
	api_check "$port" /api/v1/rooms 'by(d["rooms"], "'"$1"'")["next"]["start_local"][11:16] == "'"$2"'"'
}

start_daemon 1
api_wait 20 "$port" /api/v1/venue 'd["schedule"]["sessions"] == 3 and d["schedule"]["live"]' \
	"the schedule was not fetched at the start"
sched 's["note"] == "schedule loaded: 3 sessions" and s["error"] is None and not s["stale"]' ||
	fail "no note for the first copy"
next_start hall 09:00 || { api_get "$port" /api/v1/rooms; fail "the hall's next session is not the opening"; }

# The next fetch is conditional and the server answers 304.
wait_for $((refresh * 4)) grep -q '^GET /programme.xml 304 if-none-match="' "$www/.requests" ||
	{ cat "$www/.requests"; fail "no conditional request answered 304"; }

# A new version: the three sessions an hour later. It reaches the API
# within one refresh (plus a tick and the transfer).
programme 1
swapped=$(date +%s)
wait_for $((refresh + 3)) sched 's["note"] == "schedule changed: 3 sessions moved"' ||
	{ api_get "$port" /api/v1/venue; fail "the new version did not reach the API within one refresh"; }
echo "new version in the API after $(( $(date +%s) - swapped )) s (refresh ${refresh} s)"
next_start hall 10:00 || { api_get "$port" /api/v1/rooms; fail "the moved opening is not the next session"; }
grep -q "info: schedule changed: 3 sessions moved (http://127.0.0.1:$sport/programme.xml)" "$TMP/daemon1.log" ||
	fail "the change is not in the log"
cmp -s "$www/programme.xml" "$TMP/state/schedule.cache" || fail "the new copy is not kept in the state dir"

# The server fails: the copy stays in force, the error shows, and after
# schedule_stale_after the schedule_stale alert fires.
echo 503 >"$www/.status"
wait_for $((refresh * 3)) sched 's["error"] == "HTTP 503" and s["sessions"] == 3' ||
	{ api_get "$port" /api/v1/venue; fail "a failed fetch is not shown, or the copy was dropped"; }
api_wait 20 "$port" /api/v1/alerts \
	'any(a["rule"] == "schedule_stale" and a["state"] == "firing" and a["severity"] == "warn" for a in d["alerts"])' \
	"schedule_stale did not fire"
sched 's["stale"]' || fail "the venue does not call the schedule stale"
next_start hall 10:00 || fail "the copy in force changed while the server failed"

# A body that is no schedule: the copy stays, the reason shows.
rm "$www/.status"
echo '<html><body>Maintenance</body></html>' >"$www/programme.xml"
wait_for $((refresh * 3)) sched 's["error"] is not None and s["error"].startswith("the server sent no schedule:")' ||
	{ api_get "$port" /api/v1/venue; fail "a page that is no schedule was not refused"; }
sched 's["sessions"] == 3' || fail "a page that is no schedule replaced the copy"

# Fixed again: confirmed, no longer stale, the alert resolves.
programme 1
wait_for $((refresh * 3)) sched 's["error"] is None and not s["stale"]' ||
	{ api_get "$port" /api/v1/venue; fail "the schedule is not confirmed again"; }
api_wait 20 "$port" /api/v1/alerts \
	'not any(a["rule"] == "schedule_stale" and a["state"] == "firing" for a in d["alerts"])' \
	"schedule_stale did not resolve"

kill -TERM $pid
wait $pid || fail "daemon exit code $? after SIGTERM"

# The server is gone: the next start uses the copy in the state dir.
kill $SERVER_PID
wait $SERVER_PID 2>/dev/null
start_daemon 2
api_wait 20 "$port" /api/v1/venue 'd["schedule"]["sessions"] == 3' "the kept copy was not used at the start"
next_start hall 10:00 || { api_get "$port" /api/v1/rooms; fail "the kept copy is not the last version"; }
wait_for $((refresh * 3)) sched 's["error"] is not None and s["sessions"] == 3' ||
	{ api_get "$port" /api/v1/venue; fail "the failed fetch at the start is not shown"; }
grep -q "using the copy of http://127.0.0.1:$sport/programme.xml fetched" "$TMP/daemon2.log" ||
	{ cat "$TMP/daemon2.log"; fail "the log does not say the kept copy is used"; }
kill -TERM $pid
wait $pid || fail "daemon exit code $? after SIGTERM"
pass "schedule live"
