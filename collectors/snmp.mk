libheadroom_a_SOURCES += collectors/snmp.c collectors/snmp.h \
	collectors/snmp_target.h collectors/snmp_emit.c \
	collectors/snmp_profile.c collectors/snmp_profile.h \
	collectors/snmp_rows.c collectors/snmp_rows.h \
	collectors/snmp_probe.c collectors/snmp_probe.h \
	collectors/snmp_check.c \
	collectors/snmp_rate.c collectors/snmp_rate.h \
	collectors/snmp_switch.c collectors/snmp_switch.h \
	collectors/client_key.c collectors/client_key.h \
	collectors/siphash.c collectors/siphash.h

include config/profiles.mk
