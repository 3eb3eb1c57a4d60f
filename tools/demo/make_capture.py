#!/usr/bin/python3
"""Write the demo's mirror-port capture: the video team's dedicated uplink
during a talk. Four encoders push SRT streams to an ingest server, and the
video team's laptops (randomised MACs, as phones and laptops use today)
browse and upload over HTTPS. headroomd replays it looped, with timestamps
shifted to now (a `capture` block with file, loop and speed).

Frames are built with scapy once per flow and written truncated to their
headers (the pcap record keeps the frame's real length), so a capture of
tens of Mbit/s stays a few megabytes and carries no payload.

usage: make_capture.py OUT.pcap [--seconds N]
"""
import argparse
import random
import sys

try:
    from scapy.layers.inet import IP, TCP, UDP
    from scapy.layers.l2 import Ether
    from scapy.packet import Raw
    from scapy.utils import RawPcapWriter
except ImportError:
    sys.exit("make_capture.py: python3-scapy is not installed (tools/install-deps installs it)")

SNAPLEN = 64
GATEWAY_MAC = "00:1b:54:c2:00:01"
LOCAL_PREFIX = "10.42.99.0/24"
INGEST = "203.0.113.50"
SEED = 99


def flows():
    """(src MAC, dst MAC, frame template, frame length, packets/s)."""
    out = []
    for k in range(4):
        enc_mac = "00:0c:ec:10:00:%02x" % (k + 1)
        enc_ip = "10.42.99.%d" % (11 + k)
        # 1316 bytes of MPEG-TS in SRT over UDP at about 6 Mbit/s up.
        up = Ether(src=enc_mac, dst=GATEWAY_MAC) / IP(src=enc_ip, dst=INGEST) / \
            UDP(sport=40000 + k, dport=9000)
        out.append((up, 14 + 20 + 8 + 16 + 1316, 6.0e6))
        # SRT acknowledgements back from the ingest server.
        ack = Ether(src=GATEWAY_MAC, dst=enc_mac) / IP(src=INGEST, dst=enc_ip) / \
            UDP(sport=9000, dport=40000 + k)
        out.append((ack, 14 + 20 + 8 + 44, 0.06e6))
    for k in range(3):
        # Locally administered (randomised) MACs, as laptops use today.
        mac = "%02x:5e:%02x:a1:b2:%02x" % (0x02 | (k << 4), 0x30 + k, k)
        ip = "10.42.99.%d" % (50 + k)
        server = "198.51.100.%d" % (10 + k)
        down = Ether(src=GATEWAY_MAC, dst=mac) / IP(src=server, dst=ip) / \
            TCP(sport=443, dport=50000 + k, flags="A")
        out.append((down, 1514, 2.5e6))
        up = Ether(src=mac, dst=GATEWAY_MAC) / IP(src=ip, dst=server) / \
            TCP(sport=50000 + k, dport=443, flags="PA")
        out.append((up, 1514, 1.2e6))
    return out


def packets(seconds, rng):
    """(time, header bytes, wire length), in time order."""
    out = []
    for frame, length, bps in flows():
        # A payload of the real size keeps the IP and UDP lengths true.
        header = bytes(frame / Raw(b"\0" * (length - len(frame))))[:SNAPLEN]
        pps = bps / 8 / length
        t = rng.uniform(0, 1 / pps)
        while t < seconds:
            out.append((t, header, length))
            t += rng.expovariate(pps)
    out.sort(key=lambda p: p[0])
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--epoch", type=float, default=1778742000.0,
                   help="first timestamp (replay shifts it to now)")
    args = p.parse_args()
    rng = random.Random(SEED)
    writer = RawPcapWriter(args.out, linktype=1, snaplen=SNAPLEN, sync=False)
    writer.write_header(None)
    n = 0
    total = 0
    for t, header, length in packets(args.seconds, rng):
        ts = args.epoch + t
        sec = int(ts)
        usec = int(round((ts - sec) * 1e6))
        if usec >= 1000000:
            sec, usec = sec + 1, usec - 1000000
        writer.write_packet(header, sec=sec, usec=usec, caplen=len(header), wirelen=length)
        n += 1
        total += length
    writer.close()
    print("%s: %d packets, %.1f Mbit/s over %gs (local %s)" %
          (args.out, n, total * 8 / args.seconds / 1e6, args.seconds, LOCAL_PREFIX))


if __name__ == "__main__":
    main()
