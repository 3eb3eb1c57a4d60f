libheadroom_a_SOURCES += \
	daemon/alert.c daemon/alert.h daemon/alert_core.h \
	daemon/alert_state.c daemon/alert_json.c daemon/alert_rules.c \
	daemon/notify.c daemon/notify.h daemon/notify_format.c
