#!/bin/sh
# headroom report through a remote rrdcached (host:port on 127.0.0.1,
# started here): the scripted event's files live only under the daemon's
# base directory, the report host has the state directory with the alert
# log and no RRD file. Through the config's rrdcached and through
# --rrdcached, report.json is the one the local files give, the HTML has
# its three graphs, and without the event's start and end the window
# comes from the files' extent through the daemon too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
report_need_rrdtool
need_cmd rrdcached
export TZ=UTC
printf 'leak:librrd.so\nleak:libfontconfig.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="fast_unwind_on_malloc=0"

# The central store: INSTANCE "scripted" under rrdcached's base directory.
files="$TMP/base/scripted"
mkdir -p "$files"
report_schedule "$TMP/schedule.ics"
report_fill "$files"
report_fill_capture "$files" mirror
capture='capture "mirror" { mode = "uplink"  file = "/nonexistent/mirror.pcap" }'
# The report host: the same instance name, the alert log, no RRD file.
here="$TMP/host/scripted"
mkdir -p "$here"
report_alert_log "$here/alerts.log"
cp "$here/alerts.log" "$files/alerts.log"

port=$(free_port)
mkdir -p "$TMP/journal"
rrdcached -g -l "127.0.0.1:$port" -b "$TMP/base" -B -p "$TMP/rrdcached.pid" \
	-j "$TMP/journal" >"$TMP/rrdcached.log" 2>&1 &
rrdcached_pid=$!
started $rrdcached_pid
wait_for 10 rrdtool info --daemon "127.0.0.1:$port" scripted/venue.rrd ||
	{ cat "$TMP/rrdcached.log"; fail "rrdcached did not start"; }

report_conf "$TMP/local.conf" "$files" 600 "$TMP/schedule.ics" "$capture"
report_conf "$TMP/remote.conf" "$here" 600 "$TMP/schedule.ics" \
	"$capture
rrdcached = \"127.0.0.1:$port\""
report_conf "$TMP/flag.conf" "$here" 600 "$TMP/schedule.ics" "$capture"

report() {
	out=$1; shift
	"$HEADROOM" report -o "$TMP/$out" "$@" 2>"$TMP/$out.err" ||
		{ cat "$TMP/$out.err"; fail "headroom report ($out) failed"; }
}
report local -c "$TMP/local.conf"
report remote -c "$TMP/remote.conf"
report flag -c "$TMP/flag.conf" --rrdcached "127.0.0.1:$port" --format json
[ -e "$here/venue.rrd" ] && fail "the report wrote into the state directory"
grep -q "read 8 files" "$TMP/remote.err" || { cat "$TMP/remote.err"; fail "the remote report did not read 8 files"; }

# The same numbers, and the alert log of the report host.
same_json() {
	python3 - "$TMP/local/report.json" "$TMP/$1/report.json" <<'PY' || fail "$1: report.json differs from the local files' (above)"
import json, sys
def load(p):
    r = json.load(open(p))
    r["generated"].pop("seconds", None)
    return r
a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    for k in a:
        if a[k] != b.get(k):
            print("%s: local %s\n  remote %s" % (k, json.dumps(a[k])[:300], json.dumps(b.get(k))[:300]))
    sys.exit(1)
assert b["summary"]["peak_devices"] == 530 and len(b["incidents"]["alerts"]) == 2, b["summary"]
PY
}
same_json remote
same_json flag

# Three graphs in the remote HTML, each an SVG document.
python3 - "$TMP/remote/report.html" <<'PY' || fail "the remote report.html lacks its graphs"
import base64, re, sys
imgs = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', open(sys.argv[1]).read())
assert len(imgs) == 3, "want 3 graphs, got %d" % len(imgs)
for i in imgs:
    assert b"<svg" in base64.b64decode(i)[:400]
PY
grep -v "files to read\|read [0-9]* files\|drawing graphs\|wrote" "$TMP/remote.err" &&
	fail "the remote report said more than its progress (above)"

# No event start/end: the window comes from the files, through the daemon.
sed '/^    start = /d; /^    end = /d' "$TMP/local.conf" >"$TMP/local-nowin.conf"
sed '/^    start = /d; /^    end = /d' "$TMP/remote.conf" >"$TMP/remote-nowin.conf"
report local-nowin -c "$TMP/local-nowin.conf" --format json
report remote-nowin -c "$TMP/remote-nowin.conf" --format json
python3 - "$TMP/local-nowin/report.json" "$TMP/remote-nowin/report.json" <<'PY' ||
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
a["generated"].pop("seconds")
b["generated"].pop("seconds")
assert a == b, (a["window"], b["window"])
assert b["window"]["from_data"] is True and b["summary"]["peak_devices"] == 530, b["window"]
PY
	fail "the window from the files differs through rrdcached"

# A daemon that is not there is an error, not an empty report.
kill $rrdcached_pid
wait $rrdcached_pid
"$HEADROOM" report -q -c "$TMP/flag.conf" --rrdcached "127.0.0.1:$port" -o "$TMP/gone" \
	--format json 2>"$TMP/gone.err" && fail "a report without its rrdcached succeeded"
grep -q "rrdcached" "$TMP/gone.err" || { cat "$TMP/gone.err"; fail "the error does not name rrdcached"; }
"$HEADROOM" report -q -c "$TMP/flag.conf" --rrdcached nowhere --format json 2>/dev/null &&
	fail "--rrdcached accepted an address of neither form"
pass "the report through a remote rrdcached equals the local one"
