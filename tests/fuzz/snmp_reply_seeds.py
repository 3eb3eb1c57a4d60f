#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_snmp_reply (see the input format at the
top of fuzz_snmp_reply.c): whole polls of the generic-ifmib and cisco-wlc
profiles as a healthy agent answers them, then the same with a counter
wrap, a reboot and an agent error. Usage: snmp_reply_seeds.py DIR

A cisco-wlc poll is, in order: the base GET (with sysDescr and sysObjectID
on the first poll), the scalars' GET, the interface-name walk, the
uplinks' GETs, then one walk per table in file order: aps (name), radios
(band, clients, utilisation), ssids (name, clients)."""
import os
import struct
import sys

# roots in fuzz_snmp_reply.c's order
UPTIME, SYSNAME, IFDESCR, IFSPEED, IFIN, IFOUT, IFNAME, IFHCIN, IFHCOUT, IFHIGH, IFALIAS = range(11)
PROFILE = 11          # first profile root: cisco-wlc's columns, as its file names them
INT, COUNTER, GAUGE, TICKS, C64, OCTETS, NULL, NOSUCHOBJ, NOSUCHINST, ENDOFMIB, OBJID = range(11)


def vb(root, arcs, typ, value=None):
    out = bytes([root, len(arcs)]) + bytes(arcs) + bytes([typ])
    if typ in (INT, COUNTER, GAUGE, TICKS, C64):
        out += struct.pack(">Q", value & 0xFFFFFFFFFFFFFFFF)
    elif typ == OCTETS:
        data = value.encode()
        out += bytes([len(data)]) + data
    elif typ == OBJID:          # a length selector (2 + n % 14 arcs), then arcs
        out += bytes([len(value) - 2]) + bytes(value)
    return out


def reply(varbinds, errstat=0):
    return bytes([errstat, len(varbinds)]) + b"".join(varbinds)


def base(uptime, name="core-sw"):
    return reply([vb(UPTIME, [0], TICKS, uptime), vb(SYSNAME, [0], OCTETS, name)])


IFACES = [(1, "eth0"), (2, "Gi1")]


def ifwalk():
    vbs = []
    for idx, name in IFACES:
        vbs += [vb(IFNAME, [idx], OCTETS, name), vb(IFDESCR, [idx], OCTETS, name),
                vb(IFALIAS, [idx], OCTETS, "")]
    vbs += [vb(IFHCIN, [1], C64, 0), vb(IFSPEED, [1], GAUGE, 0), vb(IFHCIN, [1], C64, 0)]
    return reply(vbs)


def uplink(idx, name, uptime, octets_in, octets_out):
    return reply([vb(UPTIME, [0], TICKS, uptime), vb(IFNAME, [idx], OCTETS, name),
                  vb(IFDESCR, [idx], OCTETS, name), vb(IFALIAS, [idx], OCTETS, ""),
                  vb(IFHCIN, [idx], C64, octets_in), vb(IFHCOUT, [idx], C64, octets_out),
                  vb(IFIN, [idx], COUNTER, octets_in), vb(IFOUT, [idx], COUNTER, octets_out),
                  vb(IFHIGH, [idx], GAUGE, 1000), vb(IFSPEED, [idx], GAUGE, 1000000000)])


def switch_poll(uptime, octets, first=True):
    # interface names are walked only until the uplinks are found
    return (base(uptime) + (ifwalk() if first else b"") + uplink(1, "eth0", uptime, octets, octets // 2) +
            uplink(2, "Gi1", uptime, octets // 3, octets // 4))


def wlc_poll():
    # cisco-wlc's roots: aps.3, radios.2 (band), radios.15 (clients), the
    # load table's utilisation, ssids.2 and .38; the three table entries;
    # the aps scalar.
    ap_name, r_band, r_clients, r_util, s_name, s_clients = range(PROFILE, PROFILE + 6)
    scalar = PROFILE + 9
    mac1, mac2 = [0, 11, 22, 33, 44, 3], [0, 11, 22, 33, 44, 4]     # AP MACs
    polls = reply([vb(UPTIME, [0], TICKS, 5000), vb(SYSNAME, [0], OCTETS, "wlc"),
                   vb(SYSNAME, [0], OCTETS, "Cisco Business Wireless"),
                   vb(SYSNAME, [0], OBJID, [1, 3, 6, 1, 4, 1, 9, 6, 1, 37])])
    polls += reply([vb(scalar, [], GAUGE, 2)])
    polls += reply([vb(UPTIME, [0], ENDOFMIB)] * 3)     # no interfaces on a controller
    polls += reply([vb(ap_name, mac1, OCTETS, "AP-1"), vb(ap_name, mac2, OCTETS, "AP-2"),
                    vb(ap_name, [], ENDOFMIB)])
    vbs = []
    for mac, (c24, c5) in ((mac1, (10, 30)), (mac2, (4, 12))):
        for slot, count, band in ((0, c24, 1), (1, c5, 2)):
            vbs += [vb(r_band, mac + [slot], INT, band), vb(r_clients, mac + [slot], COUNTER, count),
                    vb(r_util, mac + [slot], INT, 20 + slot)]
    vbs += [vb(r_band, [1], ENDOFMIB)] * 3
    polls += reply(vbs)
    polls += reply([vb(s_name, [1], OCTETS, "conf"), vb(s_clients, [1], COUNTER, 56),
                    vb(s_name, [2], OCTETS, "conf-5g"), vb(s_clients, [2], COUNTER, 0),
                    vb(scalar, [], ENDOFMIB), vb(scalar, [], ENDOFMIB)])
    return polls


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "generic-poll": bytes([0]) + switch_poll(1000, 10 ** 9),
        "generic-two-polls": bytes([0]) + switch_poll(1000, 10 ** 9) + switch_poll(2000, 10 ** 9 + 10 ** 7, False),
        "generic-wrap": bytes([0]) + switch_poll(1000, 2 ** 64 - 1000) + switch_poll(2000, 5000, False),
        "generic-reboot": bytes([0]) + switch_poll(900000, 10 ** 9) + switch_poll(100, 10 ** 5, False),
        "generic-agent-error": bytes([0]) + reply([vb(UPTIME, [0], TICKS, 1)], errstat=(2 << 3) | 7),
        "wlc-poll": bytes([1]) + wlc_poll(),
        "wlc-nosuch": bytes([1]) + reply([vb(UPTIME, [0], NOSUCHOBJ), vb(SYSNAME, [0], NOSUCHINST),
                                          vb(PROFILE + 9, [], NULL)]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
