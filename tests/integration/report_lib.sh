# Helpers for the report tests (sourced after lib.sh): a scripted two-day
# event written as real RRD files with rrdtool, in the store's layout
# (step 10 s, GAUGE, heartbeat 30 s, 10 s / 1 min / 1 h AVERAGE and MAX).
#
# The script, in UTC (T0 = 2027-05-14 00:00, 17280 samples of 10 s):
#   venue devices   100, with 412 at 05-14 11:00:00 and 530 at 05-15 15:30:00
#   uplink isp      5-minute bucket b (0..575) carries in = b x 0.1 Mbit/s and
#                   out = in / 4; buckets 100..171 (05-14 08:20-14:20) unknown;
#                   bucket 200: 12 samples at 90 Mbit/s in, bucket 300: 3 at 150
#   room hall       50; 60 samples at 330, 12 at 400, then 410 at 05-15 14:00:00
#   ap hall-1/2     25 each; in the same block 165/165, 235/165, 245/165;
#                   30% on 2.4 GHz, hall-2 20% on 6 GHz, the rest on 5 GHz
#                   (hall-1's file has the layout from before 6 GHz)
#   hall-1, hall-2, room hall: unknown in (05-15 03:00, 03:30] (target wlc down)
#   room lobby, ap lobby-1: 0 all along; room small, ap small-1: no files
set -u

report_need_rrdtool() {
	need_cmd rrdtool
}

# report_conf FILE STATE_DIR [ATTENDEES [SCHEDULE [EXTRA]]]
report_conf() {
	cat >"$1" <<EOF
state_dir = "$2"
event "scripted" {
    attendees = ${3:-600}
    ${4:+schedule = \"$4\"}
    start = "2027-05-14 00:00"
    end = "2027-05-16 00:00"
}
room "hall" { seats = 500 }
room "small" { seats = 100 }
room "lobby" { seats = 200  common_area = true }
target "wlc" { address = "127.0.0.1" }
ap "hall-1" { room = "hall"  max_clients = 200  target = "wlc" }
ap "hall-2" { room = "hall"  max_clients = 200  target = "wlc" }
ap "small-1" { room = "small"  max_clients = 75 }
ap "lobby-1" { room = "lobby"  max_clients = 150 }
uplink "isp" { capacity_mbps = 100 }
${5:-}
EOF
}

# report_fill_capture STATE_DIR NAME: capture/NAME.rrd whose day counters
# climb to 300 global / 800 random MACs on 05-14 and, after resetting at
# midnight, to 450 / 1200 on 05-15, with an hour unknown on 05-15.
report_fill_capture() {
	mkdir -p "$1/capture"
	python3 - "$1/capture/$2.rrd" >"$TMP/rrd-capture" <<'PY'
import calendar, sys
path = sys.argv[1]
T0 = calendar.timegm((2027, 5, 14, 0, 0, 0))
RRA = ("RRA:AVERAGE:0.5:1:34560 RRA:MAX:0.5:1:34560 RRA:AVERAGE:0.5:6:43200 "
       "RRA:MAX:0.5:6:43200 RRA:AVERAGE:0.5:360:17520 RRA:MAX:0.5:360:17520")
print("create %s --start %d --step 10 DS:active_clients:GAUGE:30:0:U "
      "DS:devices_day_global:GAUGE:30:0:U DS:devices_day_random:GAUGE:30:0:U %s" % (path, T0 - 10, RRA))
rows = []
for k in range(1, 17281):
    t = T0 + 10 * k
    day, s = divmod(t - T0 - 1, 86400)
    top_g, top_r = (300, 800) if day == 0 else (450, 1200)
    if day == 1 and 3 * 3600 <= s < 4 * 3600:
        rows.append("%d:U:U:U" % t)
        continue
    frac = min(1.0, s / 43200.0)   # the count stops growing at noon
    rows.append("%d:%d:%d:%d" % (t, 50, round(top_g * frac), round(top_r * frac)))
for i in range(0, len(rows), 300):
    print("update %s %s" % (path, " ".join(rows[i:i + 300])))
PY
	rrdtool - <"$TMP/rrd-capture" >"$TMP/rrd-capture.log" 2>&1 ||
		{ tail -5 "$TMP/rrd-capture.log"; fail "rrdtool could not write the capture file"; }
	grep -q '^ERROR' "$TMP/rrd-capture.log" &&
		{ grep -m3 '^ERROR' "$TMP/rrd-capture.log"; fail "rrdtool rejected the capture script"; }
	return 0
}

# report_fill STATE_DIR: write the scripted event.
report_fill() {
	mkdir -p "$1/ap" "$1/room" "$1/uplink"
	python3 - "$1" >"$TMP/rrd-script" <<'PY'
import calendar, sys
state = sys.argv[1]
T0 = calendar.timegm((2027, 5, 14, 0, 0, 0))
N = 17280
D2 = T0 + 86400
U = None

RRA = ("RRA:AVERAGE:0.5:1:34560 RRA:MAX:0.5:1:34560 RRA:AVERAGE:0.5:6:43200 "
       "RRA:MAX:0.5:6:43200 RRA:AVERAGE:0.5:360:17520 RRA:MAX:0.5:360:17520")

def create(path, ds):
    print("create %s --start %d --step 10 %s %s" % (
        path, T0 - 10, " ".join("DS:%s:GAUGE:30:0:U" % d for d in ds), RRA))

def update(path, rows):
    out = []
    for t, vals in rows:
        out.append("%d:%s" % (t, ":".join("U" if v is None else repr(v) for v in vals)))
    for i in range(0, len(out), 300):
        print("update %s %s" % (path, " ".join(out[i:i + 300])))

times = [T0 + 10 * k for k in range(1, N + 1)]
tp = D2 + 14 * 3600                  # the room's peak
wlc_down = lambda t: D2 + 3 * 3600 < t <= D2 + 3 * 3600 + 1800

def block(t):
    """0 outside the hall's busy block, else 1 warn, 2 crit, 3 peak."""
    if t == tp: return 3
    if tp - 120 <= t < tp: return 2
    if tp - 720 <= t < tp - 120: return 1
    return 0

def venue_devices(t):
    if t == T0 + 11 * 3600: return 412
    if t == D2 + 15 * 3600 + 1800: return 530
    return 100

def isp(t):
    b = (t - T0 - 1) // 300
    j = (t - T0 - 1) % 300 // 10
    if 100 <= b <= 171: return None, None
    mbps = b * 0.1
    out = mbps / 4
    if b == 200 and j < 12: mbps = 90.0
    if b == 300 and j < 3: mbps = 150.0
    return mbps, out

create("%s/venue.rrd" % state, ["devices", "projected", "capacity", "uplink_mbps_in",
                                "uplink_mbps_out", "uplink_cap_mbps"])
rows = []
for t in times:
    i, o = isp(t)
    rows.append((t, [venue_devices(t), 540, 625, i, o, 100]))
update("%s/venue.rrd" % state, rows)

p = "%s/uplink/isp.rrd" % state
create(p, ["bps_in", "bps_out", "capacity_mbps", "utilisation", "projected_mbps"])
rows = []
for t in times:
    i, o = isp(t)
    rows.append((t, [None if i is None else i * 1e6, None if o is None else o * 1e6, 100,
                     None if i is None else max(i, o) / 100, 135]))
update(p, rows)

hall = {0: 50, 1: 330, 2: 400, 3: 410}
h1 = {0: 25, 1: 165, 2: 235, 3: 245}
h2 = {0: 25, 1: 165, 2: 165, 3: 165}
create("%s/room/hall.rrd" % state, ["clients", "projected", "capacity"])
update("%s/room/hall.rrd" % state,
       [(t, [None if wlc_down(t) else hall[block(t)], 450, 400]) for t in times])
create("%s/room/lobby.rrd" % state, ["clients", "projected", "capacity"])
update("%s/room/lobby.rrd" % state, [(t, [0, 180, 150]) for t in times])
AP_DS = ["clients", "clients_2g4", "clients_5g", "projected", "capacity"]
for name, series, six in (("hall-1", h1, False), ("hall-2", h2, True)):
    p = "%s/ap/%s.rrd" % (state, name)
    create(p, AP_DS + ["clients_6g"] if six else AP_DS)
    rows = []
    for t in times:
        if wlc_down(t):
            rows.append((t, [None] * (6 if six else 5)))
            continue
        c = series[block(t)]
        g6 = c // 5 if six else 0
        rows.append((t, [c, c * 3 // 10, c - c * 3 // 10 - g6, 225, 200] + ([g6] if six else [])))
    update(p, rows)
p = "%s/ap/lobby-1.rrd" % state
create(p, ["clients", "clients_2g4", "clients_5g", "projected", "capacity"])
update(p, [(t, [0, 0, 0, 180, 150]) for t in times])
PY
	rrdtool - <"$TMP/rrd-script" >"$TMP/rrd-script.log" 2>&1 ||
		{ tail -5 "$TMP/rrd-script.log"; fail "rrdtool could not write the scripted store"; }
	grep -q '^ERROR' "$TMP/rrd-script.log" &&
		{ grep -m3 '^ERROR' "$TMP/rrd-script.log"; fail "rrdtool rejected the script"; }
	return 0
}

# report_alert_log FILE: the alert engine's log lines for the scripted event.
report_alert_log() {
	local t0=1810252800
	cat >"$1" <<EOF
{"ts": $((t0 + 86400 + 13*3600 + 3000)), "event": "pending", "id": "fp-hall", "rule": "room_clients", "labels": {"room": "hall"}, "severity": "warn", "summary": "hall at 83% of AP capacity", "value": 330}
{"ts": $((t0 + 86400 + 13*3600 + 3060)), "event": "firing", "id": "fp-hall", "rule": "room_clients", "labels": {"room": "hall"}, "severity": "warn", "summary": "hall at 83% of AP capacity", "value": 330}
{"ts": $((t0 + 86400 + 13*3600 + 3300)), "event": "acked", "id": "fp-hall", "rule": "room_clients", "labels": {"room": "hall"}, "severity": "warn", "summary": "hall at 83% of AP capacity", "value": 330, "by": "noc-ana"}
not json at all
{"ts": $((t0 + 86400 + 14*3600 + 600)), "event": "resolved", "id": "fp-hall", "rule": "room_clients", "labels": {"room": "hall"}, "severity": "warn", "summary": "hall back to 13%", "value": 50}
{"ts": $((t0 + 86400 + 3*3600 + 60)), "event": "firing", "id": "fp-wlc", "rule": "target_down", "labels": {"target": "wlc"}, "severity": "crit", "summary": "wlc does not answer", "value": 0}
{"ts": $((t0 + 86400 + 3*3600 + 1860)), "event": "resolved", "id": "fp-wlc", "rule": "target_down", "labels": {"target": "wlc"}, "severity": "crit", "summary": "wlc answers again", "value": 1}
EOF
}

# report_schedule FILE: an iCalendar programme with a talk in the hall
# around its peak (05-15 14:00 UTC), a quiet morning talk there, a
# workshop in the room without data and a keynote projected over the
# hall's capacity that the hall took easily.
report_schedule() {
	printf '%s\r\n' "BEGIN:VCALENDAR" "VERSION:2.0" "PRODID:-//headroom tests//EN" \
		"BEGIN:VEVENT" "UID:talk-1@test" "DTSTART:20270515T133000Z" \
		"DTEND:20270515T143000Z" "SUMMARY:Scaling the hall Wi-Fi" "LOCATION:hall" \
		"END:VEVENT" \
		"BEGIN:VEVENT" "UID:talk-0@test" "DTSTART:20270514T090000Z" \
		"DTEND:20270514T100000Z" "SUMMARY:Morning talk" "LOCATION:hall" "END:VEVENT" \
		"BEGIN:VEVENT" "UID:ws-1@test" "DTSTART:20270515T100000Z" \
		"DTEND:20270515T110000Z" "SUMMARY:Small room workshop" "LOCATION:small" \
		"END:VEVENT" \
		"BEGIN:VEVENT" "UID:kn-1@test" "DTSTART:20270515T160000Z" \
		"DTEND:20270515T170000Z" "SUMMARY:Closing keynote" "LOCATION:hall" "END:VEVENT" \
		"END:VCALENDAR" >"$1"
}
