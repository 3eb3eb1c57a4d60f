# report tests
check_PROGRAMS += tests/unit/test_report_stats
tests_unit_test_report_stats_SOURCES = tests/unit/test_report_stats.c
tests_unit_test_report_stats_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_report_stats_LDADD = $(UNIT_LDADD)

TESTS += tests/unit/test_report_stats \
	tests/integration/report_scripted.sh \
	tests/integration/report_missing.sh \
	tests/integration/report_html.sh \
	tests/integration/report_rrdcached.sh \
	tests/integration/report_tick.sh \
	tests/integration/report_buildings.sh

dist_noinst_SCRIPTS += tests/integration/report_lib.sh \
	tests/integration/report_scripted.sh \
	tests/integration/report_missing.sh \
	tests/integration/report_html.sh \
	tests/integration/report_rrdcached.sh \
	tests/integration/report_tick.sh \
	tests/integration/report_buildings.sh

CLEANFILES += report_html.png
