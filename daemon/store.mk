libheadroom_a_SOURCES += daemon/store.c daemon/store.h
