#!/bin/sh
# headroomd writes one RRD file per entity under state_dir; unknown stays
# unknown; a restart continues the same files (same inode, earlier rows
# intact, later rows appended), nothing is moved aside or recreated.
. "$(dirname "$0")/lib.sh"
need_cmd rrdtool

state="$TMP/state"
conf="$TMP/headroom.conf"
port=$(free_port)
cat >"$conf" <<CONF
state_dir = "$state"
tick = 1
web { listen = { "127.0.0.1:$port" } }
event "t" { attendees = 200 }
room "hall" { seats = 150 }
room "Foyer / Bar" { seats = 20 }
ap "h1" { room = "hall" max_clients = 100 }
ap "f1" { room = "Foyer / Bar" max_clients = 30 }
uplink "isp" { capacity_mbps = 500 }
CONF

start_daemon() {
	"$HEADROOMD" -f -c "$conf" -p "$TMP/headroomd.pid" 2>>"$TMP/daemon.log" &
	pid=$!
	started $pid
	wait_for 20 test -s "$TMP/headroomd.pid" || { cat "$TMP/daemon.log"; fail "headroomd did not start"; }
}

stop_daemon() {
	kill -TERM $pid
	wait $pid || fail "headroomd exited with $? on SIGTERM"
}

# The newest update time of a file.
last_update() { rrdtool last "$1"; }

# Complete rows of the venue's 10 s archive in ($1, $2] with projected
# known: "time projected".
known_rows() {
	rrdtool fetch "$state/venue.rrd" AVERAGE -r 10 -s "$1" -e "$2" |
		awk -F'[: ]+' -v end="$2" 'NR > 2 && $1 <= end - end % 10 && $3 !~ /nan/ { print $1, $3 }'
}

start_daemon
for f in venue.rrd ap/h1.rrd ap/f1.rrd room/hall.rrd "room/Foyer%20%2F%20Bar.rrd" uplink/isp.rrd; do
	wait_for 20 test -s "$state/$f" || { ls -R "$state"; cat "$TMP/daemon.log"; fail "no $f"; }
done

# Nobody reports clients: devices is unknown (U), never 0; the plan is known.
wait_for 20 sh -c "rrdtool lastupdate '$state/venue.rrd' | tail -1 | grep -q ': U 180 130 U U 500\$'" ||
	{ rrdtool lastupdate "$state/venue.rrd"; fail "venue.rrd lacks 'U 180 130 U U 500'"; }
rrdtool lastupdate "$state/ap/h1.rrd" | tail -1 | grep -q ': U U U [0-9]* 100 U$' ||
	{ rrdtool lastupdate "$state/ap/h1.rrd"; fail "ap/h1.rrd: clients (every band) should be U, capacity 100"; }

# Wait for two complete 10 s rows, then restart.
t0=$(last_update "$state/venue.rrd")
wait_for 60 sh -c "[ \$(rrdtool last '$state/venue.rrd') -ge $((t0 + 25)) ]" || fail "venue.rrd stopped growing"
ino_before=$(stat -c %i "$state/venue.rrd")
stop_daemon
t_stop=$(last_update "$state/venue.rrd")
known_rows $((t0 - 20)) "$t_stop" >"$TMP/rows-before"
[ "$(wc -l <"$TMP/rows-before")" -ge 2 ] || { cat "$TMP/rows-before"; fail "fewer than 2 known 10 s rows before the restart"; }
grep -q " 1.8000000000e+02$" "$TMP/rows-before" || fail "projected rows are not 180"
rrdtool fetch "$state/venue.rrd" AVERAGE -r 10 -s $((t0 - 20)) -e "$t_stop" |
	awk -F'[: ]+' 'NR > 2 && $2 !~ /nan/ { bad = 1 } END { exit bad }' || fail "devices became known without data"
grep -q "store: [0-9]* rows written, 0 failed" "$TMP/daemon.log" || { cat "$TMP/daemon.log"; fail "no store summary at stop"; }

start_daemon
wait_for 60 sh -c "[ \$(rrdtool last '$state/venue.rrd') -ge $((t_stop + 25)) ]" || fail "no rows after the restart"
stop_daemon
[ "$(stat -c %i "$state/venue.rrd")" = "$ino_before" ] || fail "venue.rrd was recreated"
known_rows $((t0 - 20)) "$t_stop" >"$TMP/rows-after"
cmp "$TMP/rows-before" "$TMP/rows-after" || { diff "$TMP/rows-before" "$TMP/rows-after"; fail "rows before the restart changed"; }
t_end=$(last_update "$state/venue.rrd")
[ "$(known_rows $((t_stop + 10)) "$t_end" | wc -l)" -ge 1 ] || fail "no known row after the restart"
ls "$state" "$state"/* | grep -q "old-" && fail "a file was moved aside"
grep -q "moved aside\|cannot write" "$TMP/daemon.log" && { cat "$TMP/daemon.log"; fail "store errors logged"; }
pass "store_daemon"
