/* The built-in rules over a real venue model: forecasts, heartbeats, client drops, airtime. */
/*
 * forecast_saturation and the watchdog heartbeat: the real rules and the
 * real alert core over a real venue model, fed client counts that climb
 * at a known rate; client_drop among a thousand APs.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alerts/alert_core.h"
#include "base/conf.h"
#include "base/util.h"
#include "model/venue.h"

/* hall: one AP that holds 300 clients, fed by target wlc */
static const char *venue_text =
	"event \"t\" { attendees = 1000 }\n"
	"room \"hall\" { seats = 400 }\n"
	"target \"wlc\" { address = \"127.0.0.1\" interval = 1 }\n"
	"ap \"h1\" { room = \"hall\" max_clients = 300 target = \"wlc\" }\n";

#define T0 1800000000.0
#define NO_FORECAST 1e6

struct fixture {
	struct conf *conf;
	struct venue *venue;
	struct alert_rules *rules;
	struct alert_core core;
	struct alert_obs *obs;
	size_t cap;
};

static struct fixture *setup(const char *tick, const char *extra)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *text = NULL, *err = NULL;
	assert_true(asprintf(&text, "tick = %s\n%s%s", tick, venue_text, extra) > 0);
	f->conf = conf_load_buffer(text, "test.conf", &err);
	if (!f->conf)
		fprintf(stderr, "%s", err);
	free(err);
	free(text);
	assert_non_null(f->conf);
	f->venue = venue_new(f->conf);
	f->rules = alert_rules_new();
	alert_core_init(&f->core, 0, 300);
	return f;
}

static void teardown(struct fixture *f)
{
	alert_core_free(&f->core);
	alert_rules_free(f->rules);
	free(f->obs);
	venue_free(f->venue);
	conf_free(f->conf);
	free(f);
}

static void put(struct venue *v, const char *entity, const char *metric, double value, double t)
{
	struct sample s;
	memset(&s, 0, sizeof s);
	strlcpy_hr(s.entity, entity, sizeof s.entity);
	strlcpy_hr(s.metric, metric, sizeof s.metric);
	s.value = value;
	s.time = t;
	venue_ingest(v, &s);
}

/* The hall's clients at t, one tick of the rules and the core; returns
 * the forecast observation's value (minutes to capacity). */
static double step(struct fixture *f, double t, double clients)
{
	put(f->venue, "target:wlc", "up", 1, t);
	put(f->venue, "ap:h1", "clients", clients, t);
	venue_update(f->venue, t);
	size_t n = alert_rules_observe(f->rules, f->conf, f->venue, T0, t, &f->obs, &f->cap);
	alert_core_clear_out(&f->core);
	alert_core_evaluate(&f->core, f->obs, n, t);
	for (size_t i = 0; i < n; i++)
		if (strcmp(f->obs[i].rule, "forecast_saturation") == 0 &&
		    strstr(f->obs[i].summary, "room hall"))
			return f->obs[i].value;
	fail_msg("no forecast observation for room hall");
	return NAN;
}

static const struct alert_rec *forecast_alert(const struct fixture *f)
{
	for (size_t i = 0; i < f->core.n_recs; i++)
		if (strcmp(f->core.recs[i].rule, "forecast_saturation") == 0)
			return &f->core.recs[i];
	return NULL;
}

/* 100 clients climbing 4 a minute: capacity 300 is 50 minutes away at
 * the start. Nothing is said before a third of the window (5 min); then
 * the minutes left are the straight line's; warn inside 30 minutes,
 * crit inside 10. */
static void climb(struct fixture *f, double tick)
{
	double t = T0, clients = 100;
	for (; t < T0 + 5 * 60 - tick; t += tick, clients += 4 * tick / 60)
		assert_true(step(f, t, clients) >= NO_FORECAST);
	bool warned = false, critical = false;
	for (; clients < 300 - 4 * tick / 60; t += tick, clients += 4 * tick / 60) {
		double eta = step(f, t, clients);
		if (t < T0 + 5 * 60 + tick)
			continue;
		double expect = (300 - clients) / 4;
		assert_true(fabs(eta - expect) < 0.5);
		const struct alert_rec *r = forecast_alert(f);
		if (expect > 31) {
			assert_true(!r || r->state == AS_INACTIVE || r->state == AS_RESOLVED);
		} else if (expect < 29 && expect > 11) {
			warned = warned || (r && r->state != AS_INACTIVE && r->sev >= SEV_WARN);
		} else if (expect < 9) {
			critical = critical || (r && r->state == AS_FIRING && r->sev == SEV_CRIT);
		}
	}
	assert_true(warned);
	assert_true(critical);
}

static void test_climb_at_ten_second_ticks(void **state)
{
	(void)state;
	struct fixture *f = setup("10", "");
	climb(f, 10);
	teardown(f);
}

/* At a one-second tick the history must still span the window. */
static void test_climb_at_one_second_ticks(void **state)
{
	(void)state;
	struct fixture *f = setup("1", "");
	climb(f, 1);
	teardown(f);
}

/* A forecast that resolves says so: its last summary is what the
 * resolved notification and the report carry. */
static void test_resolved_forecast_says_so(void **state)
{
	(void)state;
	struct fixture *f = setup("10", "");
	double t = T0, clients = 100;
	for (; clients < 230; t += 10, clients += 4 * 10 / 60.0)
		step(f, t, clients);
	const struct alert_rec *r = forecast_alert(f);
	assert_non_null(r);
	assert_int_equal(r->state, AS_FIRING);
	assert_non_null(strstr(r->summary, "reaches capacity 300 in"));
	for (int i = 0; i < 360 && r->state == AS_FIRING; i++, t += 10) {
		step(f, t, clients);
		r = forecast_alert(f);
	}
	assert_int_equal(r->state, AS_RESOLVED);
	assert_non_null(strstr(r->summary, "room hall: resolved, the trend no longer reaches "
				   "capacity 300 within 30 min"));
	teardown(f);
}

/* Flat and falling counts forecast nothing. */
static void test_flat_and_falling(void **state)
{
	(void)state;
	struct fixture *f = setup("10", "");
	double t = T0;
	for (int i = 0; i < 120; i++, t += 10)
		assert_true(step(f, t, 150) >= NO_FORECAST);
	for (int i = 0; i < 120; i++, t += 10)
		assert_true(step(f, t, 150 - i * 0.5) >= NO_FORECAST);
	const struct alert_rec *r = forecast_alert(f);
	assert_true(!r || r->state == AS_INACTIVE);
	teardown(f);
}

/* trend_minutes: a 3-minute window speaks after one minute and follows
 * a rush that a 15-minute window still averages with the calm before. */
static void test_trend_minutes(void **state)
{
	(void)state;
	struct fixture *shortw = setup("10", "alert \"forecast_saturation\" { trend_minutes = 3 }\n");
	struct fixture *longw = setup("10", "");
	double t = T0;
	for (int i = 0; i < 6; i++, t += 10) {
		step(shortw, t, 100 + i);
		step(longw, t, 100 + i);
	}
	/* a minute of history: the short window answers, the long one not yet */
	assert_true(step(shortw, t, 106) < NO_FORECAST);
	assert_true(step(longw, t, 106) >= NO_FORECAST);
	/* 15 calm minutes, then 3 minutes of +20 a minute */
	for (int i = 0; i < 90; i++, t += 10) {
		step(shortw, t, 106);
		step(longw, t, 106);
	}
	double c = 106, eta_short = 0, eta_long = 0;
	for (int i = 0; i < 18; i++, t += 10, c += 20.0 / 6) {
		eta_short = step(shortw, t, c);
		eta_long = step(longw, t, c);
	}
	double expect = (300 - c + 20.0 / 6) / 20;	/* the rush's own line */
	assert_true(fabs(eta_short - expect) < 1.0);
	assert_true(eta_long > 2 * expect);
	teardown(shortw);
	teardown(longw);
}

static void test_trend_minutes_out_of_range(void **state)
{
	(void)state;
	char *err = NULL;
	struct conf *c = conf_load_buffer("alert \"forecast_saturation\" {\n  trend_minutes = 0.5\n}\n",
					  "bad.conf", &err);
	assert_null(c);
	assert_non_null(err);
	assert_non_null(strstr(err, "bad.conf:2: trend_minutes: 0.5 is outside 1..240"));
	free(err);
}

/* The watchdog always fires (info); its reminders every `repeat` are the
 * heartbeat: 15 minutes apart over an hour and a half. */
static void test_watchdog_heartbeat(void **state)
{
	(void)state;
	struct fixture *f = setup("10", "alert \"watchdog\" { repeat = \"15m\" }\n");
	size_t fired = 0, beats = 0;
	for (double t = T0; t < T0 + 90 * 60; t += 10) {
		step(f, t, 100);
		size_t i;
		json_t *note;
		json_array_foreach(f->core.out_notifications, i, note) {
			if (strcmp(json_string_value(json_object_get(note, "rule")), "watchdog") != 0)
				continue;
			const char *type = json_string_value(json_object_get(note, "type"));
			fired += strcmp(type, "firing") == 0;
			beats += strcmp(type, "repeat") == 0;
		}
	}
	assert_int_equal(fired, 1);
	assert_int_equal(beats, 5);	/* 15, 30, 45, 60 and 75 min after it fired */
	teardown(f);
}

/* client_drop keeps a history per AP: among a thousand APs (their
 * histories added, and their index regrown, in the first tick) only the
 * one that lost its clients alerts, every tick. */
static void test_client_drop_among_a_thousand_aps(void **state)
{
	(void)state;
	char *aps = NULL;
	size_t len = 0;
	FILE *text = open_memstream(&aps, &len);
	for (int i = 0; i < 1000; i++)
		fprintf(text, "ap \"a%d\" { room = \"hall\" max_clients = 300 target = \"wlc\" }\n", i);
	fclose(text);
	struct fixture *f = setup("10", aps);
	free(aps);
	double t = T0;
	for (int k = 0; k < 4; k++, t += 10) {
		for (int i = 0; i < 1000; i++) {
			char entity[32];
			snprintf(entity, sizeof entity, "ap:a%d", i);
			put(f->venue, entity, "clients", i == 700 && k >= 2 ? 4 : 40, t);
		}
		step(f, t, 100);
		size_t drops = 0, seen = 0;
		for (size_t i = 0; i < f->core.n_recs; i++) {
			const struct alert_rec *r = &f->core.recs[i];
			if (strcmp(r->rule, "client_drop") != 0)
				continue;
			seen++;
			if (r->state == AS_FIRING) {
				drops++;
				assert_string_equal(r->labels[0].value, "a700");
				assert_true(fabs(r->value - 0.9) < 1e-9);
			}
		}
		assert_int_equal(seen, 1001);	/* a0..a999 and h1 */
		assert_int_equal(drops, k >= 2 ? 1 : 0);
	}
	teardown(f);
}

/* A resolved client_drop says the AP recovered, with its count now:
 * it read "dropped from 200 to 200 clients". */
static void test_client_drop_resolved_says_recovered(void **state)
{
	(void)state;
	struct fixture *f = setup("10", "ap \"a1\" { room = \"hall\" max_clients = 300 target = \"wlc\" }\n");
	const double counts[] = { 200, 200, 20, 30, 190, 200 };
	const struct alert_rec *r = NULL;
	double t = T0;
	for (size_t k = 0; k < sizeof counts / sizeof *counts; k++, t += 10) {
		put(f->venue, "ap:a1", "clients", counts[k], t);
		step(f, t, 100);
		r = NULL;
		for (size_t i = 0; i < f->core.n_recs; i++)
			if (strcmp(f->core.recs[i].rule, "client_drop") == 0 &&
			    strcmp(f->core.recs[i].labels[0].value, "a1") == 0)
				r = &f->core.recs[i];
		assert_non_null(r);
		if (k == 3) {
			assert_int_equal(r->state, AS_FIRING);
			assert_string_equal(r->summary, "AP a1 dropped from 200 to 30 clients");
		}
	}
	assert_int_equal(r->state, AS_RESOLVED);
	assert_string_equal(r->summary,
			    "AP a1 recovered: 200 clients (200 before the drop, 20 at its lowest)");
	teardown(f);
}

/* ---- radio_airtime_high: a busy channel, with the room's own levels ---- */

/* One tick with h1's 5 GHz radio at util percent; the core's record of
 * radio_airtime_high on it, NULL before the first observation. */
static const struct alert_rec *airtime_step(struct fixture *f, double t, double util,
					    struct alert_obs *seen)
{
	put(f->venue, "target:wlc", "up", 1, t);
	put(f->venue, "ap:h1", "clients", 20, t);
	put(f->venue, "radio:h1/5g", "clients", 12, t);
	put(f->venue, "radio:h1/5g", "utilization", util, t);
	venue_update(f->venue, t);
	size_t n = alert_rules_observe(f->rules, f->conf, f->venue, T0, t, &f->obs, &f->cap);
	alert_core_clear_out(&f->core);
	alert_core_evaluate(&f->core, f->obs, n, t);
	for (size_t i = 0; i < n; i++)
		if (strcmp(f->obs[i].rule, "radio_airtime_high") == 0)
			*seen = f->obs[i];
	for (size_t i = 0; i < f->core.n_recs; i++)
		if (strcmp(f->core.recs[i].rule, "radio_airtime_high") == 0)
			return &f->core.recs[i];
	return NULL;
}

static void test_radio_airtime_high(void **state)
{
	(void)state;
	/* the hall warns at 60% and is critical at 80%, not the venue's 50/70 */
	struct fixture *f = setup("1", "alert \"radio_airtime_high\" { for = \"10s\" }\n");
	f->conf->rooms[0].airtime_warn = 60;	/* as room "hall" { airtime_warn = 60 ... } */
	f->conf->rooms[0].airtime_crit = 80;
	struct alert_obs o;
	memset(&o, 0, sizeof o);
	double t = T0;
	const struct alert_rec *r = NULL;
	for (; t < T0 + 30; t++)
		r = airtime_step(f, t, 55, &o);	/* above the venue's 50, below the hall's 60 */
	assert_true(fabs(o.value - 0.55) < 1e-9 && o.warn == 0.6 && o.crit == 0.8);
	assert_true(fabs(o.clear_warn - 0.54) < 1e-9);	/* 90% of warn */
	assert_string_equal(o.summary, "radio h1 5g: channel busy 55% (warn 60%, crit 80%), 12 clients");
	assert_true(!r || r->state == AS_INACTIVE);
	for (; t < T0 + 39; t++)
		assert_int_equal(airtime_step(f, t, 65, &o)->state, AS_PENDING);	/* for = 10 s */
	for (; t < T0 + 45; t++)
		r = airtime_step(f, t, 65, &o);
	assert_int_equal(r->state, AS_FIRING);
	assert_int_equal(r->sev, SEV_WARN);
	bool room = false;
	for (size_t i = 0; i < r->n_labels; i++)
		room |= strcmp(r->labels[i].name, "room") == 0 && strcmp(r->labels[i].value, "hall") == 0;
	assert_true(room);
	for (; t < T0 + 60; t++)
		r = airtime_step(f, t, 58, &o);	/* below warn, above clear: holds */
	assert_int_equal(r->state, AS_FIRING);
	for (; t < T0 + 80; t++)
		r = airtime_step(f, t, 85, &o);
	assert_int_equal(r->sev, SEV_CRIT);
	for (; t < T0 + 100; t++)
		r = airtime_step(f, t, 30, &o);
	assert_int_equal(r->state, AS_RESOLVED);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_climb_at_ten_second_ticks),
		cmocka_unit_test(test_climb_at_one_second_ticks),
		cmocka_unit_test(test_resolved_forecast_says_so),
		cmocka_unit_test(test_flat_and_falling),
		cmocka_unit_test(test_trend_minutes),
		cmocka_unit_test(test_trend_minutes_out_of_range),
		cmocka_unit_test(test_watchdog_heartbeat),
		cmocka_unit_test(test_client_drop_among_a_thousand_aps),
		cmocka_unit_test(test_client_drop_resolved_says_recovered),
		cmocka_unit_test(test_radio_airtime_high),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
