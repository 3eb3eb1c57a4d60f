#!/bin/sh
# A generated monitor-mode capture (scapy, written here at test time) on
# six channels with every PHY the collector reads: DSSS 1 and 11 Mb/s
# (long and short preamble), ERP-OFDM 6 and 54 Mb/s, HT20 and HT40 MCS 7
# short GI, VHT80 NSS 2 MCS 9 A-MPDUs with Block Acks, HE SU 80 and 20 MHz
# on 6 GHz, control frames (RTS, CTS, ACK), a bad-FCS frame, Retry bits,
# and frames without any rate field. The airtime of every frame is
# worked out here from the standard's TXTIME formulas (802.11-2016
# clauses 15-21, 802.11ax 27), independently of the C code; each window's
# utilization per channel and per BSSID must be within 2% of it, and the
# retry ratios and frames without rate exact. airtime = false must emit
# none of it.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import scapy' 2>/dev/null || skip "python3-scapy is not installed"

$PY - "$TMP" <<'PY' || fail "cannot generate the capture"
import json, logging, random, sys
from fractions import Fraction as F
from math import ceil
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import RadioTap, Dot11, Dot11QoS, Dot11Beacon, Dot11Elt, Dot11ProbeResp, Raw, PcapWriter, raw

tmp = sys.argv[1]
random.seed(7)
T0, WINDOW, END = 1000.0, 10.0, 39.5

# --- the standard's formulas (times in microseconds, exact fractions) ---
def sifs(freq): return 10 if freq < 3000 else 16
def slot(freq, dsss): return 20 if freq < 3000 and dsss else 9
AIFSN = {0: 3, 3: 3, 1: 7, 2: 7, 4: 2, 5: 2, 6: 2, 7: 2}      # EDCA defaults by TID (AC_BE, BK, VI, VO)

def dsss(mbps, L, short):                       # 15.3.7 / 16.3.4
    return (96 if short and mbps != 1 else 192) + ceil(F(8 * L) / F(mbps))

def ofdm(mbps, L, freq):                        # 17.4.3, + 18.5.2 signal extension in 2.4 GHz
    return 20 + 4 * ceil(F(16 + 8 * L + 6, int(mbps * 4))) + (6 if freq < 3000 else 0)

# data bits per OFDM symbol and stream (HT tables 19-27/19-28, VHT 21-30ff, HE 27-...)
HT_DBPS = {20: [26, 52, 78, 104, 156, 208, 234, 260], 40: [54, 108, 162, 216, 324, 432, 486, 540]}
VHT_DBPS = {80: [117, 234, 351, 468, 702, 936, 1053, 1170, 1404, 1560]}
HE_DBPS = {20: [117, 234, 351, 468, 702, 936, 1053, 1170, 1404, 1560, 1755, 1950],
           80: [490, 980, 1470, 1960, 2940, 3920, 4410, 4900, 5880, F(19600, 3), 7350, F(24500, 3)]}
LTFS = {1: 1, 2: 2, 3: 4, 4: 4}

def encoders(dbps):                             # one BCC encoder per 300 Mb/s at 3.6 us symbols
    return ceil(F(dbps) / F(36, 10) / 300)

def sgi_data(nsym, sgi):                        # T_SYML x ceil(T_SYMS x N_SYM / T_SYML)
    return 4 * ceil(F(36, 10) * nsym / 4) if sgi else 4 * nsym

def ht(mcs, bw, sgi, L, freq):                  # 19.4.3, HT-mixed
    nss = mcs // 8 + 1
    dbps = HT_DBPS[bw][mcs % 8] * nss
    nsym = ceil(F(8 * L + 16 + 6 * encoders(dbps), dbps))
    return 16 + 4 + 8 + 4 + 4 * LTFS[nss] + sgi_data(nsym, sgi) + (6 if freq < 3000 else 0)

def ampdu_bytes(lengths):                       # delimiter + MPDU padded to 4 bytes
    return sum(4 + (L + 3) // 4 * 4 for L in lengths)

def vht(mcs, nss, bw, sgi, psdu):               # 21.4.3
    dbps = VHT_DBPS[bw][mcs] * nss
    nsym = ceil(F(8 * psdu + 16 + 6 * encoders(dbps), dbps))
    return 16 + 4 + 8 + 4 + 4 * LTFS[nss] + 4 + sgi_data(nsym, sgi)

def he_su(mcs, nss, bw, gi, ltf, psdu):         # 802.11ax 27.4.3, LDPC, no packet extension
    dbps = int(HE_DBPS[bw][mcs] * nss)
    nsym = ceil(F(8 * psdu + 16, dbps))
    return 20 + 4 + 8 + 4 + LTFS[nss] * (F(32, 10) * ltf + gi) + nsym * (F(128, 10) + gi)

def response(phy, L, freq):                     # 10.6.6.5: mandatory rate not above the frame's
    kind, v = phy
    if kind == "dsss":
        return dsss(v[0], L, v[1])
    if kind == "ofdm":
        mbps = 24 if v >= 24 else 12 if v >= 12 else 6
    else:                                       # modulation of the MCS: BPSK 6, QPSK 12, else 24
        m = v % 8 if kind == "ht" else v
        mbps = 6 if m == 0 else 12 if m < 3 else 24
    return ofdm(mbps, L, freq)

# --- the frames ---
B = {1: "00:11:22:00:00:01", 2: "00:11:22:00:00:02", 3: "00:11:22:00:00:03",
     4: "00:11:22:00:00:04", 5: "00:11:22:00:00:05", 6: "00:11:22:00:00:06"}
STA = "02:00:00:00:00:%02x"
CHAN = {1: 2412, 2: 2437, 3: 5180, 4: 5745, 5: 5955, 6: 2462}
NAME = {2412: "1", 2437: "6", 5180: "36", 5745: "149", 5955: "6g1", 2462: "11"}
frames = []     # (time, radiotap, dot11, model dict)
ampdu_ref = [0]

def rt(freq, flags=0, **kw):
    present = ["Flags", "Channel"] + kw.pop("present", [])
    return RadioTap(present="+".join(present), Flags=flags, ChannelFrequency=freq,
                    ChannelFlags="2GHz" if freq < 3000 else "5GHz", **kw)

def add(t, radio, dot11, bss, retry, air, rated=True):
    frames.append((t, radio, dot11, {"t": t, "freq": radio.ChannelFrequency, "bss": bss,
                                     "retry": retry, "air": float(air) if rated else None}))

def plen(dot11):
    return len(raw(dot11)) + 4                  # FCS, not in the capture

def beacon(t, b, phy):
    d = Dot11(type=0, subtype=8, addr1="ff:ff:ff:ff:ff:ff", addr2=B[b], addr3=B[b]) / \
        Dot11Beacon(cap=0x0401) / Dot11Elt(ID=0, info=b"venue-%d" % b) / Raw(b"\0" * 60)
    f, L = CHAN[b], plen(d)
    if phy == "dsss":
        add(t, rt(f, present=["Rate"], Rate=1), d, b, False, sifs(f) + 2 * slot(f, True) + dsss(1, L, False))
    else:
        add(t, rt(f, present=["Rate"], Rate=6), d, b, False, sifs(f) + 2 * slot(f, False) + ofdm(6, L, f))

def qos(b, s, todst, tid, ack_policy, n, retry):
    fc = ("to-DS" if todst else "from-DS") + ("+retry" if retry else "")
    a1, a2 = (B[b], STA % s) if todst else (STA % s, B[b])
    return Dot11(type=2, subtype=8, FCfield=fc, addr1=a1, addr2=a2, addr3=B[b]) / \
        Dot11QoS(TID=tid, Ack_Policy=ack_policy) / Raw(bytes(n))

for w in range(4):
    base = T0 + w * WINDOW
    for k in range(10):
        tb = base + k + 0.001
        beacon(tb, 1, "dsss"); beacon(tb + 0.01, 2, "ofdm"); beacon(tb + 0.02, 3, "ofdm")
        beacon(tb + 0.03, 4, "ofdm"); beacon(tb + 0.04, 5, "ofdm")
    for k in range(40 + 10 * w):
        t = base + 0.1 + random.random() * 9.8
        s, retry = random.randrange(1, 30), random.random() < 0.2
        n = random.choice([60, 300, 1400, 1500])
        f = 2412
        # 11 Mb/s short preamble, non-QoS data to the AP: DIFS (long slot), ACK at 11 short
        d = Dot11(type=2, subtype=0, FCfield="to-DS" + ("+retry" if retry else ""), addr1=B[1],
                  addr2=STA % s, addr3=B[1]) / Raw(bytes(n))
        L = plen(d)
        add(t, rt(f, flags=0x02, present=["Rate"], Rate=11), d, 1, retry,
            sifs(f) + 2 * slot(f, True) + dsss(11, L, True) + sifs(f) + dsss(11, 14, True))
        # 54 Mb/s QoS best effort from the AP, ERP: AIFS 10 + 3 x 9, ACK at 24 + 6
        f, t = 2437, t + 0.0005
        d = qos(2, s, False, 0, 0, n, retry)
        add(t, rt(f, present=["Rate"], Rate=54), d, 2, retry,
            sifs(f) + 3 * 9 + ofdm(54, plen(d), f) + sifs(f) + response(("ofdm", 54), 14, f))
        # HT20 MCS 7 SGI, video from the station; then an HT40 frame with No Ack
        f, t = 5180, t + 0.0005
        d = qos(3, s, True, 5, 0, n, retry)
        add(t, rt(f, present=["MCS"], knownMCS=0x07, MCS_bandwidth=0, guard_interval=1, MCS_index=7), d, 3, retry,
            sifs(f) + 2 * 9 + ht(7, 20, True, plen(d), f) + sifs(f) + response(("ht", 7), 14, f))
        d = qos(3, s, False, 6, 1, n, False)
        add(t + 0.0001, rt(f, present=["MCS"], knownMCS=0x07, MCS_bandwidth=1, guard_interval=1, MCS_index=7), d,
            3, False, sifs(f) + 2 * 9 + ht(7, 40, True, plen(d), f))
        # RTS from a station to the AP (DIFS), the AP's CTS (SIFS), an ACK heard (counted with its frame)
        d = Dot11(type=1, subtype=11, addr1=B[3], addr2=STA % s)
        add(t + 0.0002, rt(f, present=["Rate"], Rate=24), d, 3, False, sifs(f) + 2 * 9 + ofdm(24, plen(d), f))
        d = Dot11(type=1, subtype=12, addr1=STA % s)
        add(t + 0.0003, rt(f, present=["Rate"], Rate=24), d, None, False, sifs(f) + ofdm(24, plen(d), f))
        d = Dot11(type=1, subtype=13, addr1=STA % s)
        add(t + 0.0004, rt(f, present=["Rate"], Rate=24), d, None, False, 0)
        # VHT80 NSS 2 MCS 9 A-MPDU of 1..4 subframes from the AP, best effort; then the station's Block Ack
        f, t = 5745, t + 0.001
        ampdu_ref[0] += 1
        subs = [qos(4, s, False, 0, 0, random.choice([200, 1500]), retry) for _ in range(random.randint(1, 4))]
        total = (sifs(f) + 3 * 9 + vht(9, 2, 80, False, ampdu_bytes([plen(d) for d in subs])) +
                 sifs(f) + response(("vht", 9), 32, f))
        for i, d in enumerate(subs):
            r = rt(f, present=["A_MPDU", "VHT"], A_MPDU_ref=ampdu_ref[0], A_MPDU_flags=0, KnownVHT=0x44,
                   PresentVHT=0, VHT_bandwidth=4, mcs_nss=bytes([9 << 4 | 2, 0, 0, 0]), GroupID=0, PartialAID=0)
            # the A-MPDU's airtime goes to its first subframe in the model
            add(t + i * 1e-5, r, d, 4, retry, total if i == 0 else 0)
        d = Dot11(type=1, subtype=9, addr1=B[4], addr2=STA % s) / Raw(bytes(24))
        add(t + 0.0001, rt(f, present=["Rate"], Rate=24), d, 4, False, 0)
        # HE SU on 6 GHz: 80 MHz MCS 11 NSS 2 GI 0.8 2x LTF, or 20 MHz MCS 0 GI 3.2 4x LTF
        f, t = 5955, t + 0.001
        d = qos(5, s, k % 2 == 0, 0, 0, n, retry)
        if k % 3:
            he = dict(he_data1=0x4020, he_data2=0x0006, he_data3=11 << 8, he_data4=0,
                      he_data5=0x0002 | 0 << 4 | 2 << 6 | 1 << 8, he_data6=2)
            air = he_su(11, 2, 80, F(8, 10), 2, 4 + (plen(d) + 3) // 4 * 4)
            resp = response(("he", 11), 14, f)
        else:
            he = dict(he_data1=0x4020, he_data2=0x0006, he_data3=0 << 8, he_data4=0,
                      he_data5=0x0000 | 2 << 4 | 3 << 6 | 0 << 8, he_data6=1)
            air = he_su(0, 1, 20, F(32, 10), 4, 4 + (plen(d) + 3) // 4 * 4)
            resp = response(("he", 0), 14, f)
        add(t, rt(f, present=["HE"], **he), d, 5, retry, sifs(f) + 3 * 9 + air + sifs(f) + resp)
        # No rate at all: a neighbour on channel 11, and now and then one on channel 1
        d = qos(6, s, True, 0, 0, n, retry)
        add(t + 0.001, rt(2462), d, 6, retry, 0, rated=False)
        if k % 10 == 0:
            d = Dot11(type=0, subtype=4, addr1="ff:ff:ff:ff:ff:ff", addr2=STA % s, addr3="ff:ff:ff:ff:ff:ff")
            add(t + 0.002, rt(2412), d, None, False, 0, rated=False)
    # A frame with a bad FCS on channel 36: the air it took, no BSS
    d = qos(3, 7, True, 0, 0, 500, False) / Raw(b"\0\0\0\0")
    add(base + 5.5, rt(5180, flags=0x50, present=["Rate"], Rate=54), d, None, False,
        sifs(5180) + 3 * 9 + ofdm(54, len(raw(d)), 5180) + sifs(5180) + response(("ofdm", 54), 14, 5180))
beacon(T0 + END, 1, "dsss")
frames.sort(key=lambda x: x[0])

w = PcapWriter(tmp + "/air.pcap", linktype=127, sync=False)
for t, radio, d, _ in frames:
    p = radio / d
    p.time = t
    w.write(p)
w.close()

# The model per window: the windows start at the first frame, each
# WINDOW long; the last one ends at the last frame.
t_first, t_last = frames[0][0], frames[-1][0]
nwin = int((t_last - t_first) // WINDOW) + 1
model = []
for k in range(nwin):
    lo = t_first + k * WINDOW
    hi = lo + WINDOW if k < nwin - 1 else t_last + 1e-9
    span = WINDOW if k < nwin - 1 else t_last - lo
    chans, bsss = {}, {}
    for _, _, _, m in frames:
        if not lo <= m["t"] < hi:
            continue
        for key, table in ((NAME[m["freq"]], chans), (m["bss"], bsss)):
            if key is None:
                continue
            e = table.setdefault(key, {"air": 0.0, "frames": 0, "retries": 0, "no_rate": 0})
            e["frames"] += 1
            e["retries"] += m["retry"]
            if m["air"] is None:
                e["no_rate"] += 1
            else:
                e["air"] += m["air"]
    model.append({"span": span, "chans": chans, "bss": {B[b]: v for b, v in bsss.items()},
                  "bss_chan": {B[b]: NAME[CHAN[b]] for b in bsss}})
json.dump(model, open(tmp + "/model.json", "w"))
print("%d frames, %d windows" % (len(frames), nwin))
PY

conf() {
	echo "state_dir = \"$TMP/state\""
	echo 'event "t" { attendees = 100 }'
	echo "capture \"radio\" { mode = \"dot11\"  file = \"$TMP/air.pcap\"  window = 10  $1 }"
}
conf "" >"$TMP/air.conf"
"$HEADROOMD" -T -c "$TMP/air.conf" >"$TMP/air.jsonl" 2>"$TMP/air.err" || { cat "$TMP/air.err"; fail "-T failed"; }

$PY - "$TMP/air.jsonl" "$TMP/model.json" <<'PY' || fail "airtime differs from the frames' computed total"
import json, math, sys
model = json.load(open(sys.argv[2]))
reports = []
for line in open(sys.argv[1]):
    s = json.loads(line)
    if (s["entity"], s["metric"]) == ("capture:radio", "up"):
        reports.append({})
    reports[-1][(s["entity"], s["metric"])] = s["value"]
bad, checked, worst = [], 0, 0.0
if len(reports) != len(model):
    bad.append("%d reports, model has %d windows" % (len(reports), len(model)))

def close(what, got, want, tol):
    global checked, worst
    checked += 1
    if want is None:
        if got is not None:
            bad.append("%s: %r, expected unknown (null)" % (what, got))
        return
    if got is None:
        bad.append("%s: null, expected %r" % (what, want))
        return
    err = abs(got - want) / want if want else abs(got)
    worst = max(worst, err) if tol else worst
    if err > tol + 1e-12:
        bad.append("%s: %r, expected %r (%.2f%%)" % (what, got, want, 100 * err))

for n, (got, want) in enumerate(zip(reports, model)):
    span = want["span"]
    for kind, prefix, table in (("chans", "channel:radio/", want["chans"]), ("bss", "bssid:radio/", want["bss"])):
        for name, m in table.items():
            e = prefix + name
            util = got.get((e, "utilization"))
            air_s = None if util is None else util / 100 * span
            rated = m["frames"] - m["no_rate"]
            close("window %d %s airtime (s)" % (n, e), air_s, m["air"] * 1e-6 if rated else None, 0.02)
            close("window %d %s retry_ratio" % (n, e), got.get((e, "retry_ratio")), m["retries"] / m["frames"], 0)
            if kind == "chans":
                close("window %d %s frames_no_rate" % (n, e), got.get((e, "frames_no_rate")), m["no_rate"], 0)
            else:
                ch = want["bss_chan"][name]
                close("window %d %s channel" % (n, e), got.get((e, "channel")),
                      float(ch[2:] if ch.startswith("6g") else ch), 0)
    extra = [k for k in got if k[0].startswith(("channel:", "bssid:radio/")) and
             k[0].split("/", 1)[1] not in want["chans"] and k[0].split("/", 1)[1] not in want["bss"]]
    if extra:
        bad.append("window %d: unexpected %r" % (n, extra[:3]))
for b in bad[:20]:
    print("MISMATCH", b)
print("%d checks, %d mismatches, worst airtime error %.3f%%" % (checked, len(bad), 100 * worst))
# The capture must be busy enough to mean something, and every PHY present.
busiest = max(v.get(("channel:radio/149", "utilization")) or 0 for v in reports)
sys.exit(1 if bad or checked < 140 or busiest <= 0 else 0)
PY

# airtime = false: today's dot11 counting, and no channel or BSSID airtime.
conf "airtime = false" >"$TMP/off.conf"
"$HEADROOMD" -T -c "$TMP/off.conf" >"$TMP/off.jsonl" 2>"$TMP/off.err" || { cat "$TMP/off.err"; fail "-T with airtime = false failed"; }
grep -q '"entity":"channel:' "$TMP/off.jsonl" && fail "airtime = false still emits channel utilisation"
grep -q '"entity":"capture:radio","metric":"packets_total"' "$TMP/off.jsonl" || fail "airtime = false emits no capture totals"
pass "airtime per channel and BSSID within 2% of the standard's TXTIME, retries and frames without rate exact"
