#!/bin/sh
# Every real export of ../shared/fixtures/schedule and schedule-corpus
# through headroomd --dump-schedule (the daemon's own loader), compared
# with the ground truth of the fixtures' READMEs as tools/truth.py
# computes it: prints one line per file and "N of 14 files exact".
. "$(dirname "$0")/lib.sh"
need_fixtures schedule
need_fixtures schedule-corpus
need_cmd python3
python3 "$top_srcdir/tests/integration/schedule_corpus.py" "$HEADROOMD" "$SHARED_FIXTURES" "$TMP" ||
	fail "not every schedule export loads as its README says"
pass "schedule corpus"
