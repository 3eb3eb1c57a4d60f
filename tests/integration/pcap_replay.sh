#!/bin/sh
# Replaying captures at 60x their own clock in a foreground daemon gives the
# same totals (packets, bytes, bytes in and out) as reading them as fast as
# possible with -T; ndpi-1kxun holds two captures six years apart, which a
# replay must not wait for. The 802.11 capture crosses the two ways a frame
# is counted: digested by the fast reader thread, or as it arrives.
. "$(dirname "$0")/lib.sh"
need_fixtures pcap
FX="$SHARED_FIXTURES/pcap"
port=$(free_port)

captures() {	# $1: speed
	for mf in uplink:ether/pcapplusplus-example.pcap uplink:ether/ndpi-1kxun.pcap \
		uplink:l2svc/zeek-dhcp_flood.pcap dot11:wlan/aircrack-test1.pcap; do
		f=${mf#*:}
		n=$(basename "$f" .pcap | tr -c 'a-z0-9\n' '-')
		cat <<CONF
capture "$n" {
    mode = "${mf%%:*}"  file = "$FX/$f"  speed = $1  window = 5
    local_prefixes = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" }
}
CONF
	done
}
write_conf() {	# $1: file, $2: speed
	{
		echo "state_dir = \"$TMP/state\""
		echo "event \"t\" { attendees = 200 }"
		echo "web { listen = { \"127.0.0.1:$port\" } }"
		captures "$2"
	} >"$1"
}

write_conf "$TMP/fast.conf" 0
"$HEADROOMD" -T -c "$TMP/fast.conf" >"$TMP/fast.jsonl" 2>"$TMP/fast.err" || { cat "$TMP/fast.err"; fail "-T failed"; }

write_conf "$TMP/replay.conf" 60
"$HEADROOMD" -f -c "$TMP/replay.conf" 2>"$TMP/replay.log" &
pid=$!
started $pid
# A replay's end and its totals (packets, bytes, in, out, malformed) are
# only in the log's "end of file" line: /api/v1/venue's sources give a
# capture's state and time, /metrics no capture totals (a capture's
# packets_total, bytes_total, malformed_total and "ended" there would
# let this read the API), so that line is the interface here.
all_ended() { [ "$(grep -c 'end of file' "$TMP/replay.log")" = 4 ]; }
wait_for 60 all_ended ||
	{ cat "$TMP/replay.log"; fail "the replay did not reach the end of every file"; }
kill -TERM $pid
wait $pid || fail "daemon exited non-zero after the replay"

python3 - "$TMP/fast.jsonl" "$TMP/replay.log" <<'PY' || fail "replay totals differ from the fast read"
import json, re, sys
last = {}
for line in open(sys.argv[1]):
    s = json.loads(line)
    last[(s["entity"], s["metric"])] = s["value"]
bad, seen = [], 0
for line in open(sys.argv[2]):
    m = re.search(r'capture "([^"]+)": end of file: packets (\d+) bytes (\d+) in (\d+) out (\d+) malformed (\d+)', line)
    if not m:
        continue
    seen += 1
    e = "capture:" + m.group(1)
    fast = {k: last[(e, k)] for k in ("packets_total", "bytes_total", "malformed_total")}
    replay = {"packets_total": int(m.group(2)), "bytes_total": int(m.group(3)), "malformed_total": int(m.group(6))}
    print(m.group(1), "fast", fast, "replay", replay, "in/out", m.group(4), m.group(5))
    no_direction = m.group(1) in ("zeek-dhcp-flood", "aircrack-test1")
    if fast != replay or fast["packets_total"] == 0 or (not no_direction and int(m.group(4)) + int(m.group(5)) == 0):
        bad.append(m.group(1))
sys.exit(1 if bad or seen != 4 else 0)
PY
pass "replay at 60x gives the fast-read totals"
