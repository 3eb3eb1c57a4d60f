# alerts: the engine, its rules, the alert state and its JSON.
libheadroom_a_SOURCES += \
	alerts/alert.c alerts/alert.h alerts/alert_core.h \
	alerts/alert_state.c alerts/alert_json.c alerts/alert_rules.c
