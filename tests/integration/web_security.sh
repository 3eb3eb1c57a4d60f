#!/bin/sh
# web security: hostile requests each get a 4xx (never a file outside the
# dashboard, never a crash) and the daemon keeps serving: path traversal
# in raw and encoded forms, oversized request lines, headers and bodies,
# malformed requests, bad query parameters, wrong methods, slow clients
# (dropped after the timeout) and more connections from one address than
# per_ip_connections allows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
need_cmd curl

WEB_PORT=$(free_port)
WEB_EXTRA_LISTEN=""
conf="$TMP/headroom.conf"
write_conf "$conf" "$WEB_PORT" "" "" 'api_token = "t0ken-for-tests"
  timeout = 2
  per_ip_connections = 6'
start_headroomd "$conf"

"$PY" - "$WEB_PORT" <<'PYEOF' || fail "a hostile request was not answered with a 4xx"
import socket, sys
port = int(sys.argv[1])

def raw(data, read_all=True):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
    except OSError:
        pass
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
            if not read_all and b"\r\n\r\n" in out:
                break
    except OSError:
        pass
    s.close()
    return out

def status(resp):
    line = resp.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) > 1 and line[0].startswith(b"HTTP/") else None

def get(path, headers=b""):
    return raw(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + b"\r\n")

failures = []
def expect(what, resp, codes=range(400, 500), may_close=False):
    st = status(resp)
    if may_close and resp == b"":
        return
    if st not in codes or b"root:" in resp:
        failures.append("%s: %r" % (what, resp[:120]))

# Path traversal, raw and encoded: never a file outside the assets.
for p in [b"/static/../../etc/passwd", b"/static/%2e%2e/%2e%2e/etc/passwd",
          b"/static/..%2f..%2fetc%2fpasswd", b"/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
          b"/%2e%2e/%2e%2e/etc/passwd", b"/static/....//....//etc/passwd",
          b"/static/..\\..\\etc\\passwd", b"/static/%252e%252e/etc/passwd",
          b"/static/app.js%00.png", b"/static/", b"/static//etc/passwd",
          b"/graph/..%2f..%2fetc%2fpasswd.svg", b"/../../../../etc/passwd"]:
    expect(b"traversal " + p, get(p))
    r = get(p)
    if b"root:x:" in r:
        failures.append("leaked /etc/passwd via %r" % p)

# Oversized request line and headers (the server keeps 32 KiB per connection).
expect("long URL", get(b"/api/v1/venue?x=" + b"a" * 70000))
expect("huge header", get(b"/", b"X-Big: " + b"b" * 70000 + b"\r\n"))
expect("many headers", get(b"/", b"".join(b"X-H%d: %s\r\n" % (i, b"c" * 100) for i in range(600))))

# Oversized bodies: declared, and streamed in chunks without a length.
expect("declared 10 MB body", raw(b"POST /api/v1/silences HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken-for-tests\r\n"
                                  b"Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n" + b"{" * 1000, read_all=False), [413])
chunk = b"%x\r\n%s\r\n" % (32768, b"[" * 32768)
expect("chunked 96 KiB body", raw(b"POST /api/v1/silences HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer t0ken-for-tests\r\n"
                                  b"Transfer-Encoding: chunked\r\n\r\n" + chunk * 3 + b"0\r\n\r\n"), [413])

# Malformed requests.
# (libmicrohttpd may close on a request line it cannot parse at all)
expect("garbage request line", raw(b"GARBAGE\r\n\r\n"), may_close=True)
expect("HTTP/1.1 without Host", raw(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n"))
expect("bad Content-Length", raw(b"POST /api/v1/silences HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: -5\r\n\r\n"))
expect("header without colon", raw(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nno colon here\r\n\r\n"))

# Bad query parameters.
for q in [b"/api/v1/series?entity=ap:a1&metric=clients&from=%ff%fe",
          b"/api/v1/series?entity=ap:a1%00x&metric=clients",
          b"/api/v1/series?entity=" + b"a" * 500 + b"&metric=clients",
          b"/api/v1/series?entity=ap:a1&metric=clients&from=-99999d",
          b"/api/v1/series?entity=ap:a1&metric=clients&step=1y",
          b"/graph/ap:a1.svg?width=100000", b"/graph/ap:a1.svg?range=-1h",
          b"/graph/ap:a1.svg?range=1h&from=-2h", b"/graph/AP:a1.svg"]:
    expect(b"query " + q, get(q), [400])

# Wrong methods, and writes without a token.
for m, p in [(b"POST", b"/metrics"), (b"PUT", b"/api/v1/venue"), (b"DELETE", b"/"),
             (b"PATCH", b"/api/v1/silences"), (b"POST", b"/events"), (b"GET", b"/api/v1/alerts/x/ack")]:
    expect(m + b" " + p, raw(m + b" " + p + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), [405])
expect("unknown path", get(b"/wp-login.php"), [404])
expect("ack with a bad id", raw(b"POST /api/v1/alerts/..%2f/ack HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                b"Authorization: Bearer t0ken-for-tests\r\nContent-Length: 2\r\n\r\n{}"))

if failures:
    print("\n".join(failures))
    sys.exit(1)
PYEOF
kill -0 "$HEADROOMD_PID" || fail "headroomd died"
jcheck /api/v1/venue 'd["projected"] == 1080' "venue no longer served after the hostile requests"

# Slow clients: half a request line, then silence. The server drops them
# after its timeout and serves others meanwhile.
"$PY" - "$WEB_PORT" "$TMP" <<'PYEOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /api/v1/ven")
s.settimeout(60)
try:
    data = s.recv(100)
except OSError:
    data = b"error"
open(sys.argv[2] + "/slow.done", "w").write(repr(data))
PYEOF
slow=$!
started $slow
jcheck /healthz 'd["status"] == "ok"' "not served while a slow client hangs"
wait_for 30 test -e "$TMP/slow.done" || fail "a slow client was never dropped"

# More connections from one address than per_ip_connections (6): the
# extra ones are refused, the daemon recovers once they close. The six
# are held only once the daemon has let go of every earlier connection
# (one still closing would take a place, and let the seventh in when it
# goes), and each is seen open before the seventh comes.
"$PY" - "$WEB_PORT" <<'PYEOF' || fail "per_ip_connections not enforced"
import socket, sys, time
port = int(sys.argv[1])

def server_side():
    """the daemon's sockets on the port, but its listener and TIME_WAIT"""
    n = 0
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        f = line.split()
        if int(f[1].split(":")[1], 16) == port and f[3] not in ("0A", "06"):
            n += 1
    return n

def is_open(s):
    """no answer and no end of stream yet: the daemon holds it"""
    s.setblocking(False)
    try:
        s.recv(1, socket.MSG_PEEK)	# an answer, or the end of the stream
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        s.setblocking(True)

for attempt in range(5):
    deadline = time.time() + 20
    while server_side() and time.time() < deadline:
        time.sleep(0.1)
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
    for s in held:
        s.sendall(b"GET /api/v1/ven")
    time.sleep(0.3)
    if all(is_open(s) for s in held):
        break
    for s in held:
        s.close()
else:
    sys.exit("six connections were never held open at once")
for s in held:
    s.sendall(b"u")		# their idle timeout (2 s) starts again
extra = socket.create_connection(("127.0.0.1", port))
extra.settimeout(10)
try:
    extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    data = extra.recv(100)
except OSError:
    data = b""
for s in held:
    s.close()
sys.exit(0 if not data.startswith(b"HTTP/1.1 200") else 1)
PYEOF
wait_for 10 curl -sf "http://127.0.0.1:$WEB_PORT/healthz" || fail "not serving after the held connections closed"

kill -0 "$HEADROOMD_PID" || fail "headroomd died"
kill -TERM "$HEADROOMD_PID"
wait "$HEADROOMD_PID" || fail "headroomd exit code $? after SIGTERM"
no_sanitizer_reports
pass "web security"
