libheadroom_a_SOURCES += collectors/snmp.c collectors/snmp.h
