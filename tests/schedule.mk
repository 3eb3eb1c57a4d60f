# schedule tests
check_PROGRAMS += tests/unit/test_schedule
tests_unit_test_schedule_SOURCES = tests/unit/test_schedule.c
tests_unit_test_schedule_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_schedule_LDADD = $(UNIT_LDADD)

TESTS += tests/unit/test_schedule \
	tests/integration/schedule_check.sh \
	tests/integration/schedule_fixtures.sh \
	tests/integration/schedule_reload.sh \
	tests/integration/schedule_corpus.sh \
	tests/integration/schedule_live.sh \
	tests/integration/schedule_watch.sh
dist_noinst_SCRIPTS += tests/integration/schedule_check.sh \
	tests/integration/schedule_fixtures.sh \
	tests/integration/schedule_reload.sh \
	tests/integration/schedule_corpus.sh \
	tests/integration/schedule_corpus.py \
	tests/integration/schedule_live.sh \
	tests/integration/schedule_watch.sh \
	tests/integration/schedule_server.py
