# store: the only code that calls librrd (local files or rrdcached).
libheadroom_a_SOURCES += \
	store/store.c store/store.h \
	store/store_layout.c store/store_layout.h \
	store/store_read.c store/store_read.h \
	store/store_writer.c store/store_writer.h
