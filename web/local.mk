libheadroom_a_SOURCES += \
	web/web.c web/web.h
