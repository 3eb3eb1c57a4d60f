/* libFuzzer target: radiotap, Prism and 802.11 decoders, then the station
 * tables, on arbitrary bytes. The first byte picks the link type. */
#include "config.h"

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "collectors/pcap_capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cap_settings set = {
	.name = "fuzz", .mode = CAP_DOT11, .window = 10, .station_timeout = 30, .airtime = true,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int dlts[] = { DLT_IEEE802_11_RADIO, DLT_PRISM_HEADER, DLT_IEEE802_11 };
	static struct cap_state st;
	static double ts = 1e9;
	if (size < 1)
		return 0;
	if (!st.set) {
		struct sipkey key = { 3, 4 };
		cap_state_init(&st, &set, &key);
	}
	int dlt = dlts[data[0] % 3];
	data++;
	size--;
	struct dec_radio r;
	struct dec_80211 f;
	if ((dlt == DLT_IEEE802_11_RADIO ? decode_radiotap(data, size, &r) :
	     dlt == DLT_PRISM_HEADER ? decode_prism(data, size, &r) : DEC_BAD) == DEC_OK &&
	    decode_80211(r.frame, r.frame_len, &f) == DEC_OK)
		decode_assoc_status(&f);
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)size, .len = (bpf_u_int32)size };
	ts += 3;
	/* Every other frame through the file reader's look-ahead path. */
	if (st.tot.packets % 2) {
		struct cap_d11 d;
		struct cap_d11_air air;
		struct cap_ahead ahead;
		cap_dot11_digest(&st.dg, dlt, &h, data, ts, &d, &air);
		cap_dot11_prefetch(&st, &d, &ahead);
		cap_dot11_frame(&st, &d, &air, &ahead);
	} else {
		cap_packet(&st, dlt, &h, data, ts);
	}
	if (st.tot.packets % 64 == 0)
		cap_report_free(cap_window_report(&st, ts, 10, false));
	return 0;
}
