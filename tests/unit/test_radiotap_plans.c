/* Radiotap decoding with kept per-bitmap plans agrees with decoding each header afresh. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "collectors/decode.h"

static void put_present(uint8_t *p, uint32_t present)
{
	p[4] = (uint8_t)present;
	p[5] = (uint8_t)(present >> 8);
	p[6] = (uint8_t)(present >> 16);
	p[7] = (uint8_t)(present >> 24);
}

/* The same header both ways, with and without the rate fields. */
static void assert_same(struct rt_plans *plans, const uint8_t *p, size_t len)
{
	struct dec_radio fresh, kept;
	for (int rates = 0; rates < 2; rates++) {
		memset(&fresh, 0x5a, sizeof fresh);
		memset(&kept, 0xa5, sizeof kept);
		int rc = rates ? decode_radiotap(p, len, &fresh) : decode_radiotap_channel(p, len, &fresh);
		assert_int_equal(decode_radiotap_cached(p, len, &kept, rates, plans), rc);
		if (rc != DEC_OK)
			continue;
		assert_int_equal(kept.freq_mhz, fresh.freq_mhz);
		assert_int_equal(kept.band, fresh.band);
		assert_int_equal(kept.fcs_at_end, fresh.fcs_at_end);
		assert_int_equal(kept.bad_fcs, fresh.bad_fcs);
		assert_int_equal(kept.hlen, fresh.hlen);
		assert_memory_equal(&kept.rate, &fresh.rate, sizeof kept.rate);
		assert_ptr_equal(kept.frame, fresh.frame);
		assert_int_equal(kept.frame_len, fresh.frame_len);
	}
}

/* Flags, Rate, Channel and MCS: the MCS field changes from frame to
 * frame under one bitmap, so the plan's remembered rate must follow. */
static void test_mcs_changes_under_one_bitmap(void **state)
{
	struct rt_plans plans = { 0 };
	uint8_t p[64] = { 0 };
	put_present(p, 1u << 1 | 1u << 2 | 1u << 3 | 1u << 19);
	p[2] = 17;
	p[10] = 0x6c; p[11] = 0x09;		/* 2412 */
	for (int i = 0; i < 40; i++) {
		p[8] = i % 3 ? 0x10 : 0x02;	/* FCS at end, or short preamble */
		p[9] = i % 5 ? 4 : 0;		/* 2 Mb/s, or none */
		p[14] = i % 4 ? 0x07 : 0x06;	/* known mcs|gi[|bw] */
		p[15] = (uint8_t)(i % 2 ? 0x05 : 0x00);
		p[16] = (uint8_t)(i % 7 * 5);	/* MCS 0..30; 33 and up: none */
		if (i == 20)
			p[16] = 40;
		assert_same(&plans, p, 17 + 30);
		struct dec_radio r;
		assert_int_equal(decode_radiotap_cached(p, 17 + 30, &r, true, &plans), DEC_OK);
		assert_int_equal(r.rate.phy, i == 20 ? (p[9] ? PHY_DSSS : PHY_NONE) : PHY_HT);
	}
}

/* VHT and HE fields, an A-MPDU field between, every header length
 * from too short to whole: a field cut off is never read, whatever the
 * plan kept from the whole header before. */
static void test_cut_short_at_every_length(void **state)
{
	struct rt_plans plans = { 0 };
	uint8_t p[64] = { 0 };
	put_present(p, 1u << 3 | 1u << 20 | 1u << 21);
	p[8] = 0x8a; p[9] = 0x14;		/* 5258 */
	p[12] = 42;				/* A-MPDU reference */
	p[20] = 0x44; p[22] = 0x04; p[23] = 4;	/* VHT: short GI, 80 MHz */
	p[24] = 9 << 4 | 2;			/* MCS 9, NSS 2 */
	for (int round = 0; round < 2; round++)
		for (uint8_t hlen = 40; hlen >= 8; hlen--) {
			p[2] = hlen;
			p[24] = (uint8_t)((hlen % 10) << 4 | 2);
			assert_same(&plans, p, 48);
			struct dec_radio r;
			assert_int_equal(decode_radiotap_cached(p, 48, &r, true, &plans), DEC_OK);
			assert_int_equal(r.freq_mhz, hlen >= 12 ? 5258 : 0);
			assert_int_equal(r.rate.ampdu, hlen >= 20);
			assert_int_equal(r.rate.phy, hlen >= 32 ? PHY_VHT : PHY_NONE);
			if (hlen >= 32)
				assert_int_equal(r.rate.mcs, hlen % 10);
		}
	memset(p, 0, sizeof p);
	put_present(p, 1u << 23);
	p[8] = 0x20; p[9] = 0x40; p[10] = 0x02; p[13] = 5;
	p[16] = 0x01 | 0x10 | 0x80; p[18] = 1;	/* HE SU, 40 MHz, GI 1.6, NSTS 1 */
	for (uint8_t hlen = 20; hlen >= 8; hlen--) {
		p[2] = hlen;
		assert_same(&plans, p, 40);
		p[2] = 20;
		assert_same(&plans, p, 40);
	}
}

/* More bitmaps than the plans hold, and extended bitmaps (the fields
 * start further on): each header is read by its own plan. */
static void test_many_bitmaps(void **state)
{
	struct rt_plans plans = { 0 };
	uint8_t p[96];
	for (int round = 0; round < 3; round++)
		for (uint32_t i = 0; i < 3 * RT_PLANS; i++) {
			for (size_t k = 0; k < sizeof p; k++)
				p[k] = (uint8_t)(k * 7 + i);
			p[0] = 0;
			p[1] = 0;
			p[2] = 64;
			p[3] = 0;
			uint32_t present = (i * 0x9e3779b1u) & 0x00bc00ef;
			if (i % 4 == 3) {
				present |= 1u << 31;
				put_present(p + 4, 0);	/* a second, empty word */
			}
			put_present(p, present);
			assert_same(&plans, p, sizeof p);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mcs_changes_under_one_bitmap),
		cmocka_unit_test(test_cut_short_at_every_length),
		cmocka_unit_test(test_many_bitmaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
