# notify: delivery of alert events to chat webhooks, mail and commands.
libheadroom_a_SOURCES += \
	notify/notify.c notify/notify.h notify/notify_format.c \
	notify/notify_alertmanager.c
