#!/usr/bin/env python3
"""Check `headroomd -T` samples of every switch recording of snmprec-wired
against its expected/<community>.tsv. Usage:
  snmp_wired_check.py EXPECTED_DIR SAMPLES_DIR COMMUNITY...
SAMPLES_DIR/<community>.json holds the JSON lines of one run polling that
recording as target "sw" (kind = "switch", uplink_macs = 10, LLDP on).

Per port (port:sw/<ifIndex>): oper, type, speed_mbps (empty in the TSV:
no sample or NaN), macs (macs_total) and macs#<vlan> (macs_by_vlan, and
no other VLAN). The summary row against switch:sw: eth_ports -> ports,
eth_up -> ports_up, ports_with_macs, learned_macs_total -> macs,
distinct_macs, fdb_rows, fdb_rows_counted -> fdb_counted, the count of
uplinks_ge_min -> uplinks_macs, of lldp_ports -> uplinks_lldp,
edge_ports_with_macs -> edge_ports, edge_macs. Every ifIndex the TSV lists
must be a port, and no other. Prints one line per switch and
`N of M switches exact`; exit 1 unless all are."""
import csv
import json
import math
import sys


def samples_of(path):
    got = {}
    try:
        for line in open(path):
            s = json.loads(line)
            got.setdefault(s["entity"], {})[s["metric"]] = s["value"]
    except FileNotFoundError:
        pass
    return got


def num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def count_list(text):
    return 0 if text in ("", "-") else len(text.split(","))


def check(expected_dir, samples_dir, community):
    got = samples_of("%s/%s.json" % (samples_dir, community))
    misses = []
    seen = set()
    summary = {}
    with open("%s/%s.tsv" % (expected_dir, community), encoding="utf-8") as f:
        lines = f.read().split("\n")
    rows = [l for l in lines if l and not l.startswith("#")]
    for l in lines:
        if l.startswith("#summary"):
            summary = dict(kv.split("=", 1) for kv in l.split("\t")[1:])
    for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
        ent = "port:sw/" + row["ifindex"]
        seen.add(ent)
        port = got.get(ent)
        if port is None:
            misses.append("%s: no samples" % ent)
            continue
        for col, metric in (("oper", "oper"), ("type", "type"), ("speed_mbps", "speed_mbps"),
                            ("macs_total", "macs")):
            want = int(row[col]) if row[col] != "" else None
            have = num(port.get(metric))
            if want != (None if have is None else int(have)):
                misses.append("%s %s: expected %s, got %s" % (ent, metric, want, have))
        want_v = {}
        if row["macs_by_vlan"]:
            for part in row["macs_by_vlan"].split(","):
                vl, n = part.split(":")
                want_v[int(vl)] = int(n)
        have_v = {int(m[5:]): int(v) for m, v in port.items() if m.startswith("macs#")}
        if want_v != have_v:
            misses.append("%s macs by VLAN: expected %s, got %s" % (ent, want_v, have_v))
    extra = [e for e in got if e.startswith("port:sw/") and e not in seen]
    if extra:
        misses.append("ports not in the TSV: %s" % ", ".join(sorted(extra)[:5]))
    sw = got.get("switch:sw", {})
    pairs = (("eth_ports", "ports", int), ("eth_up", "ports_up", int),
             ("ports_with_macs", "ports_with_macs", int), ("learned_macs_total", "macs", int),
             ("distinct_macs", "distinct_macs", int), ("fdb_rows", "fdb_rows", int),
             ("fdb_rows_counted", "fdb_counted", int),
             ("uplinks_ge_min", "uplinks_macs", count_list),
             ("lldp_ports", "uplinks_lldp", count_list),
             ("edge_ports_with_macs", "edge_ports", int), ("edge_macs", "edge_macs", int))
    for key, metric, conv in pairs:
        want = conv(summary.get(key, "-"))
        have = num(sw.get(metric))
        if have is None or int(have) != want:
            misses.append("summary %s (switch:sw %s): expected %s, got %s" % (key, metric, want, have))
    return misses, len(seen)


def main():
    expected_dir, samples_dir, communities = sys.argv[1], sys.argv[2], sys.argv[3:]
    exact = 0
    for c in communities:
        misses, ports = check(expected_dir, samples_dir, c)
        if misses:
            print("MISS  %s: %d of its checks differ (%d ports)" % (c, len(misses), ports))
            for m in misses[:10]:
                print("      " + m)
        else:
            exact += 1
            print("exact %s (%d ports)" % (c, ports))
    print("%d of %d switches exact" % (exact, len(communities)))
    return 0 if exact == len(communities) else 1


if __name__ == "__main__":
    sys.exit(main())
