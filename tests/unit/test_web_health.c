/* /healthz's verdict from the latest snapshot's age: healthy while the
 * loop publishes, unhealthy with a reason after 3 missed ticks. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_snapshot_is_healthy),
		cmocka_unit_test(test_three_missed_ticks_are_unhealthy),
		cmocka_unit_test(test_clock_step_back_is_not_a_stall),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
