# snmp tests
check_PROGRAMS += tests/unit/test_snmp_rate tests/unit/test_snmp_profile
tests_unit_test_snmp_rate_SOURCES = tests/unit/test_snmp_rate.c
tests_unit_test_snmp_rate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_snmp_rate_LDADD = $(UNIT_LDADD)
tests_unit_test_snmp_profile_SOURCES = tests/unit/test_snmp_profile.c
tests_unit_test_snmp_profile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_snmp_profile_LDADD = $(UNIT_LDADD)

TESTS += tests/unit/test_snmp_rate tests/unit/test_snmp_profile \
	tests/integration/snmp_fixtures.sh

dist_noinst_SCRIPTS += tests/integration/snmp_fixtures.sh tests/integration/snmp_check.py
TESTS += tests/integration/snmp_rates.sh tests/integration/snmp_down.sh \
	tests/integration/snmp_malformed.sh tests/integration/snmp_v3.sh
dist_noinst_SCRIPTS += tests/integration/snmp_rates.sh tests/integration/snmp_down.sh \
	tests/integration/snmp_malformed.sh tests/integration/snmp_v3.sh
TESTS += tests/integration/snmp_profiles_generated.sh
dist_noinst_SCRIPTS += tests/integration/snmp_profiles_generated.sh
TESTS += tests/integration/snmp_corpus.sh tests/integration/snmp_probe.sh \
	tests/integration/snmp_auto_api.sh
dist_noinst_SCRIPTS += tests/integration/snmp_corpus.sh tests/integration/snmp_corpus_check.py \
	tests/integration/snmp_probe.sh tests/integration/snmp_auto_api.sh
TESTS += tests/integration/snmp_no_data.sh
dist_noinst_SCRIPTS += tests/integration/snmp_no_data.sh
# channel utilisation from a controller to alerts, RRD files and the report
TESTS += tests/integration/snmp_airtime.sh
dist_noinst_SCRIPTS += tests/integration/snmp_airtime.sh
TESTS += tests/integration/snmp_wired.sh
dist_noinst_SCRIPTS += tests/integration/snmp_wired.sh tests/integration/snmp_wired_check.py \
	tests/integration/snmp_wired_status.py
TESTS += tests/integration/snmp_wired_rooms.sh
dist_noinst_SCRIPTS += tests/integration/snmp_wired_rooms.sh tests/integration/snmp_wired_rooms.py
