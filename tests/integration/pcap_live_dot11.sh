#!/bin/sh
# A live 802.11 capture: a tap in a network namespace this test creates,
# its link type set to radiotap (TUNSETLINK), opens in libpcap as
# IEEE802_11_RADIO exactly as a monitor interface does (there is no
# mac80211_hwsim to make a real one). Known frames, generated here and sent
# out of the tap with tcpreplay, are counted live in dot11 mode exactly
# as headroomd -T counts the same file: packets, bytes, stations per BSSID,
# each channel's airtime and retry ratio, and the frames without a rate.
# Needs root (ip netns add) and /dev/net/tun: else skipped.
. "$(dirname "$0")/lib.sh"
need_cmd tcpreplay
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
netns_start
$NSX python3 "$top_srcdir/tests/integration/radiotap_tap.py" hr-mon >"$TMP/tap.out" 2>&1 &
started $!
wait_for 5 grep -q up "$TMP/tap.out" || { cat "$TMP/tap.out"; skip "cannot make a radiotap tap"; }
for dev in lo hr-mon; do ip -n "$NS" link set "$dev" up || fail "cannot set $dev up"; done
port=8080

# Three BSSIDs on channels 1, 36 and 149 (a beacon each, DSSS 11, OFDM 24
# and 54 Mb/s), 5, 8 and 11 stations sending 10 frames each (the 10th with
# Retry), and 7 frames on channel 36 without a rate field.
python3 - "$TMP" <<'PY'
import json, struct, sys
tmp = sys.argv[1]
def radiotap(rate, mhz):	# present: flags, rate, channel
    body = b"\0" + bytes((rate,)) + struct.pack("<HH", mhz, 0x00a0 if mhz < 3000 else 0x0140)
    return struct.pack("<BBHI", 0, 0, 8 + len(body), 0b1110) + body
def no_rate(mhz):		# present: flags, channel
    body = b"\0\0" + struct.pack("<HH", mhz, 0x0140)
    return struct.pack("<BBHI", 0, 0, 8 + len(body), 0b1010) + body
BSS = [(bytes((2, 0xb5, 0, 0, 0, k)), mhz, rate) for k, (mhz, rate) in enumerate([(2412, 22), (5180, 48), (5745, 108)])]
frames, stations, seq = [], {}, 0
for k, (bssid, mhz, rate) in enumerate(BSS):
    beacon = struct.pack("<BBH", 0x80, 0, 0) + b"\xff" * 6 + bssid + bssid + bytes(14) + b"\x00\x04test"
    frames.append(radiotap(2 if mhz < 3000 else 12, mhz) + beacon)
    stas = [bytes((2, 0x5a, 0, k, 0, s)) for s in range(5 + 3 * k)]
    stations["bssid-" + ":".join("%02x" % b for b in bssid)] = len(stas)
    for r in range(10):
        for sta in stas:
            seq += 1
            hdr = struct.pack("<BBH", 0x08, 0x01 | (0x08 if r == 9 else 0), 44) + bssid + sta + \
                bytes((2, 0xdd, 0, 0, 0, 1)) + struct.pack("<H", seq << 4 & 0xffff)
            frames.append(radiotap(rate, mhz) + hdr + b"\xaa\xaa\x03\0\0\0\x08\x00" + bytes(100 + r * 37))
for n in range(7):
    hdr = struct.pack("<BBH", 0x08, 0x01, 44) + BSS[1][0] + bytes((2, 0x5a, 0, 1, 0, 0)) + \
        bytes((2, 0xdd, 0, 0, 0, 1)) + struct.pack("<H", n << 4)
    frames.append(no_rate(5180) + hdr + bytes(60))
with open(tmp + "/dot11.pcap", "wb") as o:
    o.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 127))
    for n, f in enumerate(frames):
        o.write(struct.pack("<IIII", 1700000000 + n // 100, n % 100 * 10000, len(f), len(f)))
        o.write(f)
json.dump({"packets": len(frames), "bytes": sum(map(len, frames)), "stations": stations,
           "channels": ["1", "36", "149"], "no_rate": 7, "span": (len(frames) - 1) * 0.01},
          open(tmp + "/dot11.json", "w"))
PY
[ -s "$TMP/dot11.pcap" ] || fail "cannot write the frames"

# The file path first: -T on the same frames must say what was generated,
# so the live figures below are held against a known reading.
cat >"$TMP/file.conf" <<CONF
state_dir = "$TMP/fstate"
event "t" { attendees = 200 }
capture "m" { file = "$TMP/dot11.pcap"  mode = "dot11"  window = 60 }
CONF
"$HEADROOMD" -T -c "$TMP/file.conf" >"$TMP/file.jsonl" 2>"$TMP/file.err" || { cat "$TMP/file.err"; fail "-T failed"; }
check_counts() {	# $1: samples as JSON lines; $2: what; $3: the window (s), "file": its span
	python3 - "$TMP/dot11.json" "$1" "$2" "$3" "$TMP/airtime.json" <<'PY'
import json, os, sys
want = json.load(open(sys.argv[1]))
got = {}
for line in open(sys.argv[2]):
    s = json.loads(line)
    got[(s["entity"].split(":", 1)[1].split("/")[-1], s["metric"])] = s["value"]
bad = []
for k, n in want["stations"].items():
    if got.get((k, "clients")) != n:
        bad.append("%s: %s clients, not %d" % (k, got.get((k, "clients")), n))
for c in want["channels"]:
    if not (got.get((c, "utilization")) or 0) > 0:
        bad.append("channel %s: no airtime (%s)" % (c, got.get((c, "utilization"))))
for k, metric in (("packets", "packets_total"), ("bytes", "bytes_total")):
    if got.get(("m", metric)) != want[k]:
        bad.append("%s: %s, not %d" % (metric, got.get(("m", metric)), want[k]))
if sum(v for (e, m), v in got.items() if m == "frames_no_rate") != want["no_rate"]:
    bad.append("frames without rate: not %d" % want["no_rate"])
# busy seconds per channel: utilization (percent in -T, a ratio in
# /metrics) times the window; the file's is the reference
file = sys.argv[4] == "file"
span = want["span"] if file else float(sys.argv[4])
air = {c: (got.get((c, "utilization")) or 0) / (100 if file else 1) * span for c in want["channels"]}
retry = {c: got.get((c, "retry_ratio")) for c in want["channels"]}
if file:
    json.dump({"air": air, "retry": retry}, open(sys.argv[5], "w"))
else:
    ref = json.load(open(sys.argv[5]))
    for c in want["channels"]:
        if abs(air[c] - ref["air"][c]) > 1e-3 * ref["air"][c]:
            bad.append("channel %s: %.6f s busy, the file %.6f s" % (c, air[c], ref["air"][c]))
        if retry[c] is None or abs(retry[c] - ref["retry"][c]) > 1e-5:
            bad.append("channel %s: retry ratio %s, the file %s" % (c, retry[c], ref["retry"][c]))
if bad:
    sys.exit("%s: %s" % (sys.argv[3], "; ".join(bad)))
PY
}
check_counts "$TMP/file.jsonl" "headroomd -T" file || fail "the file path does not read the generated frames"

# Live: headroomd listens on the tap; tcpreplay sends the file out of it.
cat >"$TMP/live.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
event "t" { attendees = 200 }
web { listen = { "127.0.0.1:$port" } }
capture "m" { interface = "hr-mon"  mode = "dot11"  window = 10  link_mbps = 100 }
CONF
$NSX "$HEADROOMD" -f -c "$TMP/live.conf" 2>"$TMP/daemon.log" &
pid=$!
started $pid
wait_for 20 grep -q 'reading interface hr-mon (IEEE802_11_RADIO)' "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "headroomd did not open the tap as radiotap"; }
wait_for 20 api_get $port /metrics >/dev/null || { cat "$TMP/daemon.log"; fail "no /metrics"; }
# A window closes every 10 s from the capture's start. The venue's sources
# say when the last one was emitted (a little after it closed); the 250
# frames (an eighth of a second) go out between 0.3 and 6 s after that,
# so they all fall in the next window, which must then close. The 6 s
# leave a loaded box (a full make check runs two tests at once) time to
# publish the window and start tcpreplay; a 6 s window with 3 s to spare
# once saw none in 30 s.
last_window() {
	api_get $port /api/v1/venue | python3 -c '
import json, sys
print(next(s["updated"] for s in json.load(sys.stdin)["sources"] if s["name"] == "m") or 0)'
}
since() { python3 -c "import sys, time; print(int(time.time() - float(sys.argv[1]) >= float(sys.argv[2])))" "$1" "$2"; }
sent="" w=""
deadline=$(($(date +%s) + 60))
while [ "$(date +%s)" -lt $deadline ]; do
	w=$(last_window) || w=""
	if [ -n "$w" ] && [ "$w" != 0 ] && [ "$(since "$w" 0.3)" = 1 ] && [ "$(since "$w" 6)" = 0 ]; then
		$NSX tcpreplay --no-flow-stats -i hr-mon --pps 2000 "$TMP/dot11.pcap" >"$TMP/replay.log" 2>&1 ||
			{ cat "$TMP/replay.log"; fail "tcpreplay failed"; }
		sent=$w
		break
	fi
	sleep 0.2
done
[ -n "$sent" ] || { tail -5 "$TMP/daemon.log"; fail "no capture window was seen closing in 60 s (last: '$w', now $(date +%s.%N))"; }
grep -q "Successful packets: *250" "$TMP/replay.log" || { cat "$TMP/replay.log"; fail "tcpreplay did not send 250 frames"; }
window_moved() { [ "$(last_window)" != "$sent" ]; }
wait_for 30 window_moved || fail "the window with the frames did not close"
api_get $port /metrics >"$TMP/metrics.txt" || fail "no /metrics"
# the window's figures as the -T lines check_counts reads
python3 - "$TMP/metrics.txt" >"$TMP/live.jsonl" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    m = re.match(r'(headroom_\w+)\{([^}]*)\} (\S+)$', line.strip())
    if not m:
        continue
    name, labels, value = m.group(1), dict(re.findall(r'(\w+)="([^"]*)"', m.group(2))), float(m.group(3))
    out = None
    if name == "headroom_ap_clients" and labels.get("ap", "").startswith("bssid-"):
        out = ("ap:" + labels["ap"], "clients", value)
    elif name == "headroom_channel_utilization_ratio":
        out = ("channel:m/" + labels["channel"], "utilization", value)
    elif name == "headroom_channel_retry_ratio":
        out = ("channel:m/" + labels["channel"], "retry_ratio", value)
    elif name == "headroom_channel_frames_no_rate":
        out = ("channel:m/" + labels["channel"], "frames_no_rate", value)
    elif name == "headroom_capture_packets_total":
        out = ("capture:m", "packets_total", value)
    elif name == "headroom_capture_bytes_total":
        out = ("capture:m", "bytes_total", value)
    if out:
        print(json.dumps({"entity": out[0], "metric": out[1], "value": out[2]}))
PY
check_counts "$TMP/live.jsonl" "live" 10 || { cat "$TMP/metrics.txt" | grep -v "^#" | head -60; fail "the live capture does not count as the file does"; }
grep -q '"capture_drops"' "$TMP/daemon.log" && fail "the capture dropped frames"
kill -TERM $pid
wait $pid || fail "headroomd exited with $? after SIGTERM"
grep -q "AddressSanitizer\|runtime error" "$TMP/daemon.log" && fail "sanitizer report"
pass "a live 802.11 capture on a radiotap tap counts as the file does"
