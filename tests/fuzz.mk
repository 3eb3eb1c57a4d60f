# Fuzz targets. Each target tests/fuzz/fuzz_NAME.c defines
# LLVMFuzzerTestOneInput and has a seed corpus in tests/fuzz/corpus/NAME/.
# Ordinary builds link each target with replay.c (tests/fuzz/fuzz_NAME_replay)
# and make check replays the corpora; --enable-fuzzing (clang) also builds
# the libFuzzer binaries and `make fuzz-smoke` runs each for FUZZ_SECONDS.
FUZZ_SECONDS = 60
FUZZ_NAMES = config

check_PROGRAMS += tests/fuzz/fuzz_config_replay
tests_fuzz_fuzz_config_replay_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/replay.c
tests_fuzz_fuzz_config_replay_LDADD = $(HR_LIBS)

TESTS += tests/fuzz/replay.sh
dist_noinst_SCRIPTS += tests/fuzz/replay.sh
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/fuzz_schedule.h

if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_config
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c
tests_fuzz_fuzz_config_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDADD = $(HR_LIBS)
endif

# Runs each libFuzzer target for FUZZ_SECONDS on a copy of its corpus and
# prints executions and crashes per target.
fuzz-smoke:
	@if [ ! -x tests/fuzz/fuzz_config ]; then \
		echo "fuzz-smoke needs ./configure --enable-fuzzing CC=clang"; exit 1; fi
	@rc=0; for name in $(FUZZ_NAMES); do \
		work=fuzz-work/$$name; rm -rf $$work; mkdir -p $$work/corpus $$work/artifacts; \
		cp -r $(srcdir)/tests/fuzz/corpus/$$name/. $$work/corpus/ 2>/dev/null; \
		./tests/fuzz/fuzz_$$name -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$$work/artifacts/ $$work/corpus >$$work/log 2>&1; \
		st=$$?; execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$work/log); \
		crashes=$$(ls $$work/artifacts | wc -l); \
		echo "fuzz_$$name: $$execs executions, $$crashes crashes (exit $$st)"; \
		[ $$st -eq 0 ] && [ $$crashes -eq 0 ] || rc=1; \
	done; exit $$rc
.PHONY: fuzz-smoke

# schedule parsers (XML, JSON, iCalendar, Sessionize)
FUZZ_NAMES += schedule_xml schedule_json schedule_ics schedule_sessionize
check_PROGRAMS += tests/fuzz/fuzz_schedule_xml_replay tests/fuzz/fuzz_schedule_json_replay \
	tests/fuzz/fuzz_schedule_ics_replay tests/fuzz/fuzz_schedule_sessionize_replay
tests_fuzz_fuzz_schedule_xml_replay_SOURCES = tests/fuzz/fuzz_schedule_xml.c tests/fuzz/replay.c
tests_fuzz_fuzz_schedule_xml_replay_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_schedule_json_replay_SOURCES = tests/fuzz/fuzz_schedule_json.c tests/fuzz/replay.c
tests_fuzz_fuzz_schedule_json_replay_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_schedule_ics_replay_SOURCES = tests/fuzz/fuzz_schedule_ics.c tests/fuzz/replay.c
tests_fuzz_fuzz_schedule_ics_replay_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_schedule_sessionize_replay_SOURCES = tests/fuzz/fuzz_schedule_sessionize.c \
	tests/fuzz/replay.c
tests_fuzz_fuzz_schedule_sessionize_replay_LDADD = $(HR_LIBS)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_schedule_xml tests/fuzz/fuzz_schedule_json \
	tests/fuzz/fuzz_schedule_ics tests/fuzz/fuzz_schedule_sessionize
tests_fuzz_fuzz_schedule_json_SOURCES = tests/fuzz/fuzz_schedule_json.c
tests_fuzz_fuzz_schedule_json_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_schedule_json_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_schedule_xml_SOURCES = tests/fuzz/fuzz_schedule_xml.c
tests_fuzz_fuzz_schedule_xml_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_schedule_xml_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_schedule_ics_SOURCES = tests/fuzz/fuzz_schedule_ics.c
tests_fuzz_fuzz_schedule_ics_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_schedule_ics_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_schedule_sessionize_SOURCES = tests/fuzz/fuzz_schedule_sessionize.c
tests_fuzz_fuzz_schedule_sessionize_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_schedule_sessionize_LDADD = $(HR_LIBS)
endif

# pcap decoders (Ethernet/IP/UDP/DHCP, radiotap/Prism/802.11) and tables
FUZZ_NAMES += decode_ether decode_dot11
check_PROGRAMS += tests/fuzz/fuzz_decode_ether_replay tests/fuzz/fuzz_decode_dot11_replay
tests_fuzz_fuzz_decode_ether_replay_SOURCES = tests/fuzz/fuzz_decode_ether.c tests/fuzz/replay.c
tests_fuzz_fuzz_decode_ether_replay_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_decode_dot11_replay_SOURCES = tests/fuzz/fuzz_decode_dot11.c tests/fuzz/replay.c
tests_fuzz_fuzz_decode_dot11_replay_LDADD = $(HR_LIBS)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_decode_ether tests/fuzz/fuzz_decode_dot11
tests_fuzz_fuzz_decode_ether_SOURCES = tests/fuzz/fuzz_decode_ether.c
tests_fuzz_fuzz_decode_ether_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_decode_ether_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_decode_dot11_SOURCES = tests/fuzz/fuzz_decode_dot11.c
tests_fuzz_fuzz_decode_dot11_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_decode_dot11_LDADD = $(HR_LIBS)
endif

# vendor profiles, SNMP replies (varbind lists through the table joins),
# HTTP paths and query parameters, the notification spool reader
FUZZ_NAMES += profile snmp_reply http_query spool
check_PROGRAMS += tests/fuzz/fuzz_profile_replay tests/fuzz/fuzz_snmp_reply_replay \
	tests/fuzz/fuzz_http_query_replay tests/fuzz/fuzz_spool_replay
tests_fuzz_fuzz_profile_replay_SOURCES = tests/fuzz/fuzz_profile.c tests/fuzz/replay.c
tests_fuzz_fuzz_profile_replay_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_snmp_reply_replay_SOURCES = tests/fuzz/fuzz_snmp_reply.c tests/fuzz/replay.c
tests_fuzz_fuzz_snmp_reply_replay_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_http_query_replay_SOURCES = tests/fuzz/fuzz_http_query.c tests/fuzz/replay.c
tests_fuzz_fuzz_http_query_replay_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_spool_replay_SOURCES = tests/fuzz/fuzz_spool.c tests/fuzz/replay.c
tests_fuzz_fuzz_spool_replay_LDADD = $(HR_LIBS)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_profile tests/fuzz/fuzz_snmp_reply \
	tests/fuzz/fuzz_http_query tests/fuzz/fuzz_spool
tests_fuzz_fuzz_profile_SOURCES = tests/fuzz/fuzz_profile.c
tests_fuzz_fuzz_profile_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_profile_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_snmp_reply_SOURCES = tests/fuzz/fuzz_snmp_reply.c
tests_fuzz_fuzz_snmp_reply_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_snmp_reply_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_http_query_SOURCES = tests/fuzz/fuzz_http_query.c
tests_fuzz_fuzz_http_query_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_http_query_LDADD = $(HR_LIBS)
tests_fuzz_fuzz_spool_SOURCES = tests/fuzz/fuzz_spool.c
tests_fuzz_fuzz_spool_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_spool_LDADD = $(HR_LIBS)
endif
