/* The report's statistics against numbers worked out by hand, and its
 * texts against the configured plan. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/conf.h"
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

/* A report of an event planned with 85% online that recorded nothing:
 * a room short of capacity, an uplink with no traffic. */
struct plan_fixture {
	struct conf *conf;
	struct report r;
	struct report_room room;
	struct report_uplink uplink;
};

static void plan_fixture(struct plan_fixture *x)
{
	char *err = NULL;
	x->conf = conf_load_buffer("event \"t\" { attendees = 100  online_ratio = 0.85"
				   "  devices_per_attendee = 2 }\n"
				   "room \"hall\" { seats = 200 }\n"
				   "ap \"h1\" { room = \"hall\"  max_clients = 50 }\n"
				   "uplink \"isp\" { capacity_mbps = 10 }\n", "t.conf", &err);
	free(err);
	assert_non_null(x->conf);
	memset(&x->r, 0, sizeof x->r);
	x->r.conf = x->conf;
	x->r.peak_devices = (struct report_peak){ NAN, 0 };
	x->r.peak_ratio = x->r.uplink_peak_mbps = x->r.mbps_per_device = NAN;
	x->r.recommend_uplink_mbps = 100;
	x->room = (struct report_room){ .conf = &x->conf->rooms[0], .capacity = 50,
		.projected = 340, .peak = { NAN, 0 }, .p95 = NAN, .minutes_warn = NAN,
		.minutes_crit = NAN, .recommend_add = 290 };
	x->uplink = (struct report_uplink){ .conf = &x->conf->uplinks[0], .capacity_mbps = 10,
		.projected_mbps = 42.5, .peak_in = { NAN, 0 }, .peak_out = { NAN, 0 },
		.p95_in = NAN, .p95_out = NAN, .avg_in = NAN, .avg_out = NAN,
		.minutes_warn = NAN, .minutes_crit = NAN };
	x->r.rooms = &x->room;
	x->r.n_rooms = 1;
	x->r.uplinks = &x->uplink;
	x->r.n_uplinks = 1;
	report_recommend(&x->r);
}

static void plan_fixture_free(struct plan_fixture *x)
{
	for (size_t i = 0; i < x->r.n_recos; i++) {
		free(x->r.recos[i].entity);
		free(x->r.recos[i].text);
	}
	free(x->r.recos);
	conf_free(x->conf);
}

static void test_texts_say_the_configured_ratio(void **state)
{
	struct plan_fixture x;
	plan_fixture(&x);
	size_t rules = 0;
	for (size_t i = 0; i < x.r.n_recos; i++) {
		const char *t = x.r.recos[i].text;
		rules += strstr(t, "the 85% rule") != NULL;
		assert_null(strstr(t, "90%"));
	}
	assert_int_equal(rules, 2);	/* the room and the uplink */
	assert_non_null(strstr(x.r.recos[0].text, "keep 1.70 devices per attendee"));

	char dir[] = "/tmp/test_report_stats.XXXXXX", err[256] = "";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(report_write_html(&x.r, dir, err, sizeof err), 0);
	char path[64], page[65536];
	snprintf(path, sizeof path, "%s/report.html", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	page[fread(page, 1, sizeof page - 1, f)] = '\0';
	fclose(f);
	unlink(path);
	rmdir(dir);
	assert_non_null(strstr(page, "85% rule asked"));
	assert_null(strstr(page, "90%"));

	plan_fixture_free(&x);
}

static void write_line(const struct report *r, FILE *f)
{
	fputs("a line\n", f);
}

static void test_writers_say_which_file_failed(void **state)
{
	struct plan_fixture x;
	char err[256] = "";
	plan_fixture(&x);
	assert_int_equal(report_write_html(&x.r, "/nonexistent", err, sizeof err), -1);
	assert_string_equal(err, "cannot write /nonexistent/report.html: No such file or directory");
	assert_int_equal(report_write_csv(&x.r, "/nonexistent", err, sizeof err), -1);
	assert_string_equal(err, "cannot write /nonexistent/summary.csv: No such file or directory");
	/* a full disk: the line sits in stdio's buffer until fclose() */
	if (access("/dev/full", W_OK) == 0) {
		assert_int_equal(report_write_file(&x.r, "/dev", "full", write_line, err,
						   sizeof err), -1);
		assert_string_equal(err, "cannot write /dev/full: No space left on device");
	}
	plan_fixture_free(&x);
}

/* ---- airtime ---- */

static void test_airtime_figures(void **state)
{
	(void)state;
	/* 40 minutes at 10 s: 15 min at 30%, 10 min at 60%, 5 min at 80%,
	 * 10 min at 20%, one sample unknown in the first block */
	double v[240];
	for (size_t i = 0; i < 240; i++)
		v[i] = i < 90 ? 30 : i < 150 ? 60 : i < 180 ? 80 : 20;
	v[3] = NAN;
	struct report_series s = { T0, 10, 240, v };
	struct report_airtime a;
	report_airtime_of(&s, &s, 50, 70, &a);
	assert_true(a.has_data);
	assert_true(a.peak.value == 80);
	assert_true(a.peak.at == T0 + 151 * 10);	/* the end of the first 80% interval */
	assert_true(fabs(a.minutes_warn - 15) < 1e-9);	/* 60% and 80%: 90 samples */
	assert_true(fabs(a.minutes_crit - 5) < 1e-9);
	/* eight 5-minute averages: 30 30 30 60 60 80 20 20; ceil(0.95 x 8) = 8th */
	assert_true(a.p95 == 80);
	double none[3] = { NAN, NAN, NAN };
	struct report_series e = { T0, 10, 3, none };
	report_airtime_of(&e, &e, 50, 70, &a);
	assert_false(a.has_data);
	assert_true(isnan(a.peak.value) && isnan(a.p95) && isnan(a.minutes_warn));
}

static void test_radio_names(void **state)
{
	(void)state;
	char *ap, *band;
	assert_int_equal(report_radio_parse("radio:hall-1/5g", &ap, &band), 0);
	assert_string_equal(ap, "hall-1");
	assert_string_equal(band, "5g");
	free(ap);
	free(band);
	assert_int_equal(report_radio_parse("radio:a/b/6g/iap2", &ap, &band), 0);
	assert_string_equal(ap, "a/b");
	assert_string_equal(band, "6g");
	free(ap);
	free(band);
	assert_int_equal(report_radio_parse("radio:5g", &ap, &band), -1);
	assert_int_equal(report_radio_parse("ap:x/5g", &ap, &band), -1);
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
		cmocka_unit_test(test_texts_say_the_configured_ratio),
		cmocka_unit_test(test_writers_say_which_file_failed),
		cmocka_unit_test(test_airtime_figures),
		cmocka_unit_test(test_radio_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
