/* libFuzzer target: Ethernet, VLAN, PPPoE, IPv4/IPv6, tunnels, UDP and
 * DHCP decoders, then the uplink/DHCP aggregation, on arbitrary bytes. */
#include "config.h"

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "collectors/pcap_capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cap_pool pools[] = { { .name = "any", .vlan = -1 }, { .name = "v20", .vlan = 20 } };
static struct cap_prefix local = { .family = 4, .addr = { 10 }, .bits = 8 };
static const struct cap_settings set = {
	.name = "fuzz", .mode = CAP_UPLINK, .window = 60, .station_timeout = 300,
	.prefixes = &local, .n_prefixes = 1, .has_gateway = true, .gateway = { 0, 1, 2, 3, 4, 5 },
	.pools = pools, .n_pools = 2,
};

static void decode_chain(const uint8_t *data, size_t size)
{
	struct dec_ether eth;
	struct dec_ip ip, inner;
	struct dec_udp udp;
	struct dec_dhcp dhcp;
	if (decode_ether(data, size, &eth) != DEC_OK)
		return;
	if (decode_ip(eth.ethertype, eth.l3, eth.l3_len, &ip) != DEC_OK)
		return;
	decode_inner_ipv6(&ip, &inner);
	if (decode_udp(ip.l4, ip.l4_len, &udp) == DEC_OK)
		decode_dhcp(udp.payload, udp.payload_len, &dhcp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cap_state st;
	static double ts = 1e9;
	if (!st.set) {
		struct sipkey key = { 1, 2 };
		cap_state_init(&st, &set, &key);
	}
	decode_chain(data, size);
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)size, .len = (bpf_u_int32)size };
	ts += 7;
	/* Every other frame the way a file's reader hands it over: a digest. */
	if (st.tot.packets % 2) {
		struct cap_eth d;
		cap_ether_digest(&st, data, size, size, ts, &d);
		cap_ether_load(&st, &d, 1);
		cap_ether_frame(&st, &d);
	} else {
		cap_packet(&st, DLT_EN10MB, &h, data, ts);
	}
	if (st.tot.packets % 64 == 0)
		cap_report_free(cap_window_report(&st, ts, 60, false));
	return 0;
}
