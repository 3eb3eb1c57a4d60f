#!/bin/sh
# A generated monitor-mode capture (scapy, written here at test time): 300
# stations over 30 BSSIDs on 2.4 and 5 GHz; 60 stations roam to a
# neighbouring BSSID, 50 are deauthenticated and 50 fall silent (idle
# timeout). Every window's per-AP client counts and bands, and the
# unplanned BSSIDs, equal a model computed from the same schedule; so do
# the distinct stations per BSSID over the run (a roaming station counts
# at both of its BSSIDs).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || skip "python3-scapy is not installed"

$PY - "$TMP" <<'PY' || fail "cannot generate the capture"
import json, logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import RadioTap, Dot11, Dot11QoS, Dot11AssoResp, Dot11ReassoResp, Dot11Deauth, Raw, PcapWriter

tmp = sys.argv[1]
T0, N_BSS, N_STA, END, TIMEOUT = 1000.0, 30, 300, 180.0, 30.0
bssid = lambda b: "00:11:22:33:44:%02x" % b
sta = lambda i: "02:00:00:00:%02x:%02x" % (i >> 8, i & 0xff)
freq = lambda b: 2412 if b % 2 == 0 else 5180

def home(i, t):
    return (i + 1) % N_BSS if i < 60 and t >= 60 else i % N_BSS

# events: (time, kind, station, bss)
events = []
for i in range(N_STA):
    events.append((T0 + 1 + i * 0.001, "assoc", i, i % N_BSS))
    if i < 60:
        events.append((T0 + 60.1 + i * 0.001, "reassoc", i, (i + 1) % N_BSS))
    stop = 90 if i >= 200 else END
    k = 0
    while 5 * k + 2 < stop:
        t = 5 * k + 2 + i * 0.001
        events.append((T0 + t, "data", i, home(i, t)))
        k += 1
    if 200 <= i < 250:
        events.append((T0 + 91 + i * 0.001, "deauth", i, home(i, 91)))
events.sort()

w = PcapWriter(tmp + "/gen.pcap", linktype=127, sync=False)
for t, kind, i, b in events:
    rt = RadioTap(present="Flags+Channel", Flags=0, ChannelFrequency=freq(b),
                  ChannelFlags="2GHz" if freq(b) < 3000 else "5GHz")
    if kind == "data":
        f = rt / Dot11(type=2, subtype=8, FCfield="to-DS", addr1=bssid(b), addr2=sta(i), addr3=bssid(b)) / Dot11QoS() / Raw(b"\0" * 40)
    elif kind == "assoc":
        f = rt / Dot11(type=0, subtype=1, addr1=sta(i), addr2=bssid(b), addr3=bssid(b)) / Dot11AssoResp(status=0, AID=1)
    elif kind == "reassoc":
        f = rt / Dot11(type=0, subtype=3, addr1=sta(i), addr2=bssid(b), addr3=bssid(b)) / Dot11ReassoResp(status=0, AID=1)
    else:
        f = rt / Dot11(type=0, subtype=12, addr1=sta(i), addr2=bssid(b), addr3=bssid(b)) / Dot11Deauth(reason=3)
    f.time = t
    w.write(f)
w.close()

# The model: at a window end, a station belongs to the BSSID of its last
# frame before that instant, unless it was deauthenticated since or has
# been silent longer than the timeout.
def expected(t_end, inclusive=False):
    state = {}
    for t, kind, i, b in events:
        if t > t_end or (t == t_end and not inclusive):
            break
        state[i] = None if kind == "deauth" else (b, t)
    per = {}
    for i, s in state.items():
        if s and t_end - s[1] <= TIMEOUT:
            per[s[0]] = per.get(s[0], 0) + 1
    return per

windows = [expected(T0 + 10 * k) for k in range(1, int(events[-1][0] - T0) // 10 + 1)]
final = expected(events[-1][0], inclusive=True)
# Distinct stations over the run per BSSID: in data frames (all sent by
# the station, so transmitters too) and in (re)association responses.
run = {"data": {}, "assoc": {}}
for t, kind, i, b in events:
    if kind != "deauth":
        run["data" if kind == "data" else "assoc"].setdefault(str(b), set()).add(i)
run = {k: {b: len(v) for b, v in per.items()} for k, per in run.items()}
json.dump({"windows": windows, "final": final, "freq": {b: freq(b) for b in range(N_BSS)}, "run": run},
          open(tmp + "/model.json", "w"))
print("%d frames, %d windows" % (len(events), len(windows)))
PY

{
	echo "state_dir = \"$TMP/state\""
	echo 'event "t" { attendees = 400 }'
	echo 'room "hall" { seats = 400 }'
	for b in $(seq 0 19); do
		printf 'ap "ap-%d" { room = "hall"  bssid = { "00:11:22:33:44:%02x" } }\n' $b $b
	done
	echo "capture \"radio\" { mode = \"dot11\"  file = \"$TMP/gen.pcap\"  window = 10  station_timeout = 30 }"
} >"$TMP/gen.conf"
"$HEADROOMD" -T -c "$TMP/gen.conf" >"$TMP/gen.jsonl" 2>"$TMP/gen.err" || { cat "$TMP/gen.err"; fail "-T failed"; }

python3 - "$TMP/gen.jsonl" "$TMP/model.json" <<'PY' || fail "station counts over time differ from the model"
import json, sys
model = json.load(open(sys.argv[2]))
reports, cur = [], None
for line in open(sys.argv[1]):
    s = json.loads(line)
    if (s["entity"], s["metric"]) == ("capture:radio", "up"):
        cur = {}
        reports.append(cur)
    cur[(s["entity"], s["metric"])] = s["value"]
want_all = model["windows"] + [model["final"]]
bad = []
if len(reports) != len(want_all):
    bad.append("%d reports, model has %d" % (len(reports), len(want_all)))
for n, (got, want) in enumerate(zip(reports, want_all)):
    for b in range(30):
        w = want.get(str(b), 0)
        if b < 20:
            e = "ap:ap-%d" % b
            band = "clients_2g4" if model["freq"][str(b)] < 3000 else "clients_5g"
            other = "clients_5g" if band == "clients_2g4" else "clients_2g4"
            if got.get((e, "clients")) != w or got.get((e, band)) != w or got.get((e, other)) != 0:
                bad.append("window %d %s: %r, model %d" % (n, e, got.get((e, "clients")), w))
        else:
            e = "ap:bssid-00:11:22:33:44:%02x" % b
            if got.get((e, "clients")) != w or got.get((e, "unplanned")) != 1:
                bad.append("window %d %s: %r, model %d" % (n, e, got.get((e, "clients")), w))
if reports:
    for b in range(30):
        e = "bssid:00:11:22:33:44:%02x" % b
        data, assoc = model["run"]["data"].get(str(b), 0), model["run"]["assoc"].get(str(b), 0)
        got = (reports[-1].get((e, "data_stations")), reports[-1].get((e, "tx_stations")),
               reports[-1].get((e, "assoc_stations")))
        if got != (data, data, assoc):
            bad.append("%s over the run: data/tx/assoc %r, model %r" % (e, got, (data, data, assoc)))
totals = [sum(w.values()) for w in want_all]
print("clients per window:", totals)
print("problems:", bad[:10], len(bad))
# The schedule must actually move: roaming, deauths and timeouts change totals.
sys.exit(1 if bad or max(totals) != 300 or min(totals[3:]) >= 300 or totals[-1] != 200 else 0)
PY
pass "generated roaming capture counted window by window"
