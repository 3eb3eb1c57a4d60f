#!/bin/sh
# headroom report on a store written at tick = 1: the files' step is 1 s
# and their finest archive keeps 10 s rows, each the AVERAGE (and MAX) of
# ten samples. Peaks are the samples' (from the MAX rows), not the
# averages of the rows they fell in; averages and volumes stay exact.
# Real RRD files in the store's layout at a 1 s step, written by rrdtool.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
report_need_rrdtool
export TZ=UTC

mkdir -p "$TMP/state/ap" "$TMP/state/room" "$TMP/state/uplink"
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
event "tick" {
    attendees = 500
    start = "2027-05-14 10:00"
    end = "2027-05-14 11:00"
}
room "hall" { seats = 300 }
ap "hall-1" { room = "hall"  max_clients = 250 }
uplink "isp" { capacity_mbps = 100 }
CONF

# An hour of 1 s samples from 10:00 UTC; short spikes inside 10 s rows:
#   venue devices 100, 400 for 3 s ending 10:30:03
#   uplink in 10 Mbit/s, 90 for 5 s ending 10:33:25 (out 1 Mbit/s)
#   room hall and ap hall-1 50 clients, 190 for 1 s at 10:41:41
python3 - "$TMP/state" >"$TMP/rrd-script" <<'PY'
import calendar, sys
state = sys.argv[1]
T0 = calendar.timegm((2027, 5, 14, 10, 0, 0))
RRA = ("RRA:AVERAGE:0.5:10:34560 RRA:MAX:0.5:10:34560 RRA:AVERAGE:0.5:60:43200 "
       "RRA:MAX:0.5:60:43200 RRA:AVERAGE:0.5:3600:17520 RRA:MAX:0.5:3600:17520")

def write(path, ds, value):
    print("create %s/%s --start %d --step 1 %s %s" % (
        state, path, T0 - 1, " ".join("DS:%s:GAUGE:3:0:U" % d for d in ds), RRA))
    rows = ["%d:%s" % (t, ":".join(repr(v) for v in value(t - T0)))
            for t in range(T0 + 1, T0 + 3601)]
    for i in range(0, len(rows), 300):
        print("update %s/%s %s" % (state, path, " ".join(rows[i:i + 300])))

devices = lambda s: 400 if 1801 <= s <= 1803 else 100
mbps = lambda s: 90.0 if 2001 <= s <= 2005 else 10.0
clients = lambda s: 190 if s == 2501 else 50
write("venue.rrd", ["devices", "projected", "capacity", "uplink_mbps_in", "uplink_mbps_out",
                    "uplink_cap_mbps"], lambda s: [devices(s), 450, 250, mbps(s), 1.0, 100])
write("uplink/isp.rrd", ["bps_in", "bps_out", "capacity_mbps", "utilisation", "projected_mbps"],
      lambda s: [mbps(s) * 1e6, 1e6, 100, mbps(s) / 100, 90])
write("room/hall.rrd", ["clients", "projected", "capacity"], lambda s: [clients(s), 270, 250])
write("ap/hall-1.rrd", ["clients", "clients_2g4", "clients_5g", "projected", "capacity",
                        "clients_6g"], lambda s: [clients(s), 10, clients(s) - 20, 270, 250, 10])
PY
rrdtool - <"$TMP/rrd-script" >"$TMP/rrd-script.log" 2>&1 ||
	{ tail -5 "$TMP/rrd-script.log"; fail "rrdtool could not write the store"; }
grep -q '^ERROR' "$TMP/rrd-script.log" && { grep -m3 '^ERROR' "$TMP/rrd-script.log"; fail "rrdtool rejected the script"; }

"$HEADROOM" report -q -c "$TMP/headroom.conf" -o "$TMP/out" --format json ||
	fail "headroom report failed"
python3 - "$TMP/out/report.json" <<'PY' || fail "report.json at a 1 s tick (above)"
import json, sys
r = json.load(open(sys.argv[1]))
bad = []
def eq(what, got, want, tol=1e-6):
    if got is None or abs(float(got) - want) > tol * max(1, abs(want)):
        bad.append("%s: got %r, want %r" % (what, got, want))
def at(what, got, want):
    if got != want:
        bad.append("%s: got %r, want %r" % (what, got, want))
s = r["summary"]
# the row averages would be 190, 50 and 64
eq("peak devices (3 s at 400)", s["peak_devices"], 400)
at("peak devices at (end of its 10 s row)", s["peak_devices_at"], "2027-05-14T10:30:10+0000")
u = r["uplinks"][0]
eq("uplink peak in (5 s at 90)", u["peak_in_mbps"], 90)
eq("uplink average in", u["avg_in_mbps"], (3600 * 10 + 5 * 80) / 3600.0)
eq("uplink bytes in", u["days"][0]["bytes_in"], (3600 * 10 + 5 * 80) * 1e6 / 8)
eq("uplink p95 samples (12 five-minute averages)", u["p95_samples"], 12)
h = {x["name"]: x for x in r["rooms"]}["hall"]
eq("hall peak (1 s at 190)", h["peak_clients"], 190)
at("hall peak at", h["peak_at"], "2027-05-14T10:41:50+0000")
a = {x["name"]: x for x in r["aps"]}["hall-1"]
eq("hall-1 peak", a["peak_clients"], 190)
eq("hall-1 5 GHz peak", a["peak_clients_5g"], 170)
eq("hall-1 6 GHz peak", a["peak_clients_6g"], 10)
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
pass "a 1 s tick's store: peaks from the samples, averages exact"
