# store tests: real RRD files, a real rrdcached, a real headroomd.
check_PROGRAMS += tests/unit/test_store
tests_unit_test_store_SOURCES = tests/unit/test_store.c
tests_unit_test_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_store_LDADD = $(UNIT_LDADD)

TESTS += tests/unit/test_store
TESTS += tests/integration/store_daemon.sh
dist_noinst_SCRIPTS += tests/integration/store_daemon.sh
TESTS += tests/integration/store_rrdcached.sh
dist_noinst_SCRIPTS += tests/integration/store_rrdcached.sh
TESTS += tests/integration/store_unwritable.sh
dist_noinst_SCRIPTS += tests/integration/store_unwritable.sh
TESTS += tests/integration/store_6ghz.sh
dist_noinst_SCRIPTS += tests/integration/store_6ghz.sh
TESTS += tests/integration/store_failing.sh
dist_noinst_SCRIPTS += tests/integration/store_failing.sh
TESTS += tests/integration/store_wired.sh
dist_noinst_SCRIPTS += tests/integration/store_wired.sh
EXTRA_DIST += tests/browser/wired.mjs
