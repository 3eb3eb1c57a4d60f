# schedule import and the per-room projection timeline
libheadroom_a_SOURCES += \
	daemon/schedule.c daemon/schedule.h daemon/schedule_parse.h \
	daemon/schedule_time.c daemon/schedule_xml.c daemon/schedule_json.c \
	daemon/schedule_ics.c
