libheadroom_a_SOURCES += daemon/alert.c daemon/alert.h daemon/notify.c daemon/notify.h
