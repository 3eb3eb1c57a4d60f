include collectors/snmp.mk
include collectors/pcap.mk
