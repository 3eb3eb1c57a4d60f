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
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
	[ -z "${HEADROOMD_WRAPPER:-}" ] || vg_check
}
trap cleanup EXIT
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
