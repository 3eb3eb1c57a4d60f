#!/bin/sh
# Every real capture in the fixtures' ether/, wlan/ and l2svc/ read by
# headroomd -T: packets, bytes, distinct MACs and IPs, DHCP messages and
# leases, VLANs, stations per BSSID (data, transmitting, associated) equal
# groundtruth.json and the README's libpcap figures. Then BSSIDs map to
# configured APs (unknown ones become unplanned), uplink direction from
# local prefixes matches an independent count with scapy, the salt file is
# private and no client MAC appears in the output.
. "$(dirname "$0")/lib.sh"
need_fixtures pcap
FX="$SHARED_FIXTURES/pcap"
LIB="$top_srcdir/tests/integration/pcap_lib.py"

files=$(cd "$FX" && ls ether/* wlan/* l2svc/*)
python3 "$LIB" conf "$TMP/all.conf" "$TMP/map.json" "$TMP/state" "$FX" $files || fail "cannot write the config"
"$HEADROOMD" -T -c "$TMP/all.conf" >"$TMP/all.jsonl" 2>"$TMP/all.err" ||
	{ cat "$TMP/all.err"; fail "headroomd -T failed"; }
python3 "$LIB" check "$TMP/all.jsonl" "$TMP/map.json" "$FX" || fail "counts differ from the ground truth"
# The cut-short wlan capture ends in a read error after 20056 packets:
# -T reports it as the capture's read_error (with libpcap's reason) and
# every other capture as read to its end.
python3 - "$TMP/all.jsonl" <<'PY' || fail "the cut-short wlan capture's read error was not reported"
import json, sys
last = {}
for line in open(sys.argv[1]):
    s = json.loads(line)
    last[(s["entity"], s["metric"])] = s
errors = {e: s for (e, m), s in last.items() if m == "read_error"}
cut = [e for e, s in errors.items() if s["value"]]
print("captures with a read error:", [(e, errors[e].get("text"), last[(e, "packets_total")]["value"]) for e in cut])
ok = (len(cut) == 1 and "truncated dump file" in (errors[cut[0]].get("text") or "") and
      last[(cut[0], "packets_total")]["value"] == 20056 and
      all(not s.get("text") for e, s in errors.items() if e not in cut) and len(errors) > 1)
sys.exit(0 if ok else 1)
PY

[ "$(stat -c %a "$TMP/state/pcap.salt")" = 600 ] || fail "salt file is not 0600"
[ "$(stat -c %s "$TMP/state/pcap.salt")" = 16 ] || fail "salt file is not 16 bytes"
python3 - "$FX/groundtruth.json" "$TMP/all.jsonl" <<'PY' || fail "a client MAC left the daemon"
import json, sys
gt = json.load(open(sys.argv[1]))
out = open(sys.argv[2]).read().lower()
stations = {s for v in gt.values() for b in v["truth"].get("per_bssid", {}).values() for s in b["stations"]}
leaked = [s for s in stations if s in out]
print("%d station MACs checked, leaked: %s" % (len(stations), leaked))
sys.exit(1 if leaked or not stations else 0)
PY

# BSSIDs to APs, and uplink direction from local prefixes.
cat >"$TMP/ap.conf" <<CONF
state_dir = "$TMP/state"
event "t" { attendees = 200 }
room "r" { seats = 10 }
ap "hall" { room = "r"  bssid = { "F8:1A:67:E5:05:62" } }
capture "w" { mode = "dot11"  file = "$FX/wlan/aircrack-test1.pcap" }
capture "m" {
    mode = "uplink"  file = "$FX/ether/pcapplusplus-example.pcap"
    local_prefixes = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" }
}
uplink "isp" { capture = "m"  capacity_mbps = 100 }
CONF
"$HEADROOMD" -T -c "$TMP/ap.conf" >"$TMP/ap.jsonl" 2>"$TMP/ap.err" || { cat "$TMP/ap.err"; fail "-T failed"; }
/usr/bin/python3 - "$TMP/ap.jsonl" "$FX/ether/pcapplusplus-example.pcap" <<'PY' || fail "AP mapping or uplink direction wrong"
import ipaddress, json, logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, PcapReader
last = {}
for line in open(sys.argv[1]):
    s = json.loads(line)
    last[(s["entity"], s["metric"])] = s
def v(e, m):
    return last[(e, m)]["value"]
bad = []
# f8:1a:67:e5:05:62 has 2 stations (data and associated); the other two BSSIDs are unknown.
if v("ap:hall", "clients") != 2: bad.append("ap:hall clients %r" % v("ap:hall", "clients"))
if v("ap:hall", "clients_2g4") != 2: bad.append("ap:hall 2.4 GHz clients")
for b, n in (("28:10:7b:94:bb:29", 2), ("f4:ec:38:a6:2f:ea", 1)):
    e = "ap:bssid-" + b
    if v(e, "unplanned") != 1 or v(e, "clients") != n or last[(e, "clients")].get("text") != "unplanned / neighbouring":
        bad.append(e)
if ("ap:bssid-f8:1a:67:e5:05:62", "clients") in last: bad.append("planned BSSID reported as unplanned")
nets = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
local = lambda a: any(ipaddress.ip_address(a) in n for n in nets)
bin = bout = pin = pout = 0
first = last_ts = None
for p in PcapReader(sys.argv[2]):
    first = first if first is not None else float(p.time)
    last_ts = float(p.time)
    if IP not in p: continue
    s, d = local(p[IP].src), local(p[IP].dst)
    if s and not d: bout += p.wirelen; pout += 1
    elif d and not s: bin += p.wirelen; pin += 1
span = last_ts - first
want = {"octets_in_total": bin, "octets_out_total": bout, "bps_in": bin * 8 / span,
        "bps_out": bout * 8 / span, "pps_in": pin / span, "pps_out": pout / span}
for m, w in want.items():
    got = v("uplink:isp", m)
    if abs(got - w) > 1e-6 * max(1, w): bad.append("%s %r != %r" % (m, got, w))
print("in %d out %d bytes over %.3f s; problems: %s" % (bin, bout, span, bad))
sys.exit(1 if bad else 0)
PY
pass "fixture captures match the ground truth"
