#!/usr/bin/env python3
# The capture benchmarks' input, built from the fixtures (not kept):
# files.py TMP COPIES FIXTURES writes
#  - TMP/ether.pcap: Ethernet, COPIES copies of the ether/ captures with
#    rewritten source MACs and IPv4 sources, ~100k distinct clients, one
#    new client per frame (no flow locality to lean on);
#  - TMP/wlan.pcap: plain 802.11, COPIES/2 copies of the wlan/ captures
#    with the station address of data frames and (re)association responses
#    rewritten, 20k distinct stations;
#  - TMP/wlan-rt.pcap: the same 802.11 frames, each behind a radiotap
#    header cycling through DSSS 1 Mb/s, OFDM 54, HT40 MCS 7 short GI,
#    VHT80 NSS 2 MCS 9 A-MPDU subframes and HE SU 80 MHz MCS 11;
# each with a header-only twin (.empty). bench/pcap/run reads them from
# the file, bench/pcap/live replays them through an interface.
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

def radiotap(present, fields):
    """A radiotap header: fields as (align, bytes) in present-bit order."""
    body = b""
    for align, data in fields:
        off = 8 + len(body)
        body += b"\0" * (-off % align) + data
    return struct.pack("<BBHI", 0, 0, 8 + len(body), present) + body

def chan(mhz):
    return (2, struct.pack("<HH", mhz, 0x0080 if mhz < 3000 else 0x0100))

B = lambda *bits: sum(1 << b for b in bits)
RADIOS = [
    radiotap(B(1, 2, 3), [(1, b"\0"), (1, b"\x02"), chan(2412)]),                       # DSSS 1 Mb/s
    radiotap(B(1, 2, 3), [(1, b"\0"), (1, b"\x6c"), chan(2437)]),                       # OFDM 54 Mb/s
    radiotap(B(1, 3, 19), [(1, b"\0"), chan(5180), (1, bytes((0x07, 0x05, 7)))]),        # HT40 MCS 7 SGI
    None,                                                                              # VHT A-MPDU, below
    radiotap(B(1, 3, 23), [(1, b"\0"), chan(5955),                                       # HE SU 80 MCS 11
                           (2, struct.pack("<6H", 0x4020, 0x0006, 11 << 8, 0, 0x0082, 2))]),
]

def vht(ref):
    return radiotap(B(1, 3, 20, 21), [(1, b"\0"), chan(5745), (4, struct.pack("<IHBB", ref, 0, 0, 0)),
                                      (2, struct.pack("<HBB4sBBH", 0x44, 0, 4, bytes((0x92, 0, 0, 0)), 0, 0, 0))])

def with_radio(recs):
    out = []
    for n, (cl, ln, p) in enumerate(recs):
        h = RADIOS[n % 5] or vht(n // 20)
        out.append((cl + len(h), ln + len(h), h + p))
    return out

def dot11_rt(c, n, p):
    h = p[2] | p[3] << 8
    return p[:h] + dot11(c, n, p[h:])

wlan = records(sorted(glob.glob(fx + "/wlan/*")), 105)
write(tmp + "/ether.pcap", 1, copies, records(sorted(glob.glob(fx + "/ether/*.pcap")), 1), ether, 60)
write(tmp + "/wlan.pcap", 105, max(copies // 2, 1), wlan, dot11, 100)
write(tmp + "/wlan-rt.pcap", 127, max(copies // 2, 1), with_radio(wlan), dot11_rt, 100)
