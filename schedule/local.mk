# schedule: import of the event's programme and the per-room projection.
libheadroom_a_SOURCES += \
	schedule/schedule.c schedule/schedule.h schedule/schedule_parse.h \
	schedule/schedule_build.c \
	schedule/schedule_time.c schedule/schedule_xml.c schedule/schedule_json.c \
	schedule/schedule_ics.c schedule/schedule_print.c \
	schedule/schedule_sessionize.c schedule/schedule_diff.c \
	schedule/schedule_live.c
