# model: the venue as the loop sees it, and the plan it is held against.
libheadroom_a_SOURCES += \
	model/plan.c model/plan.h \
	model/venue.c model/venue.h \
	model/wired.c model/wired.h
