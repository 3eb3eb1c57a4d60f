/* Octet counter rates across 32- and 64-bit wraps, reboots and resets. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "collectors/snmp_rate.h"

#define MBIT 1e6

static void test_first_reading_primes(void **state)
{
	struct snmp_counter c = { 0 };
	double bps = -1;
	assert_int_equal(snmp_rate_update(&c, 1000, true, true, 100, 10.0, 0, &bps), SNMP_RATE_FIRST);
	assert_true(bps == -1);
	assert_int_equal(snmp_rate_update(&c, 2000, true, true, 1100, 20.0, 0, &bps), SNMP_RATE_OK);
	assert_true(fabs(bps - 800.0) < 1e-9);	/* 1000 bytes in 10 s */
}

static void test_wrap_32(void **state)
{
	struct snmp_counter c = { 0 };
	double bps = 0;
	snmp_rate_update(&c, 4294967000ULL, false, true, 100, 0.0, 100 * MBIT, &bps);
	assert_int_equal(snmp_rate_update(&c, 704, false, true, 200, 1.0, 100 * MBIT, &bps),
			 SNMP_RATE_OK);
	assert_true(fabs(bps - 1000 * 8.0) < 1e-9);
}

static void test_wrap_64(void **state)
{
	struct snmp_counter c = { 0 };
	double bps = 0;
	snmp_rate_update(&c, UINT64_MAX - 499, true, true, 100, 0.0, 0, &bps);
	assert_int_equal(snmp_rate_update(&c, 500, true, true, 200, 2.0, 0, &bps), SNMP_RATE_OK);
	assert_true(fabs(bps - 1000 * 8.0 / 2.0) < 1e-9);
}

static void test_reset_is_not_a_wrap(void **state)
{
	struct snmp_counter c = { 0 };
	double bps = -1;
	/* 64-bit counter back from 6.4 GB to 100: a reset, never 2^64 bytes. */
	snmp_rate_update(&c, 6422347895ULL, true, true, 100, 0.0, 0, &bps);
	assert_int_equal(snmp_rate_update(&c, 100, true, true, 1100, 10.0, 0, &bps), SNMP_RATE_RESET);
	assert_true(bps == -1);
	/* 32-bit: back by 1 GB on a 100 Mbit/s link in 10 s is beyond the link. */
	struct snmp_counter d = { 0 };
	snmp_rate_update(&d, 3000000000ULL, false, true, 100, 0.0, 100 * MBIT, &bps);
	assert_int_equal(snmp_rate_update(&d, 5, false, true, 1100, 10.0, 100 * MBIT, &bps),
			 SNMP_RATE_RESET);
	/* after a reset the next interval is measured from the new value */
	assert_int_equal(snmp_rate_update(&d, 1005, false, true, 2100, 20.0, 100 * MBIT, &bps),
			 SNMP_RATE_OK);
	assert_true(fabs(bps - 800.0) < 1e-9);
}

static void test_reboot_discards(void **state)
{
	struct snmp_counter c = { 0 };
	double bps = -1;
	snmp_rate_update(&c, 500000, true, true, 900000, 0.0, 0, &bps);
	/* counters grew but sysUpTime went back: the device restarted */
	assert_int_equal(snmp_rate_update(&c, 900000, true, true, 300, 10.0, 0, &bps),
			 SNMP_RATE_REBOOT);
	assert_true(bps == -1);
}

static void test_uptime_wrap_is_not_a_reboot(void **state)
{
	assert_false(snmp_uptime_went_back(4294967000U, 704U, 10.0));
	assert_true(snmp_uptime_went_back(4294967000U, 704U * 1000, 10.0));
	assert_true(snmp_uptime_went_back(5000, 10, 10.0));
	assert_false(snmp_uptime_went_back(5000, 6000, 10.0));
}

/* A counter that jumps forward by more than the link can carry (a core
 * switch failover) is discarded like an implausible wrap, and the next
 * interval counts from the new value. */
static void test_forward_jump_discarded(void **state)
{
	struct snmp_counter c = { 0 };
	double bps = -1;
	snmp_rate_update(&c, 1000000, true, true, 100, 0.0, 1000 * MBIT, &bps);
	/* 1.5e9 bytes in 2 s read 6 Gbit/s on a 1 Gbit/s uplink */
	assert_int_equal(snmp_rate_update(&c, 1501000000ULL, true, true, 300, 2.0, 1000 * MBIT, &bps),
			 SNMP_RATE_RESET);
	assert_true(bps == -1);
	assert_int_equal(snmp_rate_update(&c, 1501000000ULL + 125000000, true, true, 500, 4.0,
					  1000 * MBIT, &bps), SNMP_RATE_OK);
	assert_true(fabs(bps - 500 * MBIT) < 1e-3);
	/* up to the slack over the link speed is traffic */
	assert_int_equal(snmp_rate_update(&c, 1626000000ULL + 350000000, true, true, 700, 6.0,
					  1000 * MBIT, &bps), SNMP_RATE_OK);
	/* unknown capacity: beyond 1 Tbit/s is a jump */
	struct snmp_counter d = { 0 };
	snmp_rate_update(&d, 0, true, true, 100, 0.0, 0, &bps);
	assert_int_equal(snmp_rate_update(&d, 300000000000ULL, true, true, 200, 1.0, 0, &bps),
			 SNMP_RATE_RESET);
}

static void test_width_change_primes_again(void **state)
{
	struct snmp_counter c = { 0 };
	double bps = 0;
	snmp_rate_update(&c, 100, false, false, 0, 0.0, 0, &bps);
	assert_int_equal(snmp_rate_update(&c, 50, true, false, 0, 10.0, 0, &bps), SNMP_RATE_FIRST);
	assert_int_equal(snmp_rate_update(&c, 50, true, false, 0, 10.0, 0, &bps), SNMP_RATE_NO_TIME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_reading_primes),
		cmocka_unit_test(test_wrap_32),
		cmocka_unit_test(test_wrap_64),
		cmocka_unit_test(test_reset_is_not_a_wrap),
		cmocka_unit_test(test_reboot_discards),
		cmocka_unit_test(test_uptime_wrap_is_not_a_reboot),
		cmocka_unit_test(test_forward_jump_discarded),
		cmocka_unit_test(test_width_change_primes_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
