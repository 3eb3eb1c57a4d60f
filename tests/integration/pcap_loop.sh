#!/bin/sh
# A capture file with loop = true is replayed pass after pass: paced by
# speed (here 4x), and without speed as fast as it reads (the batched
# reader path). Each pass is shifted to start a millisecond after the
# previous one ended (the first to start now), so the stream has no gap
# at a loop boundary, and the totals keep growing past what one pass
# holds. The generated file: 2000 frames of 125 bytes, one every
# millisecond, from 20 clients on 10.0.0.0/8, i.e. 1 Mbit/s out; with 1 s
# windows every window holds 1000 of them, also the ones across a loop
# boundary. Passes 1, 2, 4, 8... are logged (-d) with their start and the
# previous pass's end on the capture's clock: no API serves a pass's
# start (a capture's "passes" and "pass_started" among /api/v1/venue's
# sources would), so the exact shift is checked in that log; that the
# loop goes on is read from the octets in /metrics.
. "$(dirname "$0")/lib.sh"
port=$(free_port)

python3 - "$TMP/loop.pcap" <<'PY' || fail "cannot write the capture"
import struct, sys

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    return ~(s + (s >> 16)) & 0xffff

with open(sys.argv[1], "wb") as o:
    o.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for k in range(2000):
        c = k % 20 + 1
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 111, k, 0, 64, 17, 0, bytes((10, 0, 0, c)), bytes((192, 0, 2, 1)))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        frame = bytes((0, 0, 0x5e, 0, 0x53, 1, 2, 0, 0, 0, 0, c)) + b"\x08\x00" + ip + \
            struct.pack("!HHHH", 40000 + c, 9, 91, 0) + bytes(83)
        assert len(frame) == 125
        t_us = 1000 * 1000000 + k * 1000
        o.write(struct.pack("<IIII", t_us // 1000000, t_us % 1000000, len(frame), len(frame)) + frame)
PY

conf() {	# name, speed (0: as fast as it reads), window
	cat <<CONF
state_dir = "$TMP/state-$1"
tick = 1
event "t" { attendees = 200 }
web { listen = { "127.0.0.1:$port" } }
capture "$1" {
    mode = "uplink"  file = "$TMP/loop.pcap"  loop = true  speed = $2  window = $3
    local_prefixes = { "10.0.0.0/8" }
}
uplink "$1" { capture = "$1"  capacity_mbps = 10 }
CONF
}
# scrape UPLINK: "BITS_PER_S OCTETS" of its traffic out, from /metrics
scrape() {
	python3 - "http://127.0.0.1:$port/metrics" "$1" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=30).read().decode()
v = {}
for line in text.splitlines():
    for name in ("headroom_uplink_bytes_per_second", "headroom_uplink_octets_total"):
        if line.startswith('%s{uplink="%s",direction="out"} ' % (name, sys.argv[2])):
            v[name] = line.split()[1]
rate = v.get("headroom_uplink_bytes_per_second")
print(float(rate) * 8 if rate else "nan", v.get("headroom_uplink_octets_total", "nan"))
PY
}
rate_ok() { python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - 1e6) <= 2e3 else 1)' "$1"; }
has_rate() { rate_ok "$(scrape "$1" | cut -d' ' -f1)"; }
run() {	# name speed window
	conf "$1" "$2" "$3" >"$TMP/$1.conf"
	date +%s >"$TMP/$1.started"
	"$HEADROOMD" -d -c "$TMP/$1.conf" 2>"$TMP/$1.log" &
	pid=$!
	started $pid
}
stop() {
	kill -TERM $pid
	wait $pid || fail "$1: the daemon exited non-zero"
}

# Paced at 4x, a pass every 0.5 s: every window's rate, also across loop
# boundaries, is 1 Mbit/s; the totals grow past two passes.
# octets_over NAME OCTETS: /metrics counts more than OCTETS out.
octets_over() {
	python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)' \
		"$(scrape "$1" | cut -d' ' -f2)" "$2"
}
PASS_OCTETS=$((2000 * 125))
run paced 4 1
wait_for 60 octets_over paced $((3 * PASS_OCTETS)) || { cat "$TMP/paced.log"; fail "paced: no 4th pass counted"; }
wait_for 30 has_rate paced || fail "paced: no window rate of 1 Mbit/s: $(scrape paced)"
first=$(scrape paced)
n=0
while [ $n -lt 8 ]; do
	now=$(scrape paced)
	rate_ok "${now% *}" || fail "paced: a window's rate is ${now% *} bit/s, not 1 Mbit/s"
	sleep 0.2
	n=$((n + 1))
done
wait_for 60 octets_over paced $((7 * PASS_OCTETS)) || fail "paced: no 8th pass counted"
last=$(scrape paced)
stop paced
paced1=${first#* } paced2=${last#* }

# As fast as the file reads (the batched reader path), for a moment.
run fast 0 60
wait_for 60 octets_over fast $((64 * PASS_OCTETS)) || { cat "$TMP/fast.log"; fail "fast: not 64 passes counted"; }
first=$(scrape fast)
wait_for 60 octets_over fast "${first#* }" || fail "fast: the totals stopped at ${first#* } octets"
last=$(scrape fast)
stop fast
fast1=${first#* } fast2=${last#* }
cat "$TMP/paced.log" "$TMP/fast.log" >"$TMP/loop.log"

python3 - "$TMP/loop.log" "$TMP" "$paced1" "$paced2" "$fast1" "$fast2" <<'PY' || { cat "$TMP/loop.log"; fail "loop passes wrong"; }
import re, sys
log, tmp = sys.argv[1], sys.argv[2]
paced1, paced2, fast1, fast2 = (float(v) for v in sys.argv[3:7])
PASS_BYTES = 2000 * 125
bad = []
passes = {}
for line in open(log):
    m = re.search(r'capture "(\w+)": pass (\d+) of .* starts at ([\d.]+) after ([\d.]+)', line)
    if m:
        passes.setdefault(m.group(1), []).append((int(m.group(2)), float(m.group(3)), float(m.group(4))))
for name, ps in passes.items():
    n1, first, _ = ps[0]
    started = float(open("%s/%s.started" % (tmp, name)).read())
    if n1 != 1 or abs(first - started) > 30:
        bad.append("%s: pass 1 does not start now: %s" % (name, ps[0]))
    for n, start, prev_end in ps[1:]:
        # one millisecond after the previous pass's last frame, which is
        # 1.999 s into that pass: every pass starts 2 s after the one before
        if abs(start - prev_end - 0.001) > 1e-5:
            bad.append("%s: pass %d starts %.6f s after the previous one ended" % (name, n, start - prev_end))
        if abs(start - (first + 2.0 * (n - 1))) > 1e-3:
            bad.append("%s: pass %d starts at +%.6f s, not +%.3f" % (name, n, start - first, 2.0 * (n - 1)))
    print(name, "passes logged:", [p[0] for p in ps])
if sorted(passes) != ["fast", "paced"]:
    bad.append("passes logged for %s" % sorted(passes))
if not (paced2 > paced1 > 2 * PASS_BYTES):
    bad.append("paced octets %s then %s: not growing past two passes" % (paced1, paced2))
if not (fast2 > fast1 > 64 * PASS_BYTES):
    bad.append("fast octets %s then %s: not growing past 64 passes" % (fast1, fast2))
print("paced octets", paced1, paced2, "fast octets", fast1, fast2)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
pass "looping captures replay pass after pass, shifted without a gap, totals growing"
