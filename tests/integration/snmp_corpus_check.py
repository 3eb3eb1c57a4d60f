#!/usr/bin/env python3
"""Check `headroomd -T` samples of every recording of the wide corpus
against its expected/<community>.tsv. Usage:
  snmp_corpus_check.py EXPECTED_DIR SAMPLES_DIR COMMUNITY...
SAMPLES_DIR/<community>.json holds the JSON lines of one run polling that
recording as target "dev", with `ap "self"` configured at the target's
address (so a device that is itself the AP reports as ap:self).

Every expected row of class clients (scopes ap, radio, ssid, total, other)
and utilization must be a sample of exactly that value; ap-count rows are
compared too and reported, but do not make a file inexact. Keys map to
samples (collectors/snmp.h):
  ap K                  ap:K clients
  radio A/B[/R]         radio:A/B[/R] clients
  utilization A/B[#V]   radio:A/B utilization[#V]
  ssid S                ssid:S clients;  S/<band> -> ssid:S clients_<band>
  total total           target:dev clients  (ap-count: aps, total#V: aps#V)
  other vap:X           vap:self/X clients
Prints one line per file and `N of M files exact`; exit 1 unless all are."""
import csv
import json
import math
import sys

BANDS = ("2g4", "5g", "6g", "3g5", "60g", "unk")


def samples_of(path):
    got = {}
    try:
        for line in open(path):
            s = json.loads(line)
            got[(s["entity"], s["metric"])] = s["value"]
    except FileNotFoundError:
        pass
    return got


def sample_key(cls, scope, key):
    """The (entity, metric) a TSV row is checked against, or None."""
    if cls == "clients":
        if scope == "ap":
            return ("ap:" + key, "clients")
        if scope == "radio":
            return ("radio:" + key, "clients")
        if scope == "ssid":
            name, _, band = key.rpartition("/")
            if name and band in BANDS:
                return ("ssid:" + name, "clients_" + band)
            return ("ssid:" + key, "clients")
        if scope == "total":
            return ("target:dev", "clients")
        if scope == "other" and key.startswith("vap:"):
            return ("vap:self/" + key[4:], "clients")
        return None
    if cls == "utilization" and scope == "radio":
        radio, _, variant = key.partition("#")
        return ("radio:" + radio, "utilization#" + variant if variant else "utilization")
    if cls == "ap-count" and scope == "total":
        _, _, variant = key.partition("#")
        return ("target:dev", "aps#" + variant if variant else "aps")
    return None


def same(a, b):
    return a is not None and not math.isnan(a) and abs(a - b) <= 1e-9 * max(1.0, abs(b))


def check(expected_dir, samples_dir, community):
    got = samples_of("%s/%s.json" % (samples_dir, community))
    misses, notes, rows = [], [], 0
    with open("%s/%s.tsv" % (expected_dir, community)) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            cls, scope, key = row["class"], row["scope"], row["key"]
            want = float(row["value"])
            sk = sample_key(cls, scope, key)
            if sk is None:
                if cls != "ap-count":
                    misses.append("%s %s %s: no sample name for this row" % (cls, scope, key))
                continue
            value = got.get(sk)
            ok = same(value, want)
            line = "%s %s %s: expected %s, got %s (%s %s)" % (
                cls, scope, key, row["value"], "none" if value is None else value, sk[0], sk[1])
            if cls == "ap-count":
                if not ok:
                    notes.append(line)
                continue
            rows += 1
            if not ok:
                misses.append(line)
    if got.get(("target:dev", "up")) != 1:
        misses.append("target:dev up: %s" % got.get(("target:dev", "up")))
    return rows, misses, notes


def main():
    expected_dir, samples_dir = sys.argv[1], sys.argv[2]
    communities = sys.argv[3:]
    exact = 0
    for c in communities:
        rows, misses, notes = check(expected_dir, samples_dir, c)
        if misses:
            print("MISS  %s: %d of %d rows wrong" % (c, len(misses), rows))
            for m in misses[:20]:
                print("      " + m)
            if len(misses) > 20:
                print("      ... %d more" % (len(misses) - 20))
        else:
            exact += 1
            print("exact %s: %d rows" % (c, rows))
        for n in notes:
            print("      note (ap-count): " + n)
    print("%d of %d files exact" % (exact, len(communities)))
    return 0 if exact == len(communities) else 1


sys.exit(main())
