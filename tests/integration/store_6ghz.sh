#!/bin/sh
# A 6 GHz radio from the controller to the report: snmpsimd serves a
# Huawei AC's radio table (band column, one AP with a 6 GHz radio),
# headroomd polls it and writes the AP's RRD file, `headroom report`
# reads it back. The AP's file already exists in the layout from before
# 6 GHz, with an hour-old row: headroomd adds clients_6g to it in place
# (no file moved aside) and the old row is still read.
. "$(dirname "$0")/lib.sh"
need_cmd snmpsimd
need_cmd snmpget
need_cmd rrdtool
export TZ=UTC
printf 'leak:librrd.so\nleak:libfontconfig.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="fast_unwind_on_malloc=0"

# HUAWEI-WLAN-AP-RADIO-MIB hwWlanRadioInfoTable: ApName, FreqType (1 2.4,
# 2 5, 3 6 GHz), online stations; INDEX { AP MAC (6 arcs), radio id }
mkdir -p "$TMP/snmp"
python3 - "$TMP/snmp/huawei.snmprec" <<'PY'
import sys
rows = [("1.3.6.1.2.1.1.1.0", 4, "Huawei AirEngine9700-M1 V200R022C00"),
        ("1.3.6.1.2.1.1.3.0", 67, 123456), ("1.3.6.1.2.1.1.5.0", 4, "huawei")]
for rid, freq, count in [(0, 1, 5), (1, 2, 21), (2, 3, 4)]:
    idx = "0.224.252.1.2.4.%d" % rid
    rows.append(("1.3.6.1.4.1.2011.6.139.16.1.2.1.3." + idx, 4, "hw-hall-2"))
    rows.append(("1.3.6.1.4.1.2011.6.139.16.1.2.1.5." + idx, 2, freq))
    rows.append(("1.3.6.1.4.1.2011.6.139.16.1.2.1.40." + idx, 66, count))
rows.sort(key=lambda r: [int(x) for x in r[0].split(".")])
with open(sys.argv[1], "w") as f:
    for oid, typ, val in rows:
        f.write("%s|%d|%s\n" % (oid, typ, val))
PY
port=$(free_port udp)
start_snmpsim "$TMP/snmp" "$port" huawei

state="$TMP/state"
cat >"$TMP/headroom.conf" <<CONF
tick = 1
state_dir = "$state"
room "hall" { seats = 150 }
ap "hw-hall-2" { room = "hall" max_clients = 100 target = "hw" }
target "hw" { address = "127.0.0.1" port = $port community = "huawei"
    profile = "huawei" timeout = 5 retries = 2 }
event "t" { attendees = 200 }
CONF

# The file the previous headroomd wrote at tick = 1: five data sources,
# the store's archives at a 1 s step, two minutes of 9 clients an hour ago.
old=$(( ($(date +%s) - 3600) / 60 * 60 ))
mkdir -p "$state/ap"
{
	echo "create $state/ap/hw-hall-2.rrd --start $((old - 1)) --step 1" \
		"DS:clients:GAUGE:3:0:U DS:clients_2g4:GAUGE:3:0:U DS:clients_5g:GAUGE:3:0:U" \
		"DS:projected:GAUGE:3:0:U DS:capacity:GAUGE:3:0:U" \
		"RRA:AVERAGE:0.5:10:34560 RRA:MAX:0.5:10:34560 RRA:AVERAGE:0.5:60:43200" \
		"RRA:MAX:0.5:60:43200 RRA:AVERAGE:0.5:3600:17520 RRA:MAX:0.5:3600:17520"
	t=$old
	while [ $t -lt $((old + 120)) ]; do
		echo "update $state/ap/hw-hall-2.rrd $t:9:3:6:90:100"
		t=$((t + 1))
	done
} | rrdtool - >"$TMP/rrdtool.log" 2>&1 || { tail -3 "$TMP/rrdtool.log"; fail "rrdtool failed"; }
grep -q ERROR "$TMP/rrdtool.log" && { grep -m3 ERROR "$TMP/rrdtool.log"; fail "rrdtool failed"; }
ino_before=$(stat -c %i "$state/ap/hw-hall-2.rrd")

start=$(date +%s)
"$HEADROOMD" -f -c "$TMP/headroom.conf" -p "$TMP/headroomd.pid" 2>"$TMP/daemon.log" &
pid=$!
started $pid
# 6 GHz known in the file for half a minute
wait_for 60 sh -c "rrdtool lastupdate '$state/ap/hw-hall-2.rrd' | tail -1 | grep -q ': 30 5 21 [0-9]* 100 4\$'" ||
	{ rrdtool lastupdate "$state/ap/hw-hall-2.rrd"; tail -20 "$TMP/daemon.log"; fail "no 6 GHz clients in the AP's file"; }
sleep 30
kill -TERM $pid
wait $pid || fail "headroomd exited with $?"
end=$(rrdtool last "$state/ap/hw-hall-2.rrd")

grep -q "hw-hall-2.rrd: added 1 data source(s) from clients_6g on in place" "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "the daemon did not say it upgraded the file"; }
ls "$state/ap" | grep -q "old-" && fail "the old file was moved aside instead of upgraded"
[ "$(stat -c %i "$state/ap/hw-hall-2.rrd")" != "$ino_before" ] || fail "the file was not rewritten"
rrdtool info "$state/ap/hw-hall-2.rrd" | grep -q '^ds\[clients_6g\].index = 5$' ||
	fail "clients_6g is not the file's sixth data source"
rrdtool fetch "$state/ap/hw-hall-2.rrd" MAX -r 10 -s $((old + 20)) -e $((old + 60)) |
	grep -q "^$((old + 60)): 9.0000000000e+00 3.0000000000e+00 6.0000000000e+00 .* -nan$" ||
	{ rrdtool fetch "$state/ap/hw-hall-2.rrd" MAX -r 10 -s $((old + 20)) -e $((old + 60));
	  fail "the hour-old row was not kept (or 6 GHz is not unknown in it)"; }

"$HEADROOM" report -q -c "$TMP/headroom.conf" -o "$TMP/now" --format json \
	--from @$((start - 60)) --to @"$end" || fail "headroom report failed"
"$HEADROOM" report -q -c "$TMP/headroom.conf" -o "$TMP/before" --format json \
	--from @$((old - 60)) --to @$((old + 600)) || fail "headroom report of the old hour failed"
python3 - "$TMP/now/report.json" "$TMP/before/report.json" <<'PY' || fail "report.json (above)"
import json, sys
now = {a["name"]: a for a in json.load(open(sys.argv[1]))["aps"]}["hw-hall-2"]
before = {a["name"]: a for a in json.load(open(sys.argv[2]))["aps"]}["hw-hall-2"]
want_now = {"peak_clients": 30, "peak_clients_2g4": 5, "peak_clients_5g": 21, "peak_clients_6g": 4}
want_before = {"peak_clients": 9, "peak_clients_2g4": 3, "peak_clients_5g": 6, "peak_clients_6g": None}
bad = ["now %s: got %r, want %r" % (k, now.get(k), v) for k, v in want_now.items() if now.get(k) != v]
bad += ["before %s: got %r, want %r" % (k, before.get(k), v) for k, v in want_before.items()
        if before.get(k) != v]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
pass "6 GHz clients reach the AP's file (upgraded in place) and the report"
