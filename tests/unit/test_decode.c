/* Header decoders on hand-built frames: good headers, truncated ones and
 * lying length fields; plus SipHash reference vectors and the tables. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "collectors/client_key.h"
#include "collectors/decode.h"
#include "collectors/pcap_capture.h"
#include "collectors/pcap_dot11.h"
#include "collectors/pcap_hash.h"
#include "collectors/siphash.h"

static void test_ether_plain_and_truncated(void **state)
{
	uint8_t f[60] = { 0 };
	f[6] = 0x02;		/* locally administered source */
	f[12] = 0x08; f[13] = 0x00;
	struct dec_ether e;
	assert_int_equal(decode_ether(f, sizeof f, &e), DEC_OK);
	assert_int_equal(e.ethertype, ETHERTYPE_IPV4);
	assert_int_equal(e.vlan, -1);
	assert_ptr_equal(e.l3, f + 14);
	assert_int_equal(e.l3_len, 46);
	assert_true(mac_is_local(e.src));
	assert_int_equal(decode_ether(f, 13, &e), DEC_TRUNC);
	assert_int_equal(decode_ether(f, 0, &e), DEC_TRUNC);
}

static void test_ether_vlan_tags(void **state)
{
	uint8_t f[64] = { 0 };
	f[12] = 0x88; f[13] = 0xa8; f[14] = 0x00; f[15] = 0x14;	/* outer 20 */
	f[16] = 0x81; f[17] = 0x00; f[18] = 0x20; f[19] = 0x79;	/* inner 121, prio 1 */
	f[20] = 0x86; f[21] = 0xdd;
	struct dec_ether e;
	assert_int_equal(decode_ether(f, sizeof f, &e), DEC_OK);
	assert_int_equal(e.vlan, 20);
	assert_int_equal(e.n_vlans, 2);
	assert_int_equal(e.ethertype, ETHERTYPE_IPV6);
	assert_ptr_equal(e.l3, f + 22);
	/* Tag cut short. */
	assert_int_equal(decode_ether(f, 17, &e), DEC_TRUNC);
	/* A third tag is more than any venue switch sends. */
	f[20] = 0x81; f[21] = 0x00;
	assert_int_equal(decode_ether(f, sizeof f, &e), DEC_BAD);
}

static void ipv4_header(uint8_t *p, uint16_t total, uint8_t proto)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)(total >> 8); p[3] = (uint8_t)total;
	p[9] = proto;
	p[12] = 192; p[13] = 168; p[14] = 1; p[15] = 10;
	p[16] = 8; p[17] = 8; p[18] = 8; p[19] = 8;
}

static void test_ipv4(void **state)
{
	uint8_t p[40];
	struct dec_ip ip;
	ipv4_header(p, 28, 17);
	assert_int_equal(decode_ip(ETHERTYPE_IPV4, p, sizeof p, &ip), DEC_OK);
	assert_int_equal(ip.family, 4);
	assert_int_equal(ip.src[0], 192);
	assert_int_equal(ip.dst[3], 8);
	assert_ptr_equal(ip.l4, p + 20);
	assert_int_equal(ip.l4_len, 8);	/* total length, not the Ethernet padding */
	/* Cut inside the header (snaplen). */
	assert_int_equal(decode_ip(ETHERTYPE_IPV4, p, 19, &ip), DEC_TRUNC);
	/* Header length below 20. */
	p[0] = 0x44;
	assert_int_equal(decode_ip(ETHERTYPE_IPV4, p, sizeof p, &ip), DEC_BAD);
	/* Not IPv4 at all. */
	p[0] = 0x65;
	assert_int_equal(decode_ip(ETHERTYPE_IPV4, p, sizeof p, &ip), DEC_BAD);
	/* A later fragment: addresses, no transport. */
	ipv4_header(p, 40, 17);
	p[6] = 0x00; p[7] = 0x10;
	assert_int_equal(decode_ip(ETHERTYPE_IPV4, p, sizeof p, &ip), DEC_OK);
	assert_null(ip.l4);
	/* Options longer than the bytes: addresses only. */
	ipv4_header(p, 40, 17);
	p[0] = 0x46;
	assert_int_equal(decode_ip(ETHERTYPE_IPV4, p, 40, &ip), DEC_OK);
	assert_ptr_equal(ip.l4, p + 24);
	assert_int_equal(decode_ip(ETHERTYPE_IPV4, p, 22, &ip), DEC_OK);
	assert_null(ip.l4);
	assert_int_equal(decode_ip(ETHERTYPE_ARP, p, sizeof p, &ip), DEC_BAD);
}

static void test_ipv6_extension_chain(void **state)
{
	uint8_t p[64] = { 0 };
	p[0] = 0x60;
	p[5] = 24;		/* payload: 8 hop-by-hop + 8 UDP + 8 data */
	p[6] = 0;		/* hop-by-hop */
	p[8] = 0x20; p[9] = 0x01;
	p[40] = 17;		/* next: UDP */
	p[41] = 0;		/* 8 bytes */
	struct dec_ip ip;
	assert_int_equal(decode_ip(ETHERTYPE_IPV6, p, sizeof p, &ip), DEC_OK);
	assert_int_equal(ip.family, 6);
	assert_int_equal(ip.proto, 17);
	assert_ptr_equal(ip.l4, p + 48);
	assert_int_equal(ip.l4_len, 16);
	assert_int_equal(ip.src[0], 0x20);
	/* Extension header length pointing past the end. */
	p[41] = 200;
	assert_int_equal(decode_ip(ETHERTYPE_IPV6, p, sizeof p, &ip), DEC_OK);
	assert_null(ip.l4);
	assert_int_equal(decode_ip(ETHERTYPE_IPV6, p, 39, &ip), DEC_TRUNC);
}

static void test_udp(void **state)
{
	uint8_t u[12] = { 0, 68, 0, 67, 0, 10, 0, 0, 1, 2, 3, 4 };
	struct dec_udp d;
	assert_int_equal(decode_udp(u, sizeof u, &d), DEC_OK);
	assert_int_equal(d.sport, 68);
	assert_int_equal(d.dport, 67);
	assert_int_equal(d.payload_len, 2);
	u[5] = 3;
	assert_int_equal(decode_udp(u, sizeof u, &d), DEC_BAD);
	assert_int_equal(decode_udp(u, 7, &d), DEC_TRUNC);
	assert_int_equal(decode_udp(NULL, 0, &d), DEC_TRUNC);
}

static size_t dhcp_message(uint8_t *m, size_t cap, uint8_t type, const uint8_t *extra, size_t n_extra)
{
	memset(m, 0, cap);
	m[0] = 2; m[1] = 1; m[2] = 6;
	m[16] = 10; m[17] = 20; m[18] = 0; m[19] = 7;	/* yiaddr */
	m[28] = 0xaa; m[33] = 0x01;			/* chaddr */
	m[236] = 0x63; m[237] = 0x82; m[238] = 0x53; m[239] = 0x63;
	size_t off = 240;
	m[off++] = 53; m[off++] = 1; m[off++] = type;
	memcpy(m + off, extra, n_extra);
	off += n_extra;
	m[off++] = 255;
	return off;
}

static void test_dhcp_ack_with_lease(void **state)
{
	uint8_t m[300];
	static const uint8_t lease[] = { 0, 51, 4, 0, 0, 0x0e, 0x10 };	/* pad, 3600 s */
	size_t n = dhcp_message(m, sizeof m, DHCP_ACK, lease, sizeof lease);
	struct dec_dhcp d;
	assert_int_equal(decode_dhcp(m, n, &d), DEC_OK);
	assert_int_equal(d.msg_type, DHCP_ACK);
	assert_true(d.has_lease);
	assert_int_equal(d.lease_secs, 3600);
	assert_int_equal(d.chaddr[0], 0xaa);
	assert_int_equal(d.chaddr[5], 0x01);
	const uint8_t *y = (const uint8_t *)&d.yiaddr;
	assert_int_equal(y[0], 10);
	assert_int_equal(y[3], 7);
	/* The lease option cut by the capture: type survives, lease does not. */
	assert_int_equal(decode_dhcp(m, 247, &d), DEC_OK);
	assert_int_equal(d.msg_type, DHCP_ACK);
	assert_false(d.has_lease);
	/* An option length running past the end. */
	static const uint8_t liar[] = { 50, 200, 1, 2 };
	n = dhcp_message(m, sizeof m, DHCP_DECLINE, liar, sizeof liar);
	assert_int_equal(decode_dhcp(m, n, &d), DEC_OK);
	assert_int_equal(d.requested, 0);
	/* Cut inside the fixed BOOTP part, and a bogus op. */
	assert_int_equal(decode_dhcp(m, 100, &d), DEC_TRUNC);
	m[0] = 9;
	assert_int_equal(decode_dhcp(m, n, &d), DEC_BAD);
}

static void test_radiotap_channel_after_tsft(void **state)
{
	/* present: TSFT, Flags, Channel -> TSFT aligned at 8, flags at 16,
	 * channel aligned to 18. */
	uint8_t p[64] = { 0 };
	p[2] = 22; p[3] = 0;
	p[4] = 0x0b;
	p[16] = 0x10;			/* FCS at end */
	p[18] = 0x3c; p[19] = 0x14;	/* 5180 MHz */
	struct dec_radio r;
	assert_int_equal(decode_radiotap(p, sizeof p, &r), DEC_OK);
	assert_int_equal(r.freq_mhz, 5180);
	assert_int_equal(r.band, BAND_5G);
	assert_true(r.fcs_at_end);
	assert_ptr_equal(r.frame, p + 22);
	assert_int_equal(r.frame_len, sizeof p - 22 - 4);
	/* it_len larger than the capture. */
	assert_int_equal(decode_radiotap(p, 20, &r), DEC_TRUNC);
	/* it_len smaller than the fixed header. */
	p[2] = 4;
	assert_int_equal(decode_radiotap(p, sizeof p, &r), DEC_BAD);
	/* Channel field beyond it_len: header accepted, channel unknown. */
	p[2] = 17;
	assert_int_equal(decode_radiotap(p, sizeof p, &r), DEC_OK);
	assert_int_equal(r.freq_mhz, 0);
	/* Extended present bitmaps running past it_len. */
	p[2] = 12; p[4] = 0; p[7] = 0x80; p[11] = 0x80;
	assert_int_equal(decode_radiotap(p, sizeof p, &r), DEC_BAD);
	/* Wrong version. */
	p[0] = 1;
	assert_int_equal(decode_radiotap(p, sizeof p, &r), DEC_BAD);
	assert_int_equal(decode_radiotap(p, 7, &r), DEC_TRUNC);
}

static void test_prism(void **state)
{
	uint8_t p[160] = { 0 };
	p[0] = 0x41;
	p[4] = 144;
	p[24] = 0x41; p[25] = 0x30;	/* channel item */
	p[32] = 6;
	struct dec_radio r;
	assert_int_equal(decode_prism(p, sizeof p, &r), DEC_OK);
	assert_int_equal(r.band, BAND_2G4);
	assert_int_equal(r.freq_mhz, 2437);
	assert_ptr_equal(r.frame, p + 144);
	assert_int_equal(decode_prism(p, 100, &r), DEC_TRUNC);
	p[4] = 2;
	assert_int_equal(decode_prism(p, sizeof p, &r), DEC_BAD);
}

static void test_80211_data_and_mgmt(void **state)
{
	uint8_t f[40] = { 0 };
	f[0] = 0x88;			/* QoS data */
	f[1] = 0x03;			/* ToDS and FromDS: four addresses */
	struct dec_80211 d;
	assert_int_equal(decode_80211(f, 32, &d), DEC_OK);
	assert_int_equal(d.type, 2);
	assert_int_equal(d.ds, 3);
	assert_ptr_equal(d.a4, f + 24);
	assert_ptr_equal(d.body, f + 32);
	assert_int_equal(decode_80211(f, 31, &d), DEC_TRUNC);
	f[1] = 0x01;
	assert_int_equal(decode_80211(f, 26, &d), DEC_OK);
	assert_null(d.a4);
	/* ACK: receiver only. */
	f[0] = 0xd4;
	assert_int_equal(decode_80211(f, 10, &d), DEC_OK);
	assert_null(d.a2);
	assert_int_equal(decode_80211(f, 9, &d), DEC_TRUNC);
	/* Association response, status 17 then 0. */
	uint8_t a[30] = { 0x10, 0 };
	a[26] = 17;
	assert_int_equal(decode_80211(a, sizeof a, &d), DEC_OK);
	assert_int_equal(d.subtype, WLAN_SUB_ASSOC_RESP);
	assert_int_equal(decode_assoc_status(&d), 17);
	a[26] = 0;
	assert_int_equal(decode_80211(a, sizeof a, &d), DEC_OK);
	assert_int_equal(decode_assoc_status(&d), 0);
	assert_int_equal(decode_80211(a, 27, &d), DEC_OK);
	assert_int_equal(decode_assoc_status(&d), -1);
	/* Protocol version 1 and extension frames. */
	f[0] = 0x01;
	assert_int_equal(decode_80211(f, sizeof f, &d), DEC_BAD);
	f[0] = 0x0c;
	assert_int_equal(decode_80211(f, sizeof f, &d), DEC_BAD);
	assert_int_equal(decode_80211(f, 1, &d), DEC_TRUNC);
}

static void test_band_of_freq(void **state)
{
	assert_int_equal(band_of_freq(2412), BAND_2G4);
	assert_int_equal(band_of_freq(5745), BAND_5G);
	assert_int_equal(band_of_freq(5975), BAND_6G);
	assert_int_equal(band_of_freq(0), BAND_UNKNOWN);
}

static void test_siphash_reference_vectors(void **state)
{
	uint8_t k[16], m[15];
	for (int i = 0; i < 16; i++)
		k[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		m[i] = (uint8_t)i;
	struct sipkey key;
	sipkey_from_bytes(&key, k);
	assert_true(siphash24(&key, m, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(siphash24(&key, m, 15) == 0xa129ca6149be45e5ULL);
}

/* SipHash-1-3 shares SipHash-2-4's code (checked above) with fewer
 * rounds: another function of the same input, and one that the key
 * changes. */
static void test_siphash13_keyed(void **state)
{
	uint8_t k[16] = { 0 }, mac[6] = { 0x02, 0, 0, 1, 2, 3 };
	struct sipkey a, b;
	sipkey_from_bytes(&a, k);
	k[15] = 1;
	sipkey_from_bytes(&b, k);
	assert_true(siphash13(&a, mac, 6) == siphash13(&a, mac, 6));
	assert_true(siphash13(&a, mac, 6) != siphash24(&a, mac, 6));
	assert_true(siphash13(&a, mac, 6) != siphash13(&b, mac, 6));
	assert_true(siphash13(&a, mac, 6) != siphash13(&a, mac, 5));
}

/* The capture hashes a client as every collector does (client_hash(),
 * which the switch FDB reader also calls): one device, one hash. */
static void test_capture_hash_is_client_hash(void **state)
{
	uint8_t k[16] = { 7 }, mac[6] = { 0x02, 0, 0, 1, 2, 3 }, ip[4] = { 10, 0, 0, 1 };
	struct sipkey key;
	sipkey_from_bytes(&key, k);
	struct cap_settings set = { .name = "t", .mode = CAP_UPLINK, .window = 1 };
	struct cap_state st;
	cap_state_init(&st, &set, &key);
	assert_true(cap_hash(&st, mac, 6) == client_hash(&key, mac, 6));
	assert_true(cap_hash(&st, ip, 4) == client_hash(&key, ip, 4));
	assert_true(client_hash(&key, mac, 6) == siphash13(&key, mac, 6));
	cap_state_free(&st);
}

/* A key as the tables see one: its top bits tell it apart (the tag), its
 * low bits choose its first slot. */
static uint64_t akey(uint64_t tag, uint64_t slot)
{
	return tag << (64 - ATAB_TAG_BITS) | slot;
}

static void test_atab_entries_stay_and_saturate(void **state)
{
	struct atab t;
	atab_init(&t, 4);	/* 16 slots, 12 usable */
	assert_int_equal(sizeof(struct atab_entry), 8);
	struct atab_entry *a = atab_get(&t, akey(1, 7));
	assert_non_null(a);
	assert_int_equal(a->kinds, ATAB_USED);
	assert_int_equal(a->window, 0);
	a->kinds |= 1;
	a->window = 3;
	assert_ptr_equal(atab_get(&t, akey(1, 7)), a);
	struct atab_entry *b = atab_get(&t, akey(2, 7));	/* same first slot, probes on */
	assert_ptr_not_equal(b, a);
	assert_int_equal(b->kinds, ATAB_USED);
	assert_int_equal(atab_get(&t, akey(1, 7))->kinds, ATAB_USED | 1);
	for (uint64_t k = 100; k < 110; k++)
		assert_non_null(atab_get(&t, akey(k, k)));
	assert_int_equal(t.count, 12);
	assert_null(atab_get(&t, akey(999, 3)));
	assert_true(t.saturated);
	assert_ptr_equal(atab_get(&t, akey(1, 7)), a);	/* known keys still found */
	a->day = ATAB_DAY_MAX;
	a->window = ATAB_WINDOW_MAX;
	assert_int_equal(a->kinds, ATAB_USED | 1);	/* the stamps at their widest leave the rest */
	assert_int_equal(a->tag, 1);
	atab_clear_windows(&t);
	atab_clear_days(&t);
	assert_int_equal(a->window, 0);
	assert_int_equal(a->day, 0);
	assert_int_equal(a->kinds, ATAB_USED | 1);
	atab_free(&t);
}

/* Pages of a table's slots the kernel has mapped (mincore). */
static size_t resident_pages(const void *p, size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = (bytes + page - 1) / page, in = 0;
	unsigned char vec[n];
	assert_int_equal(mincore((void *)p, bytes, vec), 0);
	for (size_t i = 0; i < n; i++)
		in += vec[i] & 1;
	return in;
}

/* A 16 MiB table comes as untouched zero pages and is all resident after
 * atab_pretouch(), its entries still empty. */
static void test_atab_pretouch_maps_every_page(void **state)
{
	struct atab t;
	atab_init(&t, 20);
	size_t bytes = ((size_t)1 << 20) * sizeof *t.slots, page = (size_t)sysconf(_SC_PAGESIZE);
	assert_true(resident_pages(t.slots, bytes) < bytes / page);
	assert_int_equal(atab_pretouch(&t), bytes);
	assert_int_equal(resident_pages(t.slots, bytes), bytes / page);
	assert_int_equal(atab_get(&t, akey(5, 12345))->kinds, ATAB_USED);
	assert_int_equal(t.count, 1);
	atab_free(&t);
}

static void test_hmap_delete_and_compact(void **state)
{
	struct hmap m;
	bool fresh;
	hmap_init(&m, 4);
	struct hmap_slot *a = hmap_put(&m, 1, &fresh);
	assert_true(fresh);
	a->v = 11;
	struct hmap_slot *b = hmap_put(&m, 17, &fresh);	/* collides with 1 */
	b->v = 22;
	hmap_del(&m, a);
	assert_null(hmap_find(&m, 1));
	assert_int_equal(hmap_find(&m, 17)->v, 22);	/* reachable past the tombstone */
	assert_non_null(hmap_put(&m, 33, &fresh));	/* reuses the tombstone */
	assert_int_equal(m.dead, 0);
	for (uint64_t k = 200; k < 210; k++)
		assert_non_null(hmap_put(&m, k, &fresh));
	assert_null(hmap_put(&m, 500, &fresh));
	for (uint64_t k = 200; k < 210; k++)
		hmap_del(&m, hmap_find(&m, k));
	hmap_compact(&m);
	assert_int_equal(m.dead, 0);
	assert_int_equal(m.used, 2);
	assert_int_equal(hmap_find(&m, 17)->v, 22);
	hmap_free(&m);
}

/* Tombstones before an empty slot are cleared in place; one that a probe
 * still has to pass (here across the wrap from the last slot to the
 * first) stays, and every live key stays reachable. */
static void test_hmap_sweep_in_place(void **state)
{
	struct hmap m;
	bool fresh;
	hmap_init(&m, 6);		/* 64 slots: 8 tombstones trigger a clean-up */
	hmap_put(&m, 63, &fresh)->v = 1;
	hmap_put(&m, 127, &fresh)->v = 2;	/* home 63 too: lands in slot 0 */
	for (uint64_t k = 10; k < 30; k++)
		hmap_put(&m, k * 2, &fresh)->v = (uint32_t)k;	/* every other slot */
	hmap_del(&m, hmap_find(&m, 63));
	for (uint64_t k = 10; k < 25; k++)
		hmap_del(&m, hmap_find(&m, k * 2));
	assert_int_equal(m.dead, 16);
	const struct hmap_slot *before = m.slots;
	hmap_compact(&m);
	assert_ptr_equal(m.slots, before);	/* no rebuild */
	assert_int_equal(m.dead, 1);		/* slot 63: 127 lies past it */
	assert_int_equal(m.used, 6);
	assert_int_equal(hmap_find(&m, 127)->v, 2);
	assert_null(hmap_find(&m, 63));
	for (uint64_t k = 25; k < 30; k++)
		assert_int_equal(hmap_find(&m, k * 2)->v, k);
	for (uint64_t k = 10; k < 25; k++)
		assert_null(hmap_find(&m, k * 2));
	hmap_free(&m);
}

/* Airtime against the standard's TXTIME worked by hand (microseconds). */
static void test_airtime_ppdu_known_values(void **state)
{
	struct dec_rate r = { .phy = PHY_OFDM, .rate = 108 };
	/* 54 Mb/s, 1500-byte MSDU frame + FCS: 20 + 4 x ceil((16 + 8 x 1504 + 6) / 216) = 20 + 4 x 56 */
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 5180), 244000);
	/* The same in 2.4 GHz (ERP-OFDM): + 6 us signal extension. */
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 2437), 250000);
	r.rate = 12;		/* 6 Mb/s, an ACK: 20 + 4 x ceil(134 / 24) */
	assert_int_equal(airtime_ppdu_ns(&r, 14, 5180), 44000);
	r = (struct dec_rate){ .phy = PHY_DSSS, .rate = 2 };	/* 1 Mb/s: 192 + 8 x 100 */
	assert_int_equal(airtime_ppdu_ns(&r, 100, 2412), 992000);
	r.short_preamble = true;		/* never short at 1 Mb/s */
	assert_int_equal(airtime_ppdu_ns(&r, 100, 2412), 992000);
	r.rate = 22;				/* 11 Mb/s short: 96 + ceil(12032 / 11) */
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 2412), 1190000);
	r.short_preamble = false;
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 2412), 1286000);
	/* HT20 MCS 7 short GI: N_DBPS 260, N_SYM ceil(12054 / 260) = 47,
	 * 4 x ceil(47 x 3.6 / 4) = 172, + 16 + 4 + 8 + 4 + 4 x 1 LTF. */
	r = (struct dec_rate){ .phy = PHY_HT, .mcs = 7, .nss = 1, .bw = 20, .gi = 1 };
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 5180), 208000);
	/* HT40 MCS 15 (2 streams) long GI: N_DBPS 1080, ceil(12054 / 1080) = 12 symbols; 2 LTFs. */
	r = (struct dec_rate){ .phy = PHY_HT, .mcs = 15, .nss = 2, .bw = 40 };
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 5180), (32 + 8 + 48) * 1000);
	/* VHT80 NSS 2 MCS 9 long GI: PSDU 4 + 1504, N_DBPS 3120, N_ES 3,
	 * ceil(12098 / 3120) = 4 symbols; 16 + 4 + 8 + 4 + 2 x 4 + 4. */
	r = (struct dec_rate){ .phy = PHY_VHT, .mcs = 9, .nss = 2, .bw = 80 };
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 5210), 60000);
	/* HE SU 80 MHz MCS 11 NSS 2, 0.8 us GI, 2x LTF, LDPC: N_DBPS 16333,
	 * one symbol of 13.6; 20 + 4 + 8 + 4 + 2 x (6.4 + 0.8). */
	r = (struct dec_rate){ .phy = PHY_HE, .mcs = 11, .nss = 2, .bw = 80, .he_ltf = 2, .ldpc = true };
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 5210), 64000);
	/* HE SU 20 MHz MCS 0, 3.2 us GI, 4x LTF: N_DBPS 117, ceil(12080 / 117) = 104 symbols of 16 us. */
	r = (struct dec_rate){ .phy = PHY_HE, .mcs = 0, .nss = 1, .bw = 20, .gi = 2, .he_ltf = 4, .ldpc = true };
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 5955), 36000 + 16000 + 104 * 16000);
	assert_int_equal(airtime_ppdu_ns(&r, 70000, 5955), 0);	/* a lying length */
	r.phy = PHY_NONE;
	assert_int_equal(airtime_ppdu_ns(&r, 1504, 5180), 0);
}

static uint32_t frame_ns(const struct air_frame *f)
{
	uint32_t ns = 0;
	assert_true(airtime_frame_ns(f, &ns));
	return ns;
}

static void test_airtime_frame_ifs_and_ack(void **state)
{
	struct dec_rate r = { .phy = PHY_OFDM, .rate = 108 };
	struct air_frame f = { .rate = &r, .freq_mhz = 5180, .psdu_len = 1504, .type = 2, .tid = -1 };
	/* DIFS 34 + 244 + SIFS 16 + ACK at 24 Mb/s (20 + 4 x ceil(134 / 96) = 28). */
	assert_int_equal(frame_ns(&f), 322000);
	f.group = true;				/* no ACK */
	assert_int_equal(frame_ns(&f), 278000);
	f.group = false;
	f.tid = 1;				/* background: AIFS 16 + 7 x 9 */
	f.ack_policy = 1;			/* No Ack */
	assert_int_equal(frame_ns(&f), 79000 + 244000);
	/* An ACK heard is a response: SIFS only. */
	f = (struct air_frame){ .rate = &r, .freq_mhz = 5180, .psdu_len = 14, .type = 1, .subtype = 13, .tid = -1 };
	r.rate = 48;
	assert_int_equal(frame_ns(&f), 16000 + 28000);
	/* 1 Mb/s beacon in 2.4 GHz: DIFS 10 + 2 x 20, group addressed. */
	r = (struct dec_rate){ .phy = PHY_DSSS, .rate = 2 };
	f = (struct air_frame){ .rate = &r, .freq_mhz = 2412, .psdu_len = 100, .type = 0, .subtype = 8,
				.group = true, .tid = -1 };
	assert_int_equal(frame_ns(&f), 50000 + 992000);
	r.rate = 44;				/* 22 Mb/s PBCC: not a rate this knows */
	r.phy = PHY_NONE;
	uint32_t ns = 7;
	assert_false(airtime_frame_ns(&f, &ns));
	assert_int_equal(ns, 7);
}

/* Three subframes of one A-MPDU add up to its TXTIME: VHT80 NSS 2 MCS 9,
 * 3 x (4 + 1504) bytes, ceil((36192 + 16 + 18) / 3120) = 12 symbols; AIFS
 * (best effort) 43 + preamble 44 + 48 + SIFS 16 + Block Ack at 24 Mb/s 32. */
static void test_airtime_ampdu_adds_up(void **state)
{
	struct dec_rate r = { .phy = PHY_VHT, .mcs = 9, .nss = 2, .bw = 80, .ampdu = true };
	struct air_frame f = { .rate = &r, .freq_mhz = 5180, .psdu_len = 1504, .type = 2, .subtype = 8, .tid = 0 };
	uint32_t sum = 0;
	for (int i = 0; i < 3; i++) {
		f.ampdu_bits_before = i * airtime_subframe_bits(1504);
		uint32_t t = frame_ns(&f);
		assert_true(i == 0 ? t > 100000 : t <= 16000);
		sum += t;
	}
	assert_int_equal(sum, 183000);
}

/* Radiotap with Flags, Channel, MCS, A-MPDU, VHT and HE: each field at
 * its alignment, the richest rate field winning. */
static void test_radiotap_rate_fields(void **state)
{
	uint8_t p[64] = { 0 };
	/* present: Flags(1) Rate(2) Channel(3) MCS(19) */
	uint32_t present = 1u << 1 | 1u << 2 | 1u << 3 | 1u << 19;
	p[4] = (uint8_t)present; p[5] = (uint8_t)(present >> 8); p[6] = (uint8_t)(present >> 16);
	p[8] = 0x10;				/* Flags: FCS at end */
	p[9] = 12;				/* Rate 6 Mb/s, overridden by MCS */
	p[10] = 0x6c; p[11] = 0x09;		/* 2412 */
	p[14] = 0x07; p[15] = 0x05; p[16] = 7;	/* known bw|mcs|gi; 40 MHz, short GI; MCS 7 */
	p[2] = 17;
	p[17] = 0x88;				/* a QoS data frame's first byte */
	struct dec_radio r;
	assert_int_equal(decode_radiotap(p, 17 + 30, &r), DEC_OK);
	assert_int_equal(r.freq_mhz, 2412);
	assert_int_equal(r.hlen, 17);
	assert_int_equal(r.rate.phy, PHY_HT);
	assert_int_equal(r.rate.mcs, 7);
	assert_int_equal(r.rate.bw, 40);
	assert_int_equal(r.rate.gi, 1);
	/* VHT after an A-MPDU field: present Channel(3) A-MPDU(20) VHT(21). */
	memset(p, 0, sizeof p);
	present = 1u << 3 | 1u << 20 | 1u << 21;
	p[4] = (uint8_t)present; p[5] = (uint8_t)(present >> 8); p[6] = (uint8_t)(present >> 16);
	p[8] = 0x8a; p[9] = 0x14;		/* 5258 */
	p[12] = 42;				/* A-MPDU reference at 12 (4-aligned) */
	p[20] = 0x44; p[22] = 0x04; p[23] = 4;	/* VHT at 20: known GI|bw; short GI; 80 MHz */
	p[24] = 9 << 4 | 2;			/* MCS 9, NSS 2 */
	p[2] = 32;
	assert_int_equal(decode_radiotap(p, 40, &r), DEC_OK);
	assert_int_equal(r.freq_mhz, 5258);
	assert_int_equal(r.rate.phy, PHY_VHT);
	assert_true(r.rate.ampdu);
	assert_int_equal(r.rate.ampdu_ref, 42);
	assert_int_equal(r.rate.mcs, 9);
	assert_int_equal(r.rate.nss, 2);
	assert_int_equal(r.rate.bw, 80);
	assert_int_equal(r.rate.gi, 1);
	/* HE (23) alone: SU, MCS 5 known, bw known 40 MHz, GI 1.6, NSTS 1. */
	memset(p, 0, sizeof p);
	present = 1u << 23;
	p[4] = (uint8_t)present; p[5] = (uint8_t)(present >> 8); p[6] = (uint8_t)(present >> 16);
	p[8] = 0x20; p[9] = 0x40;		/* data1: MCS known, BW known */
	p[10] = 0x02;				/* data2: GI known */
	p[13] = 5;				/* data3: MCS 5 */
	p[16] = 0x01 | 0x10 | 0x80;		/* data5: 40 MHz, GI 1.6, LTF 2x */
	p[18] = 1;				/* data6: NSTS 1 */
	p[2] = 20;
	assert_int_equal(decode_radiotap(p, 40, &r), DEC_OK);
	assert_int_equal(r.rate.phy, PHY_HE);
	assert_int_equal(r.rate.mcs, 5);
	assert_int_equal(r.rate.bw, 40);
	assert_int_equal(r.rate.gi, 1);
	assert_int_equal(r.rate.he_ltf, 2);
	/* An HE MU PPDU: its HE-SIG-B length is unknown, so no rate. */
	p[8] = 0x22;
	assert_int_equal(decode_radiotap(p, 40, &r), DEC_OK);
	assert_int_equal(r.rate.phy, PHY_NONE);
	/* A field cut off by the header's end is not read. */
	p[8] = 0x20;
	p[2] = 18;
	assert_int_equal(decode_radiotap(p, 40, &r), DEC_OK);
	assert_int_equal(r.rate.phy, PHY_NONE);
}

/* A radiotap QoS data frame to an AP: Flags, Channel, then an HT MCS or
 * a VHT field behind an A-MPDU status (reference ref). */
static size_t air_frame_bytes(uint8_t *p, bool vht, uint32_t ref, size_t body)
{
	memset(p, 0, 64 + body);
	uint32_t present = 1u << 1 | 1u << 3 | (vht ? 1u << 20 | 1u << 21 : 1u << 19);
	p[4] = (uint8_t)present; p[5] = (uint8_t)(present >> 8); p[6] = (uint8_t)(present >> 16);
	size_t h;
	if (vht) {
		p[10] = 0x5a; p[11] = 0x14;		/* 5210 */
		p[16] = (uint8_t)ref;			/* A-MPDU reference */
		p[24] = 0x44; p[27] = 4; p[28] = 9 << 4 | 2;	/* VHT80 MCS 9 NSS 2 */
		h = 36;
	} else {
		p[10] = 0x99; p[11] = 0x09;		/* 2457 */
		p[14] = 0x07; p[15] = 0x04; p[16] = 7;	/* HT20 MCS 7 short GI */
		h = 17;
	}
	p[2] = (uint8_t)h;
	uint8_t *f = p + h;
	f[0] = 0x88; f[1] = 0x01;			/* QoS data, ToDS */
	static const uint8_t bssid[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	memcpy(f + 4, bssid, 6);
	f[10] = 0x02; f[15] = 0x05;			/* station */
	memcpy(f + 16, bssid, 6);
	return h + 26 + body;
}

/* Live and paced captures count frame by frame (cap_packet()); a file
 * read fast is digested on a reader thread and counted from digests and
 * airtime records. Both must come to the same airtime. */
static void test_airtime_live_and_file_paths_agree(void **state)
{
	struct cap_settings set = { .name = "t", .mode = CAP_DOT11, .window = 60, .station_timeout = 300,
				    .airtime = true };
	struct sipkey key = { 1, 2 };
	struct cap_state live, file;
	cap_state_init(&live, &set, &key);
	cap_state_init(&file, &set, &key);
	struct d11_digester reader = { .airtime = true };
	uint8_t p[2048];
	for (int i = 0; i < 12; i++) {
		bool vht = i % 3 != 0;
		size_t len = air_frame_bytes(p, vht, (uint32_t)(i / 4), 100 + 37 * (size_t)i);
		struct pcap_pkthdr h = { .caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len };
		cap_packet(&live, DLT_IEEE802_11_RADIO, &h, p, 1000.0 + i);
		struct cap_d11 d;
		struct cap_d11_air air;
		cap_dot11_digest(&reader, DLT_IEEE802_11_RADIO, &h, p, 1000.0 + i, &d, &air);
		cap_dot11_frame(&file, &d, &air, NULL);
	}
	assert_int_equal(live.tot.air_frames, 12);
	assert_int_equal(live.tot.air_no_rate, 0);
	assert_true(live.tot.air_ns > 0);
	assert_int_equal(live.tot.air_ns, file.tot.air_ns);
	assert_int_equal(live.n_chans, 2);
	assert_int_equal(file.n_chans, 2);
	assert_int_equal(live.n_bss, 1);
	assert_int_equal(live.bss[0].air.ns, live.tot.air_ns);
	assert_int_equal(file.bss[0].air.ns, live.tot.air_ns);
	cap_state_free(&live);
	cap_state_free(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ether_plain_and_truncated),
		cmocka_unit_test(test_ether_vlan_tags),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6_extension_chain),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_dhcp_ack_with_lease),
		cmocka_unit_test(test_radiotap_channel_after_tsft),
		cmocka_unit_test(test_prism),
		cmocka_unit_test(test_80211_data_and_mgmt),
		cmocka_unit_test(test_band_of_freq),
		cmocka_unit_test(test_airtime_ppdu_known_values),
		cmocka_unit_test(test_airtime_frame_ifs_and_ack),
		cmocka_unit_test(test_airtime_ampdu_adds_up),
		cmocka_unit_test(test_radiotap_rate_fields),
		cmocka_unit_test(test_airtime_live_and_file_paths_agree),
		cmocka_unit_test(test_siphash_reference_vectors),
		cmocka_unit_test(test_siphash13_keyed),
		cmocka_unit_test(test_capture_hash_is_client_hash),
		cmocka_unit_test(test_atab_entries_stay_and_saturate),
		cmocka_unit_test(test_atab_pretouch_maps_every_page),
		cmocka_unit_test(test_hmap_delete_and_compact),
		cmocka_unit_test(test_hmap_sweep_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
