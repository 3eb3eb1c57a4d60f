#!/bin/sh
# The soak in under five minutes: three event days at 800x with every
# fault (see tests/soak/soak.py); `make soak` runs the full one at 100x.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${HEADROOMD:=$(pwd)/headroomd}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3"; exit 77; }
exec python3 "$top_srcdir/tests/soak/soak.py" --speed "${SOAK_SHORT_SPEED:-800}" \
	--headroomd "$HEADROOMD"
