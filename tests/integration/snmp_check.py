#!/usr/bin/env python3
"""Compare `headroomd -T` samples (JSON lines) for one snmprec recording
with the fixture's expected/*.tsv tables. Usage:
  snmp_check.py KIND SAMPLES LOG EXPECTED_DIR COMMUNITY
Exit 0 when every number matches, 1 with the differences otherwise."""
import csv
import json
import re
import sys

kind, samples_path, log_path, expected_dir, community = sys.argv[1:6]
samples = {}
for line in open(samples_path):
    s = json.loads(line)
    samples[(s["entity"], s["metric"])] = s
log = open(log_path).read()
problems = []


def value(entity, metric):
    s = samples.get((entity, metric))
    return None if s is None else s["value"]


def expect(entity, metric, want, text=None):
    got = value(entity, metric)
    if got is None or want is None and got is not None or abs(got - want) > 1e-6 * max(1, abs(want)):
        problems.append("%s %s: got %r, want %r" % (entity, metric, got, want))
    elif text is not None and samples[(entity, metric)].get("text") != text:
        problems.append("%s %s: text %r, want %r" % (entity, metric,
                        samples[(entity, metric)].get("text"), text))


def absent(entity, metric):
    if (entity, metric) in samples:
        problems.append("%s %s: present, want absent" % (entity, metric))


def tsv(name):
    with open("%s/%s.%s.tsv" % (expected_dir, community, name)) as f:
        return list(csv.DictReader(f, delimiter="\t"))


# Per-radio and per-WLAN rows are only in the -d log: -T prints their sums
# per AP and SSID. The row lines stay checked there until -T or the API
# gives each row (a radio:/wlan: entity with its clients would).
def log_row(pattern):
    if not re.search(pattern, log, re.M):
        problems.append("log lacks a line matching %r" % pattern)


def check_ifaces():
    for row in tsv("ifaces"):
        e = "uplink:if%s" % row["ifIndex"]
        expect(e, "octets_in_total", float(row["ifHCInOctets"]))
        expect(e, "octets_out_total", float(row["ifHCOutOctets"]))
        speed = float(row["ifHighSpeed_Mbps"])
        if speed > 0:
            expect(e, "capacity_mbps", speed)
        else:
            absent(e, "capacity_mbps")
        absent(e, "bps_in")


def check_controller_aps(planned):
    """Cisco and Aruba: one row per AP with per-radio counts by band."""
    rows = tsv("clients")
    total = 0
    for row in rows:
        name = row["ap_name"]
        entity = "ap:" + planned.get(name, name)
        radios = dict(re.findall(r"\((type\d)\)=(\d+)", row["per_radio"]))
        bands = {"cisco": {"type1": "clients_2g4", "type2": "clients_5g"},
                 "aruba": {"type1": "clients_5g", "type3": "clients_2g4"}}[kind]
        expect(entity, "clients", float(row["clients"]), text=name)
        for radio_type, metric in bands.items():
            expect(entity, metric, float(radios[radio_type]), text=name)
        if name in planned:
            absent(entity, "unplanned")
        else:
            expect(entity, "unplanned", 1)
        total += int(row["clients"])
    aps = {e for (e, m) in samples if e.startswith("ap:") and m == "clients"}
    if len(aps) != len(rows):
        problems.append("%d AP entities, want %d" % (len(aps), len(rows)))
    return total


def check_cisco():
    total = check_controller_aps({"ap2": "hall-2"})
    if total != 23:
        problems.append("Cisco total %d, want 23" % total)
    expect("ssid:ssid1", "clients", 23, text="dev")
    for ssid in ("MGMT", "ssid2", "ssid3", "DEFAULT_RLAN"):
        expect("ssid:" + ssid, "clients", 0)
    expect("target:dev", "controller_aps", 4)


def check_aruba():
    total = check_controller_aps({"ar6-inf1g1nce": "busiest"})
    if total != 6695:
        problems.append("Aruba total %d, want 6695" % total)
    expect("ap:busiest", "clients", 130, text="ar6-inf1g1nce")
    expect("target:dev", "controller_clients", 2654)
    expect("target:dev", "controller_aps", 1386)
    fives = sum(v["value"] for (e, m), v in samples.items() if m == "clients_5g")
    twos = sum(v["value"] for (e, m), v in samples.items() if m == "clients_2g4")
    if (fives, twos) != (3961, 2734):
        problems.append("Aruba 5 GHz / 2.4 GHz sums %s / %s, want 3961 / 2734" % (fives, twos))


def check_mikrotik():
    # The device is the AP, matched by address; its name is sysName.
    expect("ap:router", "clients", 11, text="<private>")
    expect("ap:router", "clients_2g4", 7)
    expect("ap:router", "clients_5g", 0)
    absent("ap:router", "unplanned")
    expect("ssid:WARKOP-KOPIBOSS-B", "clients", 7, text="dev")
    expect("ssid:WARKOP-KOPIBOSS-A", "clients", 0)
    expect("ssid:WARKOP-KOPIBOSS", "clients", 4)
    for row in tsv("clients"):
        log_row(r'radio %s ap "<private>" band \S+ ssid "%s" clients %s$'
                % (row["ifIndex"], re.escape(row["ssid"]), row["clients"]))


def check_unifi():
    expect("ap:<private>", "clients", 18, text="<private>")
    expect("ap:<private>", "clients_2g4", 4)
    expect("ap:<private>", "clients_5g", 14)
    expect("ap:<private>", "unplanned", 1)
    expect("ssid:homewifi_ac", "clients", 18)
    expect("ssid:vwire-d4aebb3212a82cd8", "clients", 0)
    band = {"ng": "2g4", "na": "5g"}
    for row in tsv("clients"):
        log_row(r'radio %s ap "<private>" band %s ssid "%s" clients %s$'
                % (row["vap_index"], band[row["radio"]], re.escape(row["essid"]), row["clients"]))


def check_ruckus(total, aps):
    rows = tsv("clients")
    sums = {}
    for row in rows:
        sums[row["ssid"]] = sums.get(row["ssid"], 0) + int(row["clients"])
        log_row(r'wlan %s ssid "%s" clients %s$' % (row["wlan_index"], re.escape(row["ssid"]),
                                                    row["clients"]))
    for ssid, n in sums.items():
        expect("ssid:" + ssid, "clients", n, text="dev")
    expect("target:dev", "controller_clients", total)
    expect("target:dev", "controller_aps", aps)
    if any(e.startswith("ap:") for (e, m) in samples):
        problems.append("a per-SSID-only controller produced AP samples")


checks = {
    "cisco": lambda: (check_cisco(), check_ifaces()),
    "aruba": lambda: (check_aruba(), check_ifaces()),
    "mikrotik": lambda: (check_mikrotik(), check_ifaces()),
    "unifi": lambda: (check_unifi(), check_ifaces()),
    "ruckus-sz": lambda: check_ruckus(146, 40),
    "ruckus-zd": lambda: check_ruckus(6, 4),
}
checks[kind]()
expect("target:dev", "up", 1)
expect("target:dev", "errors_total", 0)
if problems:
    print("%s: %d problems" % (community, len(problems)))
    for p in problems[:40]:
        print("  " + p)
    sys.exit(1)
print("%s: %d samples match" % (community, len(samples)))
