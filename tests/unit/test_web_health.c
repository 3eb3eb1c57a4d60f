/* /healthz's verdict from the latest snapshot's age: healthy while the
 * loop publishes, unhealthy with a reason after 3 missed ticks; and which
 * route and methods each request path gets. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "web/server.h"

static void test_fresh_snapshot_is_healthy(void **state)
{
	char why[128] = "";
	assert_true(web_health_ok(1000, 1000, 10, why, sizeof why));
	assert_true(web_health_ok(1000, 1009.9, 10, why, sizeof why));
	assert_string_equal(why, "");
}

static void test_three_missed_ticks_are_unhealthy(void **state)
{
	char why[128] = "";
	/* 3 ticks of 10 s plus 5 s for one slow tick */
	assert_true(web_health_ok(1000, 1035, 10, why, sizeof why));
	assert_false(web_health_ok(1000, 1036, 10, why, sizeof why));
	assert_string_equal(why, "no update for 36 s (the loop publishes every 10 s)");
	/* the limit follows the configured tick */
	assert_true(web_health_ok(1000, 1035, 60, why, sizeof why));
	assert_false(web_health_ok(1000, 1000 + 3 * 60 + 6, 60, why, sizeof why));
	assert_false(web_health_ok(1000, 1009, 1, why, sizeof why));
}

static void test_clock_step_back_is_not_a_stall(void **state)
{
	char why[128] = "";
	assert_true(web_health_ok(1000, 900, 10, why, sizeof why));
	assert_string_equal(why, "");
}

/* The route of url for method (valid series parameters, so a known path
 * gives its route number), or -1 for an unknown path or method. */
static int route(const char *url, const char *method)
{
	static const char *const query[7] = { "venue", "clients", NULL, NULL, NULL, NULL, NULL };
	char buf[128];
	snprintf(buf, sizeof buf, "%s", url);
	return web_check_request(buf, method, query);
}

static void test_routes(void **state)
{
	int index = route("/", "GET"), body = route("/api/v1/venue", "GET");
	assert_true(index > 0);
	assert_int_equal(route("/index.html", "HEAD"), index);
	static const char *const bodies[] = { "/api/v1/rooms", "/api/v1/aps", "/api/v1/uplinks",
					      "/api/v1/targets", "/api/v1/alerts", "/metrics" };
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		assert_int_equal(route(bodies[i], "GET"), body);
	int r[] = { index, body, route("/static/app.js", "GET"), route("/api/v1/series", "GET"),
		    route("/graph/venue.svg", "GET"), route("/events", "GET"),
		    route("/healthz", "GET"), route("/api/v1/silences", "POST"),
		    route("/api/v1/silences/s1", "DELETE"), route("/api/v1/alerts/a1/ack", "POST") };
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
		assert_true(r[i] > 0);
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(r[i], r[j]);
	}
	/* the argument is the rest of the path, even an empty one */
	assert_int_equal(route("/static/", "GET"), r[2]);
	assert_int_equal(route("/graph/", "GET"), r[4]);
	assert_int_equal(route("/api/v1/silences", "GET"), r[7]);
	/* an ack needs an id before /ack, and the id is checked without it */
	assert_int_equal(route("/api/v1/alerts/a:1.b-2/ack", "POST"), r[9]);
	assert_int_equal(route("/api/v1/alerts/a b/ack", "POST"), 0);
	assert_int_equal(route("/api/v1/silences/a/b", "DELETE"), 0);
	assert_int_equal(route("/api/v1/alerts//ack", "POST"), -1);
	assert_int_equal(route("/api/v1/alerts/a1", "POST"), -1);
	assert_int_equal(route("/api/v1/alerts/", "GET"), -1);
	/* whole paths only, and each route's methods */
	assert_int_equal(route("/api/v1/venue/", "GET"), -1);
	assert_int_equal(route("/api/v1", "GET"), -1);
	assert_int_equal(route("/nope", "GET"), -1);
	assert_int_equal(route("/api/v1/venue", "POST"), -1);
	assert_int_equal(route("/events", "HEAD"), -1);
	assert_int_equal(route("/api/v1/silences/s1", "GET"), -1);
	assert_int_equal(route("/api/v1/alerts/a1/ack", "GET"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_snapshot_is_healthy),
		cmocka_unit_test(test_three_missed_ticks_are_unhealthy),
		cmocka_unit_test(test_clock_step_back_is_not_a_stall),
		cmocka_unit_test(test_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
