libheadroom_a_SOURCES += \
	collectors/snmp.c collectors/snmp.h \
	collectors/pcap.c collectors/pcap.h
