#!/bin/sh
# Slowloris: 100 connections from 5 addresses trickle header bytes and
# never finish their request. An address may hold only a few such
# connections, and each is dropped once it has not finished in time, so
# the dashboard's own requests keep being answered; before, the
# trickling clients held every slot (max_connections here is 64) and
# nobody else got an answer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd curl

WEB_PORT=$(free_port)
WEB_EXTRA_LISTEN=""
write_conf "$TMP/headroom.conf" "$WEB_PORT" "" "" 'max_connections = 64
  per_ip_connections = 64'
start_headroomd "$TMP/headroom.conf"

# 20 trickling connections from each of 127.0.0.2..6; the script writes
# how many the server closed once every one is closed or 40 s passed.
"$PY" - "$WEB_PORT" "$TMP/closed" <<'PYEOF' &
import socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
conns = []
for a in range(2, 7):
    for _ in range(20):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.bind(("127.0.0.%d" % a, 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            s.setblocking(False)
            conns.append(s)
        except OSError:
            s.close()
open(out + ".opened", "w").write("%d\n" % len(conns))
closed = set()
end = time.time() + 40
while time.time() < end and len(closed) < len(conns):
    for i, s in enumerate(conns):
        if i in closed:
            continue
        try:
            if s.recv(4096) == b"":
                closed.add(i)
                continue
        except BlockingIOError:
            pass
        except OSError:
            closed.add(i)
            continue
        try:
            s.send(b"X")
        except BlockingIOError:
            pass
        except OSError:
            closed.add(i)
    time.sleep(0.5)
open(out, "w").write("%d %d\n" % (len(closed), len(conns)))
PYEOF
started $!

wait_for 20 test -s "$TMP/closed.opened" || fail "the trickling clients did not start"
for _ in 1 2 3 4 5 6; do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$WEB_PORT/healthz")
	[ "$code" = 200 ] || fail "/healthz answered '$code' while 100 clients trickled"
	sleep 1
done
wait_for 60 test -s "$TMP/closed" || fail "the trickling clients did not finish"
read -r closed opened <"$TMP/closed"
[ "$closed" = "$opened" ] || fail "only $closed of $opened trickling connections were dropped"
pass "trickling clients are capped per address and dropped; others are answered"
