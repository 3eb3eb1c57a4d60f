#!/bin/sh
# Big bodies (a venue of 300 APs: /metrics and /api/v1/aps over 16 KiB)
# go out with sendfile() from sealed memfds: plain and gzip carry the
# same bytes, HEAD and If-None-Match work, 40 parallel clients all get
# the whole body, and the files of old snapshots are released as new
# ones are published.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd curl
need_cmd gzip
[ -d /proc/self/fd ] || skip "no /proc"

WEB_PORT=$(free_port)
conf="$TMP/headroom.conf"
{
	echo "state_dir = \"$TMP/state\""
	echo "tick = 1"
	echo 'event "large" { attendees = 9000 }'
	echo "web { listen = { \"127.0.0.1:$WEB_PORT\" } }"
	for r in $(seq 1 15); do
		echo "room \"room-$r\" { seats = 400 }"
		for a in $(seq 1 20); do
			echo "ap \"room-$r-ap-$a\" { room = \"room-$r\" max_clients = 60 }"
		done
	done
	echo 'uplink "isp" { capacity_mbps = 1000 }'
} >"$conf"
start_headroomd "$conf"

memfds() { ls -l "/proc/$HEADROOMD_PID/fd" 2>/dev/null | grep -c 'memfd:headroom-body' || true; }

for path in /metrics /api/v1/aps; do
	name=$(echo "$path" | tr / _)
	curl -s -D "$TMP/$name.h" -o "$TMP/$name" "http://127.0.0.1:$WEB_PORT$path"
	size=$(wc -c <"$TMP/$name")
	[ "$size" -gt 16384 ] || fail "$path is only $size bytes: the test needs a big body"
	grep -qi "^Content-Length: $size" "$TMP/$name.h" || fail "$path: Content-Length is not $size"
	# the ETag names the bytes: a body of another snapshot would differ in "now"
	etag=$(sed -n 's/^ETag: *//Ip' "$TMP/$name.h" | tr -d '\r')
	curl -s -D "$TMP/$name.gh" -H 'Accept-Encoding: gzip' -o "$TMP/$name.gz" \
		"http://127.0.0.1:$WEB_PORT$path"
	grep -qi '^Content-Encoding: gzip' "$TMP/$name.gh" || fail "$path: no gzip"
	if grep -qi "^ETag: $etag" "$TMP/$name.gh"; then
		gzip -dc "$TMP/$name.gz" | cmp -s - "$TMP/$name" ||
			fail "$path: the gzip body is not the plain body"
	fi
	curl -s -I -o "$TMP/$name.head" "http://127.0.0.1:$WEB_PORT$path"
	grep -q '^HTTP/1.1 200' "$TMP/$name.head" || fail "$path: HEAD did not answer 200"
	grep -qi '^Content-Length: [1-9]' "$TMP/$name.head" || fail "$path: HEAD without Content-Length"
done
[ "$(grep -c '^headroom_ap_capacity{' "$TMP/_metrics")" = 300 ] ||
	fail "/metrics does not list 300 APs' capacity"
"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d["aps"]) == 300' \
	"$TMP/_api_v1_aps" || fail "/api/v1/aps does not list 300 APs"
[ "$(memfds)" -gt 0 ] || fail "big bodies are not served from memfds"

# 40 clients at once, 5 keep-alive requests each: every answer complete
"$PY" - "$WEB_PORT" <<'PY' || fail "parallel clients got incomplete or broken bodies"
import http.client, sys, threading
port = int(sys.argv[1])
bad = []
def client():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for path in ("/metrics", "/api/v1/aps") * 3:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        if r.status != 200 or len(body) != int(r.getheader("Content-Length")):
            bad.append((path, r.status, len(body)))
        elif path == "/metrics" and body.count(b"\nheadroom_ap_capacity{") != 300:
            bad.append((path, "lines"))
threads = [threading.Thread(target=client) for _ in range(40)]
for t in threads: t.start()
for t in threads: t.join()
if bad:
    print(bad[:5], file=sys.stderr)
    sys.exit(1)
PY

# each tick publishes new files; the old ones must be closed
seq_now() { curl -s "http://127.0.0.1:$WEB_PORT/healthz" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["seq"])'; }
published_since() { [ "$(seq_now)" -ge "$1" ]; }
first=$(memfds)
wait_for 20 published_since $(($(seq_now) + 5)) || fail "no new snapshots published"
now=$(memfds)
[ "$now" -le $((first * 2)) ] || fail "memfds of old snapshots are kept: $first, then $now"

kill -TERM "$HEADROOMD_PID"
wait "$HEADROOMD_PID" || fail "headroomd exit code $? after SIGTERM"
pass "big bodies from memfds: plain, gzip, HEAD, 40 parallel clients, files released"
