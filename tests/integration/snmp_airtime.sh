#!/bin/sh
# Channel utilisation from a controller to the alert log, the store and
# the report. snmpsimd serves a Cisco WLC recording (the cisco-wlc
# profile's tables: bsnAPIfEntry and bsnAPIfLoadChannelUtilization) whose
# 5 GHz utilisation the test moves through 30% (ok), 60% (warn), 80%
# (crit) and 20% (ok) while the radio keeps 5 clients. A second AP in a
# room with airtime_warn = 65 sits at 60% throughout and stays ok there.
# Checked: /api/v1/rooms and /api/v1/radios (the room warns on airtime
# while its clients are ok), /metrics, radio_airtime_high firing, going
# critical and resolving in alerts.log, the RRD files (the room's file,
# written before airtime existed, gains airtime_max and airtime_mean in
# place with its old row kept; the radio's file has a noise DS without a
# minimum) and the report's peak, p95 and minutes against the RRD rows.
. "$(dirname "$0")/lib.sh"
need_cmd snmpsimd
need_cmd snmpget
need_cmd rrdtool
need_cmd curl
export TZ=UTC
printf 'leak:librrd.so\nleak:libfontconfig.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="fast_unwind_on_malloc=0"

data="$TMP/snmp"
mkdir -p "$data"
phase_no=0
# phase UTIL_5G: the recording for the next polls (AIRESPACE-WIRELESS-MIB:
# APs by MAC, radios by MAC and slot; slot 0 2.4 GHz ch 6, slot 1 5 GHz ch 36).
phase() {
	phase_no=$((phase_no + 1))
	python3 - "$TMP/next.snmprec" "$1" <<'PY'
import sys
out, util5 = sys.argv[1], int(sys.argv[2])
wlc = "1.3.6.1.4.1.14179"
rows = [("1.3.6.1.2.1.1.1.0", 4, "Cisco Controller"), ("1.3.6.1.2.1.1.2.0", 6, "1.3.6.1.4.1.9.1.2170"),
        ("1.3.6.1.2.1.1.3.0", 67, 4242), ("1.3.6.1.2.1.1.5.0", 4, "wlc")]
# ap, MAC, (2.4 GHz users, util), (5 GHz users, util)
for ap, mac, two, five in [("ap1", "0.1.2.3.4.5", (3, 12), (5, util5)),
                           ("ap2", "0.1.2.3.4.6", (2, 10), (4, 60))]:
    rows.append(("%s.2.2.1.1.3.%s" % (wlc, mac), 4, ap))
    for slot, typ, chan, (users, util) in [(0, 1, 6, two), (1, 2, 36, five)]:
        idx = "%s.%d" % (mac, slot)
        rows += [("%s.2.2.2.1.2.%s" % (wlc, idx), 2, typ), ("%s.2.2.2.1.4.%s" % (wlc, idx), 2, chan),
                 ("%s.2.2.2.1.15.%s" % (wlc, idx), 65, users),
                 ("%s.2.2.13.1.3.%s" % (wlc, idx), 2, util)]
rows += [("%s.2.1.1.1.2.1" % wlc, 4, "event"), ("%s.2.1.1.1.38.1" % wlc, 65, 14)]
rows.sort(key=lambda r: [int(x) for x in r[0].split(".")])
with open(out, "w") as f:
    for oid, typ, val in rows:
        f.write("%s|%d|%s\n" % (oid, typ, val))
PY
	chmod 644 "$TMP/next.snmprec"
	# snmpsimd re-indexes a recording when its mtime (whole seconds) changes.
	touch -d "@$(( $(date +%s) + 100 * phase_no ))" "$TMP/next.snmprec"
	mv "$TMP/next.snmprec" "$data/wlc.snmprec"
}
phase 30
port=$(free_port udp)
start_snmpsim "$data" "$port" wlc
web=$(free_port)

state="$TMP/state"
cat >"$TMP/headroom.conf" <<CONF
tick = 1
state_dir = "$state"
alert_group_wait = "1s"
event "t" { attendees = 100 }
web { listen = { "127.0.0.1:$web" } }
room "hall" { seats = 50 }
room "foyer" { seats = 50  airtime_warn = 65  airtime_crit = 90 }
target "wlc" { address = "127.0.0.1" port = $port community = "wlc"
    profile = "cisco-wlc" interval = 1 timeout = 2 retries = 1 }
ap "ap1" { room = "hall" max_clients = 60 target = "wlc" }
ap "ap2" { room = "foyer" max_clients = 60 target = "wlc" }
alert "radio_airtime_high" { for = "2s" }
CONF

# The hall's file as a headroomd before airtime wrote it at tick = 1:
# three data sources, two minutes of 7 clients an hour ago.
old=$(( ($(date +%s) - 3600) / 60 * 60 ))
mkdir -p "$state/room"
{
	echo "create $state/room/hall.rrd --start $((old - 1)) --step 1" \
		"DS:clients:GAUGE:3:0:U DS:projected:GAUGE:3:0:U DS:capacity:GAUGE:3:0:U" \
		"RRA:AVERAGE:0.5:10:34560 RRA:MAX:0.5:10:34560 RRA:AVERAGE:0.5:60:43200" \
		"RRA:MAX:0.5:60:43200 RRA:AVERAGE:0.5:3600:17520 RRA:MAX:0.5:3600:17520"
	t=$old
	while [ $t -lt $((old + 120)) ]; do
		echo "update $state/room/hall.rrd $t:7:45:60"
		t=$((t + 1))
	done
} | rrdtool - >"$TMP/rrdtool.log" 2>&1 || { tail -3 "$TMP/rrdtool.log"; fail "rrdtool failed"; }
grep -q ERROR "$TMP/rrdtool.log" && { grep -m3 ERROR "$TMP/rrdtool.log"; fail "rrdtool failed"; }

start=$(date +%s)
"$HEADROOMD" -f -c "$TMP/headroom.conf" -p "$TMP/headroomd.pid" 2>"$TMP/daemon.log" &
pid=$!
started $pid

room() { echo "by(d['rooms'], '$1')"; }
api_wait 30 "$web" /api/v1/rooms "$(room hall)['airtime']['max'] == 30 and $(room hall)['status'] == 'ok'" \
	"the hall never read 30% airtime"
api_check "$web" /api/v1/rooms "$(room foyer)['airtime']['max'] == 60 and $(room foyer)['status'] == 'ok' and $(room foyer)['airtime']['warn'] == 65" ||
	fail "the foyer at 60% is not ok against its own airtime_warn = 65"
api_check "$web" /api/v1/radios "[(x['entity'], x['channel'], x['clients'], x['utilization']) for x in d['radios'] if x['ap'] == 'ap1'] == [('radio:ap1/2g4', 6, 3, 12), ('radio:ap1/5g', 36, 5, 30)]" ||
	{ api_get "$web" /api/v1/radios; fail "/api/v1/radios does not list ap1's radios as served"; }

phase 60
api_wait 30 "$web" /api/v1/rooms "$(room hall)['status'] == 'warn' and $(room hall)['clients_status'] == 'ok' and $(room hall)['airtime']['status'] == 'warn' and $(room hall)['airtime']['max'] == 60" \
	"the hall did not warn on airtime while its clients are ok"
api_check "$web" /api/v1/aps "by(d['aps'], 'ap1')['status'] == 'warn' and [r['status'] for r in by(d['aps'], 'ap1')['radios']] == ['ok', 'warn']" ||
	fail "ap1 does not follow its 5 GHz radio"
api_check "$web" /api/v1/venue "d['verdict']['status'] == 'warn' and 'channel busy' in d['verdict']['place']" ||
	{ api_get "$web" /api/v1/venue; fail "the verdict does not name the busy channel"; }
metrics() { api_get "$web" /metrics >"$TMP/metrics.txt" && grep -qxF "$1" "$TMP/metrics.txt"; }
for line in 'headroom_radio_utilization_ratio{ap="ap1",room="hall",band="5g",radio=""} 0.6' \
	'headroom_radio_channel{ap="ap1",room="hall",band="5g",radio=""} 36' \
	'headroom_radio_clients{ap="ap1",room="hall",band="5g",radio=""} 5' \
	'headroom_radio_status{ap="ap1",room="hall",band="5g",radio=""} 2' \
	'headroom_room_airtime_ratio{room="hall",stat="max"} 0.6' \
	'headroom_room_airtime_ratio{room="hall",stat="mean"} 0.36' \
	'headroom_room_status{room="hall"} 2' 'headroom_room_status{room="foyer"} 1'; do
	wait_for 10 metrics "$line" || { grep -E 'radio|airtime|room_status' "$TMP/metrics.txt"; fail "/metrics lacks: $line"; }
done
log="$state/alerts.log"
fired() { grep -q "\"event\":\"$1\",\"id\":\"[0-9a-f]*\",\"rule\":\"radio_airtime_high\",\"labels\":{\"ap\":\"ap1\",\"band\":\"5g\",\"room\":\"hall\",\"target\":\"wlc\"},\"severity\":\"$2\"" "$log"; }
wait_for 30 fired firing warn || { cat "$log"; fail "radio_airtime_high did not fire (warn)"; }

phase 80
api_wait 30 "$web" /api/v1/rooms "$(room hall)['status'] == 'crit' and $(room hall)['airtime']['max'] == 80" \
	"the hall did not go critical at 80%"
wait_for 30 fired escalated crit || { cat "$log"; fail "radio_airtime_high did not go critical"; }
sleep 20

phase 20
api_wait 30 "$web" /api/v1/rooms "$(room hall)['status'] == 'ok' and $(room hall)['airtime']['max'] == 20" \
	"the hall did not come back to ok"
wait_for 30 grep -q '"event":"resolved","id":"[0-9a-f]*","rule":"radio_airtime_high"' "$log" ||
	{ cat "$log"; fail "radio_airtime_high did not resolve"; }
grep '"rule":"radio_airtime_high"' "$log" | grep -q '"ap":"ap2"' &&
	fail "the foyer's radio at 60% alerted against the venue's levels, not its room's"
sleep 12
kill -TERM $pid
wait $pid || fail "headroomd exited with $?"
end=$(rrdtool last "$state/room/hall.rrd")

# ---- the store ----
# (and the wired data sources after them: 5 in all)
grep -q "hall.rrd: added 5 data source(s) from airtime_max on in place" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "the daemon did not say it upgraded the room's file"; }
ls "$state/room" | grep -q "old-" && fail "the old file was moved aside instead of upgraded"
rrdtool info "$state/room/hall.rrd" >"$TMP/hall.info"
grep -q '^ds\[airtime_max\].index = 3$' "$TMP/hall.info" &&
	grep -q '^ds\[airtime_mean\].index = 4$' "$TMP/hall.info" ||
	{ grep '^ds' "$TMP/hall.info"; fail "airtime_max and airtime_mean are not the room file's DS 4 and 5"; }
rrdtool fetch "$state/room/hall.rrd" MAX -r 10 -s $((old + 20)) -e $((old + 60)) |
	grep -q "^$((old + 60)): 7.0000000000e+00 4.5000000000e+01 6.0000000000e+01 -nan -nan -nan -nan -nan$" ||
	{ rrdtool fetch "$state/room/hall.rrd" MAX -r 10 -s $((old + 20)) -e $((old + 60));
	  fail "the hour-old row was not kept (or airtime is not unknown in it)"; }
radio="$state/radio/ap1%2F5g.rrd"
rrdtool info "$radio" >"$TMP/radio.info" || fail "no radio file $radio"
for ds in clients utilization noise channel retry_ratio; do
	grep -q "^ds\[$ds\].type = \"GAUGE\"" "$TMP/radio.info" || fail "the radio file lacks $ds"
done
grep -q '^ds\[noise\].min = NaN$' "$TMP/radio.info" || fail "noise (dBm) has a minimum"
grep -q '^ds\[utilization\].min = 0' "$TMP/radio.info" || fail "utilization has no minimum of 0"

# ---- the report, against the RRD rows it reads ----
"$HEADROOM" report -q -c "$TMP/headroom.conf" -o "$TMP/report" --format json,csv,html \
	--from @"$start" --to @"$end" || fail "headroom report failed"
rrdtool fetch "$radio" MAX -r 10 -s "$start" -e "$end" >"$TMP/radio.max"
rrdtool fetch "$radio" AVERAGE -r 10 -s "$start" -e "$end" >"$TMP/radio.avg"
python3 - "$TMP/report" "$TMP/radio.max" "$start" "$end" "$TMP/radio.avg" <<'PY' || fail "the report's airtime figures (above)"
import csv, json, math, sys
d = json.load(open(sys.argv[1] + "/report.json"))
start, end = int(sys.argv[3]), int(sys.argv[4])
def utilization(path):
    """(end of interval, value) of the file's second DS in (start, end]."""
    rows = []
    for line in open(path):
        t, sep, rest = line.partition(":")
        if sep and t.strip().isdigit() and start < int(t) <= end:
            v = rest.split()[1]
            rows.append((int(t), None if "nan" in v else float(v)))
    return rows
known = [v for _t, v in utilization(sys.argv[2]) if v is not None]
# p95 as the report defines it: nearest rank over 300 s averages, each
# known when half of its 10 s rows are
buckets = {}
for t, v in utilization(sys.argv[5]):
    if v is not None:
        buckets.setdefault((t - 1) // 300, []).append(v)
fives = sorted(sum(b) / len(b) for b in buckets.values() if 2 * len(b) >= 30)
p95 = fives[math.ceil(0.95 * len(fives)) - 1] if fives else None
want = {"peak": max(known), "minutes_above_warn": sum(v >= 50 for v in known) * 10 / 60,
        "minutes_above_crit": sum(v >= 70 for v in known) * 10 / 60, "p95": p95}
radio = next(x for x in d["radios"] if x["entity"] == "radio:ap1/5g")
hall = next(r for r in d["rooms"] if r["name"] == "hall")
bad = []
same = lambda a, b: a == b if a is None or b is None else abs(a - b) < 1e-6
for k, v in want.items():
    if not same(radio["utilization"][k], v):
        bad.append("radio %s: got %r, want %r" % (k, radio["utilization"][k], v))
    if k != "p95" and not same(hall["airtime"][k], v):     # its busiest radio is ap1/5g
        bad.append("hall %s: got %r, want %r" % (k, hall["airtime"][k], v))
if want["peak"] != 80 or not want["minutes_above_crit"] > 0.3:
    bad.append("the RRD rows do not hold the crit phase: %r" % want)
if radio["room"] != "hall" or radio["clients_while_busy"] != 5 or radio["clients_warn"] != 48:
    bad.append("radio: %r" % radio)
foyer = next(r for r in d["rooms"] if r["name"] == "foyer")
if foyer["airtime"]["minutes_above_warn"] != 0 or foyer["airtime"]["warn"] != 65:
    bad.append("foyer: %r" % foyer["airtime"])
recos = [x["text"] for x in d["recommendations"] if x["kind"] == "airtime"]
if len(recos) != 1 or not recos[0].startswith("hall: channel busy up to 80%") or \
        "interference or the channel plan" not in recos[0] or "ap1/5g" not in recos[0]:
    bad.append("recommendations: %r" % recos)
table = list(csv.DictReader(open(sys.argv[1] + "/airtime.csv")))
row = next(r for r in table if r["kind"] == "radio" and r["name"] == "ap1/5g")
if float(row["peak_utilization"]) != 80 or abs(float(row["minutes_above_warn"]) - want["minutes_above_warn"]) > 1e-6:
    bad.append("airtime.csv: %r" % row)
html = open(sys.argv[1] + "/report.html").read()
if 'id="airtime"' not in html or "ap1/5g" not in html:
    bad.append("report.html has no airtime section with the radio")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
pass "airtime crosses warn and crit from the controller to the API, /metrics, alerts.log, RRD files and the report"
