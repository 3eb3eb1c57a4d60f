/* The report's statistics against numbers worked out by hand. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "report/report.h"

/* 2027-05-14 00:00:00 UTC */
#define T0 1810252800

static void shuffle(double *v, size_t n)
{
	unsigned s = 12345;
	for (size_t i = n - 1; i > 0; i--) {
		s = s * 1103515245u + 12345u;
		size_t j = (s >> 8) % (i + 1);
		double t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static void test_p95_nearest_rank_864(void **state)
{
	/* 3 days of 5-minute averages: 864 samples 1..864. ceil(0.95 x 864) =
	 * ceil(820.8) = 821, so the top 43 are dropped and 821 is the p95. */
	double v[864];
	for (size_t i = 0; i < 864; i++)
		v[i] = (double)(i + 1);
	shuffle(v, 864);
	size_t unknown = 99;
	assert_float_equal(report_percentile(v, 864, 95, &unknown), 821, 0);
	assert_int_equal(unknown, 0);

	/* The 64 largest become unknown: 800 known, rank ceil(760.0) = 760. */
	for (size_t i = 0; i < 864; i++)
		if (v[i] > 800)
			v[i] = NAN;
	assert_float_equal(report_percentile(v, 864, 95, &unknown), 760, 0);
	assert_int_equal(unknown, 64);
}

static void test_percentile_edges(void **state)
{
	/* 0.95 x 20 = 19.000000000000004 in binary: still the 19th. */
	double v[20];
	for (size_t i = 0; i < 20; i++)
		v[i] = (double)(20 - i);
	assert_float_equal(report_percentile(v, 20, 95, NULL), 19, 0);
	assert_float_equal(report_percentile(v, 20, 100, NULL), 20, 0);
	assert_float_equal(report_percentile(v, 1, 95, NULL), 20, 0);
	double none[3] = { NAN, NAN, NAN };
	size_t unknown = 0;
	assert_true(isnan(report_percentile(none, 3, 95, &unknown)));
	assert_int_equal(unknown, 3);
	assert_true(isnan(report_percentile(v, 0, 95, NULL)));
}

static void test_peak_first_of_ties_and_time(void **state)
{
	double v[] = { NAN, 3, 7, 7, NAN, 5 };
	struct report_series s = { T0, 10, 6, v };
	struct report_peak p = report_peak(&s);
	assert_float_equal(p.value, 7, 0);
	assert_int_equal(p.at, T0 + 30);	/* point 2 ends at start + 3 steps */
	double none[] = { NAN, NAN };
	struct report_series e = { T0, 10, 2, none };
	assert_true(isnan(report_peak(&e).value));
}

static void test_minutes_with_gaps(void **state)
{
	/* Unknown samples never count, whatever the level. */
	double v[] = { NAN, 80, 79.9, 100, NAN, 120, 0 };
	struct report_series s = { T0, 10, 7, v };
	assert_float_equal(report_minutes_at_or_above(&s, 80), 0.5, 1e-12);	/* 3 x 10 s */
	assert_float_equal(report_minutes_at_or_above(&s, 100), 20.0 / 60, 1e-12);
	assert_float_equal(report_minutes_at_or_above(&s, 0), 50.0 / 60, 1e-12);	/* 5 known */
	assert_float_equal(report_minutes_at_or_above(&s, 121), 0, 0);
	assert_true(isnan(report_minutes_at_or_above(&s, NAN)));
}

static void test_consolidate_five_minutes(void **state)
{
	/* 90 samples of 10 s from T0: three 300 s buckets. Bucket 0: all 1;
	 * bucket 1: 15 known of 30 (half: known), values 4; bucket 2: 14
	 * known (less than half: unknown). */
	double v[90];
	for (size_t i = 0; i < 90; i++)
		v[i] = i < 30 ? 1 : i < 60 ? (i % 2 ? 4 : NAN) : (i < 74 ? 9 : NAN);
	struct report_series s = { T0, 10, 90, v }, out;
	double *c = report_consolidate(&s, 300, &out);
	assert_non_null(c);
	assert_int_equal(out.n, 3);
	assert_int_equal(out.step, 300);
	assert_int_equal(out.start, T0);
	assert_float_equal(c[0], 1, 0);
	assert_float_equal(c[1], 4, 0);
	assert_true(isnan(c[2]));
	free(c);
	/* A width that is not a multiple of the step is refused. */
	assert_null(report_consolidate(&s, 25, &out));
}

static void test_volume_and_slice(void **state)
{
	/* 1 Mbit/s for a day of 10 s samples = 86400 Mbit; 360 unknown
	 * samples take an hour off. */
	static double v[8640];
	for (size_t i = 0; i < 8640; i++)
		v[i] = i >= 1000 && i < 1360 ? NAN : 1.0;
	struct report_series s = { T0, 10, 8640, v };
	size_t unknown = 0;
	assert_float_equal(report_volume(&s, &unknown), 86400 - 3600, 1e-6);
	assert_int_equal(unknown, 360);
	/* The first hour: points ending in (T0, T0 + 3600]. */
	struct report_series h = report_slice(&s, T0, T0 + 3600);
	assert_int_equal(h.n, 360);
	assert_int_equal(h.start, T0);
	assert_float_equal(report_volume(&h, NULL), 3600, 1e-9);
	/* A slice outside the series is empty; its volume unknown. */
	struct report_series none = report_slice(&s, T0 + 90000, T0 + 99000);
	assert_int_equal(none.n, 0);
	assert_true(isnan(report_volume(&none, NULL)));
}

static void test_days_split_local(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	time_t b[8];
	size_t n = report_days(T0 + 6 * 3600, T0 + 2 * 86400 + 12 * 3600, b, 8);
	assert_int_equal(n, 3);
	assert_int_equal(b[0], T0 + 6 * 3600);
	assert_int_equal(b[1], T0 + 86400);
	assert_int_equal(b[2], T0 + 2 * 86400);
	assert_int_equal(b[3], T0 + 2 * 86400 + 12 * 3600);
	/* Central Europe in summer: days start at 22:00 UTC. */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	n = report_days(T0, T0 + 86400, b, 8);
	assert_int_equal(n, 2);
	assert_int_equal(b[1], T0 + 22 * 3600);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_gaps(void **state)
{
	double v[] = { 1, NAN, 1, NAN, NAN, NAN, NAN, NAN, NAN, 1, NAN };
	struct report_series s = { T0, 10, 11, v };
	struct report_gap *g;
	size_t n = report_gaps(&s, 60, &g);
	assert_int_equal(n, 1);
	assert_int_equal(g[0].start, T0 + 30);
	assert_int_equal(g[0].end, T0 + 90);
	free(g);
	n = report_gaps(&s, 10, &g);
	assert_int_equal(n, 3);
	free(g);
}

static void test_link_size(void **state)
{
	assert_float_equal(report_link_size(187.5), 200, 0);
	assert_float_equal(report_link_size(200), 200, 0);
	assert_float_equal(report_link_size(1001), 2000, 0);
	assert_true(isnan(report_link_size(NAN)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p95_nearest_rank_864),
		cmocka_unit_test(test_percentile_edges),
		cmocka_unit_test(test_peak_first_of_ties_and_time),
		cmocka_unit_test(test_minutes_with_gaps),
		cmocka_unit_test(test_consolidate_five_minutes),
		cmocka_unit_test(test_volume_and_slice),
		cmocka_unit_test(test_days_split_local),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_link_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
