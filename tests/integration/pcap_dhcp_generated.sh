#!/bin/sh
# DHCP leases per pool from a generated capture (scapy, written at test
# time): ACKs on VLAN 20 and 30 land in the pools of those VLANs (and the
# staff pool's subnet), RELEASE and DECLINE end leases, lease time is
# honoured, INFORM ACKs (yiaddr 0.0.0.0) and untagged or out-of-subnet ACKs
# are no pool's leases. The dhcp mode's default BPF filter passes tagged
# DHCP.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || skip "python3-scapy is not installed"

$PY - "$TMP/dhcp.pcap" <<'PY' || fail "cannot generate the capture"
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, Dot1Q, IP, UDP, BOOTP, DHCP, ARP, mac2str, wrpcap

T0 = 5000.0
def mac(n): return "02:00:00:00:%02x:%02x" % (n >> 8, n & 0xff)
def frame(t, vlan, src_ip, dst_ip, sport, dport, bootp, opts, src_mac="00:00:5e:00:53:01"):
    l2 = Ether(src=src_mac, dst="ff:ff:ff:ff:ff:ff")
    if vlan is not None:
        l2 = l2 / Dot1Q(vlan=vlan)
    f = l2 / IP(src=src_ip, dst=dst_ip) / UDP(sport=sport, dport=dport) / bootp / DHCP(options=opts + ["end"])
    f.time = t
    return f
def ack(t, vlan, n, ip, lease):
    return frame(t, vlan, "10.0.0.1", ip, 67, 68, BOOTP(op=2, yiaddr=ip, chaddr=mac2str(mac(n)) + b"\0" * 10),
                 [("message-type", "ack"), ("lease_time", lease)])
pk = []
for k in range(21):          # INFORM ACKs every 10 s keep the clock moving; never leases
    pk.append(frame(T0 + 10 * k, None, "10.0.0.1", "10.9.9.9", 67, 68,
                    BOOTP(op=2, yiaddr="0.0.0.0", chaddr=mac2str(mac(999)) + b"\0" * 10), [("message-type", "ack")]))
for n in range(40):          # guest, VLAN 20
    pk.append(ack(T0 + 10.5 + n * 0.01, 20, n, "10.20.0.%d" % (n + 10), 600))
for n in range(20):          # staff, VLAN 30, short leases
    pk.append(ack(T0 + 20.5 + n * 0.01, 30, 100 + n, "10.30.0.%d" % (n + 10), 120))
for n in range(5):           # VLAN 30 but outside the staff subnet
    pk.append(ack(T0 + 21.5 + n * 0.01, 30, 200 + n, "192.168.7.%d" % (n + 10), 600))
for n in range(10):          # untagged
    pk.append(ack(T0 + 22.5 + n * 0.01, None, 300 + n, "10.20.1.%d" % n, 600))
# ARP and non-DHCP UDP on VLAN 20: the filter drops them
a = Ether(src=mac(1), dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=20) / ARP(psrc="10.20.0.11", pdst="10.20.0.1")
a.time = T0 + 30.5
pk.append(a)
for n in range(10):          # guests 0..9 release
    pk.append(frame(T0 + 100.5 + n * 0.01, 20, "10.20.0.%d" % (n + 10), "10.0.0.1", 68, 67,
                    BOOTP(op=1, ciaddr="10.20.0.%d" % (n + 10), chaddr=mac2str(mac(n)) + b"\0" * 10),
                    [("message-type", "release")], src_mac=mac(n)))
for n in range(10, 15):      # guests 10..14 decline their address
    pk.append(frame(T0 + 130.5 + n * 0.01, 20, "0.0.0.0", "255.255.255.255", 68, 67,
                    BOOTP(op=1, chaddr=mac2str(mac(n)) + b"\0" * 10),
                    [("message-type", "decline"), ("requested_addr", "10.20.0.%d" % (n + 10))], src_mac=mac(n)))
pk.sort(key=lambda p: p.time)
wrpcap(sys.argv[1], pk)
PY

cat >"$TMP/dhcp.conf" <<CONF
state_dir = "$TMP/state"
event "t" { attendees = 200 }
capture "dhcp" { mode = "dhcp"  file = "$TMP/dhcp.pcap"  window = 60 }
dhcp_pool "guest" { size = 100  vlan = 20  capture = "dhcp" }
dhcp_pool "staff" { size = 50  vlan = 30  subnet = "10.30.0.0/16" }
CONF
"$HEADROOMD" -T -c "$TMP/dhcp.conf" >"$TMP/dhcp.jsonl" 2>"$TMP/dhcp.err" || { cat "$TMP/dhcp.err"; fail "-T failed"; }

python3 - "$TMP/dhcp.jsonl" <<'PY' || fail "leases per pool wrong"
import json, sys
reports, cur = [], None
for line in open(sys.argv[1]):
    s = json.loads(line)
    if (s["entity"], s["metric"]) == ("capture:dhcp", "up"):
        cur = {}
        reports.append(cur)
    cur[(s["entity"], s["metric"])] = s["value"]
got = [(r.get(("pool:guest", "leases")), r.get(("pool:staff", "leases"))) for r in reports]
# 112 frames written, the ARP one filtered out; windows end at +60, +120, +180, then the end of the file (+200):
# releases at +100, declines at +130, staff leases (120 s from +20) gone by +180.
want = [(40, 20), (30, 20), (25, 0), (25, 0)]
last = reports[-1]
detail = {k: last.get(("capture:dhcp", k)) for k in
          ("packets_total", "dhcp_ack_total", "dhcp_release_total", "dhcp_decline_total", "dhcp_leases_seen", "vlans")}
print("leases per window", got, "detail", detail)
ok = got == want and detail == {"packets_total": 111, "dhcp_ack_total": 96, "dhcp_release_total": 10,
                                "dhcp_decline_total": 5, "dhcp_leases_seen": 75, "vlans": 2}
sys.exit(0 if ok else 1)
PY
pass "DHCP leases per pool follow ACK, RELEASE, DECLINE, lease time and VLAN"
