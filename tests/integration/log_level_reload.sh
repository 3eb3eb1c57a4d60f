#!/bin/sh
# log_level on SIGHUP: a reload applies the config's level both ways.
# headroomd starts at debug; a reload to "warning" and one to "error" stop
# the debug and info lines (the web module logs a debug line every tick),
# reloads to "debug" and "info" bring them back.
. "$(dirname "$0")/lib.sh"

conf="$TMP/headroom.conf"
log="$TMP/daemon.log"
port=$(free_port)
# No rooms: the level is all this test is about. The event is named after
# the level, so the venue API shows which config the daemon runs (a reload
# to "warning" logs nothing that would).
write_conf() {
	printf 'state_dir = "%s"\ntick = 1\nlog_level = "%s"\n' "$TMP/state" "$1" >"$conf"
	printf 'web { listen = { "127.0.0.1:%s" } }\nevent "%s" { attendees = 200 }\n' \
		"$port" "$1" >>"$conf"
}

runs() {
	curl -sf "http://127.0.0.1:$port/api/v1/venue" | grep -q "\"event\":\"$1\""
}

# lines_since BYTES LEVEL: how many LEVEL lines the log gained after BYTES.
lines_since() {
	tail -c +"$(($1 + 1))" "$log" | grep -c " $2: "
}

gained() {
	[ "$(lines_since "$mark" "$1")" -gt 0 ]
}

# reload LEVEL: rewrite the config, SIGHUP, wait until it runs. $before is
# the log's size at the SIGHUP; $mark its size once the reload is done, so
# what follows was logged at LEVEL.
reload() {
	write_conf "$1"
	before=$(wc -c <"$log")
	kill -HUP "$pid"
	wait_for 10 runs "$1" || { cat "$log"; fail "reload to $1 did not take effect"; }
	mark=$(wc -c <"$log")
}

# quiet LEVEL: three ticks at LEVEL log no debug and no info line.
quiet() {
	sleep 3
	[ "$(lines_since "$mark" debug)" = 0 ] ||
		{ cat "$log"; fail "debug lines after a reload to $1"; }
	[ "$(lines_since "$mark" info)" = 0 ] ||
		{ cat "$log"; fail "info lines after a reload to $1"; }
	kill -0 "$pid" || fail "daemon died at $1"
}

# loud LEVEL...: each LEVEL gains a line within a few ticks of the SIGHUP
# (at info, the reload's own "reloaded:" line).
loud() {
	mark=$before
	for level in "$@"; do
		wait_for 10 gained "$level" ||
			{ cat "$log"; fail "no $level lines after the reload"; }
	done
}

need_cmd curl
write_conf debug
"$HEADROOMD" -f -c "$conf" 2>"$log" &
pid=$!
started $pid
wait_for 10 runs debug || { cat "$log"; fail "daemon did not start"; }
before=0
loud debug info

reload warning
quiet warning
reload debug
loud debug
reload error
quiet error
reload info
loud info
mark=$(wc -c <"$log")
sleep 2
[ "$(lines_since "$mark" debug)" = 0 ] || { cat "$log"; fail "debug lines at info"; }

kill -TERM $pid
wait $pid || fail "exit code $? after SIGTERM"
pass "log_level reload"
