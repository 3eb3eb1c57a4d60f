#!/bin/sh
# Graphs while three clients keep the HTTP threads and the loop busy
# allocating: every one of 40 PNGs arrives. A renderer forked from the
# threaded daemon could inherit a lock another thread held and hang
# until the graph timeout; such a graph answers 500 here.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd curl

WEB_PORT=$(free_port)
WEB_EXTRA_LISTEN=""
write_conf "$TMP/headroom.conf" "$WEB_PORT"
start_headroomd "$TMP/headroom.conf"
base="http://127.0.0.1:$WEB_PORT"
# A renderer that fails answers with its reason ("the graph renderer did
# not answer", "... stopped mid-image"): the answers are what is checked.
renderer_failed() { grep -q "graph renderer" "$1" && cp "$1" "$TMP/renderer-failed"; }
first_graph() {
	[ "$(curl -s -o "$TMP/g0" -w '%{http_code}' --max-time 60 "$base/graph/venue.png")" = 200 ] && return 0
	renderer_failed "$TMP/g0"
	return 1
}
wait_for 20 first_graph || fail "no first graph: $(head -c 300 "$TMP/g0")"
[ ! -e "$TMP/renderer-failed" ] || fail "a renderer failed: $(head -c 300 "$TMP/renderer-failed")"

for _ in 1 2 3; do
	(while :; do
		curl -s -o /dev/null "$base/api/v1/venue"
		curl -s -o /dev/null "$base/metrics"
	done) &
	started $!
done

for i in $(seq 40); do
	code=$(curl -s -o "$TMP/g.png" -w '%{http_code}' --max-time 60 "$base/graph/venue.png")
	[ "$code" = 200 ] || fail "graph $i answered $code: $(head -c 300 "$TMP/g.png")"
	[ "$(head -c 4 "$TMP/g.png" | od -An -c | tr -d ' ')" = "211PNG" ] ||
		fail "graph $i is not a PNG"
done
kill -TERM "$HEADROOMD_PID"
wait "$HEADROOMD_PID" || fail "headroomd exit code $? after SIGTERM"
no_sanitizer_reports
pass "40 graphs under load"
