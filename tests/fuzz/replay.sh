#!/bin/sh
# Replays every fuzz corpus through its target (built without libFuzzer):
# crashes found by fuzzing stay fixed. Under make check-valgrind each
# replay runs under HEADROOMD_WRAPPER (valgrind).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
rc=0
for replay in tests/fuzz/*_replay; do
	[ -x "$replay" ] || continue
	name=$(basename "$replay" _replay)
	corpus="$top_srcdir/tests/fuzz/corpus/${name#fuzz_}"
	[ -d "$corpus" ] || { echo "no corpus for $name"; rc=1; continue; }
	echo "== $name"
	${HEADROOMD_WRAPPER:-} "$replay" "$corpus" || rc=1
done
exit $rc
