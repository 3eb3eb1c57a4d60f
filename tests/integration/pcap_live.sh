#!/bin/sh
# A live capture on a veth pair inside a network namespace this test
# creates: known frames sent with tcpreplay from one end are counted on
# the other exactly (packets, bytes, bytes in and out, client devices by
# kind of MAC); fanned out over 2 threads (PACKET_FANOUT) the counts are
# the same as with 1; a burst into a one-block kernel ring drops packets,
# and the drops show in /metrics, in the venue's sources and as the
# capture_drops alert. Needs root (ip netns add): else skipped.
. "$(dirname "$0")/lib.sh"
need_cmd tcpreplay
netns_start	# no IPv6, no addresses: the only frames on the pair are the test's
ip -n "$NS" link add hr-tx type veth peer name hr-rx || fail "cannot create the veth pair"
for dev in lo hr-tx hr-rx; do ip -n "$NS" link set "$dev" up || fail "cannot set $dev up"; done
port=8080

# 40 clients (30 with vendor MACs, 10 with random ones), each talking to
# 3 servers through the gateway in both directions; known totals.
python3 - "$TMP" <<'PY'
import json, struct, sys
tmp = sys.argv[1]
gw = bytes.fromhex("00005e0053ff")
def ip4(a, b, proto, plen, sport, dport):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + plen, 1, 0, 64, proto, 0, a, b)
    return hdr + struct.pack("!HHHH", sport, dport, 8 + plen, 0) + bytes(plen)
def frame(dst, src, payload):
    return dst + src + b"\x08\x00" + payload
def write(path, frames):
    with open(path, "wb") as o:
        o.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for n, f in enumerate(frames):
            o.write(struct.pack("<IIII", 1700000000 + n // 1000, n % 1000 * 1000, len(f), len(f)))
            o.write(f)
frames, bytes_in, bytes_out = [], 0, 0
for c in range(40):
    mac = (b"\x02\x00\x00\x00" if c < 10 else b"\x00\x16\x3e\x00") + bytes(((c >> 8) & 0xff, c & 0xff))
    client = bytes((10, 1, c >> 8, c & 0xff))
    for s in range(3):
        server = bytes((198, 51, 100, 1 + s))
        for k in range(5):
            plen = 20 + (c * 7 + s * 13 + k * 101) % 1200
            out = frame(gw, mac, ip4(client, server, 17, plen, 40000 + c, 443 + s))
            back = frame(mac, gw, ip4(server, client, 17, plen // 2, 443 + s, 40000 + c))
            frames += [out, back]
            bytes_out += len(out)
            bytes_in += len(back)
write(tmp + "/known.pcap", frames)
json.dump({"packets": len(frames), "bytes": bytes_in + bytes_out, "in": bytes_in, "out": bytes_out,
           "global": 30, "random": 10}, open(tmp + "/known.json", "w"))
# A burst of minimum-size frames for a one-block ring to overflow.
burst = [frame(gw, bytes.fromhex("0016") + struct.pack("!I", n % 5000),
               ip4(bytes((10, 2, n >> 8 & 0xff, n & 0xff)), b"\xc6\x33\x64\x01", 17, 18, 1024 + n % 50000, 53))
         for n in range(100000)]
write(tmp + "/burst.pcap", burst)
PY
[ -s "$TMP/known.pcap" ] || fail "cannot write the frames"

start_daemon() {	# $1: threads, $2: link_mbps, $3: window
	cat >"$TMP/live.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
event "t" { attendees = 200 }
web { listen = { "127.0.0.1:$port" } }
capture "live" {
    interface = "hr-rx"  threads = $1  link_mbps = $2  window = $3
    local_prefixes = { "10.0.0.0/8" }  gateway_mac = "00:00:5e:00:53:ff"
}
uplink "isp" { capture = "live"  capacity_mbps = 100 }
CONF
	rm -rf "$TMP/state"
	$NSX "$HEADROOMD" -f -c "$TMP/live.conf" >"$TMP/daemon.log" 2>&1 &
	pid=$!
	started $pid
	# A live capture reports "up" with its first window, quiet or not.
	api_wait 20 $port /api/v1/venue \
		'by([s for s in d["sources"] if s["kind"] == "capture"], "live")["state"] == "up"' \
		"the live capture did not come up"
}

stop_daemon() {
	kill -TERM $pid
	wait $pid || fail "daemon exit code $?"
	grep -q "runtime error\|AddressSanitizer" "$TMP/daemon.log" && { cat "$TMP/daemon.log"; fail "sanitizer report"; }
	return 0
}

metric() { api_metric $port "$1"; }
packets_are() { [ "$(metric 'headroom_capture_packets_total{capture="live"}')" = "$1" ]; }

# counts THREADS: send the known frames, print what the daemon counted.
counts() {
	start_daemon "$1" 1000 2
	$NSX tcpreplay -q -i hr-tx --pps=20000 "$TMP/known.pcap" >"$TMP/tcpreplay.log" 2>&1 ||
		{ cat "$TMP/tcpreplay.log"; fail "tcpreplay failed"; }
	want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packets"])' "$TMP/known.json")
	wait_for 20 packets_are "$want" ||
		{ api_get $port /metrics | grep capture >&2; cat "$TMP/daemon.log" >&2; fail "$1 thread(s): $want packets sent, $(metric 'headroom_capture_packets_total{capture="live"}') counted"; }
	wait_ticks $port 2
	for s in 'headroom_capture_packets_total{capture="live"}' 'headroom_capture_bytes_total{capture="live"}' \
		'headroom_uplink_octets_total{uplink="isp",direction="in"}' \
		'headroom_uplink_octets_total{uplink="isp",direction="out"}' \
		'headroom_capture_devices_day{capture="live",mac="global"}' \
		'headroom_capture_devices_day{capture="live",mac="random"}' \
		'headroom_capture_drops_total{capture="live"}'; do
		printf '%s ' "$(metric "$s")"
	done
	echo
	stop_daemon
}

counts 1 >"$TMP/one"
one=$(cat "$TMP/one")
echo "1 thread:  $one"
expect=$(python3 -c 'import json,sys; k=json.load(open(sys.argv[1])); print(k["packets"], k["bytes"], k["in"], k["out"], k["global"], k["random"], 0, "")' "$TMP/known.json")
[ "$one" = "$expect" ] || fail "1 thread counted [$one], sent [$expect] (packets bytes in out global random drops)"
counts 2 >"$TMP/two"
two=$(cat "$TMP/two")
echo "2 threads: $two"
# The threads and the ring size are only in the log: its line is the
# contract here.
grep -q '2 threads fanned out' "$TMP/daemon.log" || { cat "$TMP/daemon.log"; fail "the capture did not fan out"; }
[ "$two" = "$one" ] || fail "fanned out over 2 threads [$two], 1 thread [$one]"

# A one-block ring (link_mbps = 1) and a burst at top speed: drops, and
# they are said, not hidden.
start_daemon 1 1 5
grep -q 'kernel ring 256 KiB' "$TMP/daemon.log" || { cat "$TMP/daemon.log"; fail "the ring is not one block"; }
$NSX tcpreplay -i hr-tx --topspeed "$TMP/burst.pcap" >"$TMP/tcpreplay.log" 2>&1 ||
	{ cat "$TMP/tcpreplay.log"; fail "tcpreplay failed"; }
# What left the other end (a send the veth refused is not a frame).
sent=$(sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p' "$TMP/tcpreplay.log")
[ -n "$sent" ] && [ "$sent" -gt 90000 ] || { cat "$TMP/tcpreplay.log"; fail "tcpreplay sent ${sent:-nothing}"; }
drops_seen() { d=$(metric 'headroom_capture_drops_total{capture="live"}'); [ -n "$d" ] && [ "${d%.*}" -gt 0 ]; }
wait_for 20 drops_seen || { api_get $port /metrics | grep capture >&2; fail "a burst into one block dropped nothing"; }
api_wait 20 $port /api/v1/alerts \
	'any(a["rule"] == "capture_drops" and a["state"] == "firing" and a["labels"].get("capture") == "live" for a in d["alerts"])' \
	"capture_drops did not fire"
api_check $port /api/v1/venue 'by([s for s in d["sources"] if s["kind"] == "capture"], "live")["drops"] > 0' ||
	fail "the venue's sources do not show the drops"
# Every frame sent is either counted or counted as dropped.
all_accounted() {
	n=$(metric 'headroom_capture_packets_total{capture="live"}')
	d=$(metric 'headroom_capture_drops_total{capture="live"}')
	[ -n "$n" ] && [ -n "$d" ] && [ $((n + d)) = "$sent" ]
}
wait_for 20 all_accounted || fail "of $sent frames $(metric 'headroom_capture_packets_total{capture="live"}') counted and $(metric 'headroom_capture_drops_total{capture="live"}') dropped"
echo "burst: $(metric 'headroom_capture_packets_total{capture="live"}') counted, $(metric 'headroom_capture_drops_total{capture="live"}') dropped of $sent"
# A window without drops clears it.
api_wait 30 $port /api/v1/alerts \
	'not any(a["rule"] == "capture_drops" and a["state"] == "firing" for a in d["alerts"])' \
	"capture_drops did not clear after a window without drops"
stop_daemon
pass "live capture counts exactly, fans out to the same counts, and says when it drops"
