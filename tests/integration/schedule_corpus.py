#!/usr/bin/env python3
"""Every real export of the fixtures through headroomd --dump-schedule,
compared with the ground truth the fixtures' tools/truth.py computes
(the numbers of both READMEs): events, rooms, days, first and last start
in local wall clock and UTC, durations, per-room sessions, first/last
start and minutes, and every session's id, room, UTC start and length.

usage: schedule_corpus.py HEADROOMD FIXTURES TMPDIR
Prints one line per file, "exact" or its misses, then "N of M files exact".
Exit 0 when every file is exact, 1 otherwise.
"""
import argparse
import collections
import importlib.util
import io
import json
import os
import subprocess
import sys

# The schedule files of both folders; the XSD is no schedule.
FILES = [
    "schedule/pyconau-2024.schedule.xml",
    "schedule/pyconau-2024.schedule.json",
    "schedule/pyconau-2023.schedule.ics",
    "schedule/fosdem-2019.xml",
    "schedule/31c3.schedule.xml",
    "schedule/camp2019.frab.json",
    "schedule-corpus/36c3-merged.schedule.xml",
    "schedule-corpus/39c3-hub.schedule.xml",
    "schedule-corpus/fosdem-2021.xml",
    "schedule-corpus/fosdem-2007.xml",
    "schedule-corpus/lswt-2019.schedule.xml",
    "schedule-corpus/jres-2022.ics",
    "schedule-corpus/kielux-2020.ics",
    "schedule-corpus/scottishsummit-2026.sessionize.json",
]


def load_truth(fixtures):
    path = os.path.join(fixtures, "schedule-corpus", "tools", "truth.py")
    spec = importlib.util.spec_from_file_location("truth", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def expected(truth, path):
    """The truth of one file as the dump spells it."""
    args = argparse.Namespace(zone=None, json=True, files=[path])
    with io.StringIO() as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:
            R, evs, z = truth.analyse(path, args)
        finally:
            sys.stdout = stdout
    when = lambda t: {"local": truth.iso(t, z), "utc": truth.isoz(t)}
    per = collections.defaultdict(lambda: {"sessions": 0, "minutes": 0, "starts": []})
    for e in evs:
        r = per[e.room or "(no room)"]
        r["sessions"] += 1
        r["minutes"] += e.dur
        r["starts"].append(e.start)
    per_room = {name: {"sessions": r["sessions"], "minutes": r["minutes"],
                       "first": when(min(r["starts"])), "last": when(max(r["starts"]))}
                for name, r in per.items()}
    durs = [e.dur for e in evs]
    return {
        "zone": R["zone"], "zone_in_file": R["info"].get("zone_in_file") or "",
        "events": R["events"], "rooms": R["rooms"], "days": len(R["dates"]),
        "first": when(R["first"]), "last": when(R["last"]),
        "dur": [min(durs), max(durs), sum(durs)],
        "per_room": per_room,
        "sessions": collections.Counter(
            (str(e.id), e.room, truth.isoz(e.start), e.dur) for e in evs),
        "titles": collections.Counter(e.title for e in evs),
    }


def dump(headroomd, path, zone, tmp):
    conf = os.path.join(tmp, "corpus.conf")
    tz = ' timezone = "%s"' % zone if zone else ""
    with open(conf, "w") as f:
        f.write('event "corpus" { attendees = 1000  schedule = "%s"%s }\n' % (path, tz))
    p = subprocess.run([headroomd, "--dump-schedule", "-c", conf], capture_output=True)
    if p.returncode != 0:
        return None, p.stderr.decode("utf-8", "replace").strip().splitlines()[:3]
    return json.loads(p.stdout), []


def compare(want, got):
    """The misses of got against want, as short phrases."""
    miss = []
    for key in ("events", "rooms", "days"):
        if got.get(key) != want[key]:
            miss.append("%s %s, truth %s" % (key, got.get(key), want[key]))
    for key in ("first", "last"):
        if got.get(key) != want[key]:
            miss.append("%s %s, truth %s" % (key, got.get(key), want[key]))
    mins = [s["minutes"] for s in got.get("sessions", [])]
    dur = [min(mins), max(mins), sum(mins)] if mins else []
    if dur != want["dur"]:
        miss.append("minutes min/max/sum %s, truth %s" % (dur, want["dur"]))
    rooms = got.get("per_room", {})
    for name, w in sorted(want["per_room"].items()):
        g = rooms.get(name)
        if g is None:
            miss.append("room %r missing" % name)
            continue
        for key in ("sessions", "minutes", "first", "last"):
            if g[key] != w[key]:
                miss.append("room %r %s %s, truth %s" % (name, key, g[key], w[key]))
    for name in sorted(set(rooms) - set(want["per_room"])):
        miss.append("room %r not in the truth" % name)
    have = collections.Counter((s["id"], s["room"], s["start"]["utc"], s["minutes"])
                               for s in got.get("sessions", []))
    extra, lost = have - want["sessions"], want["sessions"] - have
    for s in list(lost.elements())[:3]:
        miss.append("session id %s %r %s %d min missing" % s)
    for s in list(extra.elements())[:3]:
        miss.append("session id %s %r %s %d min not in the truth" % s)
    titles = collections.Counter(s["title"] for s in got.get("sessions", []))
    for t in list((want["titles"] - titles).elements())[:3]:
        miss.append("title %r missing" % t)
    return miss


def main():
    headroomd, fixtures, tmp = sys.argv[1:4]
    truth = load_truth(fixtures)
    exact = 0
    for rel in FILES:
        path = os.path.join(fixtures, rel)
        want = expected(truth, path)
        # the config names the venue's zone only when the file does not
        got, err = dump(headroomd, path, "" if want["zone_in_file"] else want["zone"], tmp)
        miss = err if got is None else compare(want, got)
        if got is not None and got.get("zone") != want["zone"]:
            miss.insert(0, "zone %s, truth %s" % (got.get("zone"), want["zone"]))
        name = os.path.basename(rel)
        if miss:
            print("MISS %s: %s" % (name, "; ".join(miss[:8])))
        else:
            exact += 1
            print("exact %s: %d events, %d rooms, %d days, %s .. %s" % (
                name, want["events"], want["rooms"], want["days"], want["first"]["local"],
                want["last"]["local"]))
    print("%d of %d files exact" % (exact, len(FILES)))
    return 0 if exact == len(FILES) else 1


if __name__ == "__main__":
    sys.exit(main())
