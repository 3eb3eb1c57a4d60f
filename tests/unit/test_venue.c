/* The venue model: samples in, typed view out; unknown stays unknown. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/conf.h"
#include "base/util.h"
#include "model/venue.h"

static const char *text =
	"tick = 10\n"
	"event \"t\" { attendees = 500 }\n"
	"room \"hall\" { seats = 300 }\n"
	"room \"foyer\" { seats = 100 }\n"
	"target \"wlc\" { address = \"127.0.0.1\" interval = 10 }\n"
	"ap \"h1\" { room = \"hall\" max_clients = 100 target = \"wlc\" }\n"
	"ap \"h2\" { room = \"hall\" max_clients = 100 target = \"wlc\" }\n"
	"ap \"f1\" { room = \"foyer\" }\n"
	"uplink \"isp\" { capacity_mbps = 100 }\n";

static struct conf *load(const char *t)
{
	char *err = NULL;
	struct conf *c = conf_load_buffer(t, "t.conf", &err);
	if (!c)
		fprintf(stderr, "%s", err);
	free(err);
	assert_non_null(c);
	return c;
}

static void put(struct venue *v, const char *entity, const char *metric, double value,
		double t, const char *txt)
{
	struct sample s;
	strlcpy_hr(s.entity, entity, sizeof s.entity);
	strlcpy_hr(s.metric, metric, sizeof s.metric);
	s.value = value;
	s.time = t;
	strlcpy_hr(s.text, txt ? txt : "", sizeof s.text);
	venue_ingest(v, &s);
}

static void test_rooms_sum_known_aps(void **state)
{
	struct conf *c = load(text);
	struct venue *v = venue_new(c);
	venue_update(v, 1000);
	assert_true(isnan(v->rooms[0].clients));	/* no data is not zero */
	assert_true(isnan(v->totals.devices));

	put(v, "target:wlc", "up", 1, 1000, NULL);
	put(v, "ap:h1", "clients", 90, 1000, "AP-1");
	put(v, "ap:h2", "clients", 30, 1000, "AP-2");
	put(v, "uplink:isp", "bps_in", 85e6, 1000, NULL);
	put(v, "uplink:isp", "bps_out", 10e6, 1000, NULL);
	venue_update(v, 1005);
	assert_true(v->rooms[0].clients == 120);
	assert_int_equal(v->rooms[0].aps_known, 2);
	assert_true(v->rooms[0].capacity == 200);
	assert_true(v->rooms[0].projected == 270);
	assert_int_equal(v->rooms[0].status, PLAN_OK);		/* 120 of 200 */
	assert_int_equal(v->rooms[0].plan_status, PLAN_CRIT);	/* 270 of 200 */
	assert_int_equal(v->aps[0].status, PLAN_WARN);		/* 90 >= warn 80 */
	assert_string_equal(v->aps[0].device_name, "AP-1");
	assert_true(isnan(v->rooms[1].clients));		/* foyer has no data */
	assert_true(v->totals.devices == 120);
	assert_int_equal(v->totals.projected, 450);
	assert_true(fabs(v->uplinks[0].utilisation - 0.85) < 1e-9);
	assert_int_equal(v->uplinks[0].status, PLAN_WARN);
	venue_free(v);
	conf_free(c);
}

static void test_down_target_and_stale_data_are_unknown(void **state)
{
	struct conf *c = load(text);
	struct venue *v = venue_new(c);
	put(v, "target:wlc", "up", 1, 1000, NULL);
	put(v, "ap:h1", "clients", 50, 1000, NULL);
	venue_update(v, 1000);
	assert_true(v->aps[0].clients == 50);

	put(v, "target:wlc", "up", 0, 1010, "timeout");
	venue_update(v, 1010);
	assert_true(isnan(v->aps[0].clients));
	assert_int_equal(v->aps[0].status, PLAN_UNKNOWN);
	assert_string_equal(v->targets[0].last_error, "timeout");
	assert_int_equal(v->totals.targets_down, 1);

	put(v, "target:wlc", "up", 1, 1020, NULL);
	venue_update(v, 1020);
	assert_true(v->aps[0].clients == 50);
	/* 3 intervals without a fresh sample: stale, unknown */
	venue_update(v, 1032);
	assert_true(isnan(v->aps[0].clients));
	venue_free(v);
	conf_free(c);
}

static void test_unplanned_ap(void **state)
{
	struct conf *c = load(text);
	struct venue *v = venue_new(c);
	put(v, "ap:AP-Forgotten", "clients", 7, 1000, NULL);
	put(v, "ap:AP-Forgotten", "unplanned", 1, 1000, NULL);
	put(v, "ap:AP-Forgotten", "unplanned", 1, 1010, NULL);	/* added once */
	venue_update(v, 1010);
	assert_int_equal(v->n_aps, 4);
	assert_string_equal(v->aps[3].name, "AP-Forgotten");
	assert_false(v->aps[3].planned);
	assert_true(v->aps[3].clients == 7);
	assert_int_equal(v->totals.aps_unplanned, 1);
	assert_true(v->totals.devices == 7);	/* unplanned clients are devices too */
	venue_free(v);
	conf_free(c);
}

static void test_rebuild_keeps_state_of_entities_that_stay(void **state)
{
	struct conf *c = load(text);
	struct venue *v = venue_new(c);
	put(v, "ap:h1", "clients", 42, 1000, NULL);
	put(v, "ap:f1", "clients", 5, 1000, NULL);
	put(v, "uplink:isp", "bps_in", 1e6, 1000, NULL);
	for (int i = 0; i < 3000; i++) {	/* force the table to grow */
		char e[64];
		snprintf(e, sizeof e, "ssid:s%d", i);
		put(v, e, "clients", i, 1000, NULL);
	}
	struct conf *c2 = load("event \"t\" { attendees = 500 }\n"
			       "room \"hall\" { seats = 300 }\n"
			       "ap \"h1\" { room = \"hall\" }\n"
			       "uplink \"wan\" { capacity_mbps = 10 }\n");
	struct venue *v2 = venue_rebuild(v, c2);
	venue_update(v2, 1001);
	assert_int_equal(v2->n_aps, 1);
	assert_true(v2->aps[0].clients == 42);
	assert_null(venue_metric_get(v2, "ap:f1", "clients"));		/* removed AP */
	assert_null(venue_metric_get(v2, "uplink:isp", "bps_in"));	/* removed uplink */
	assert_non_null(venue_metric_get(v2, "ssid:s2999", "clients"));
	assert_true(venue_value(v2, "ssid:s1234", "clients", 1001, 0) == 1234);
	venue_free(v);
	venue_free(v2);
	conf_free(c);
	conf_free(c2);
}

/* The venue's uplink status is the model's, decided once per tick: the
 * sum over uplinks against their summed capacity, unknown without data. */
static void test_uplink_totals(void **state)
{
	struct conf *c = load("tick = 10\n"
			      "event \"t\" { attendees = 500 }\n"
			      "uplink \"isp\" { capacity_mbps = 100 }\n"
			      "uplink \"backup\" { capacity_mbps = 50 }\n");
	struct venue *v = venue_new(c);
	venue_update(v, 1000);
	assert_true(isnan(v->totals.uplink_utilisation));
	assert_int_equal(v->totals.uplink_status, PLAN_UNKNOWN);

	put(v, "uplink:isp", "bps_in", 90e6, 1000, NULL);
	put(v, "uplink:backup", "bps_in", 30e6, 1000, NULL);
	put(v, "uplink:isp", "bps_out", 20e6, 1000, NULL);
	venue_update(v, 1005);
	assert_true(fabs(v->totals.uplink_utilisation - 0.8) < 1e-9);	/* 120 of 150 */
	assert_int_equal(v->totals.uplink_status, PLAN_WARN);
	assert_int_equal(v->uplinks[1].status, PLAN_OK);		/* 30 of 50 */

	put(v, "uplink:backup", "bps_in", 60e6, 1010, NULL);
	venue_update(v, 1012);
	assert_true(fabs(v->totals.uplink_utilisation - 1.0) < 1e-9);
	assert_int_equal(v->totals.uplink_status, PLAN_CRIT);
	venue_free(v);
	conf_free(c);
}

/* Headroom follows observed load where it exceeds the projection: a room
 * drawing beyond its own projection takes the venue's headroom with it,
 * though the venue as a whole is still below its plan. */
static void test_headroom_follows_load_beyond_projection(void **state)
{
	struct conf *c = load(text);	/* hall 270 of 200, foyer 90 of 150 */
	struct venue *v = venue_new(c);
	put(v, "target:wlc", "up", 1, 1000, NULL);
	venue_update(v, 1000);
	assert_true(v->totals.headroom == 350 - 450);	/* the plan's */
	assert_true(v->rooms[0].headroom == 200 - 270);
	put(v, "ap:h1", "clients", 160, 1000, NULL);
	put(v, "ap:h2", "clients", 140, 1000, NULL);
	put(v, "ap:f1", "clients", 10, 1000, NULL);
	venue_update(v, 1001);
	assert_true(v->totals.devices == 310);
	assert_true(v->totals.beyond == 30);
	assert_true(v->totals.headroom == 350 - 480);
	assert_true(v->rooms[0].headroom == 200 - 300);
	assert_true(v->rooms[1].headroom == 150 - 90);
	venue_free(v);
	conf_free(c);
}

/* A Counter32 "no value" sentinel, 2^64 - 1 or a negative count is not
 * a crowd: unknown, counted as malformed, and the AP's status unknown
 * rather than critical. Large but possible counts stay. */
static void test_implausible_client_counts(void **state)
{
	struct conf *c = load(text);
	struct venue *v = venue_new(c);
	put(v, "target:wlc", "up", 1, 1000, NULL);
	put(v, "ap:h1", "clients", 4294967295.0, 1000, NULL);
	put(v, "ap:h1", "clients_5g", 18446744073709551615.0, 1000, NULL);
	put(v, "ap:h2", "clients", -1, 1000, NULL);
	put(v, "ap:f1", "clients", 3999, 1000, NULL);	/* 2 radios x 2000: possible */
	put(v, "ssid:event", "clients", 4294967295.0, 1000, NULL);
	put(v, "ap:AP-Lobby", "clients", 4294967295.0, 1000, NULL);	/* unplanned */
	venue_update(v, 1005);
	assert_true(isnan(v->aps[0].clients));
	assert_true(isnan(v->aps[0].clients_5g));
	assert_int_equal(v->aps[0].status, PLAN_UNKNOWN);
	assert_true(isnan(v->aps[1].clients));
	assert_true(v->aps[2].clients == 3999);
	assert_true(isnan(venue_value(v, "ssid:event", "clients", 1005, 0)));
	assert_true(isnan(venue_value(v, "ap:AP-Lobby", "clients", 1005, 0)));
	assert_int_equal(v->samples_malformed, 5);
	assert_true(v->rooms[0].clients != v->rooms[0].clients);	/* unknown, not 4e9 */
	/* the sentinel goes away: the real value counts again */
	put(v, "ap:h1", "clients", 42, 1010, NULL);
	venue_update(v, 1012);
	assert_true(v->aps[0].clients == 42);
	venue_free(v);
	conf_free(c);

	/* the bound is configurable */
	c = load("radio_plausible_clients = 100\nevent \"t\" { attendees = 5 }\n"
		 "room \"r\" { seats = 5 }\nap \"a\" { room = \"r\" radios = 1 }\n");
	v = venue_new(c);
	put(v, "ap:a", "clients", 101, 1000, NULL);
	assert_int_equal(v->samples_malformed, 1);
	venue_free(v);
	conf_free(c);
}

/* ---- airtime: a radio's status is the worse of clients and utilisation ---- */

static void test_radio_status_rule(void **state)
{
	(void)state;
	/* clients warn 50 crit 75, airtime warn 50 crit 70 */
	assert_int_equal(venue_radio_status(10, 50, 75, 20, 50, 70), PLAN_OK);
	assert_int_equal(venue_radio_status(10, 50, 75, 50, 50, 70), PLAN_WARN);	/* at warn */
	assert_int_equal(venue_radio_status(10, 50, 75, 69.9, 50, 70), PLAN_WARN);
	assert_int_equal(venue_radio_status(10, 50, 75, 70, 50, 70), PLAN_CRIT);
	assert_int_equal(venue_radio_status(60, 50, 75, 20, 50, 70), PLAN_WARN);	/* clients */
	assert_int_equal(venue_radio_status(80, 50, 75, 55, 50, 70), PLAN_CRIT);	/* worse wins */
	assert_int_equal(venue_radio_status(NAN, 50, 75, 55, 50, 70), PLAN_WARN);	/* one known */
	assert_int_equal(venue_radio_status(20, 50, 75, NAN, 50, 70), PLAN_OK);
	assert_int_equal(venue_radio_status(NAN, 50, 75, NAN, 50, 70), PLAN_UNKNOWN);
	assert_int_equal(venue_status_worse(PLAN_UNKNOWN, PLAN_OK), PLAN_OK);
	assert_int_equal(venue_status_worse(PLAN_CRIT, PLAN_WARN), PLAN_CRIT);
}

static const char *airtime_text =
	"tick = 10\n"
	"airtime_warn = 40\n"
	"event \"t\" { attendees = 500 }\n"
	"room \"hall\" { seats = 300  airtime_warn = 60  airtime_crit = 80 }\n"
	"room \"foyer\" { seats = 100 }\n"
	"target \"wlc\" { address = \"127.0.0.1\" interval = 10 }\n"
	"ap \"h1\" { room = \"hall\" max_clients = 100 target = \"wlc\" }\n"
	"ap \"f1\" { room = \"foyer\" max_clients = 100 target = \"wlc\" }\n"
	"ap \"a/b\" { room = \"foyer\" max_clients = 100 target = \"wlc\" }\n";

static void test_rooms_follow_their_radios(void **state)
{
	(void)state;
	struct conf *c = load(airtime_text);
	assert_true(c->airtime_warn == 40 && c->airtime_crit == 70);	/* crit: the default */
	assert_true(c->rooms[0].airtime_warn == 60 && c->rooms[0].airtime_crit == 80);
	assert_true(c->rooms[1].airtime_warn == 40 && c->rooms[1].airtime_crit == 70);
	struct venue *v = venue_new(c);
	put(v, "target:wlc", "up", 1, 1000, NULL);
	put(v, "ap:h1", "clients", 20, 1000, NULL);
	put(v, "ap:f1", "clients", 20, 1000, NULL);
	put(v, "radio:h1/5g", "clients", 15, 1000, NULL);
	put(v, "radio:h1/5g", "utilization", 55, 1000, NULL);	/* below the hall's 60 */
	put(v, "radio:h1/2g4", "utilization#self-rx", 90, 1000, NULL);	/* a part, not busy */
	put(v, "radio:f1/5g", "clients", 15, 1000, NULL);
	put(v, "radio:f1/5g", "utilization#total", 45, 1000, NULL);	/* above the venue's 40 */
	put(v, "radio:f1/5g", "noise", -92, 1000, NULL);
	put(v, "radio:f1/5g", "channel", 36, 1000, NULL);
	put(v, "radio:a/b/6g/r2", "utilization", 10, 1000, NULL);	/* an AP name with '/' */
	venue_update(v, 1005);
	assert_int_equal(v->n_radios, 4);
	const struct venue_radio *h = &v->radios[0], *f = &v->radios[2], *ab = &v->radios[3];
	assert_string_equal(h->ap, "h1");
	assert_string_equal(h->band, "5g");
	assert_int_equal(h->room_idx, 0);
	assert_int_equal(h->airtime_status, PLAN_OK);
	assert_true(isnan(v->radios[1].utilization));
	assert_false(v->radios[1].states_utilization);
	assert_true(f->utilization == 45 && f->noise == -92 && f->channel == 36);
	assert_int_equal(f->airtime_status, PLAN_WARN);
	assert_int_equal(f->clients_status, PLAN_OK);
	assert_int_equal(f->status, PLAN_WARN);
	/* each AP's radios, in the order they first reported */
	assert_int_equal(v->aps[0].first_radio, 0);
	assert_int_equal(v->radios[0].next_of_ap, 1);
	assert_int_equal(v->radios[1].next_of_ap, -1);
	assert_int_equal(v->aps[1].first_radio, 2);
	assert_int_equal(v->radios[2].next_of_ap, -1);
	assert_string_equal(ab->ap, "a/b");
	assert_string_equal(ab->band, "6g");
	assert_string_equal(ab->radio, "r2");
	assert_int_equal(ab->room_idx, 1);
	/* the foyer: clients fine, air busy; the AP follows its radio */
	assert_int_equal(v->rooms[1].clients_status, PLAN_OK);
	assert_int_equal(v->rooms[1].airtime_status, PLAN_WARN);
	assert_int_equal(v->rooms[1].status, PLAN_WARN);
	assert_true(v->rooms[1].airtime_max == 45 && v->rooms[1].airtime_mean == 27.5);
	assert_int_equal(v->aps[1].status, PLAN_WARN);
	assert_int_equal(v->rooms[0].status, PLAN_OK);
	assert_true(v->rooms[0].airtime_max == 55);
	/* crit at the hall's own crit; stale figures are unknown */
	put(v, "radio:h1/5g", "utilization", 80, 1010, NULL);
	venue_update(v, 1015);
	assert_int_equal(v->rooms[0].status, PLAN_CRIT);
	venue_update(v, 1100);	/* older than 3 x interval + 1 */
	assert_true(isnan(v->radios[0].utilization));
	assert_true(isnan(v->rooms[0].airtime_max));
	venue_free(v);
	conf_free(c);
}

static void test_airtime_levels_are_checked(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"airtime_warn = 0\nevent \"t\" { attendees = 5 }\n",
		"airtime_crit = 101\nevent \"t\" { attendees = 5 }\n",
		"airtime_warn = 80\nairtime_crit = 60\nevent \"t\" { attendees = 5 }\n",
		"event \"t\" { attendees = 5 }\nroom \"r\" { seats = 1  airtime_warn = 75 }\n",
		"event \"t\" { attendees = 5 }\nroom \"r\" { seats = 1  airtime_crit = -1 }\n",
	};
	static const char *const why[] = { "airtime_warn: must be a percentage",
		"airtime_crit: must be a percentage", "airtime_warn (80) is above airtime_crit (60)",
		"room \"r\": airtime_warn (75) is above airtime_crit (70)",
		"airtime_crit: must be a percentage" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *err = NULL;
		struct conf *c = conf_load_buffer(bad[i], "t.conf", &err);
		assert_null(c);
		assert_non_null(err);
		if (!strstr(err, why[i]))
			fprintf(stderr, "%s\n", err);
		assert_non_null(strstr(err, why[i]));
		assert_non_null(strstr(err, "t.conf:"));
		free(err);
	}
}

/* Devices on cables: counted in the room's load and the venue's devices,
 * ports in its capacity (the mapped ports seen, or wired_ports), and
 * unknown again when the switch's readings grow old. */
static void test_wired_rooms(void **state)
{
	struct conf *c = load("tick = 10\n"
			      "event \"t\" { attendees = 100 }\n"
			      "room \"sprint\" { seats = 60 }\n"
			      "room \"lab\" { seats = 20 wired_ports = 10 }\n"
			      "target \"sw\" { kind = \"switch\" address = \"127.0.0.1\" }\n"
			      "wired \"s\" { room = \"sprint\" target = \"sw\" ports = { \"Gi1/0/1-24\" } }\n"
			      "wired \"l\" { room = \"lab\" target = \"sw\" vlans = { 30 } }\n"
			      "ap \"a\" { room = \"sprint\" max_clients = 40 }\n");
	assert_int_equal(c->targets[0].interval, 60);	/* a switch's default */
	struct venue *v = venue_new(c);
	venue_update(v, 1000);
	assert_true(isnan(v->rooms[0].wired_devices));
	assert_true(v->rooms[0].capacity == 40);
	assert_true(v->rooms[1].capacity == 10);	/* configured ports */
	put(v, "ap:a", "clients", 30, 1000, NULL);
	put(v, "wired:sprint", "devices", 25, 1000, NULL);
	put(v, "wired:sprint", "ports", 24, 1000, NULL);
	put(v, "wired:sprint", "ports_up", 21, 1000, NULL);
	put(v, "wired:sprint", "ports_free", 3, 1000, NULL);
	put(v, "wired:lab", "devices", 4, 1000, NULL);
	put(v, "wired:lab", "ports", 48, 1000, NULL);
	venue_update(v, 1005);
	const struct venue_room *r = &v->rooms[0];
	assert_true(r->wired_devices == 25 && r->wired_ports_up == 21 && r->wired_ports_free == 3);
	assert_true(r->wifi_capacity == 40 && r->capacity == 64);	/* 40 + 24 ports seen */
	assert_true(r->headroom == 64 - 55);				/* 30 + 25 > projection 54 */
	assert_int_equal(r->status, PLAN_WARN);				/* 55 of 64 */
	assert_true(v->rooms[1].capacity == 10);	/* wired_ports wins over 48 seen */
	assert_true(v->totals.devices == 30 + 25 + 4);
	venue_update(v, 1000 + 3 * 60 + 2);		/* three switch intervals on */
	assert_true(isnan(v->rooms[0].wired_devices));
	assert_true(v->rooms[0].capacity == 40);
	venue_free(v);
	conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rooms_sum_known_aps),
		cmocka_unit_test(test_down_target_and_stale_data_are_unknown),
		cmocka_unit_test(test_unplanned_ap),
		cmocka_unit_test(test_rebuild_keeps_state_of_entities_that_stay),
		cmocka_unit_test(test_uplink_totals),
		cmocka_unit_test(test_headroom_follows_load_beyond_projection),
		cmocka_unit_test(test_implausible_client_counts),
		cmocka_unit_test(test_radio_status_rule),
		cmocka_unit_test(test_rooms_follow_their_radios),
		cmocka_unit_test(test_airtime_levels_are_checked),
		cmocka_unit_test(test_wired_rooms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
