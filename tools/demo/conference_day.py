#!/usr/bin/python3
"""The demo's conference day: a PyCon-sized venue (1,200 attendees, six
rooms, 24 APs on one wireless controller, a core switch with a 500 Mbit/s
ISP uplink) and who is where, minute by minute, from doors open to the
evening drain.

The day is written once as a script of keyframes (TIMELINE) and expanded
here into per-minute series. `generate` writes them to day.json together
with snmpsim recordings whose values point at those series; the snmpsim
variation module `conferenceday` (tools/demo/snmpsim/) answers each GET
from day.json at the moment of the request, mapping wall time to day time
with the speed factor. Interface counters are the integral of the scripted
Mbit/s over wall time, so a poller sees exactly the scripted rates at any
speed and the counters only ever grow.

Subcommands:
  generate --out DIR [--speed N] [--start HH:MM]   day.json + snmpsim data
  start-clock DAY_JSON                               the day starts now (rewrites start_wall)
  narrate DAY_JSON                                   print the day's events as they happen
  expect                                             the script's peaks, as JSON (for tests)
  venue                                              rooms and AP names, one per line
  daytime DAY_JSON [EPOCH]                           day time (HH:MM) at EPOCH (default now)
  schedule --out FILE (--day DAY_JSON | --date DATE) the programme as frab schedule XML:
                                                     on the day's wall clock (at its speed),
                                                     or in real time on DATE (UTC)
  day-clock --day DAY_JSON --state DIR --out DIR     the demo's store and alert log moved
                                                     onto the script's clock (see below)

The day clock: at SPEED=N headroomd records on the wall clock, so a day
from 08:30 to 22:00 lands in the store as 13.5/N hours. `day-clock`
rewrites the first run through the day onto the script's own clock, the
day the demo started (local time): every row at wall time t moves to
start of day + (t - start_wall) x N, each RRD file's step grows about N
times (to a divisor of five minutes),
the alert log's times move the same way and the programme is written on
that clock. What the demo recorded after the day looped is left out, so
`make demo-report` (tools/demo/demo-report) shows one day, hour by hour.
"""
import argparse
import calendar
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import time
from xml.sax.saxutils import escape

DAY_BEGIN = "07:30"
DAY_END = "22:00"

# name, AP name stem, seats, number of APs, common area
ROOMS = [
    ("main-hall", "MainHall", 550, 8, False),
    ("room-a", "RoomA", 200, 3, False),
    ("room-b", "RoomB", 200, 3, False),
    ("room-c", "RoomC", 120, 2, False),
    ("sprints", "Sprints", 100, 2, False),
    ("lobby", "Lobby", 300, 6, True),
]
AP_MAX_CLIENTS = 80          # per AP, as in config/demo.conf
UPLINK_CAPACITY_MBPS = 500   # the ISP contract, as in config/demo.conf
UPLINK_PORT_MBPS = 1000      # ifHighSpeed of the switch port
SHARE_5GHZ = 0.72
SSIDS = [(1, "PyCon", 0.86), (2, "PyCon-Legacy", 0.11), (3, "PyCon-Staff", 0.03)]

# Clients online per room and the ISP uplink's Mbit/s (in = download),
# linearly interpolated between keyframes.
#          time    main  a    b    c   sprints lobby  in   out  what happens
TIMELINE = [
    ("07:30",    3,   0,   0,   0,   2,    8,    4,   2, "Volunteers set up; the venue Wi-Fi is on"),
    ("08:00",   10,   2,   2,   1,   3,   60,   25,   8, "Doors open: registration starts in the lobby"),
    ("08:40",   90,   8,   6,   4,   5,  390,  140,  35, "Registration rush in the lobby"),
    ("09:05",  480,  10,   8,   5,   6,  220,  190,  45, "Everyone heads to the main hall"),
    ("09:20",  715,  12,  10,   6,   6,   70,  270,  70, "Keynote: the main hall is packed, above its APs' capacity"),
    ("09:55",  725,  12,  10,   6,   6,   65,  280,  75, "Keynote ends"),
    ("10:10",  260,  40,  35,  20,  10,  360,  230,  55, "Coffee break in the lobby"),
    ("10:35",  330, 170, 160, 100,  35,  110,  230,  55, "Talks in the parallel rooms"),
    ("12:10",  310, 180, 150, 105,  40,  120,  240,  55, "Last talk before lunch"),
    ("12:35",   70,  25,  20,  15,  20,  440,  430,  90, "Lunch: the lobby peaks, the uplink warns"),
    ("13:15",   60,  20,  20,  12,  20,  450,  445,  95, "Lunch ends"),
    ("13:35",  290, 175, 170, 100,  55,  130,  250,  60, "Afternoon talks"),
    ("15:00",  280, 165, 160,  95,  60,  140,  240,  60, "Last afternoon talk"),
    ("15:20",  120,  40,  35,  25,  70,  400,  260,  70, "Coffee break in the lobby"),
    ("15:45",  200, 120, 110,  60, 135,  150,  360, 140, "Afternoon sprints: package installs and container pulls"),
    ("16:50",  210, 110, 100,  55, 140,  140,  370, 150, "Sprints wind down"),
    ("17:10",  530,  30,  25,  15,  60,  120,  300,  80, "Lightning talks in the main hall"),
    ("18:00",  500,  20,  20,  10,  50,  130,  280,  70, "Closing"),
    ("18:20",   90,  10,   8,   5,  40,  260,  150,  40, "Evening drain: people leave"),
    ("19:30",   20,   3,   3,   2,  25,  140,   70,  20, "Social in the lobby"),
    ("21:00",    5,   0,   0,   0,   8,   40,   20,   6, "Last people leave"),
    ("22:00",    2,   0,   0,   0,   2,    6,    5,   2, "Venue closes"),
]

# The programme the TIMELINE follows: room, from, to, title, type (frab).
PROGRAMME = [
    ("main-hall", "09:20", "09:55", "Opening keynote", "keynote"),
    ("lobby", "10:00", "10:30", "Coffee break", "break"),
    ("main-hall", "10:35", "11:20", "Typing the untyped", "talk"),
    ("room-a", "10:35", "11:20", "Packaging in 2027", "talk"),
    ("room-b", "10:35", "11:20", "Async all the way down", "talk"),
    ("room-c", "10:35", "11:20", "Teaching Python to scientists", "talk"),
    ("main-hall", "11:25", "12:10", "The state of the interpreter", "talk"),
    ("room-a", "11:25", "12:10", "Testing with hypotheses", "talk"),
    ("room-b", "11:25", "12:10", "Data pipelines that survive Monday", "talk"),
    ("room-c", "11:25", "12:10", "Accessible web apps", "talk"),
    ("lobby", "12:20", "13:30", "Lunch", "break"),
    ("main-hall", "13:35", "14:15", "Profiling in production", "talk"),
    ("room-a", "13:35", "14:15", "Rust extensions for Pythonistas", "talk"),
    ("room-b", "13:35", "14:15", "Geospatial notebooks", "talk"),
    ("room-c", "13:35", "14:15", "Community governance", "talk"),
    ("main-hall", "14:20", "15:00", "Security for maintainers", "talk"),
    ("room-a", "14:20", "15:00", "Databases without fear", "talk"),
    ("room-b", "14:20", "15:00", "Music with Python", "talk"),
    ("room-c", "14:20", "15:00", "Your first contribution", "talk"),
    ("lobby", "15:05", "15:40", "Coffee break", "break"),
    ("sprints", "15:45", "17:00", "Sprints", "workshop"),
    ("main-hall", "17:10", "18:00", "Lightning talks", "talk"),
    ("main-hall", "18:00", "18:20", "Closing", "plenary"),
]

# Channel utilisation (percent of the time the channel is busy) follows
# the clients on a radio: a floor of beacons and neighbours plus a share
# per client, more on 2.4 GHz where every frame is slow.
UTIL_FLOOR = {0: 9.0, 1: 4.0}         # bsnAPIfLoadChannelUtilization by slot
UTIL_PER_CLIENT = {0: 1.1, 1: 0.8}
UTIL_MAX = 96
# A busy-channel episode: a neighbour's video link lands on a room's
# 5 GHz channel. Its airtime goes to warn (50%) while its clients stay
# well inside the APs' capacity: more APs would not help.
#   room, slot, from, to, extra busy percent, what happens
BUSY_CHANNEL = ("room-c", 1, "14:25", "14:55", 26,
                "Busy channel: a neighbour's video link lands on room C's 5 GHz channel "
                "(airtime above 50%, clients fine)")

# The sprint room's access switch: 48 ports on the sprint tables. Laptops
# plug in when the sprints start, and leave with them; the count on
# cables, linearly interpolated between keyframes (day time, devices).
SPRINT_SWITCH_PORTS = 48
SPRINT_WIRED = [
    ("07:30", 0), ("15:40", 0), ("15:55", 30), ("16:20", 44), ("16:50", 40),
    ("17:05", 6), ("17:30", 0), ("22:00", 0),
]
SPRINT_VLAN = 20
SPRINT_UPLINK_IFINDEX = 49   # Te1/1/1 to the core switch: its MACs, an LLDP neighbour

# Other switch ports: distribution links to the room switches, carrying
# shares of the uplink's traffic in the opposite direction.
SWITCH_PORTS = [
    # ifIndex, ifName, ifAlias, share of the uplink
    (1, "Te1/0/1", "dist: main hall", 0.45),
    (2, "Te1/0/2", "dist: rooms A-C and sprints", 0.30),
    (3, "Te1/0/3", "dist: lobby and catering", 0.25),
    (48, "Te1/0/48", "ISP uplink (500M contract)", None),
]
UPLINK_IFINDEX = 48
COUNTER_BASE = 3_100_000_000_000   # octets since the switch booted, > 2^32
UPTIME_BASE_TICKS = 42 * 86400 * 100
NOISE = 0.04
SEED = 2027

WLC = "1.3.6.1.4.1.14179"
IF_TABLE = "1.3.6.1.2.1.2.2.1"
IFX_TABLE = "1.3.6.1.2.1.31.1.1.1"


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def hhmm(minute):
    minute = int(round(minute)) % (24 * 60)
    return "%02d:%02d" % (minute // 60, minute % 60)


def aps():
    """Every AP: (room index, AP index in room, name, MAC octets, weight)."""
    out = []
    for r, (room, stem, _seats, n, _common) in enumerate(ROOMS):
        # APs near the doors carry more than those at the back.
        weights = [1.0 + 0.12 * (1 - 2 * k / max(n - 1, 1)) for k in range(n)]
        mean = sum(weights) / n
        for k in range(n):
            mac = (0xF4, 0xDB, 0xE6, 0x10 + r, 0x20, 0x10 + k)
            out.append((r, k, "AP-%s-%d" % (stem, k + 1), mac, weights[k] / mean))
    return out


def keyframe_value(day_minute, column):
    """The TIMELINE column (1-based after the time) at day_minute."""
    frames = [(minutes(f[0]), f[column]) for f in TIMELINE]
    if day_minute <= frames[0][0]:
        return frames[0][1]
    for (t0, v0), (t1, v1) in zip(frames, frames[1:]):
        if day_minute <= t1:
            return v0 + (v1 - v0) * (day_minute - t0) / (t1 - t0)
    return frames[-1][1]


def utilization(room, slot, minute, clients, rng):
    """A radio's busy percent at a minute of the day: its clients, and the
    busy-channel episode where the script has one."""
    busy = UTIL_FLOOR[slot] + UTIL_PER_CLIENT[slot] * clients
    b_room, b_slot, b_from, b_to, extra, _what = BUSY_CHANNEL
    if room == b_room and slot == b_slot and minutes(b_from) <= minute < minutes(b_to):
        busy += extra
    return int(round(min(UTIL_MAX, busy * (1 + rng.uniform(-NOISE, NOISE)))))


def sprint_wired(day_minute):
    """Devices on the sprint switch's cables at day_minute."""
    frames = [(minutes(t), v) for t, v in SPRINT_WIRED]
    for (t0, v0), (t1, v1) in zip(frames, frames[1:]):
        if t0 <= day_minute <= t1:
            return int(round(v0 + (v1 - v0) * (day_minute - t0) / (t1 - t0)))
    return 0


def day_series():
    """Per-minute series of the whole day, keyed by the names the snmprec
    records use."""
    begin, end = minutes(DAY_BEGIN), minutes(DAY_END)
    rng = random.Random(SEED)
    series = {}
    n = end - begin + 1
    ap_list = aps()
    for _r, _k, name, _mac, _w in ap_list:
        series["ap:%s:0" % name] = []
        series["ap:%s:1" % name] = []
        series["util:%s:0" % name] = []
        series["util:%s:1" % name] = []
    for _i, ssid, _share in SSIDS:
        series["ssid:%s" % ssid] = []
    series["uplink:in_mbps"] = []
    series["uplink:out_mbps"] = []
    series["wired:sprints"] = []
    series["room_total"] = {room[0]: [] for room in ROOMS}
    for m in range(n):
        minute = begin + m
        total = 0
        for r, _k, name, _mac, weight in ap_list:
            room_clients = keyframe_value(minute, 1 + r)
            per_ap = room_clients / ROOMS[r][3] * weight * (1 + rng.uniform(-NOISE, NOISE))
            clients = max(0, int(round(per_ap)))
            five = int(round(clients * SHARE_5GHZ))
            series["ap:%s:0" % name].append(clients - five)
            series["ap:%s:1" % name].append(five)
            for slot, n in ((0, clients - five), (1, five)):
                series["util:%s:%d" % (name, slot)].append(
                    utilization(ROOMS[r][0], slot, minute, n, rng))
            total += clients
        for r, room in enumerate(ROOMS):
            series["room_total"][room[0]].append(
                sum(series["ap:%s:0" % a[2]][m] + series["ap:%s:1" % a[2]][m]
                    for a in ap_list if a[0] == r))
        for _i, ssid, share in SSIDS:
            series["ssid:%s" % ssid].append(int(round(total * share)))
        series["wired:sprints"].append(sprint_wired(minute))
        jitter = 1 + rng.uniform(-NOISE, NOISE)
        series["uplink:in_mbps"].append(round(keyframe_value(minute, 7) * jitter, 2))
        series["uplink:out_mbps"].append(round(keyframe_value(minute, 8) * jitter, 2))
    return series


def cumulative_octets(mbps):
    """Octets carried from the start of the day to the start of each minute
    (and one past the end), at the scripted rate held for each minute."""
    cum = [0]
    for rate in mbps:
        cum.append(cum[-1] + int(rate * 1e6 / 8 * 60))
    return cum


def counter_series(series):
    """Cumulative octet series for every switch port."""
    up_in = cumulative_octets(series["uplink:in_mbps"])
    up_out = cumulative_octets(series["uplink:out_mbps"])
    out = {}
    for ifindex, _name, _alias, share in SWITCH_PORTS:
        if share is None:
            out["if%d:in" % ifindex], out["if%d:out" % ifindex] = up_in, up_out
        else:
            # A distribution port sends what the uplink receives.
            out["if%d:in" % ifindex] = [int(v * share) for v in up_out]
            out["if%d:out" % ifindex] = [int(v * share) for v in up_in]
    return out


# ---- snmprec ----

def oid_key(oid):
    return tuple(int(x) for x in oid.split("."))


def snmprec_text(records):
    return "".join("%s|%s|%s\n" % r for r in sorted(records, key=lambda r: oid_key(r[0])))


def system_group(descr, object_id, name, location):
    return [
        ("1.3.6.1.2.1.1.1.0", "4", descr),
        ("1.3.6.1.2.1.1.2.0", "6", object_id),
        ("1.3.6.1.2.1.1.3.0", "67:conferenceday", "uptime"),
        ("1.3.6.1.2.1.1.4.0", "4", "noc@pycon.example"),
        ("1.3.6.1.2.1.1.5.0", "4", name),
        ("1.3.6.1.2.1.1.6.0", "4", location),
        ("1.3.6.1.2.1.1.7.0", "2", "6"),
    ]


def wlc_records():
    recs = system_group("Cisco Controller (demo venue, simulated)", "1.3.6.1.4.1.9.1.2170",
                        "demo-wlc", "PyCon demo venue, NOC")
    for r, k, name, mac, _w in aps():
        idx = ".".join(str(b) for b in mac)
        recs += [
            ("%s.2.2.1.1.1.%s" % (WLC, idx), "4x", "".join("%02x" % b for b in mac)),
            ("%s.2.2.1.1.2.%s" % (WLC, idx), "2", "2"),
            ("%s.2.2.1.1.3.%s" % (WLC, idx), "4", name),
            ("%s.2.2.1.1.4.%s" % (WLC, idx), "4", ROOMS[r][0]),
            ("%s.2.2.1.1.6.%s" % (WLC, idx), "2", "1"),
        ]
        for slot in (0, 1):
            sidx = "%s.%d" % (idx, slot)
            recs += [
                ("%s.2.2.2.1.1.%s" % (WLC, sidx), "66", str(slot)),
                # bsnAPIfType: 1 = dot11b (2.4 GHz), 2 = dot11a (5 GHz)
                ("%s.2.2.2.1.2.%s" % (WLC, sidx), "2", "1" if slot == 0 else "2"),
                ("%s.2.2.2.1.15.%s" % (WLC, sidx), "65:conferenceday", "g=ap:%s:%d" % (name, slot)),
                # bsnAPIfLoadChannelUtilization: percent busy
                ("%s.2.2.13.1.3.%s" % (WLC, sidx), "2:conferenceday", "g=util:%s:%d" % (name, slot)),
            ]
    # clsSysApConnectCount (CISCO-LWAPP-SYS-MIB): APs joined to the controller
    recs.append(("1.3.6.1.4.1.9.9.618.1.8.4.0", "66", str(len(aps()))))
    for wlan, ssid, _share in SSIDS:
        recs += [
            ("%s.2.1.1.1.1.%d" % (WLC, wlan), "2", str(wlan)),
            ("%s.2.1.1.1.2.%d" % (WLC, wlan), "4", ssid),
            ("%s.2.1.1.1.38.%d" % (WLC, wlan), "65:conferenceday", "g=ssid:%s" % ssid),
        ]
    return recs


def switch_records():
    recs = system_group("Cisco IOS Software, Catalyst L3 Switch (demo venue, simulated)",
                        "1.3.6.1.4.1.9.1.2494", "demo-core-sw", "PyCon demo venue, NOC")
    recs.append(("1.3.6.1.2.1.2.1.0", "2", str(len(SWITCH_PORTS))))
    for ifindex, name, alias, share in SWITCH_PORTS:
        i = str(ifindex)
        speed = UPLINK_PORT_MBPS if share is None else 10000
        recs += [
            ("%s.1.%s" % (IF_TABLE, i), "2", i),
            ("%s.2.%s" % (IF_TABLE, i), "4", "TenGigabitEthernet" + name[2:]),
            ("%s.3.%s" % (IF_TABLE, i), "2", "6"),
            ("%s.4.%s" % (IF_TABLE, i), "2", "1500"),
            ("%s.5.%s" % (IF_TABLE, i), "66", str(min(speed * 1000000, 4294967295))),
            ("%s.6.%s" % (IF_TABLE, i), "4x", "00a0c9%06x" % ifindex),
            ("%s.7.%s" % (IF_TABLE, i), "2", "1"),
            ("%s.8.%s" % (IF_TABLE, i), "2", "1"),
            ("%s.9.%s" % (IF_TABLE, i), "67", "0"),
            ("%s.10.%s" % (IF_TABLE, i), "65:conferenceday", "c32=if%s:in" % i),
            ("%s.16.%s" % (IF_TABLE, i), "65:conferenceday", "c32=if%s:out" % i),
            ("%s.1.%s" % (IFX_TABLE, i), "4", name),
            ("%s.6.%s" % (IFX_TABLE, i), "70:conferenceday", "c=if%s:in" % i),
            ("%s.7.%s" % (IFX_TABLE, i), "70:conferenceday", "c=if%s:in,div=900" % i),
            ("%s.10.%s" % (IFX_TABLE, i), "70:conferenceday", "c=if%s:out" % i),
            ("%s.11.%s" % (IFX_TABLE, i), "70:conferenceday", "c=if%s:out,div=900" % i),
            ("%s.15.%s" % (IFX_TABLE, i), "66", str(speed)),
            ("%s.18.%s" % (IFX_TABLE, i), "4", alias),
        ]
    return recs


def sprint_switch_records():
    """The sprint room's switch: IF-MIB, BRIDGE-MIB's port map, Q-BRIDGE-MIB's
    FDB in VLAN 20 and LLDP. Port k's link is up and its laptop's MAC
    learned(3) while more than k-1 devices are on cables, else the link is
    down and the entry invalid(2), so a poller sees the ports fill."""
    recs = system_group("Cisco IOS Software, C2960X (demo venue sprint room, simulated)",
                        "1.3.6.1.4.1.9.1.1208", "demo-sprint-sw", "PyCon demo venue, sprints")
    ports = [(k, "Gi1/0/%d" % k, "sprint table %d" % ((k - 1) // 8 + 1), 1000)
             for k in range(1, SPRINT_SWITCH_PORTS + 1)]
    ports.append((SPRINT_UPLINK_IFINDEX, "Te1/1/1", "uplink to demo-core-sw", 10000))
    fdb = "1.3.6.1.2.1.17.7.1.2.2.1"
    for ifindex, name, alias, speed in ports:
        i = str(ifindex)
        access = ifindex <= SPRINT_SWITCH_PORTS
        oper = ("2:conferenceday", "up=wired:sprints,k=%d" % (ifindex - 1)) if access else ("2", "1")
        recs += [
            ("%s.1.%s" % (IF_TABLE, i), "2", i),
            ("%s.2.%s" % (IF_TABLE, i), "4", ("GigabitEthernet" if access else "TenGigabitEthernet") + name[2:]),
            ("%s.3.%s" % (IF_TABLE, i), "2", "6"),
            ("%s.5.%s" % (IF_TABLE, i), "66", str(speed * 1000000)),
            ("%s.8.%s" % (IF_TABLE, i), oper[0], oper[1]),
            ("%s.1.%s" % (IFX_TABLE, i), "4", name),
            ("%s.15.%s" % (IFX_TABLE, i), "66", str(speed)),
            ("%s.18.%s" % (IFX_TABLE, i), "4", alias),
            ("1.3.6.1.2.1.17.1.4.1.2.%s" % i, "2", i),          # dot1dBasePortIfIndex
            ("1.3.6.1.2.1.17.7.1.4.5.1.1.%s" % i, "66", str(SPRINT_VLAN)),  # dot1qPvid
        ]
        if access:
            mac = "%d.%d.%d.%d.%d.%d" % (0x3C, 0x22, 0xFB, 0x5A, 0x10, ifindex)
            idx = "%d.%s" % (SPRINT_VLAN, mac)
            recs += [
                ("%s.2.%s" % (fdb, idx), "2", i),
                ("%s.3.%s" % (fdb, idx), "2:conferenceday", "learned=wired:sprints,k=%d" % (ifindex - 1)),
            ]
    # the core switch and the venue's router, learned on the uplink
    for n in range(1, 4):
        idx = "%d.0.160.201.0.0.%d" % (SPRINT_VLAN, n)
        recs += [("%s.2.%s" % (fdb, idx), "2", str(SPRINT_UPLINK_IFINDEX)),
                 ("%s.3.%s" % (fdb, idx), "2", "3")]
    recs.append(("1.3.6.1.2.1.17.7.1.4.2.1.3.0.%d" % SPRINT_VLAN, "66", str(SPRINT_VLAN)))  # dot1qVlanFdbId
    recs.append(("1.0.8802.1.1.2.1.4.1.1.9.0.%d.1" % SPRINT_UPLINK_IFINDEX, "4", "demo-core-sw"))
    return recs


# ---- subcommands ----

def cmd_generate(args):
    start = minutes(args.start)
    if not minutes(DAY_BEGIN) <= start < minutes(DAY_END):
        sys.exit("--start must be between %s and %s" % (DAY_BEGIN, DAY_END))
    if args.speed <= 0:
        sys.exit("--speed must be greater than zero")
    series = day_series()
    day = {
        "begin": DAY_BEGIN,
        "end": DAY_END,
        "start": args.start,
        "speed": args.speed,
        "start_wall": args.start_wall if args.start_wall else time.time(),
        "counter_base": COUNTER_BASE,
        "uptime_base_ticks": UPTIME_BASE_TICKS,
        "gauges": {k: v for k, v in series.items() if k != "room_total"},
        "counters": counter_series(series),
        "room_totals": series["room_total"],
        "events": [{"time": f[0], "what": f[9]} for f in TIMELINE] +
                  [{"time": BUSY_CHANNEL[2], "what": BUSY_CHANNEL[5]},
                   {"time": BUSY_CHANNEL[3], "what": "Room C's 5 GHz channel is quiet again"}],
    }
    with open(os.path.join(args.out, "day.json"), "w") as f:
        json.dump(day, f)
    # One data directory per agent: each device gets its own snmpsimd, so
    # the switch never answers late behind a walk of the controller (a
    # late answer skews the rate a poller computes from the counters).
    for device, records in (("wlc", wlc_records()), ("core-sw", switch_records()),
                            ("sprint-sw", sprint_switch_records())):
        os.makedirs(os.path.join(args.out, "snmpsim", device), exist_ok=True)
        with open(os.path.join(args.out, "snmpsim", device, device + ".snmprec"), "w") as f:
            f.write(snmprec_text(records))


def load_day(path):
    with open(path) as f:
        return json.load(f)


def day_minute_at(day, epoch):
    """Minutes since DAY_BEGIN at wall time epoch (grows past the day's end
    when the day loops)."""
    return (minutes(day["start"]) - minutes(day["begin"]) +
            (epoch - day["start_wall"]) * day["speed"] / 60.0)


def cmd_start_clock(args):
    """Start the day now: rewrite day.json's start_wall (atomically; the
    snmpsim variation module notices the change)."""
    day = load_day(args.day)
    day["start_wall"] = time.time()
    tmp = args.day + ".tmp"
    with open(tmp, "w") as f:
        json.dump(day, f)
    os.chmod(tmp, 0o644)
    os.replace(tmp, args.day)


def cmd_daytime(args):
    day = load_day(args.day)
    length = minutes(day["end"]) - minutes(day["begin"])
    m = day_minute_at(day, args.epoch if args.epoch is not None else time.time())
    print(hhmm(minutes(day["begin"]) + m % length))


def day_events(day):
    """The day's script as it is told: each keyframe and each session's
    start, (minute of the day, text), in order."""
    events = [(minutes(e["time"]), e["what"]) for e in day["events"]]
    events += [(minutes(p[1]), "%s: %s (%s) starts" % (p[0], p[3], p[4])) for p in PROGRAMME]
    return sorted(events, key=lambda e: e[0])


def cmd_narrate(args):
    """Print each scripted event when the day reaches it; what is going
    on when the demo starts; and when the day ends and starts again."""
    day = load_day(args.day)
    begin, end = minutes(day["begin"]), minutes(day["end"])
    length, start = end - begin, minutes(day["start"])
    events = day_events(day)
    now = [e for e in events if e[0] <= start and not e[1].endswith(" starts")]
    if now:
        print("[demo day %s] %s (since %s)" % (day["start"], now[-1][1], hhmm(now[-1][0])), flush=True)
    cycle = 0
    while True:
        for at, what in events:
            offset = at - start + cycle * length
            if offset <= 0:
                continue
            wall = day["start_wall"] + offset * 60.0 / day["speed"]
            delay = wall - time.time()
            if delay > 0:
                time.sleep(delay)
            print("[demo day %s] %s" % (hhmm(at), what), flush=True)
        cycle += 1
        wall = day["start_wall"] + (end - start + (cycle - 1) * length) * 60.0 / day["speed"]
        delay = wall - time.time()
        if delay > 0:
            time.sleep(delay)
        print("[demo day %s] The day is over; the demo starts it again at %s (the report, "
              "make demo-report, covers the first day)" % (day["end"], day["begin"]), flush=True)


def cmd_expect(_args):
    series = day_series()
    capacity = {room[0]: room[3] * AP_MAX_CLIENTS for room in ROOMS}
    rooms = {}
    for name, values in series["room_total"].items():
        peak = max(values)
        rooms[name] = {"peak": peak, "at": hhmm(minutes(DAY_BEGIN) + values.index(peak)),
                       "capacity": capacity[name]}
    up = series["uplink:in_mbps"]
    peak = max(up)
    print(json.dumps({
        "rooms": rooms,
        "uplink": {"peak_in_mbps": peak, "at": hhmm(minutes(DAY_BEGIN) + up.index(peak)),
                   "capacity_mbps": UPLINK_CAPACITY_MBPS},
        "keynote": {"from": "09:20", "to": "09:55", "room": "main-hall"},
        "lunch": {"from": "12:35", "to": "13:15", "room": "lobby"},
        "busy_channel": busy_channel_expect(series),
    }, indent=1))


def busy_channel_expect(series):
    """The episode's room, its window, its busiest radio's peak there and
    the room's clients against its capacity at the time."""
    room, slot, b_from, b_to, _extra, _what = BUSY_CHANNEL
    r = [x[0] for x in ROOMS].index(room)
    lo, hi = minutes(b_from) - minutes(DAY_BEGIN), minutes(b_to) - minutes(DAY_BEGIN)
    peak = max(max(series["util:%s:%d" % (a[2], slot)][lo:hi]) for a in aps() if a[0] == r)
    clients = series["room_total"][room][lo:hi]
    return {"room": room, "from": b_from, "to": b_to, "peak_utilization": peak,
            "max_clients": max(clients), "capacity": ROOMS[r][3] * AP_MAX_CLIENTS}


def programme_wall(day):
    """Each session's (start, end) on the wall clock of a generated day."""
    start = minutes(day["start"])
    wall = lambda m: int(round(day["start_wall"] + (m - start) * 60.0 / day["speed"]))
    return [(p, wall(minutes(p[1])), wall(minutes(p[2]))) for p in PROGRAMME]


def programme_on_date(date):
    """Each session's (start, end) in real time on date (UTC)."""
    y, mo, d = (int(x) for x in date.split("-"))
    midnight = calendar.timegm((y, mo, d, 0, 0, 0))
    return [(p, midnight + 60 * minutes(p[1]), midnight + 60 * minutes(p[2])) for p in PROGRAMME]


def schedule_xml(sessions, utc):
    """frab schedule XML; times carry their UTC offset, durations are
    HH:MM:SS so an accelerated day keeps its proportions."""
    def stamp(t):
        zone = datetime.timezone.utc if utc else None
        return datetime.datetime.fromtimestamp(t, zone).astimezone(zone).isoformat(timespec="seconds")
    kept = [(p, a, b) for p, a, b in sessions if b > a]   # a day run very fast drops nothing but zero-length slots
    day = stamp(kept[0][1])[:10] if kept else "1970-01-01"
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           "<!-- The demo conference day's programme (tools/demo/conference_day.py schedule). -->",
           "<schedule>", "<version>demo</version>",
           "<conference><acronym>pycon-demo</acronym><title>PyCon demo</title></conference>",
           '<day index="1" date="%s">' % day]
    for room in [r[0] for r in ROOMS]:
        events = [(p, a, b) for p, a, b in kept if p[0] == room]
        if not events:
            continue
        out.append('<room name="%s">' % room)
        for p, a, b in events:
            n = PROGRAMME.index(p) + 1
            length = b - a
            out.append('<event id="%d"><date>%s</date><duration>%02d:%02d:%02d</duration>'
                       "<room>%s</room><title>%s</title><type>%s</type></event>" % (
                           n, stamp(a), length // 3600, length % 3600 // 60, length % 60,
                           room, escape(p[3]), p[4]))
        out.append("</room>")
    out += ["</day>", "</schedule>", ""]
    return "\n".join(out)


def cmd_schedule(args):
    if args.day:
        text = schedule_xml(programme_wall(load_day(args.day)), utc=False)
    else:
        text = schedule_xml(programme_on_date(args.date), utc=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, args.out)


# ---- the day clock ----

def day_clock(day):
    """(origin, wall_end, to_day): the day time at which the demo started
    (local time, the date it ran), the wall time its first day ended, and
    the map from wall time to day time."""
    speed, start_wall = float(day["speed"]), float(day["start_wall"])
    lt = time.localtime(start_wall)
    midnight = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, 0, 0, 0, 0, 0, -1))
    origin = midnight + 60 * minutes(day["start"])
    wall_end = start_wall + (minutes(day["end"]) - minutes(day["start"])) * 60.0 / speed
    return origin, wall_end, lambda t: origin + (t - start_wall) * speed


def rrd_info(path):
    """step, data sources [(name, type)] of an RRD file."""
    out = subprocess.run(["rrdtool", "info", path], capture_output=True, text=True, check=True).stdout
    step, ds = None, {}
    for line in out.splitlines():
        key, _, value = line.partition(" = ")
        if key == "step":
            step = int(value)
        elif key.startswith("ds[") and key.endswith("].index"):
            ds[int(value)] = key[3:key.index("]")]
        elif key.startswith("ds[") and key.endswith("].type"):
            ds.setdefault("types", {})[key[3:key.index("]")]] = value.strip('"')
    types = ds.pop("types", {})
    return step, [(ds[i], types.get(ds[i], "GAUGE")) for i in sorted(ds)]


def rrd_rows(path, begin, end):
    """[(end of interval, [values])] at the finest archive covering the
    window; None for unknown."""
    out = subprocess.run(["rrdtool", "fetch", path, "AVERAGE", "-s", "%d" % begin, "-e", "%d" % end],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        t, sep, rest = line.partition(":")
        if not sep or not t.strip().isdigit():
            continue
        vals = [None if v.lower() in ("nan", "-nan") else float(v) for v in rest.split()]
        rows.append((int(t), vals))
    return rows


def clock_rrd(src, dst, day, commands):
    """Commands for `rrdtool -` that write src's first day into dst on the
    day clock. Rows come at the archive's width (several samples each on a
    fast day); the new file's step divides five minutes, so a five-minute
    average still exists, and each row's value holds for the steps it
    covers (a GAUGE holds until the next update)."""
    origin, wall_end, to_day = day_clock(day)
    speed = float(day["speed"])
    step, ds = rrd_info(src)
    rows = [(to_day(t), v) for t, v in rrd_rows(src, int(day["start_wall"]) - step, int(wall_end) + step)
            if day["start_wall"] - step < t <= wall_end + step]
    if not rows or not ds:
        return 0
    width = rows[1][0] - rows[0][0] if len(rows) > 1 else step * speed
    # a divisor of five minutes, so the report's five-minute averages exist
    new_step = max(d for d in range(1, 301) if 300 % d == 0 and d <= max(1, step * speed))
    heartbeat = int(max(3 * new_step, 2 * width))
    keep = int(2 * 86400 / new_step)
    first = int(rows[0][0] - width)
    first -= first % new_step
    commands.append("create %s --start %d --step %d %s RRA:AVERAGE:0.5:1:%d RRA:MAX:0.5:1:%d" % (
        dst, first, new_step, " ".join("DS:%s:GAUGE:%d:%s:U" % (n, heartbeat, "U" if n == "noise" else "0") for n, _t in ds), keep, keep))
    last = first
    batch = []
    for t, vals in rows:
        t = int(round(t))
        if t <= last:
            continue
        last = t
        batch.append("%d:%s" % (t, ":".join("U" if v is None else "%.6g" % v for v in vals)))
        if len(batch) == 200:
            commands.append("update %s %s" % (dst, " ".join(batch)))
            batch = []
    if batch:
        commands.append("update %s %s" % (dst, " ".join(batch)))
    return len(rows)


def clock_log(src, dst, day):
    """The alert log's first day, its times on the day clock."""
    _origin, wall_end, to_day = day_clock(day)
    kept = 0
    with open(src) as f, open(dst, "w") as out:
        for line in f:
            try:
                o = json.loads(line)
            except ValueError:
                continue
            ts = o.get("ts")
            if not isinstance(ts, (int, float)) or ts > wall_end:
                continue
            o["ts"] = round(to_day(ts), 3)
            out.write(json.dumps(o, separators=(",", ":")) + "\n")
            kept += 1
    return kept


def cmd_day_clock(args):
    day = load_day(args.day)
    origin, wall_end, _to_day = day_clock(day)
    state = os.path.join(args.out, "state")
    if os.path.isdir(state):
        shutil.rmtree(state)
    os.makedirs(state)
    commands, files = [], 0
    for root, _dirs, names in os.walk(args.state):
        for name in sorted(names):
            if not name.endswith(".rrd"):
                continue
            rel = os.path.relpath(os.path.join(root, name), args.state)
            os.makedirs(os.path.dirname(os.path.join(state, rel)), exist_ok=True)
            files += clock_rrd(os.path.join(root, name), os.path.join(state, rel), day, commands) > 0
    r = subprocess.run(["rrdtool", "-"], input="\n".join(commands) + "\n", capture_output=True, text=True)
    errors = [l for l in r.stdout.splitlines() if l.startswith("ERROR")]
    if r.returncode or errors:
        sys.exit("rrdtool: " + "; ".join(errors[:3] or [r.stderr.strip()]))
    lines = 0
    log = os.path.join(args.state, "alerts.log")
    if os.path.exists(log):
        lines = clock_log(log, os.path.join(state, "alerts.log"), day)
    clocked = dict(day, start_wall=origin, speed=1)
    with open(os.path.join(args.out, "schedule.xml"), "w") as f:
        f.write(schedule_xml(programme_wall(clocked), utc=False))
    end = min(time.time(), wall_end)
    print("day clock: %d files and %d alert log lines from %s to %s (day time %s to %s at %gx)" % (
        files, lines, time.strftime("%H:%M:%S", time.localtime(day["start_wall"])),
        time.strftime("%H:%M:%S", time.localtime(end)), day["start"],
        hhmm(minutes(day["start"]) + (end - day["start_wall"]) * float(day["speed"]) / 60),
        float(day["speed"])))


def cmd_venue(_args):
    for r, _k, name, _mac, _w in aps():
        print(ROOMS[r][0], name)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--out", required=True)
    g.add_argument("--speed", type=float, default=1.0)
    g.add_argument("--start", default="08:30")
    g.add_argument("--start-wall", type=float, default=0)
    g.set_defaults(fn=cmd_generate)
    n = sub.add_parser("narrate")
    n.add_argument("day")
    n.set_defaults(fn=cmd_narrate)
    c = sub.add_parser("start-clock")
    c.add_argument("day")
    c.set_defaults(fn=cmd_start_clock)
    d = sub.add_parser("daytime")
    d.add_argument("day")
    d.add_argument("epoch", type=float, nargs="?")
    d.set_defaults(fn=cmd_daytime)
    sc = sub.add_parser("schedule")
    sc.add_argument("--out", required=True)
    when = sc.add_mutually_exclusive_group(required=True)
    when.add_argument("--day")
    when.add_argument("--date")
    sc.set_defaults(fn=cmd_schedule)
    dc = sub.add_parser("day-clock")
    dc.add_argument("--day", required=True)
    dc.add_argument("--state", required=True)
    dc.add_argument("--out", required=True)
    dc.set_defaults(fn=cmd_day_clock)
    sub.add_parser("expect").set_defaults(fn=cmd_expect)
    sub.add_parser("venue").set_defaults(fn=cmd_venue)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
