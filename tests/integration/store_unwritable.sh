#!/bin/sh
# A full, then read-only state directory: headroomd logs the path and the
# reason once (not once per tick), keeps running, and its writes resume by
# themselves when space returns and when the directory is writable again.
# The state directory is a tmpfs the test mounts (chmod does not stop
# root, and a real full disk is what this is about); without the right
# to mount, the test is skipped.
. "$(dirname "$0")/lib.sh"
need_cmd rrdtool

state="$TMP/state"
mkdir -p "$state"
[ "$(id -u)" = 0 ] || skip "mounting a small tmpfs needs root"
mount -t tmpfs -o size=1m headroom-test "$state" 2>/dev/null || skip "cannot mount a tmpfs here"
trap 'umount "$state" 2>/dev/null; cleanup' EXIT

conf="$TMP/headroom.conf"
port=$(free_port)
cat >"$conf" <<CONF
state_dir = "$state"
tick = 1
web { listen = { "127.0.0.1:$port" } }
event "t" { attendees = 200 }
room "hall" { seats = 150 }
ap "h1" { room = "hall" max_clients = 100 }
CONF

"$HEADROOMD" -f -c "$conf" -p "$TMP/headroomd.pid" 2>"$TMP/daemon.log" &
pid=$!
started $pid

# Full: a new file (several MB) does not fit in 1 MB.
wait_for 20 grep -q "store: cannot write $state/.*No space left on device (errno 28)" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "no ENOSPC error naming the path"; }
sleep 3
kill -0 $pid || fail "headroomd died on a full state directory"
[ "$(grep -c 'store: cannot write' "$TMP/daemon.log")" -le 2 ] ||
	{ cat "$TMP/daemon.log"; fail "the error is logged on every tick, not rate-limited"; }
ls "$state" | grep -q '\.rrd' && fail "a partial RRD file was left behind"

# Space returns: files appear and rows arrive without a restart.
mount -o remount,size=256m "$state" || fail "cannot grow the tmpfs"
wait_for 20 grep -q "store: writes resumed" "$TMP/daemon.log" || { cat "$TMP/daemon.log"; fail "writes did not resume"; }
wait_for 20 test -s "$state/venue.rrd" || fail "venue.rrd not created after space returned"
wait_for 20 test -s "$state/ap/h1.rrd" || fail "ap/h1.rrd not created after space returned"

# Read-only: updates fail with the path and reason, the daemon keeps going.
mount -o remount,ro "$state" || fail "cannot remount read-only"
ro_at=$(date +%s)
wait_for 20 grep -q "store: cannot write $state/.*Read-only file system (errno 30)" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "no EROFS error naming the path"; }
sleep 2
kill -0 $pid || fail "headroomd died on a read-only state directory"
before=$(rrdtool last "$state/venue.rrd")
[ "$before" -le "$ro_at" ] || fail "venue.rrd was written while read-only"

mount -o remount,rw "$state" || fail "cannot remount read-write"
rw_at=$(date +%s)
wait_for 20 sh -c "[ \$(rrdtool last '$state/venue.rrd') -gt $rw_at ]" ||
	{ cat "$TMP/daemon.log"; fail "writes did not resume after the remount"; }
[ "$(grep -c 'store: writes resumed' "$TMP/daemon.log")" -ge 2 ] || fail "second recovery not logged"

kill -TERM $pid
wait $pid || fail "headroomd exited with $?"
grep -q "store: [0-9]* rows written, [0-9]* failed, [1-9][0-9]* batches dropped" "$TMP/daemon.log" ||
	{ tail -3 "$TMP/daemon.log"; fail "dropped batches were not counted"; }
pass "store_unwritable"
