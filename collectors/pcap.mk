libheadroom_a_SOURCES += collectors/pcap.c collectors/pcap.h \
	collectors/pcap_capture.c collectors/pcap_capture.h \
	collectors/pcap_uplink.c collectors/pcap_uplink.h \
	collectors/pcap_dot11.c collectors/pcap_dot11.h \
	collectors/pcap_table.c collectors/pcap_table.h \
	collectors/pcap_hash.c collectors/pcap_hash.h \
	collectors/pcap_ring.c collectors/pcap_ring.h \
	collectors/pcap_live.c collectors/pcap_live.h \
	collectors/decode.h collectors/decode_ether.c collectors/decode_dhcp.c \
	collectors/decode_dot11.c collectors/decode_airtime.c
