#!/usr/bin/env python3
"""Write a copy of a Q-BRIDGE switch recording with a dot1qTpFdbStatus
column, which no real recording of snmprec-wired has: of the FDB rows,
every third is self(4), every fifth mgmt(5), every seventh other(1), the
rest learned(3). Usage: snmp_wired_status.py IN.snmprec OUT.snmprec"""
import sys

PORT = "1.3.6.1.2.1.17.7.1.2.2.1.2."
STATUS = "1.3.6.1.2.1.17.7.1.2.2.1.3."


def key(line):
    return [int(a) for a in line.split("|", 1)[0].split(".")]


def main():
    src, dst = sys.argv[1], sys.argv[2]
    lines = [l.rstrip("\n") for l in open(src, encoding="latin-1") if l.strip()]
    rows = [l for l in lines if l.startswith(PORT)]
    for n, l in enumerate(rows, 1):
        status = 4 if n % 3 == 0 else 5 if n % 5 == 0 else 1 if n % 7 == 0 else 3
        lines.append("%s%s|2|%d" % (STATUS, l.split("|", 1)[0][len(PORT):], status))
    lines.sort(key=key)
    with open(dst, "w", encoding="latin-1") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
