/* Routing and the request each chat service gets, built from one notification. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/conf.h"
#include "notify/notify.h"

static const char *conf_text =
	"event \"t\" { attendees = 100 }\n"
	"room \"hall\" { seats = 50 }\n"
	"room \"foyer\" { seats = 50 }\n"
	"notifier \"sl\" { kind = \"slack\" url = \"http://x/s\" }\n"
	"notifier \"hall-only\" { kind = \"slack\" url = \"http://x/h\" rooms = { \"hall\" } }\n"
	"notifier \"crit-only\" { kind = \"discord\" url = \"http://x/d\" severities = { \"crit\" } }\n"
	"notifier \"mx\" { kind = \"matrix\" url = \"https://m.example/\" room_id = \"!r:m.example\" token = \"T\" }\n"
	"notifier \"am\" { kind = \"generic\" url = \"http://x/am\" rules = { \"ap_over_capacity\" } }\n"
	"notifier \"nt\" { kind = \"ntfy\" url = \"http://x/topic\" }\n"
	"notifier \"amc\" { kind = \"alertmanager\" url = \"http://a:9093/, http://b:9093\" resend = \"30s\" }\n";

static json_t *notification(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:["
			 "{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:f},"
			 "{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:s}]}",
			 "id", "n7", "type", "firing", "group", "ap_over_capacity/hall", "rule",
			 "ap_over_capacity", "area", "hall", "status", "firing", "severity", "crit",
			 "time", 1.8e9, "alerts",
			 "id", "00000000000000a1", "rule", "ap_over_capacity", "labels", "ap", "h1",
			 "room", "hall", "severity", "crit", "status", "firing", "summary",
			 "AP h1: 82 clients, capacity 75", "startsAt", "2027-05-14T09:00:00Z",
			 "value", 1.09,
			 "id", "00000000000000a2", "rule", "ap_over_capacity", "labels", "ap", "h2",
			 "room", "hall", "severity", "warn", "status", "resolved", "summary",
			 "AP h2: 40 clients, capacity 75", "startsAt", "2027-05-14T08:50:00Z",
			 "endsAt", "2027-05-14T09:05:00Z");
}

static struct conf *load(void)
{
	char *err = NULL;
	struct conf *c = conf_load_buffer(conf_text, "test.conf", &err);
	if (!c)
		fprintf(stderr, "%s", err);
	free(err);
	assert_non_null(c);
	return c;
}

static const struct conf_notifier *nf(const struct conf *c, const char *name)
{
	int i = conf_notifier_index(c, name);
	assert_true(i >= 0);
	return &c->notifiers[i];
}

static json_t *body_of(const struct notify_request *r)
{
	json_t *b = json_loads(r->body, 0, NULL);
	assert_non_null(b);
	return b;
}

static bool has_header(const struct notify_request *r, const char *h)
{
	for (size_t i = 0; r->headers[i]; i++)
		if (strcmp(r->headers[i], h) == 0)
			return true;
	return false;
}

static void test_routing(void **state)
{
	struct conf *c = load();
	json_t *n = notification(), *f;
	assert_true(notify_route(nf(c, "sl"), n, &f));
	assert_int_equal(json_array_size(json_object_get(f, "alerts")), 2);
	json_decref(f);
	assert_true(notify_route(nf(c, "crit-only"), n, &f));
	assert_int_equal(json_array_size(json_object_get(f, "alerts")), 1);	/* h1 only */
	json_decref(f);
	assert_true(notify_route(nf(c, "hall-only"), n, &f));
	json_decref(f);
	json_object_set_new(json_object_get(json_array_get(json_object_get(n, "alerts"), 0),
					    "labels"), "room", json_string("foyer"));
	json_object_set_new(json_object_get(json_array_get(json_object_get(n, "alerts"), 1),
					    "labels"), "room", json_string("foyer"));
	assert_false(notify_route(nf(c, "hall-only"), n, &f));
	assert_null(f);
	json_object_set_new(json_array_get(json_object_get(n, "alerts"), 0), "rule",
			    json_string("watchdog"));
	json_object_set_new(json_array_get(json_object_get(n, "alerts"), 1), "rule",
			    json_string("watchdog"));
	assert_false(notify_route(nf(c, "am"), n, &f));
	json_decref(n);
	conf_free(c);
}

static void test_slack_and_discord(void **state)
{
	struct conf *c = load();
	json_t *n = notification();
	struct notify_request r;
	assert_int_equal(notify_format(nf(c, "sl"), n, "https://noc.example/", "t1", &r), 0);
	assert_string_equal(r.method, "POST");
	assert_string_equal(r.url, "http://x/s");
	assert_true(has_header(&r, "Content-Type: application/json"));
	json_t *b = body_of(&r);
	const char *text = json_string_value(json_object_get(b, "text"));
	assert_non_null(strstr(text, "[CRIT] ap_over_capacity in hall: 2 alerts"));
	assert_non_null(strstr(text, "AP h1: 82 clients, capacity 75 (since 09:00 UTC)"));
	assert_non_null(strstr(text, "resolved: AP h2"));
	assert_non_null(strstr(text, "lasted 15 min"));
	assert_non_null(strstr(text, "https://noc.example/"));
	json_decref(b);
	notify_request_free(&r);
	assert_int_equal(notify_format(nf(c, "crit-only"), n, "https://noc.example/", "t1", &r), 0);
	b = body_of(&r);
	assert_true(json_is_string(json_object_get(b, "content")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(b, "allowed_mentions"),
							 "parse")), 0);
	json_decref(b);
	notify_request_free(&r);
	json_decref(n);
	conf_free(c);
}

static void test_matrix(void **state)
{
	struct conf *c = load();
	json_t *n = notification();
	struct notify_request r;
	assert_int_equal(notify_format(nf(c, "mx"), n, "https://noc.example/", "hr17-3", &r), 0);
	assert_string_equal(r.method, "PUT");
	assert_string_equal(r.url, "https://m.example/_matrix/client/v3/rooms/%21r%3Am.example"
				   "/send/m.room.message/hr17-3");
	assert_true(has_header(&r, "Authorization: Bearer T"));
	json_t *b = body_of(&r);
	assert_string_equal(json_string_value(json_object_get(b, "msgtype")), "m.text");
	assert_non_null(strstr(json_string_value(json_object_get(b, "body")), "AP h1"));
	json_decref(b);
	notify_request_free(&r);
	json_decref(n);
	conf_free(c);
}

static void test_alertmanager_v4(void **state)
{
	struct conf *c = load();
	json_t *n = notification();
	struct notify_request r;
	assert_int_equal(notify_format(nf(c, "am"), n, "https://noc.example/", "t", &r), 0);
	json_t *b = body_of(&r);
	assert_string_equal(json_string_value(json_object_get(b, "version")), "4");
	assert_string_equal(json_string_value(json_object_get(b, "status")), "firing");
	assert_string_equal(json_string_value(json_object_get(b, "receiver")), "am");
	assert_string_equal(json_string_value(json_object_get(b, "externalURL")), "https://noc.example/");
	assert_int_equal(json_integer_value(json_object_get(b, "truncatedAlerts")), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(b, "groupLabels"),
							      "alertname")), "ap_over_capacity");
	json_t *common = json_object_get(b, "commonLabels");
	assert_string_equal(json_string_value(json_object_get(common, "room")), "hall");
	assert_null(json_object_get(common, "ap"));		/* differs between alerts */
	assert_null(json_object_get(common, "severity"));
	json_t *a = json_array_get(json_object_get(b, "alerts"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "status")), "firing");
	assert_string_equal(json_string_value(json_object_get(a, "fingerprint")), "00000000000000a1");
	assert_string_equal(json_string_value(json_object_get(a, "startsAt")), "2027-05-14T09:00:00Z");
	assert_string_equal(json_string_value(json_object_get(a, "endsAt")), "0001-01-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "labels"),
							      "alertname")), "ap_over_capacity");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "annotations"),
							      "summary")), "AP h1: 82 clients, capacity 75");
	a = json_array_get(json_object_get(b, "alerts"), 1);
	assert_string_equal(json_string_value(json_object_get(a, "endsAt")), "2027-05-14T09:05:00Z");
	json_decref(b);
	notify_request_free(&r);
	json_decref(n);
	conf_free(c);
}

static void test_ntfy_headers_stay_on_one_line(void **state)
{
	struct conf *c = load();
	json_t *n = notification();
	json_object_set_new(n, "area", json_string("hall\r\nX-Evil: 1"));
	struct notify_request r;
	assert_int_equal(notify_format(nf(c, "nt"), n, "https://noc.example/", "t", &r), 0);
	for (size_t i = 0; r.headers[i]; i++)
		assert_null(strpbrk(r.headers[i], "\r\n"));
	assert_true(has_header(&r, "Priority: 5"));
	assert_true(has_header(&r, "Click: https://noc.example/"));
	notify_request_free(&r);
	json_decref(n);
	/* unusable notification: refused, not crashed */
	json_t *bad = json_pack("{s:s}", "id", "x");
	assert_int_equal(notify_format(nf(c, "nt"), bad, NULL, "t", &r), -1);
	notify_request_free(&r);
	json_decref(bad);
	conf_free(c);
}

/* API v2: one object per alert, labels that identify it the same way on
 * every daemon, firing alerts valid for 4 re-sends, resolved ones ended. */
static void test_alertmanager_api_v2(void **state)
{
	struct conf *c = load();
	const struct conf_notifier *am = nf(c, "amc");
	assert_int_equal(am->n_urls, 2);
	assert_string_equal(am->urls[0], "http://a:9093/");
	assert_string_equal(am->urls[1], "http://b:9093");
	assert_int_equal(am->resend, 30);
	json_t *n = notification();
	struct notify_request r;
	assert_int_equal(notify_am_format(am, am->urls[0], n, "https://noc.example/", "Expo",
					  1.8e9, &r), 0);
	assert_string_equal(r.url, "http://a:9093/api/v2/alerts");
	assert_string_equal(r.method, "POST");
	assert_true(has_header(&r, "Content-Type: application/json"));
	json_t *b = body_of(&r);
	assert_int_equal(json_array_size(b), 2);
	json_t *a = json_array_get(b, 0), *l = json_object_get(a, "labels");
	assert_int_equal(json_object_size(l), 5);
	assert_string_equal(json_string_value(json_object_get(l, "alertname")), "ap_over_capacity");
	assert_string_equal(json_string_value(json_object_get(l, "severity")), "crit");
	assert_string_equal(json_string_value(json_object_get(l, "venue")), "Expo");
	assert_string_equal(json_string_value(json_object_get(l, "ap")), "h1");
	assert_string_equal(json_string_value(json_object_get(l, "room")), "hall");
	json_t *ann = json_object_get(a, "annotations");
	assert_string_equal(json_string_value(json_object_get(ann, "summary")),
			    "AP h1: 82 clients, capacity 75");
	assert_non_null(strstr(json_string_value(json_object_get(ann, "description")), "1.09"));
	assert_string_equal(json_string_value(json_object_get(ann, "dashboard")),
			    "https://noc.example/");
	assert_string_equal(json_string_value(json_object_get(a, "startsAt")),
			    "2027-05-14T09:00:00Z");
	/* 1.8e9 + 4 x 30 s */
	assert_string_equal(json_string_value(json_object_get(a, "endsAt")),
			    "2027-01-15T08:02:00Z");
	assert_string_equal(json_string_value(json_object_get(a, "generatorURL")),
			    "https://noc.example/");
	a = json_array_get(b, 1);
	assert_string_equal(json_string_value(json_object_get(a, "endsAt")), "2027-05-14T09:05:00Z");
	json_decref(b);
	notify_request_free(&r);
	json_decref(n);
	conf_free(c);
}

/* An escalated alert is a new label set: the old one is ended at once. */
static void test_alertmanager_severity_change(void **state)
{
	struct am_sent_map sent = { 0 };
	json_t *n = notification();
	json_t *h1 = json_array_get(json_object_get(n, "alerts"), 0);
	json_object_set_new(h1, "severity", json_string("warn"));
	notify_am_sent(&sent, n);
	assert_int_equal(sent.n, 1);	/* h2 was resolved: not kept */
	json_t *same = notify_am_with_retired(&sent, n, 1.8e9);
	assert_int_equal(json_array_size(json_object_get(same, "alerts")), 2);
	json_decref(same);
	json_object_set_new(h1, "severity", json_string("crit"));
	json_t *more = notify_am_with_retired(&sent, n, 1.8e9);
	json_t *alerts = json_object_get(more, "alerts");
	assert_int_equal(json_array_size(alerts), 3);
	json_t *old = json_array_get(alerts, 2);
	assert_string_equal(json_string_value(json_object_get(old, "severity")), "warn");
	assert_string_equal(json_string_value(json_object_get(old, "status")), "resolved");
	json_decref(more);
	notify_am_sent(&sent, n);
	assert_string_equal(sent.v[0].severity, "crit");
	json_object_set_new(h1, "status", json_string("resolved"));
	notify_am_sent(&sent, n);
	assert_int_equal(sent.n, 0);
	notify_am_sent_free(&sent);
	json_decref(n);
}

/* Re-sends carry the engine's firing alerts only, pending ones stay out. */
static void test_alertmanager_active(void **state)
{
	json_t *engine = json_pack("[{s:s, s:s, s:s, s:s, s:{s:s}, s:s, s:f, s:f},"
				   " {s:s, s:s, s:s, s:s, s:{s:s}, s:s, s:f}]",
				   "id", "00000000000000b1", "rule", "room_over_capacity",
				   "severity", "warn", "state", "firing", "labels", "room", "hall",
				   "summary", "hall full", "since", 1.8e9, "value", 0.9,
				   "id", "00000000000000b2", "rule", "room_over_capacity",
				   "severity", "warn", "state", "pending", "labels", "room", "foyer",
				   "summary", "foyer filling", "since", 1.8e9);
	json_t *n = notify_am_active(engine);
	json_t *alerts = json_object_get(n, "alerts");
	assert_int_equal(json_array_size(alerts), 1);
	json_t *a = json_array_get(alerts, 0);
	assert_string_equal(json_string_value(json_object_get(a, "status")), "firing");
	assert_string_equal(json_string_value(json_object_get(a, "startsAt")),
			    "2027-01-15T08:00:00Z");
	json_decref(n);
	json_decref(engine);
}

/* Alertmanager's silenced alerts are matched to headroom's by the very
 * labels headroom sends; others, and alerts silenced at home, stay. */
static void test_alertmanager_silenced_back(void **state)
{
	json_t *am = json_loads(
		"[{\"labels\": {\"alertname\": \"room_over_capacity\", \"room\": \"hall\","
		"  \"severity\": \"warn\", \"venue\": \"Expo\"},"
		"  \"status\": {\"state\": \"suppressed\", \"silencedBy\": [\"s-1\"]}},"
		" {\"labels\": {\"alertname\": \"room_over_capacity\", \"room\": \"foyer\","
		"  \"severity\": \"warn\", \"venue\": \"Expo\"},"
		"  \"status\": {\"state\": \"active\", \"silencedBy\": []}}]", 0, NULL);
	json_t *silenced = notify_am_silenced_of(am);
	assert_int_equal(json_array_size(silenced), 1);
	json_t *alerts = json_pack("[{s:s, s:s, s:s, s:{s:s}, s:b},"
				   " {s:s, s:s, s:s, s:{s:s}, s:b},"
				   " {s:s, s:s, s:s, s:{s:s}, s:b}]",
				   "id", "a1", "rule", "room_over_capacity", "severity", "warn",
				   "labels", "room", "hall", "silenced", 0,
				   "id", "a2", "rule", "room_over_capacity", "severity", "warn",
				   "labels", "room", "foyer", "silenced", 0,
				   "id", "a3", "rule", "room_over_capacity", "severity", "crit",
				   "labels", "room", "hall", "silenced", 0);
	notify_am_mark(alerts, silenced, "Expo");
	json_t *a = json_array_get(alerts, 0);
	assert_true(json_is_true(json_object_get(a, "silenced")));
	assert_string_equal(json_string_value(json_object_get(a, "silence")), "s-1");
	assert_string_equal(json_string_value(json_object_get(a, "silenced_in")), "alertmanager");
	assert_true(json_is_false(json_object_get(json_array_get(alerts, 1), "silenced")));
	/* another severity is another alert for Alertmanager */
	assert_true(json_is_false(json_object_get(json_array_get(alerts, 2), "silenced")));
	/* another venue's silence is not this one's */
	json_object_set_new(a, "silenced", json_false());
	json_object_del(a, "silence");
	json_object_del(a, "silenced_in");
	notify_am_mark(alerts, silenced, "Fair");
	assert_true(json_is_false(json_object_get(a, "silenced")));
	json_t *sync = notify_am_sync_of(json_pack("[s]", "http://a:9093"), alerts, "Expo");
	json_t *l = json_object_get(json_object_get(sync, "alerts"), "a2");
	assert_string_equal(json_string_value(json_object_get(l, "venue")), "Expo");
	assert_string_equal(json_string_value(json_object_get(l, "room")), "foyer");
	json_decref(sync);
	json_decref(alerts);
	json_decref(silenced);
	json_decref(am);
}

static void test_alertmanager_venue_filter(void **state)
{
	char *u = notify_am_venue_url("http://a:9093/", "/api/v2/silences", "Expo \"A\"");
	assert_string_equal(u, "http://a:9093/api/v2/silences?filter=venue%3D%22Expo%20%5C%22A%5C%22%22");
	free(u);
	u = notify_am_venue_url("http://a:9093", "/api/v2/alerts?active=true", "x");
	assert_string_equal(u, "http://a:9093/api/v2/alerts?active=true&filter=venue%3D%22x%22");
	free(u);
	u = notify_am_venue_url("http://a:9093", "/api/v2/alerts", "");
	assert_string_equal(u, "http://a:9093/api/v2/alerts");
	free(u);
}

static void test_alertmanager_conf_errors(void **state)
{
	char *err = NULL;
	struct conf *c = conf_load_buffer(
		"event \"t\" { attendees = 100 }\n"
		"notifier \"a\" { kind = \"alertmanager\" url = \"http://a:9093 ftp://b\" }\n"
		"notifier \"b\" { kind = \"alertmanager\" url = \"http://a:9093\" resend = \"2h\" }\n"
		"notifier \"c\" { kind = \"alertmanager\" url = \" , \" }\n",
		"t.conf", &err);
	assert_null(c);
	assert_non_null(strstr(err, "t.conf:2: url: notifier \"a\": \"ftp://b\" is not an http(s) URL"));
	assert_non_null(strstr(err, "t.conf:3: resend: \"2h\" is not a duration"));
	assert_non_null(strstr(err, "t.conf:4: url: notifier \"c\" names no Alertmanager URL"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_slack_and_discord),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_alertmanager_v4),
		cmocka_unit_test(test_ntfy_headers_stay_on_one_line),
		cmocka_unit_test(test_alertmanager_api_v2),
		cmocka_unit_test(test_alertmanager_severity_change),
		cmocka_unit_test(test_alertmanager_active),
		cmocka_unit_test(test_alertmanager_silenced_back),
		cmocka_unit_test(test_alertmanager_venue_filter),
		cmocka_unit_test(test_alertmanager_conf_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
