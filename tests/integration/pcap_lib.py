"""Helpers for the pcap integration tests: write configs for fixture
captures, read headroomd -T output, compare with the fixtures' ground
truth (groundtruth.json and the README's libpcap table)."""
import json
import re
import struct
import sys

WLAN_DLTS = {105, 119, 127}


def dlt_of(path):
    """Link type of a pcap or pcapng file, None when unreadable."""
    with open(path, "rb") as fh:
        head = fh.read(64)
    if len(head) < 24:
        return None
    magic = head[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        return struct.unpack("<I", head[20:24])[0] & 0x0FFFFFFF
    if magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        return struct.unpack(">I", head[20:24])[0] & 0x0FFFFFFF
    if magic == b"\x0a\x0d\x0d\x0a":  # pcapng: first IDB follows the SHB
        bom = head[8:12]
        end = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
        shb_len = struct.unpack(end + "I", head[4:8])[0]
        with open(path, "rb") as fh:
            fh.seek(shb_len)
            idb = fh.read(12)
        if len(idb) == 12 and struct.unpack(end + "I", idb[:4])[0] == 1:
            return struct.unpack(end + "H", idb[8:10])[0]
    return None


def mode_of(path):
    return "dot11" if dlt_of(path) in WLAN_DLTS else "uplink"


def libpcap_view(readme):
    """{file: (packets, sum caplen, end)} from the README's libpcap table."""
    view = {}
    text = open(readme, encoding="utf-8").read()
    section = text.split("### libpcap view", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        m = re.match(r"\|\s*`([^`]+)`\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(.+?)\s*\|$", line)
        if m:
            view[m.group(1)] = (int(m.group(2)), int(m.group(3)), m.group(4))
    return view


def samples(path):
    """Last value per (entity, metric), and the full series."""
    last, series = {}, []
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if not line.startswith("{"):
                continue
            s = json.loads(line)
            last[(s["entity"], s["metric"])] = s
            series.append(s)
    return last, series


class Checker:
    def __init__(self):
        self.failures = []
        self.checked = 0

    def eq(self, what, got, want):
        self.checked += 1
        if got != want:
            self.failures.append("%s: headroomd %r, expected %r" % (what, got, want))

    def done(self):
        for f in self.failures:
            print("MISMATCH", f)
        print("%d checks, %d mismatches" % (self.checked, len(self.failures)))
        return 1 if self.failures else 0


def value(last, entity, metric):
    s = last.get((entity, metric))
    if s is None:
        return None
    v = s["value"]
    return int(v) if isinstance(v, float) and v.is_integer() else v


def check_ether(ck, last, cap, name, truth, lp):
    e = "capture:" + cap
    packets, caplen, _ = lp[name]
    ck.eq(name + " packets", value(last, e, "packets_total"), packets)
    ck.eq(name + " captured bytes", value(last, e, "cap_bytes_total"), caplen)
    ck.eq(name + " wire bytes", value(last, e, "bytes_total"), truth["wire_bytes"])
    for k in ("src_macs", "src_macs_unicast", "ipv4_addrs", "ipv4_src", "ipv4_src_private",
              "ipv6_addrs", "ipv6_src"):
        ck.eq("%s %s" % (name, k), value(last, e, k), truth[k])
    dhcp = {}
    for per_vlan in truth["dhcp"].values():
        for t, n in per_vlan.items():
            dhcp[t] = dhcp.get(t, 0) + n
    for t in ("DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"):
        ck.eq("%s DHCP %s" % (name, t), value(last, e, "dhcp_%s_total" % t.lower()), dhcp.get(t, 0))
    ck.eq(name + " DHCP leases", value(last, e, "dhcp_leases_seen"), sum(truth["dhcp_leases"].values()))
    ck.eq(name + " VLAN ids", value(last, e, "vlans"), len(truth["vlan"]))
    for vid, frames in truth["vlan"].items():
        ck.eq("%s VLAN %s frames" % (name, vid), value(last, e, "vlan_%s_frames" % vid), frames)


def check_wlan(ck, last, cap, name, truth, lp):
    e = "capture:" + cap
    packets, caplen, _ = lp[name]
    ck.eq(name + " packets", value(last, e, "packets_total"), packets)
    ck.eq(name + " captured bytes", value(last, e, "cap_bytes_total"), caplen)
    ck.eq(name + " data frames", value(last, e, "data_frames_total"), truth["data_frames"])
    ck.eq(name + " WDS data frames", value(last, e, "data_frames_wds"), truth["data_frames_wds"])
    ck.eq(name + " DS0 data frames", value(last, e, "data_frames_ds0"), truth["data_frames_ds0"])
    ck.eq(name + " beacon BSSIDs", value(last, e, "beacon_bssids"), truth["beacon_bssids"])
    ck.eq(name + " BSSIDs with stations", value(last, e, "bssids_with_stations"),
          truth["bssids_with_stations"])
    ck.eq(name + " distinct data stations", value(last, e, "data_stations"),
          truth["distinct_data_stations"])
    for bssid, b in truth["per_bssid"].items():
        be = "bssid:" + bssid
        if not (b["data_stations"] or b["assoc_stations"] or b["beacon"]):
            continue
        for k in ("data_stations", "tx_stations", "assoc_stations"):
            ck.eq("%s %s %s" % (name, bssid, k), value(last, be, k), b[k])
        ck.eq("%s %s beacon" % (name, bssid), value(last, be, "beacon"), 1 if b["beacon"] else 0)


def cmd_conf(args):
    """conf OUT.conf MAP.json STATE_DIR FIXTURES FILE...: one capture per file."""
    out, map_path, state, fixtures = args[:4]
    lines = ['state_dir = "%s"' % state, 'event "t" { attendees = 200 }']
    mapping = {}
    for i, name in enumerate(args[4:]):
        cap = "c%d" % i
        path = "%s/%s" % (fixtures, name)
        lines.append('capture "%s" { mode = "%s" file = "%s" }' % (cap, mode_of(path), path))
        mapping[cap] = name
    open(out, "w").write("\n".join(lines) + "\n")
    json.dump(mapping, open(map_path, "w"))
    return 0


def cmd_check(args):
    """check OUT.jsonl MAP.json FIXTURES: compare every capture with ground truth."""
    out, map_path, fixtures = args
    gt = json.load(open(fixtures + "/groundtruth.json"))
    lp = libpcap_view(fixtures + "/README.md")
    last, _ = samples(out)
    ck = Checker()
    for cap, name in json.load(open(map_path)).items():
        truth = gt[name]["truth"]
        if mode_of("%s/%s" % (fixtures, name)) == "dot11":
            check_wlan(ck, last, cap, name, truth, lp)
        else:
            check_ether(ck, last, cap, name, truth, lp)
    return ck.done()


def cmd_malformed(args):
    """malformed OUT.jsonl MAP.json FIXTURES: read to the end or a clean error."""
    out, map_path, fixtures = args
    lp = libpcap_view(fixtures + "/README.md")
    last, _ = samples(out)
    ck = Checker()
    for cap, name in json.load(open(map_path)).items():
        e = "capture:" + cap
        packets, caplen, end = lp[name]
        if value(last, e, "up") == 0:
            # refused at open (a link type the mode cannot read): a clean error
            ck.eq(name + " refusal has a reason", bool(last[(e, "up")].get("text")), True)
            continue
        ck.eq(name + " packets", value(last, e, "packets_total"), packets)
        ck.eq(name + " captured bytes", value(last, e, "cap_bytes_total"), caplen)
        ck.eq(name + " read error", value(last, e, "read_error"), 0 if end.startswith("-2") else 1)
        malformed = value(last, e, "malformed_total")
        ck.eq(name + " malformed counted", malformed is not None and 0 <= malformed <= packets, True)
    return ck.done()


if __name__ == "__main__":
    cmds = {"conf": cmd_conf, "check": cmd_check, "malformed": cmd_malformed}
    sys.exit(cmds[sys.argv[1]](sys.argv[2:]))
