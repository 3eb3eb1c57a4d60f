/* A frame's airtime through the rate cache and its memo of recent frames equals the airtime worked out afresh. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "collectors/decode.h"

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Rates of every PHY: DSSS long and short preamble, OFDM, HT (short GI,
 * greenfield, STBC, 40 MHz), VHT, HE (DCM, an RU, LDPC). */
static const struct dec_rate rates[] = {
	{ .phy = PHY_DSSS, .rate = 2 },
	{ .phy = PHY_DSSS, .rate = 11, .short_preamble = true },
	{ .phy = PHY_OFDM, .rate = 12 },
	{ .phy = PHY_OFDM, .rate = 108 },
	{ .phy = PHY_HT, .mcs = 7, .nss = 1, .bw = 40, .gi = 1 },
	{ .phy = PHY_HT, .mcs = 12, .nss = 2, .bw = 20, .greenfield = true, .stbc = true },
	{ .phy = PHY_VHT, .mcs = 9, .nss = 2, .bw = 80, .gi = 1 },
	{ .phy = PHY_HE, .mcs = 11, .nss = 2, .bw = 80, .gi = 0, .ldpc = true },
	{ .phy = PHY_HE, .mcs = 1, .nss = 1, .bw = 20, .gi = 2, .dcm = true, .he_ru = 102 },
};

/* Frames that differ in one thing at a time, many times over, at every
 * rate on 2.4 and 5 GHz: what the memo keeps must never stand for a
 * frame it does not fit. */
static void test_cached_equals_fresh(void **state)
{
	static struct air_cache cache;
	uint32_t seed = 12345;
	size_t compared = 0;
	memset(&cache, 0, sizeof cache);
	for (int i = 0; i < 200000; i++) {
		const struct dec_rate *r = &rates[next(&seed) % (sizeof rates / sizeof rates[0])];
		uint32_t k = next(&seed);
		struct air_frame f = {
			.rate = r,
			.freq_mhz = k & 1 ? 2437 : 5180,
			.psdu_len = 14 + (k >> 1) % 6 * 7 + (k & 0x100 ? 1500 : 0),
			.type = (uint8_t)(k >> 9 & 3) % 3,
			.subtype = (uint8_t)(k >> 11 & 15),
			.group = (k >> 15 & 1) != 0,
			.tid = (int)(k >> 16 & 15) - 1,	/* -1: not QoS data */
			.ack_policy = (int)(k >> 20 & 3),
		};
		uint32_t fresh = 0, kept = 0;
		bool ok = airtime_frame_ns(&f, &fresh);
		f.cache = &cache;
		assert_int_equal(airtime_frame_ns(&f, &kept), ok);
		if (ok) {
			assert_int_equal(kept, fresh);
			compared++;
		}
	}
	assert_true(compared > 100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cached_equals_fresh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
