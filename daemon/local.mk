libheadroom_a_SOURCES += \
	daemon/log.c daemon/log.h \
	daemon/util.c daemon/util.h \
	daemon/sample.h \
	daemon/conf.c daemon/conf.h \
	daemon/venue.c daemon/venue.h \
	daemon/plan.c daemon/plan.h \
	daemon/collector.c daemon/collector.h \
	daemon/module.c daemon/module.h \
	daemon/daemon.c daemon/daemon.h

sbin_PROGRAMS += headroomd
headroomd_SOURCES = daemon/main.c
headroomd_LDADD = $(HR_LIBS)

include daemon/store.mk
include daemon/alert.mk
include daemon/schedule.mk
include daemon/report.mk
