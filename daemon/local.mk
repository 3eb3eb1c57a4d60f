# daemon: headroomd's main, the loop's lifecycle and the two registries.
libheadroom_a_SOURCES += \
	daemon/daemon.c daemon/daemon.h daemon/check.c \
	daemon/registry.c

sbin_PROGRAMS += headroomd
headroomd_SOURCES = daemon/main.c
headroomd_LDADD = $(HR_LIBS)
