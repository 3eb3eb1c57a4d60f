# make check: unit tests (cmocka) and integration tests (shell drivers).
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	HEADROOMD='$(abs_top_builddir)/headroomd'; export HEADROOMD; \
	SHARED_FIXTURES='$(abs_top_srcdir)/../shared/fixtures'; export SHARED_FIXTURES;

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LDADD = $(HR_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_plan tests/unit/test_conf tests/unit/test_venue \
	tests/unit/test_eventlog tests/unit/test_conf_scale
tests_unit_test_eventlog_SOURCES = tests/unit/test_eventlog.c
tests_unit_test_eventlog_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_eventlog_LDADD = $(UNIT_LDADD)
tests_unit_test_venue_SOURCES = tests/unit/test_venue.c
tests_unit_test_venue_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_venue_LDADD = $(UNIT_LDADD)
tests_unit_test_plan_SOURCES = tests/unit/test_plan.c
tests_unit_test_plan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_plan_LDADD = $(UNIT_LDADD)
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conf_LDADD = $(UNIT_LDADD)
tests_unit_test_conf_scale_SOURCES = tests/unit/test_conf_scale.c
tests_unit_test_conf_scale_CFLAGS = $(UNIT_CFLAGS) -fno-builtin
tests_unit_test_conf_scale_LDADD = $(UNIT_LDADD)

TESTS += tests/unit/test_plan tests/unit/test_conf tests/unit/test_venue tests/unit/test_eventlog \
	tests/unit/test_conf_scale \
	tests/integration/lifecycle.sh tests/integration/log_level_reload.sh \
	tests/integration/check_startup.sh tests/static/layers.sh

dist_noinst_SCRIPTS += tests/integration/lifecycle.sh tests/integration/lib.sh \
	tests/integration/check_startup.sh \
	tests/static/layers.sh \
	tests/integration/log_level_reload.sh

include tests/snmp.mk
include tests/store.mk
include tests/web.mk
include tests/alert.mk
include tests/contrib.mk
include tests/pcap.mk
include tests/demo.mk
include tests/report.mk
include tests/schedule.mk
include tests/fuzz.mk
include tests/soak.mk
include tests/valgrind.mk
include tests/install.mk
