# Sourced by tests/integration/lib.sh when HEADROOMD_WRAPPER is set
# (`make check-valgrind`): headroomd and headroom run under that command
# (valgrind memcheck), each process logging to
# tests/valgrind-logs/TEST.PID.log in the build directory. When the test
# ends, vg_check fails it if any log reports an error or a leak, or if
# cleanup had to kill -9 a process that did not stop on SIGTERM. A log
# without a summary is otherwise a process killed on purpose (a test's
# kill -9, a graph renderer, which memcheck follows only up to its exec):
# noted.
VG_LOGS="$top_builddir/tests/valgrind-logs"
VG_BIN="$TMP/valgrind-bin"
mkdir -p "$VG_LOGS" "$VG_BIN"
chmod 1777 "$VG_LOGS" 2>/dev/null	# privdrop starts the daemon as nobody
chmod 755 "$TMP" "$VG_BIN"

vg_wrap() {	# vg_wrap NAME REAL: a script NAME in VG_BIN that runs REAL under the wrapper
	cat >"$VG_BIN/$1" <<WRAP
#!/bin/sh
exec $HEADROOMD_WRAPPER --log-file="$VG_LOGS/$TEST_NAME.%p.log" "$2" "\$@"
WRAP
	chmod 755 "$VG_BIN/$1"
}
vg_wrap headroomd "$HEADROOMD"
vg_wrap headroom "$top_builddir/headroom"
HEADROOMD="$VG_BIN/headroomd"
HEADROOM="$VG_BIN/headroom"
export HEADROOMD HEADROOM
# a daemon under memcheck needs a while to exit and check for leaks
STOP_WAIT=600

vg_check() {
	local bad=0 log pid
	for log in "$VG_LOGS/$TEST_NAME".*.log; do
		[ -f "$log" ] || continue
		pid=${log%.log}; pid=${pid##*.}
		if ! grep -q "ERROR SUMMARY:" "$log"; then
			case " ${STUCK_PIDS:-} " in
			*" $pid "*)
				echo "valgrind: $pid did not exit on SIGTERM: $log" >&2
				bad=1 ;;
			*)	echo "valgrind: $log has no summary (killed on purpose)" ;;
			esac
		elif ! grep -q "ERROR SUMMARY: 0 errors" "$log"; then
			echo "valgrind: errors in $log:" >&2
			cat "$log" >&2
			bad=1
		fi
	done
	[ $bad = 0 ] || exit 1
}
