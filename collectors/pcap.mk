libheadroom_a_SOURCES += collectors/pcap.c collectors/pcap.h
