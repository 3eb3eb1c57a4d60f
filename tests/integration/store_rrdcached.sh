#!/bin/sh
# headroomd with rrdcached on a unix socket: files are created and updated
# through the daemon (its journal records the updates, the files on disk
# lag until a flush), `rrdtool flushcached` + `rrdtool fetch` show the
# rows, and a restarted rrdcached is reconnected.
. "$(dirname "$0")/lib.sh"
need_cmd rrdtool
need_cmd rrdcached

state="$TMP/state"
sock="$TMP/rrdcached.sock"
conf="$TMP/headroom.conf"
port=$(free_port)
cat >"$conf" <<CONF
state_dir = "$state"
rrdcached = "unix:$sock"
tick = 1
web { listen = { "127.0.0.1:$port" } }
event "t" { attendees = 200 }
room "hall" { seats = 150 }
ap "h1" { room = "hall" max_clients = 100 }
CONF

start_rrdcached() {
	rm -f "$TMP/rrdcached.pid"
	mkdir -p "$TMP/journal"
	# -w 3600: rows reach the files only when flushed.
	rrdcached -g -l "unix:$sock" -b "$TMP" -B -p "$TMP/rrdcached.pid" -j "$TMP/journal" \
		-F -w 3600 -f 7200 >>"$TMP/rrdcached.log" 2>&1 &
	rrdcached_pid=$!
	started $rrdcached_pid
	wait_for 10 test -S "$sock" || { cat "$TMP/rrdcached.log"; fail "rrdcached did not start"; }
}

start_rrdcached
"$HEADROOMD" -f -c "$conf" -p "$TMP/headroomd.pid" 2>"$TMP/daemon.log" &
pid=$!
started $pid
wait_for 20 test -s "$state/venue.rrd" || { cat "$TMP/daemon.log"; fail "venue.rrd was not created"; }
grep -q "through rrdcached unix:$sock" "$TMP/daemon.log" || fail "the store does not say it uses rrdcached"

# Updates go through the daemon: its journal has them, the file lags.
wait_for 20 grep -q "^update $state/venue.rrd [0-9]*:U:180:100:U:U:U" "$TMP"/journal/rrd.journal.* ||
	{ cat "$TMP"/journal/rrd.journal.* | tail; fail "no venue.rrd update in rrdcached's journal"; }
created=$(rrdtool last "$state/venue.rrd")
sleep 3
[ "$(rrdtool last "$state/venue.rrd")" = "$created" ] || fail "venue.rrd was written around rrdcached"

# Flushed, the rows are in the file.
t=$(date +%s)
wait_for 60 sh -c "[ \$(date +%s) -ge $((t + 25)) ]"
rrdtool flushcached --daemon "unix:$sock" "$state/venue.rrd" "$state/ap/h1.rrd" || fail "flushcached failed"
last=$(rrdtool last "$state/venue.rrd")
[ "$last" -gt "$created" ] || fail "flushcached brought no rows"
rrdtool fetch "$state/venue.rrd" AVERAGE -r 10 -s $((last - 40)) -e "$last" >"$TMP/fetch"
grep -q "^[0-9]*: -nan 1.8000000000e+02 1.0000000000e+02" "$TMP/fetch" ||
	{ cat "$TMP/fetch"; fail "rrdtool fetch shows no row with devices unknown, projected 180, capacity 100"; }

# A restarted rrdcached: headroomd reconnects and its updates arrive again.
kill -TERM $rrdcached_pid
wait $rrdcached_pid
start_rrdcached
restarted=$(date +%s)
wait_for 30 sh -c "grep -h '^update $state/ap/h1.rrd' '$TMP'/journal/rrd.journal.* |
	awk -F'[ :]' '\$3 > $restarted { found = 1 } END { exit !found }'" ||
	{ cat "$TMP/daemon.log"; fail "no updates after rrdcached restarted"; }
kill -0 $pid || fail "headroomd died when rrdcached restarted"

kill -TERM $pid
wait $pid || fail "headroomd exited with $?"
rrdtool flushcached --daemon "unix:$sock" "$state/ap/h1.rrd"
[ "$(rrdtool last "$state/ap/h1.rrd")" -gt "$restarted" ] || fail "rows after the restart did not reach the file"
pass "store_rrdcached"
