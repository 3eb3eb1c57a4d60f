#!/usr/bin/env python3
"""What wired:<room> and switch:sw must say for a room mapping, worked out
from a recording's expected TSV independently of the daemon. Usage:
  snmp_wired_rooms.py TSV SAMPLES.json SPEC.json
SPEC: {"uplink_ports": [...], "uplink_macs": N, "lldp": [ifIndex...],
       "rooms": [["room", {"ports": [...], "vlans": [...]}], ...]}
A pattern is a range "PREFIXa-b" on ifName, or a glob on ifName or
ifAlias (any case); the first room naming a port that is no uplink gets
it, when it is a socket (ethernet types 6 62 69 117, or no type). devices = the sum of its ports' MACs (the recordings share no MAC
between edge ports). Prints each difference; exit 1 on any."""
import csv
import fnmatch
import json
import re
import sys


def names(pattern, row):
    m = re.fullmatch(r"(.*?)(\d+)-(\d+)", pattern)
    if m:
        k = re.fullmatch(re.escape(m.group(1)) + r"(\d+)", row["ifname"])
        if k and int(m.group(2)) <= int(k.group(1)) <= int(m.group(3)):
            return True
    return any(t and fnmatch.fnmatch(t.lower(), pattern.lower())
               for t in (row["ifname"], row["ifalias"]))


def main():
    tsv, samples, spec = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
    rows = [r for r in csv.DictReader((l for l in open(tsv, encoding="utf-8") if not l.startswith("#")),
                                      delimiter="\t", quoting=csv.QUOTE_NONE)]
    got = {}
    for line in open(samples):
        s = json.loads(line)
        got.setdefault(s["entity"], {})[s["metric"]] = (s["value"], s.get("text", ""))
    want = {}
    uplinks = 0
    for r in rows:
        macs = int(r["macs_total"])
        vlans = {int(p.split(":")[0]) for p in r["macs_by_vlan"].split(",") if p}
        why = None
        if any(names(p, r) for p in spec.get("uplink_ports", [])):
            why = "uplink_ports"
        elif int(r["ifindex"]) in spec.get("lldp", []):
            why = "LLDP"
        elif spec.get("uplink_macs", 10) and macs >= spec.get("uplink_macs", 10):
            why = "MACs"
        port = got.get("port:sw/" + r["ifindex"], {})
        if why:
            uplinks += 1
            if why not in port.get("uplink", (0, ""))[1]:
                print("port %s: expected an uplink by %s, got %s" % (r["ifindex"], why, port.get("uplink")))
            continue
        for room, how in spec["rooms"]:
            if r["type"] not in ("", "6", "62", "69", "117"):
                break
            if any(names(p, r) for p in how.get("ports", [])) or vlans & set(how.get("vlans", [])):
                w = want.setdefault(room, {"ports": 0, "ports_up": 0, "ports_used": 0, "devices": 0})
                w["ports"] += 1
                w["ports_up"] += r["oper"] == "1"
                w["ports_used"] += macs > 0
                w["devices"] += macs
                if port.get("access", (0, ""))[1] != room:
                    print("port %s: expected access in %s, got %s" % (r["ifindex"], room, port.get("access")))
                break
    bad = 0
    for room, _ in spec["rooms"]:
        w = want.get(room, {"ports": 0, "ports_up": 0, "ports_used": 0, "devices": 0})
        w["ports_free"] = w["ports"] - w["ports_up"]
        for metric, v in sorted(w.items()):
            have = got.get("wired:" + room, {}).get(metric, (None,))[0]
            ok = have == v
            bad += not ok
            print("%s wired:%s %s expected %d got %s" % ("ok  " if ok else "MISS", room, metric, v, have))
    have = got.get("switch:sw", {}).get("uplinks", (None,))[0]
    print("%s switch:sw uplinks expected %d got %s" % ("ok  " if have == uplinks else "MISS", uplinks, have))
    bad += have != uplinks
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
