# pcap tests
check_PROGRAMS += tests/unit/test_decode
tests_unit_test_decode_SOURCES = tests/unit/test_decode.c
tests_unit_test_decode_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_decode_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/test_radiotap_plans
tests_unit_test_radiotap_plans_SOURCES = tests/unit/test_radiotap_plans.c
tests_unit_test_radiotap_plans_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_radiotap_plans_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/test_airtime_cache
tests_unit_test_airtime_cache_SOURCES = tests/unit/test_airtime_cache.c
tests_unit_test_airtime_cache_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_airtime_cache_LDADD = $(UNIT_LDADD)

PCAP_TESTS = tests/integration/pcap_fixtures.sh tests/integration/pcap_malformed.sh \
	tests/integration/pcap_replay.sh tests/integration/pcap_dot11_generated.sh \
	tests/integration/pcap_dhcp_generated.sh tests/integration/pcap_loop.sh \
	tests/integration/pcap_airtime_generated.sh tests/integration/pcap_live.sh tests/integration/pcap_live_dot11.sh
TESTS += tests/unit/test_decode tests/unit/test_radiotap_plans tests/unit/test_airtime_cache $(PCAP_TESTS)
dist_noinst_SCRIPTS += $(PCAP_TESTS) tests/integration/pcap_lib.py tests/integration/radiotap_tap.py
