#!/bin/sh
# Graphs never take the HTTP threads: while twelve clients ask at once
# for 4000 x 2000 graphs over 30 days, /healthz and the API keep
# answering (each within the 5 s curl allows: before, both HTTP threads
# rendered and /healthz waited up to 16 s or not at all). The graph
# queue is bounded: some of the twelve get 429, the others their image.
# A span beyond 31 days is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd curl

WEB_PORT=$(free_port)
WEB_EXTRA_LISTEN=""
write_conf "$TMP/headroom.conf" "$WEB_PORT"
start_headroomd "$TMP/headroom.conf"
base="http://127.0.0.1:$WEB_PORT"
wait_for 20 curl -sf -o /dev/null "$base/graph/venue.png" || fail "no first graph"

for i in $(seq 12); do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 \
		"$base/graph/venue.png?width=$((4000 - i))&height=2000&range=30d" >"$TMP/graph.$i" &
	started $!
done
for _ in 1 2 3 4 5; do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/healthz")
	[ "$code" = 200 ] || fail "/healthz answered '$code' while graphs were drawn"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/api/v1/venue")
	[ "$code" = 200 ] || fail "/api/v1/venue answered '$code' while graphs were drawn"
done
all_done() { [ "$(cat "$TMP"/graph.* | wc -l)" = 12 ]; }
wait_for 180 all_done || fail "the graphs did not all answer"
drawn=$(cat "$TMP"/graph.* | grep -c '^200$')
refused=$(cat "$TMP"/graph.* | grep -c '^429$')
[ "$((drawn + refused))" = 12 ] || fail "graph answers other than 200 or 429: $(cat "$TMP"/graph.* | tr '\n' ' ')"
[ "$drawn" -ge 1 ] && [ "$refused" -ge 1 ] ||
	fail "$drawn drawn and $refused refused: the queue is not bounded"

code=$(curl -s -o /dev/null -w '%{http_code}' "$base/graph/venue.svg?range=400d")
[ "$code" = 400 ] || fail "a graph over 400 days answered $code, not 400"
kill -TERM "$HEADROOMD_PID"
wait "$HEADROOMD_PID" || fail "headroomd exit code $? after SIGTERM"
pass "graphs are queued off the HTTP threads; /healthz answers throughout"
