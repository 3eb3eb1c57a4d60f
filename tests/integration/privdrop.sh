#!/bin/sh
# Privileges: started as root with -u nobody, headroomd opens its live
# capture (on lo) and its port, then runs as nobody (every uid and gid in
# /proc/PID/status, no supplementary root group, no effective
# capabilities) and the capture keeps measuring; its pidfile, in a
# directory only root may change, is left empty at exit. Then, without root at
# all: as nobody with CAP_NET_RAW only (setpriv, ambient), the capture
# works too. Needs root.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root"
need_cmd curl
need_cmd setpriv
id nobody >/dev/null 2>&1 || skip "no user nobody"

NOBODY_UID=$(id -u nobody)
chmod 755 "$TMP"

# UDP from 127.0.0.2 (a "local" host) to 127.0.0.1: uplink traffic on lo
python3 - <<'PY' &
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.2", 0))
end = time.time() + 120
while time.time() < end:
    s.sendto(bytes(1200), ("127.0.0.1", 9))
    time.sleep(0.002)
PY
started $!

run_daemon() {	# run_daemon NAME [COMMAND...]: start (under COMMAND), wait for a measured rate
	name=$1; shift
	port=$(free_port)
	mkdir -p "$TMP/$name/state"
	chown -R nobody "$TMP/$name"
	cat >"$TMP/$name/headroom.conf" <<CONF
state_dir = "$TMP/$name/state"
tick = 1
event "t" { attendees = 100 }
room "hall" { seats = 100 }
web { listen = { "127.0.0.1:$port" } }
capture "lo" {
    mode = "uplink"
    interface = "lo"
    local_prefixes = { "127.0.0.2/32" }
    window = 1
}
uplink "lo" { capacity_mbps = 1000  capture = "lo" }
CONF
	"$@" "$HEADROOMD" -f -c "$TMP/$name/headroom.conf" $DAEMON_ARGS 2>"$TMP/$name/daemon.log" &
	DPID=$!
	started $DPID
	wait_for 20 curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" ||
		{ cat "$TMP/$name/daemon.log"; fail "$name: web did not start"; }
	measured() {
		curl -sf "http://127.0.0.1:$port/api/v1/uplinks" | python3 -c '
import json, sys
u = [x for x in json.load(sys.stdin)["uplinks"] if x["name"] == "lo"][0]
sys.exit(0 if (u["mbps_in"] or 0) + (u["mbps_out"] or 0) > 1 else 1)'
	}
	wait_for 20 measured || { cat "$TMP/$name/daemon.log"; fail "$name: the capture measured nothing"; }
}

status_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }

mkdir -m 755 "$TMP/run"	# root's: nobody cannot unlink in it
DAEMON_ARGS="-u nobody -p $TMP/run/headroomd.pid" run_daemon dropped env
[ "$(cat "$TMP/run/headroomd.pid")" = "$DPID" ] || fail "pidfile does not hold $DPID"
uids=$(status_field $DPID Uid)
gids=$(status_field $DPID Gid)
groups=$(status_field $DPID Groups)
capeff=$(status_field $DPID CapEff)
for u in $uids; do [ "$u" = "$NOBODY_UID" ] || fail "-u nobody: Uid is '$uids'"; done
for g in $gids $groups; do [ "$g" != 0 ] || fail "-u nobody: still in group 0 (Gid '$gids', Groups '$groups')"; done
[ "$capeff" = 0000000000000000 ] || fail "-u nobody: effective capabilities $capeff"
kill $DPID; wait $DPID 2>/dev/null
# the dropped daemon could not unlink its pidfile, so it emptied it
[ ! -s "$TMP/run/headroomd.pid" ] || fail "pidfile still holds $(cat "$TMP/run/headroomd.pid") after exit"

# never root: nobody with CAP_NET_RAW only
DAEMON_ARGS= run_daemon netraw setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=+net_raw --ambient-caps=+net_raw --bounding-set=-all,+net_raw
uids=$(status_field $DPID Uid)
for u in $uids; do [ "$u" = "$NOBODY_UID" ] || fail "setpriv: Uid is '$uids'"; done
pass "-u nobody drops uid, gids and capabilities after opening the capture; CAP_NET_RAW alone is enough"
