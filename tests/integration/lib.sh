# Shared helpers for integration tests (sourced). Tests run from the build
# directory; every process a test starts is recorded and stopped by PID.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${HEADROOMD:=$top_builddir/headroomd}"
: "${HEADROOM:=$top_builddir/headroom}"
: "${SHARED_FIXTURES:=$top_srcdir/../shared/fixtures}"

TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/headroom-$TEST_NAME.XXXXXX")
STARTED_PIDS=""

cleanup() {
	for pid in $STARTED_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $STARTED_PIDS; do
		for _ in $(seq "${STOP_WAIT:-50}"); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null && STUCK_PIDS="${STUCK_PIDS:-} $pid"
	done
	[ -z "${NS:-}" ] || ip netns del "$NS" 2>/dev/null
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
	[ -z "${HEADROOMD_WRAPPER:-}" ] || vg_check
}
trap cleanup EXIT
# A test stopped by a signal (make check's timeout, ^C) still cleans up:
# sh runs the EXIT trap only when the script exits.
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
# make check-valgrind: the daemon and the CLI run under memcheck
[ -z "${HEADROOMD_WRAPPER:-}" ] || . "$top_srcdir/tests/valgrind.sh"

started() { STARTED_PIDS="$STARTED_PIDS $1"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
pass() { echo "PASS: $*"; }

# wait_for SECONDS COMMAND...: retry until the command succeeds.
wait_for() {
	local limit=$1; shift
	local end=$(( $(date +%s) + limit ))
	while [ "$(date +%s)" -le "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# A free TCP/UDP port on 127.0.0.1.
free_port() {
	python3 - "$@" <<'PY'
import socket, sys
kind = socket.SOCK_DGRAM if len(sys.argv) > 1 and sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

need_fixtures() {
	[ -d "$SHARED_FIXTURES/$1" ] || skip "no ../shared/fixtures/$1 in this checkout"
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed (tools/install-deps installs it)"
}

# Start snmpsimd serving DIR on 127.0.0.1:PORT; sets SNMPSIM_PID.
start_snmpsim() {
	local dir=$1 port=$2
	need_cmd snmpsimd
	local user_args=""
	[ "$(id -u)" = 0 ] && user_args="--process-user=nobody --process-group=nogroup"
	mkdir -p "$TMP/snmpsim-cache"
	chmod 755 "$TMP"	# snmpsimd runs as nobody when started as root
	chmod 777 "$TMP/snmpsim-cache"
	snmpsimd --data-dir="$dir" --agent-udpv4-endpoint=127.0.0.1:"$port" \
		--cache-dir="$TMP/snmpsim-cache" $user_args \
		>"$TMP/snmpsim-$port.log" 2>&1 &
	SNMPSIM_PID=$!
	started "$SNMPSIM_PID"
	wait_for 30 snmpget -v2c -c "$3" -t 0.5 -r 0 127.0.0.1:"$port" 1.3.6.1.2.1.1.1.0 ||
		{ cat "$TMP/snmpsim-$port.log"; fail "snmpsimd did not start"; }
}

# ---- reading a running headroomd through its HTTP API ----
# These are how tests see what the daemon did: the log's wording is for
# people and may change; a test greps daemon.log only where the log line
# itself is the contract, and says so where it does.

# netns_start: a network namespace of this test's own, $NS, with $NSX to
# run a command in it (and the api_* helpers asking inside it); no IPv6,
# so the only frames in it are the test's. cleanup deletes it. Skips
# when none can be made (it needs root).
NS=""
NSX=""
netns_start() {
	need_cmd ip
	ip netns add "hr-$TEST_NAME-$$" 2>/dev/null || skip "cannot create a network namespace (needs root)"
	NS="hr-$TEST_NAME-$$"
	NSX="ip netns exec $NS"
	$NSX sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
		fail "cannot disable IPv6 in the namespace"
}

# api_get PORT PATH: the body of http://127.0.0.1:PORT/PATH on stdout
# (inside the test's namespace when it has one).
api_get() {
	$NSX curl -sf --max-time 10 "http://127.0.0.1:$1$2"
}

# api_check PORT PATH EXPR: the JSON at PATH satisfies the Python
# expression EXPR over d (the parsed body); by(list, name) picks the
# member of a list with that name, None if there is none.
api_check() {
	local body
	body=$(api_get "$1" "$2") || return 1
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
by = lambda arr, name: next((x for x in arr or [] if x.get("name") == name), None)
sys.exit(0 if eval(sys.argv[2], {"d": d, "by": by}) else 1)' "$body" "$3" 2>/dev/null
}

# api_wait SECONDS PORT PATH EXPR MESSAGE: api_check retried until true;
# then shows the last body and fails with MESSAGE.
api_wait() {
	wait_for "$1" api_check "$2" "$3" "$4" && return 0
	echo "last $3: $(api_get "$2" "$3" | head -c 3000)" >&2
	fail "$5"
}

# api_metric PORT SERIES: the value of one /metrics series, written as
# it appears there (headroom_target_up{target="wlc"}); nothing if absent.
api_metric() {
	api_get "$1" /metrics | awk -v s="$2" 'index($0, s " ") == 1 { print $2 }'
}

# api_seq PORT: the number of the snapshot /healthz serves (one a tick).
api_seq() {
	api_get "$1" /healthz | python3 -c 'import json, sys; print(json.load(sys.stdin)["seq"])'
}

# seq_at_least PORT N: the served snapshot is number N or later.
seq_at_least() {
	local seq
	seq=$(api_seq "$1" 2>/dev/null) && [ -n "$seq" ] && [ "$seq" -ge "$2" ]
}

# wait_ticks PORT N [SECONDS]: wait until the daemon has published N
# more snapshots, i.e. run N more ticks: the way to let "nothing else
# happens" show, instead of a fixed sleep.
wait_ticks() {
	local from
	from=$(api_seq "$1") || fail "no /healthz on port $1"
	wait_for "${3:-$(( $2 * 3 + 10 ))}" seq_at_least "$1" $((from + $2)) ||
		fail "the daemon did not tick $2 times"
}
