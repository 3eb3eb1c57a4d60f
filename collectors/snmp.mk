libheadroom_a_SOURCES += collectors/snmp.c collectors/snmp.h \
	collectors/snmp_profile.c collectors/snmp_profile.h \
	collectors/snmp_rate.c collectors/snmp_rate.h

include config/profiles.mk
