/* The alert module as the daemon ticks it: notify's outbox, its delivery word, its log. */
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

#include "alerts/alert.h"
#include "base/conf.h"
#include "base/eventlog.h"
#include "base/module.h"
#include "base/util.h"
#include "model/venue.h"

#define T0 1800000000.0

/* Two notifiers and nothing else that could alert; the watchdog is off so
 * that every notification in the outbox is notifier_failing's. */
static const char *conf_fmt =
	"state_dir = \"%s\"\n"
	"alert_group_wait = \"0s\"\n"
	"alert_group_interval = \"1m\"\n"
	"event \"t\" { attendees = 100 }\n"
	"room \"hall\" { seats = 50 }\n"
	"notifier \"gone\" { kind = \"generic\" url = \"http://127.0.0.1:9/gone\" }\n"
	"notifier \"rescue\" { kind = \"generic\" url = \"http://127.0.0.1:9/rescue\" }\n"
	"alert \"watchdog\" { enabled = false }\n";

struct fixture {
	char dir[64];
	struct module_ctx d;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/hr-alert-engine-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	char *text = xasprintf(conf_fmt, f->dir), *err = NULL;
	f->d.conf = conf_load_buffer(text, "test.conf", &err);
	if (!f->d.conf)
		fprintf(stderr, "%s", err);
	free(err);
	free(text);
	assert_non_null(f->d.conf);
	f->d.venue = venue_new(f->d.conf);
	assert_int_equal(alert_module_ops.start(&f->d), 0);
	assert_non_null(f->d.alerts);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	alert_module_ops.stop(&f->d);
	venue_free(f->d.venue);
	conf_free(f->d.conf);
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f);
	return 0;
}

/* One tick of the engine, then what notify would take on its tick. */
static json_t *tick(struct fixture *f, double t)
{
	alert_module_ops.tick(&f->d, t);
	return alert_engine_take_notifications(f->d.alerts);
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *notifier_of(const json_t *notification)
{
	json_t *a = json_array_get(json_object_get(notification, "alerts"), 0);
	return str(json_object_get(a, "labels"), "notifier");
}

struct events {
	char names[16][32];
	size_t n;
};

static int collect(json_t *event, double ts, void *ctx)
{
	struct events *ev = ctx;
	if (strcmp(str(event, "rule"), "notifier_failing") != 0 || ev->n == 16 || !(ts >= T0))
		return 0;
	snprintf(ev->names[ev->n++], sizeof ev->names[0], "%s", str(event, "event"));
	return 0;
}

/* Silences made over HTTP are capped, counting those still queued for
 * the loop; the one over the cap is refused with a reason. */
static void test_silence_count_capped(void **state)
{
	struct fixture *f = *state;
	json_t *body = json_pack("{s:[{s:s, s:s}], s:f, s:s, s:s}", "matchers", "name", "ap",
				 "value", "h1", "endsAt", now_seconds() + 3600, "createdBy", "noc",
				 "comment", "flood");
	char id[64], err[256];
	int refused = -1;
	for (int i = 0; i < 1200 && refused < 0; i++)
		if (alert_request_silence(f->d.alerts, body, id, sizeof id, err, sizeof err) != 0)
			refused = i;
	json_decref(body);
	assert_int_equal(refused, 1000);
	assert_non_null(strstr(err, "1000 silences"));
	json_decref(tick(f, now_seconds()));
	json_t *made = alert_engine_silences_json(f->d.alerts);
	assert_int_equal(json_array_size(made), 1000);
	json_decref(made);
}

/* notify's word reaches the rule: failing fires it (summary with the
 * reason), delivering again resolves it after the configured interval;
 * the alert log holds both decisions. */
static void test_delivery_word_fires_and_resolves(void **state)
{
	struct fixture *f = *state;
	json_t *out = tick(f, T0);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);

	alert_engine_set_delivery(f->d.alerts, "gone", true, "HTTP 404");
	out = tick(f, T0 + 10);
	assert_int_equal(json_array_size(out), 1);
	json_t *n = json_array_get(out, 0);
	assert_string_equal(str(n, "rule"), "notifier_failing");
	assert_string_equal(str(n, "status"), "firing");
	assert_string_equal(notifier_of(n), "gone");
	json_t *a = json_array_get(json_object_get(n, "alerts"), 0);
	assert_string_equal(str(a, "summary"), "notifier gone fails: HTTP 404");
	json_decref(out);
	out = alert_engine_take_notifications(f->d.alerts);	/* taken already */
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);

	alert_engine_set_delivery(f->d.alerts, "gone", false, NULL);
	out = tick(f, T0 + 20);	/* resolved, told after alert_group_interval */
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	out = tick(f, T0 + 70);
	assert_int_equal(json_array_size(out), 1);
	assert_string_equal(str(json_array_get(out, 0), "status"), "resolved");
	json_decref(out);

	struct events ev = { .n = 0 };
	char *log = eventlog_path(f->dir);
	size_t bad = 0;
	assert_int_equal(eventlog_read(log, collect, &ev, &bad), 0);
	free(log);
	assert_int_equal(bad, 0);
	assert_int_equal(ev.n, 2);
	assert_string_equal(ev.names[0], "firing");
	assert_string_equal(ev.names[1], "resolved");
}

/* The outbox keeps what notify has not taken, oldest first. */
static void test_outbox_keeps_until_taken(void **state)
{
	struct fixture *f = *state;
	json_t *out = alert_engine_take_notifications(NULL);	/* alerts not started */
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	alert_engine_set_delivery(NULL, "gone", true, "HTTP 500");	/* nobody to tell */

	alert_engine_set_delivery(f->d.alerts, "gone", true, "HTTP 401");
	alert_module_ops.tick(&f->d, T0);
	alert_engine_set_delivery(f->d.alerts, "rescue", true, "HTTP 403");
	alert_module_ops.tick(&f->d, T0 + 10);
	out = alert_engine_take_notifications(f->d.alerts);
	assert_int_equal(json_array_size(out), 2);
	assert_string_equal(notifier_of(json_array_get(out, 0)), "gone");
	assert_string_equal(notifier_of(json_array_get(out, 1)), "rescue");
	json_decref(out);
}

/* The config decides the group interval, its default included. */
static void test_group_interval_from_conf(void **state)
{
	(void)state;
	char *err = NULL;
	struct conf *c = conf_load_buffer("event \"t\" { attendees = 1 }\n", "ok.conf", &err);
	assert_non_null(c);
	assert_int_equal(c->alert_group_interval, 300);
	conf_free(c);
	c = conf_load_buffer("alert_group_interval = \"0s\"\n", "zero.conf", &err);
	assert_null(c);
	assert_non_null(err);
	assert_non_null(strstr(err, "zero.conf:1: alert_group_interval: must be longer than 0s"));
	free(err);
	err = NULL;
	c = conf_load_buffer("alert_group_interval = \"soon\"\n", "word.conf", &err);
	assert_null(c);
	assert_non_null(strstr(err, "is not a duration"));
	assert_null(strstr(err, "must be longer"));	/* one error, not two */
	free(err);
}

/* ---- the alert log itself (base/eventlog) ---- */

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
		cmocka_unit_test_setup_teardown(test_delivery_word_fires_and_resolves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_keeps_until_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_count_capped, setup, teardown),
		cmocka_unit_test(test_group_interval_from_conf),
		cmocka_unit_test(test_append_and_read_back),
		cmocka_unit_test(test_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
