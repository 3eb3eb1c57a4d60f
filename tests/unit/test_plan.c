/* Capacity plan arithmetic with real numbers, rounding and edge cases. */
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
#include "model/plan.h"

static struct conf *load(const char *text)
{
	char *err = NULL;
	struct conf *c = conf_load_buffer(text, "test.conf", &err);
	if (!c)
		fprintf(stderr, "%s", err);
	free(err);
	assert_non_null(c);
	return c;
}

static void test_venue_projection_90_percent(void **state)
{
	struct conf_event e = { .attendees = 1200, .online_ratio = 0.9, .devices_per_attendee = 1.0 };
	/* 1200 x 0.9 is 1080.0000000000002 in binary floating point. */
	assert_int_equal(plan_venue_projected_devices(&e), 1080);
	e.attendees = 1201;
	assert_int_equal(plan_venue_projected_devices(&e), 1081);	/* 1080.9 rounds up */
	e.attendees = 50;
	e.devices_per_attendee = 1.5;
	assert_int_equal(plan_venue_projected_devices(&e), 68);		/* 67.5 -> 68 */
	e.attendees = 10000;
	e.online_ratio = 0.7;
	e.devices_per_attendee = 0.75;
	assert_int_equal(plan_venue_projected_devices(&e), 5250);
	e.attendees = 0;
	assert_int_equal(plan_venue_projected_devices(&e), 0);
}

static void test_ceil_forgives_float_noise(void **state)
{
	assert_int_equal(plan_ceil(1080.0000000000002), 1080);
	assert_int_equal(plan_ceil(1080.01), 1081);
	assert_int_equal(plan_ceil(0.3 * 3 * 10), 9);
	assert_int_equal(plan_ceil(0), 0);
}

static const char *venue_text =
	"event \"t\" { attendees = 1000 }\n"
	"room \"hall\" { seats = 500 }\n"
	"room \"small\" { seats = 100 }\n"
	"ap \"h1\" { room = \"hall\" max_clients = 200 }\n"
	"ap \"h2\" { room = \"hall\" max_clients = 100 }\n"
	"ap \"s1\" { room = \"small\" }\n"
	"uplink \"isp\" { capacity_mbps = 100 }\n"
	"uplink \"lte\" { capacity_mbps = 50 }\n";

static void test_room_and_ap_projection(void **state)
{
	struct conf *c = load(venue_text);
	/* hall: ceil(500 x 0.9) = 450 against 300 capacity */
	assert_int_equal(plan_room_projected_devices(&c->event, &c->rooms[0]), 450);
	assert_int_equal(plan_room_capacity(c, 0), 300);
	/* AP share weighted by max_clients: 450 x 200/300 = 300, 450 x 100/300 = 150 */
	assert_int_equal(plan_ap_projected_devices(c, 0), 300);
	assert_int_equal(plan_ap_projected_devices(c, 1), 150);
	/* small: default capacity 2 radios x 75 = 150, warn 2 x 50 = 100 */
	assert_int_equal(c->aps[2].max_clients, 150);
	assert_int_equal(c->aps[2].warn_clients, 100);
	assert_int_equal(plan_room_projected_devices(&c->event, &c->rooms[1]), 90);
	assert_int_equal(plan_ap_projected_devices(c, 2), 90);
	/* h1: warn level = ceil(200 x 0.8) */
	assert_int_equal(c->aps[0].warn_clients, 160);
	assert_int_equal(plan_venue_capacity(c), 450);
	conf_free(c);
}

static void test_uplink_demand(void **state)
{
	struct conf *c = load(venue_text);
	/* 900 devices x 250 kbit/s = 225 Mbit/s over 150 Mbit/s of uplinks */
	assert_int_equal(plan_venue_projected_devices(&c->event), 900);
	assert_true(fabs(plan_venue_uplink_demand_mbps(c) - 225.0) < 1e-9);
	assert_true(fabs(plan_uplink_capacity_mbps(c) - 150.0) < 1e-9);
	assert_true(fabs(plan_uplink_projected_mbps(c, 0) - 150.0) < 1e-9);
	assert_true(fabs(plan_uplink_projected_mbps(c, 1) - 75.0) < 1e-9);
	conf_free(c);
}

static void test_status_levels(void **state)
{
	assert_int_equal(plan_status_of(79.9, 100, 0.8, 1.0), PLAN_OK);
	assert_int_equal(plan_status_of(80, 100, 0.8, 1.0), PLAN_WARN);
	assert_int_equal(plan_status_of(99.99, 100, 0.8, 1.0), PLAN_WARN);
	assert_int_equal(plan_status_of(100, 100, 0.8, 1.0), PLAN_CRIT);
	assert_int_equal(plan_status_of(NAN, 100, 0.8, 1.0), PLAN_UNKNOWN);
	assert_int_equal(plan_status_of(5, 0, 0.8, 1.0), PLAN_UNKNOWN);
	assert_int_equal(plan_status_of(5, NAN, 0.8, 1.0), PLAN_UNKNOWN);
	assert_int_equal(plan_status_levels(120, 120, 150), PLAN_WARN);
	assert_int_equal(plan_status_levels(0, 120, 150), PLAN_OK);
	assert_string_equal(plan_status_name(PLAN_CRIT), "crit");
}

static void test_plan_rows_and_verdict(void **state)
{
	struct conf *c = load(venue_text);
	struct plan_row rows[16];
	size_t n = plan_rows(c, rows, 16);
	assert_int_equal(n, 6);	/* venue, 2 rooms, uplinks total, 2 uplinks */
	assert_int_equal(rows[0].kind, PLAN_VENUE);
	assert_string_equal(plan_kind_name(rows[0].kind), "venue");
	assert_true(rows[0].projected == 900 && rows[0].capacity == 450);
	assert_int_equal(rows[0].status, PLAN_CRIT);
	assert_string_equal(rows[1].name, "hall");
	assert_true(rows[1].headroom == -150);
	assert_int_equal(rows[1].status, PLAN_CRIT);
	assert_string_equal(rows[2].name, "small");
	assert_true(rows[2].headroom == 60);
	assert_int_equal(rows[2].status, PLAN_OK);	/* 90 of 150 = 60% */
	assert_int_equal(rows[3].status, PLAN_CRIT);	/* 225 of 150 Mbit/s */

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int shortfalls = plan_print(c, f);
	fclose(f);
	assert_int_equal(shortfalls, 3);	/* venue, hall, uplinks */
	assert_non_null(strstr(buf, "SHORTFALL: room \"hall\": its seats project 450 devices but its APs hold 300 (150 short)"));
	assert_non_null(strstr(buf, "SHORTFALL: uplinks: projected demand 225 Mbit/s exceeds capacity 150 Mbit/s"));
	assert_non_null(strstr(buf, "Verdict: 3 shortfalls"));
	free(buf);
	conf_free(c);
}

/* The printed plan, whole: every kind of row, a table-capacity row, a
 * tight room and each kind of shortfall. */
static void test_plan_print_text(void **state)
{
	struct conf *c = load("event \"t\" { attendees = 1000 }\n"
			      "room \"hall\" { seats = 500 }\n"
			      "room \"small\" { seats = 100 }\n"
			      "room \"side\" { seats = 100 }\n"
			      "ap \"h1\" { room = \"hall\" max_clients = 200 }\n"
			      "ap \"h2\" { room = \"hall\" max_clients = 100 }\n"
			      "ap \"s1\" { room = \"small\" }\n"
			      "ap \"d1\" { room = \"side\" max_clients = 100 }\n"
			      "target \"sw\" { address = \"127.0.0.1\" }\n"
			      "uplink \"isp\" { capacity_mbps = 100 }\n"
			      "uplink \"lte\" { capacity_mbps = 50 }\n"
			      "uplink \"wan\" { target = \"sw\" interface = \"ge-0/0/1\" }\n");
	static const char want[] =
		"Capacity plan for t: 1000 attendees x 0.90 online x 1.00 devices each = 900 devices, "
		"250 kbit/s per device\n"
		"\n"
		"kind     name                        seats    projected     capacity     headroom  status\n"
		"venue    t                            1000          900          550         -350  crit\n"
		"room     hall                          500          450          300         -150  crit\n"
		"room     small                         100           90          150          +60  ok\n"
		"room     side                          100           90          100          +10  warn\n"
		"uplinks  all                             -          225          150          -75  crit (Mbit/s)\n"
		"uplink   isp                             -          150          100          -50  crit (Mbit/s)\n"
		"uplink   lte                             -           75           50          -25  crit (Mbit/s)\n"
		"uplink   wan                             -            0    from SNMP            -  unknown (Mbit/s)\n"
		"\n"
		"SHORTFALL: venue \"t\": the attendees project 900 devices but all APs hold 550 (350 short)\n"
		"SHORTFALL: room \"hall\": its seats project 450 devices but its APs hold 300 (150 short)\n"
		"SHORTFALL: uplinks: projected demand 225 Mbit/s exceeds capacity 150 Mbit/s\n"
		"TIGHT: room \"side\" is at 90% of capacity\n"
		"Verdict: 3 shortfalls before the doors open; fix them or accept the risk.\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(plan_print(c, f), 3);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
	conf_free(c);
}

static void test_plan_holds(void **state)
{
	struct conf *c = load("event \"e\" { attendees = 100 online_ratio = 0.5 }\n"
			      "room \"r\" { seats = 100 }\n"
			      "ap \"a\" { room = \"r\" max_clients = 100 }\n");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(plan_print(c, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "Verdict: the plan holds"));
	free(buf);
	conf_free(c);
}

/* Seats with no AP at all cannot hold their projection: a shortfall,
 * not "unknown" and "the plan holds". */
static void test_rooms_without_aps_fall_short(void **state)
{
	struct conf *c = load("event \"e\" { attendees = 1200 }\n"
			      "room \"hall\" { seats = 1200 }\n");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(plan_print(c, f), 2);	/* the venue and the hall */
	fclose(f);
	assert_non_null(strstr(buf, "SHORTFALL: room \"hall\": its seats project 1080 devices but no AP serves it"));
	assert_null(strstr(buf, "the plan holds"));
	free(buf);
	conf_free(c);
}

/* A sprint room of 60 seats (54 devices) whose AP holds 40: its 30
 * cable seats make it fit, and the verdict says the cables are needed. */
static void test_room_holds_only_with_cables(void **state)
{
	struct conf *c = load("event \"e\" { attendees = 60 }\n"
			      "room \"sprint\" { seats = 60 wired_ports = 30 }\n"
			      "ap \"a\" { room = \"sprint\" max_clients = 40 }\n");
	assert_int_equal(plan_room_wifi_capacity(c, 0), 40);
	assert_int_equal(plan_room_wired_ports(c, 0), 30);
	assert_int_equal(plan_room_capacity(c, 0), 70);
	assert_int_equal(plan_venue_capacity(c), 70);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(plan_print(c, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "CABLES: room \"sprint\" holds its 54 projected devices only with its 30 wired ports counted (its APs hold 40)"));
	assert_non_null(strstr(buf, "Verdict: the plan holds only with the cables counted in 1 room"));
	free(buf);
	conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_venue_projection_90_percent),
		cmocka_unit_test(test_ceil_forgives_float_noise),
		cmocka_unit_test(test_room_and_ap_projection),
		cmocka_unit_test(test_uplink_demand),
		cmocka_unit_test(test_status_levels),
		cmocka_unit_test(test_plan_rows_and_verdict),
		cmocka_unit_test(test_plan_print_text),
		cmocka_unit_test(test_plan_holds),
		cmocka_unit_test(test_rooms_without_aps_fall_short),
		cmocka_unit_test(test_room_holds_only_with_cables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
