#!/usr/bin/env python3
# The benchmark files bench/pcap/live replays, built from the fixtures as
# bench/pcap/run builds its own (which also writes a radiotap variant):
# files.py TMP COPIES FIXTURES writes TMP/ether.pcap (Ethernet, ~100k
# distinct clients, one new client per frame) and TMP/wlan.pcap (plain
# 802.11, 20k distinct stations), each with a header-only twin
# (.empty).
import glob, struct, sys
tmp, copies, fx = sys.argv[1], int(sys.argv[2]), sys.argv[3]
REC = struct.Struct("<IIII")

def records(files, dlt):
    recs = []
    for f in files:
        d = open(f, "rb").read()
        if d[:4] != b"\xd4\xc3\xb2\xa1" or struct.unpack("<I", d[20:24])[0] != dlt:
            continue
        off = 24
        while off + 16 <= len(d):
            ts, us, cl, ln = REC.unpack(d[off:off + 16])
            if off + 16 + cl > len(d):
                break
            recs.append((cl, ln, d[off + 16:off + 16 + cl]))
            off += 16 + cl
    return recs

def header(dlt):
    return struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, dlt)

def write(path, dlt, copies, recs, rewrite, spacing):
    with open(path, "wb") as o:
        o.write(header(dlt))
        t = 1700000000
        for c in range(copies):
            for n, (cl, ln, p) in enumerate(recs):
                p = rewrite(c, n, p)
                t_us = n * 1000
                o.write(REC.pack(t + c * spacing + t_us // 1000000, t_us % 1000000, cl, ln))
                o.write(p)
    with open(path + ".empty", "wb") as o:
        o.write(header(dlt))

def ether(c, n, p):
    p = bytearray(p)
    client = (c * 2503 + n) % 100000
    if len(p) >= 12:
        p[6:12] = bytes((0x02, 0, 0, client >> 16 & 0xff, client >> 8 & 0xff, client & 0xff))
    if len(p) >= 34 and p[12:14] == b"\x08\x00":
        p[26:30] = bytes((10, client >> 16 & 0xff, client >> 8 & 0xff, client & 0xff))
    return p

def dot11(c, n, p):
    if len(p) < 24:
        return p
    kind, subtype, ds = p[0] >> 2 & 3, p[0] >> 4, p[1] & 3
    sta = (c * 2503 + n) % 20000
    addr = bytes((0x02, 0, 0, sta >> 16 & 0xff, sta >> 8 & 0xff, sta & 0xff))
    if kind == 2 and ds == 1:                      # ToDS: the station sends (addr2)
        return p[:10] + addr + p[16:]
    if kind == 2 and ds == 2 or kind == 0 and subtype in (1, 3):   # FromDS, (re)assoc response
        return p[:4] + addr + p[10:]
    return p

write(tmp + "/ether.pcap", 1, copies, records(sorted(glob.glob(fx + "/ether/*.pcap")), 1), ether, 60)
write(tmp + "/wlan.pcap", 105, max(copies // 2, 1), records(sorted(glob.glob(fx + "/wlan/*")), 105), dot11, 100)
