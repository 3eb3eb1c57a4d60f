# alert and notify tests
check_PROGRAMS += tests/unit/test_alert tests/unit/test_notify tests/unit/test_alert_session \
	tests/unit/test_alert_forecast tests/unit/test_alert_engine
tests_unit_test_alert_engine_SOURCES = tests/unit/test_alert_engine.c
tests_unit_test_alert_engine_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_alert_engine_LDADD = $(UNIT_LDADD)
tests_unit_test_alert_forecast_SOURCES = tests/unit/test_alert_forecast.c
tests_unit_test_alert_forecast_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_alert_forecast_LDADD = $(UNIT_LDADD)
tests_unit_test_alert_session_SOURCES = tests/unit/test_alert_session.c
tests_unit_test_alert_session_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_alert_session_LDADD = $(UNIT_LDADD)
tests_unit_test_alert_SOURCES = tests/unit/test_alert.c
tests_unit_test_alert_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_alert_LDADD = $(UNIT_LDADD)
tests_unit_test_notify_SOURCES = tests/unit/test_notify.c
tests_unit_test_notify_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_notify_LDADD = $(UNIT_LDADD)

TESTS += tests/unit/test_alert tests/unit/test_notify tests/unit/test_alert_session \
	tests/unit/test_alert_forecast tests/unit/test_alert_engine

TESTS += tests/integration/notify_kinds.sh tests/integration/notify_retry.sh \
	tests/integration/notify_pacing.sh \
	tests/integration/notify_spool_restart.sh tests/integration/alert_target_down.sh \
	tests/integration/am_ha.sh tests/integration/am_spool.sh tests/integration/am_silence.sh
dist_noinst_SCRIPTS += tests/integration/notify_kinds.sh tests/integration/notify_retry.sh \
	tests/integration/notify_pacing.sh \
	tests/integration/notify_spool_restart.sh tests/integration/alert_target_down.sh \
	tests/integration/webhook_receiver.py tests/integration/am_ha.sh \
	tests/integration/am_lib.sh tests/integration/am_spool.sh tests/integration/am_silence.sh
