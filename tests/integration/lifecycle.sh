#!/bin/sh
# headroomd lifecycle: -t, start, SIGHUP with a broken config (keeps the
# old one), SIGHUP with a changed valid config (takes effect), SIGTERM
# (exit 0, pidfile removed).
. "$(dirname "$0")/lib.sh"

conf="$TMP/headroom.conf"
port=$(free_port)
write_conf() {
	cat >"$conf" <<CONF
state_dir = "$TMP/state"
tick = 1
web { listen = { "127.0.0.1:$port" } }
event "t" { attendees = 200 }
room "hall" { seats = 150 }
ap "h1" { room = "hall" max_clients = 100 }
$1
CONF
}

write_conf ""
"$HEADROOMD" -t -c "$conf" >"$TMP/plan.txt" || fail "-t rejected a valid config"
grep -q 'SHORTFALL: room "hall": its seats project 135 devices but its APs hold 100 (35 short)' "$TMP/plan.txt" ||
	{ cat "$TMP/plan.txt"; fail "plan output lacks the hall shortfall"; }

printf 'event "x" { attendees = -1 }\n' >"$TMP/bad.conf"
if "$HEADROOMD" -t -c "$TMP/bad.conf" 2>"$TMP/bad.err"; then fail "-t accepted a bad config"; fi
grep -q "bad.conf:1: attendees: must be greater than zero" "$TMP/bad.err" || fail "-t error lacks file:line: field"

"$HEADROOMD" -f -c "$conf" -p "$TMP/headroomd.pid" 2>"$TMP/daemon.log" &
pid=$!
started $pid
wait_for 10 test -s "$TMP/headroomd.pid" || fail "no pidfile"
[ "$(cat "$TMP/headroomd.pid")" = "$pid" ] || fail "pidfile holds $(cat "$TMP/headroomd.pid"), not $pid"
wait_for 10 grep -q "starting" "$TMP/daemon.log" || fail "daemon did not log its start"

# A broken config: rejected with file:line, daemon keeps running.
cp "$conf" "$TMP/good.conf"
write_conf 'ap "h2" { room = "nowhere" }'
kill -HUP $pid
wait_for 10 grep -q "reload rejected: keeping the running config" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "broken reload not rejected"; }
grep -q "headroom.conf:7: room: ap \"h2\" names room \"nowhere\"" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "reload error lacks file:line"; }
kill -0 $pid || fail "daemon died on a broken reload"

# A valid changed config: a second room appears.
write_conf 'room "foyer" { seats = 50 }
ap "f1" { room = "foyer" }'
kill -HUP $pid
wait_for 10 grep -q "reloaded: 2 rooms, 2 APs" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "valid reload did not take effect"; }

kill -TERM $pid
wait $pid
rc=$?
[ $rc = 0 ] || fail "exit code $rc after SIGTERM"
[ ! -e "$TMP/headroomd.pid" ] || fail "pidfile left behind"
grep -q "stopped" "$TMP/daemon.log" || fail "no clean stop logged"

# -T with no collectors configured prints nothing and exits 0.
write_conf ""
out=$("$HEADROOMD" -T -c "$conf") || fail "-T failed"
[ -z "$out" ] || fail "-T printed samples with no collectors: $out"
pass "lifecycle"
