#!/usr/bin/env python3
"""Compare `headroomd -T` samples (JSON lines) for one snmprec recording
with the fixture's expected/*.tsv tables: per AP, per radio (radio:<ap>/<band>
and vap:<ap>/<if>), per SSID, the device's own totals and the interfaces.
Usage:
  snmp_check.py KIND SAMPLES EXPECTED_DIR COMMUNITY
Exit 0 when every number matches, 1 with the differences otherwise."""
import csv
import json
import re
import sys

kind, samples_path, expected_dir, community = sys.argv[1:5]
samples = {}
for line in open(samples_path):
    s = json.loads(line)
    samples[(s["entity"], s["metric"])] = s
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
        bands = {"cisco": {"type1": "2g4", "type2": "5g"},
                 "aruba": {"type1": "5g", "type3": "2g4"}}[kind]
        expect(entity, "clients", float(row["clients"]), text=name)
        for radio_type, band in bands.items():
            expect(entity, "clients_" + band, float(radios[radio_type]), text=name)
            expect("radio:%s/%s" % (planned.get(name, name), band), "clients",
                   float(radios[radio_type]))
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
    expect("target:dev", "aps", 4)
    expect("target:dev", "clients", 23)      # the sum of the SSIDs


def check_aruba():
    total = check_controller_aps({"ar6-inf1g1nce": "busiest"})
    if total != 6695:
        problems.append("Aruba total %d, want 6695" % total)
    expect("ap:busiest", "clients", 130, text="ar6-inf1g1nce")
    expect("target:dev", "clients", 2654)    # as the controller states it
    expect("target:dev", "aps", 1386)
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
        mhz = int(row["freq_mhz"])
        entity = ("radio:router/%s" % ("2g4" if mhz < 3000 else "5g") if mhz
                  else "vap:router/if%s" % row["ifIndex"])
        expect(entity, "clients", float(row["clients"]))


def check_unifi():
    expect("ap:<private>", "clients", 18, text="<private>")
    expect("ap:<private>", "clients_2g4", 4)
    expect("ap:<private>", "clients_5g", 14)
    expect("ap:<private>", "unplanned", 1)
    expect("ssid:homewifi_ac", "clients", 18)
    expect("ssid:vwire-d4aebb3212a82cd8", "clients", 0)
    band = {"ng": "2g4", "na": "5g"}
    per_band = {}
    for row in tsv("clients"):
        b = band[row["radio"]]
        per_band[b] = per_band.get(b, 0) + int(row["clients"])
    for b, n in per_band.items():
        expect("radio:<private>/" + b, "clients", n)


def check_ruckus(total, aps_metric, aps):
    rows = tsv("clients")
    names = [row["ssid"] for row in rows]
    for row in rows:
        # WLANs sharing an SSID stay apart, as NAME[wlan index]
        ssid = row["ssid"] if names.count(row["ssid"]) == 1 else "%s[%s]" % (
            row["ssid"], row["wlan_index"])
        expect("ssid:" + ssid, "clients", int(row["clients"]), text="dev")
    expect("target:dev", "clients", total)
    expect("target:dev", aps_metric, aps)
    if any(e.startswith("ap:") for (e, m) in samples):
        problems.append("a per-SSID-only controller produced AP samples")


checks = {
    "cisco": lambda: (check_cisco(), check_ifaces()),
    "aruba": lambda: (check_aruba(), check_ifaces()),
    "mikrotik": lambda: (check_mikrotik(), check_ifaces()),
    "unifi": lambda: (check_unifi(), check_ifaces()),
    "ruckus-sz": lambda: check_ruckus(146, "aps", 40),
    "ruckus-zd": lambda: check_ruckus(6, "aps#connected", 4),
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
