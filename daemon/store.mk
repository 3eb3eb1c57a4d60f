libheadroom_a_SOURCES += daemon/store.c daemon/store.h \
	daemon/store_layout.c daemon/store_layout.h \
	daemon/store_writer.c daemon/store_writer.h
