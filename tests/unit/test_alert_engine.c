/* The alert log through base/eventlog: lines written, read back, times both ways. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/eventlog.h"
#include "base/util.h"

struct seen {
	char events[8][32];
	double ts[8];
	size_t n;
};

static int keep(json_t *event, double ts, void *ctx)
{
	struct seen *s = ctx;
	const char *name = json_string_value(json_object_get(event, "event"));
	if (!name || s->n == 8)
		return -1;	/* counted as bad */
	strlcpy_hr(s->events[s->n], name, sizeof s->events[0]);
	s->ts[s->n++] = ts;
	return 0;
}

static void test_append_and_read_back(void **state)
{
	(void)state;
	char dir[] = "/tmp/hr-eventlog-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = eventlog_path(dir);
	char *expect = xasprintf("%s/alerts.log", dir);
	assert_string_equal(path, expect);
	free(expect);

	json_t *batch = json_pack("[{s:s, s:s}, {s:s}]", "event", "firing", "id", "00000000000000a1",
				  "event", "notified");
	eventlog_append(path, batch, 1800000000.25);
	json_decref(batch);
	batch = json_pack("[{s:s}, {s:s}]", "event", "sent", "notifier", "no event name");
	eventlog_append(path, batch, 1800000001.5);
	json_decref(batch);
	FILE *f = fopen(path, "a");
	fputs("\nnot json\n[1, 2]\n", f);	/* blank, broken, not an object */
	fclose(f);

	struct seen s = { .n = 0 };
	size_t bad = 0;
	assert_int_equal(eventlog_read(path, keep, &s, &bad), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.events[0], "firing");
	assert_string_equal(s.events[1], "notified");
	assert_string_equal(s.events[2], "sent");
	assert_true(s.ts[0] == 1800000000.25 && s.ts[1] == 1800000000.25);
	assert_true(s.ts[2] == 1800000001.5);
	assert_int_equal(bad, 3);	/* the nameless event, "not json", [1, 2] */

	/* the first key of every line is ts, as readers of the file expect */
	f = fopen(path, "r");
	char line[256];
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	const char *first = "{\"ts\":1800000000.25,\"event\":\"firing\",";
	assert_int_equal(strncmp(line, first, strlen(first)), 0);

	unlink(path);
	bad = 0;
	assert_int_equal(eventlog_read(path, keep, &s, &bad), -1);	/* no log yet */
	free(path);
	rmdir(dir);
}

static double parse(const char *s)
{
	json_t *v = json_string(s);
	double t = eventlog_parse_time(v);
	json_decref(v);
	return t;
}

static void test_times(void **state)
{
	(void)state;
	char buf[40];
	eventlog_format_time(1810281600.9, buf, sizeof buf);
	assert_string_equal(buf, "2027-05-14T08:00:00Z");
	eventlog_format_time(0, buf, sizeof buf);
	assert_string_equal(buf, "0001-01-01T00:00:00Z");	/* unset */

	assert_true(parse("2027-05-14T08:00:00Z") == 1810281600);
	assert_true(parse("2027-05-14T10:00:00+02:00") == 1810281600);
	assert_true(parse("2027-05-14T07:30:00-00:30") == 1810281600);
	assert_true(fabs(parse("2027-05-14T08:00:00.25Z") - 1810281600.25) < 1e-6);
	assert_true(isnan(parse("2027-05-14T08:00:00")));	/* no zone */
	assert_true(isnan(parse("2027-05-14T08:00:00Zjunk")));
	assert_true(isnan(parse("2027-05-14T08:00:00.Z")));
	assert_true(isnan(parse("yesterday")));

	json_t *n = json_real(1810281600.5);
	assert_true(eventlog_parse_time(n) == 1810281600.5);
	json_decref(n);
	n = json_integer(-5);
	assert_true(isnan(eventlog_parse_time(n)));
	json_decref(n);
	assert_true(isnan(eventlog_parse_time(NULL)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_read_back),
		cmocka_unit_test(test_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
