# pcap tests
