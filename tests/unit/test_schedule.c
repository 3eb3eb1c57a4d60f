/*
 * Schedule import: every fixture export parses to the counts its README
 * gives; time zones, day changes and midnight; malformed input names the
 * element and line; the projection timeline of a hand-written programme.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "base/conf.h"
#include "schedule/schedule.h"
#include "schedule/schedule_parse.h"

struct room_truth {
	const char *name;
	size_t events;
	const char *first, *last;
};

static const struct room_truth pyconau2024_rooms[] = {
	{ "Eureka 2", 22, "2024-11-22T09:20+11:00", "2024-11-24T14:50+11:00" },
	{ "Eureka 3", 16, "2024-11-22T10:00+11:00", "2024-11-24T14:50+11:00" },
	{ "Goldfields Theatre", 19, "2024-11-22T09:20+11:00", "2024-11-24T14:50+11:00" },
	{ NULL, 0, NULL, NULL }
};

static const struct room_truth pyconau2023_rooms[] = {
	{ "Hall A", 22, "2023-08-18T10:00+09:30", "2023-08-20T14:50+09:30" },
	{ "Hall B", 20, "2023-08-18T10:00+09:30", "2023-08-20T14:50+09:30" },
	{ "Hall C (Plenary)", 33, "2023-08-18T09:00+09:30", "2023-08-20T16:50+09:30" },
	{ "Hall E", 19, "2023-08-18T10:00+09:30", "2023-08-20T13:30+09:30" },
	{ NULL, 0, NULL, NULL }
};

static const struct room_truth fosdem2019_rooms[] = {
	{ "AW1.120", 33, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "AW1.121", 23, "2019-02-02T10:30+01:00", "2019-02-03T16:35+01:00" },
	{ "AW1.125", 33, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "AW1.126", 24, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "H.1301 (Cornil)", 10, "2019-02-02T10:30+01:00", "2019-02-02T14:40+01:00" },
	{ "H.1302 (Depage)", 32, "2019-02-02T10:30+01:00", "2019-02-03T16:20+01:00" },
	{ "H.1308 (Rolin)", 28, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "H.1309 (Van Rijn)", 33, "2019-02-02T10:30+01:00", "2019-02-03T16:05+01:00" },
	{ "H.2213", 28, "2019-02-02T10:30+01:00", "2019-02-03T15:50+01:00" },
	{ "H.2214", 33, "2019-02-02T10:30+01:00", "2019-02-03T16:15+01:00" },
	{ "H.2215 (Ferrer)", 43, "2019-02-02T12:00+01:00", "2019-02-03T16:40+01:00" },
	{ "H.3242", 8, "2019-02-02T11:00+01:00", "2019-02-03T16:00+01:00" },
	{ "H.3244", 7, "2019-02-02T14:00+01:00", "2019-02-03T16:00+01:00" },
	{ "J.1.106", 12, "2019-02-02T12:00+01:00", "2019-02-03T16:00+01:00" },
	{ "Janson", 20, "2019-02-02T09:30+01:00", "2019-02-03T17:55+01:00" },
	{ "K.1.105 (La Fontaine)", 16, "2019-02-02T11:00+01:00", "2019-02-03T16:00+01:00" },
	{ "K.3.201", 27, "2019-02-02T10:30+01:00", "2019-02-03T16:00+01:00" },
	{ "K.3.401", 24, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "K.4.201", 28, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "K.4.401", 30, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "K.4.601", 27, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "UA2.114 (Baudoux)", 34, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "UA2.118 (Henriot)", 27, "2019-02-02T15:10+01:00", "2019-02-03T16:30+01:00" },
	{ "UA2.220 (Guillissen)", 21, "2019-02-02T10:30+01:00", "2019-02-03T16:00+01:00" },
	{ "UB2.147", 1, "2019-02-03T09:00+01:00", "2019-02-03T09:00+01:00" },
	{ "UB2.252A (Lameere)", 30, "2019-02-02T10:30+01:00", "2019-02-03T16:50+01:00" },
	{ "UB4.132", 6, "2019-02-02T13:00+01:00", "2019-02-03T15:00+01:00" },
	{ "UB5.132", 15, "2019-02-03T09:00+01:00", "2019-02-03T16:40+01:00" },
	{ "UD2.119", 31, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "UD2.120 (Chavanne)", 33, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "UD2.208 (Decroly)", 27, "2019-02-02T10:30+01:00", "2019-02-03T16:10+01:00" },
	{ "UD2.218A", 30, "2019-02-02T10:30+01:00", "2019-02-03T16:30+01:00" },
	{ "UD2.Corridor", 1, "2019-02-03T14:00+01:00", "2019-02-03T14:00+01:00" },
	{ NULL, 0, NULL, NULL }
};

static const struct room_truth c31c3_rooms[] = {
	{ "Saal 1", 41, "2014-12-27T11:00+01:00", "2014-12-30T18:30+01:00" },
	{ "Saal 2", 36, "2014-12-27T12:45+01:00", "2014-12-30T17:15+01:00" },
	{ "Saal 6", 30, "2014-12-27T12:45+01:00", "2014-12-30T17:15+01:00" },
	{ "Saal G", 31, "2014-12-27T12:45+01:00", "2014-12-30T17:15+01:00" },
	{ NULL, 0, NULL, NULL }
};

static const struct room_truth camp2019_rooms[] = {
	{ "Curie", 41, "2019-08-21T11:00+02:00", "2019-08-25T18:00+02:00" },
	{ "Meitner", 38, "2019-08-21T12:00+02:00", "2019-08-25T16:00+02:00" },
	{ NULL, 0, NULL, NULL }
};

/* ---- helpers ---- */

static struct conf *load_conf(const char *text)
{
	char *err = NULL;
	struct conf *c = conf_load_buffer(text, "test.conf", &err);
	if (!c)
		fprintf(stderr, "%s", err);
	free(err);
	assert_non_null(c);
	return c;
}

static const char *plain_conf = "event \"t\" { attendees = 500 }\n";

/* The fixture's path, or NULL (the test is skipped) when absent. */
static char *fixture(const char *file)
{
	const char *dir = getenv("SHARED_FIXTURES");
	char *path = NULL;
	struct stat st;
	if (!dir || asprintf(&path, "%s/schedule/%s", dir, file) < 0)
		return NULL;
	if (stat(path, &st) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

static struct schedule *load_fixture(const struct conf *c, const char *file)
{
	char *path = fixture(file);
	if (!path)
		return NULL;
	char *err = NULL;
	struct schedule *s = schedule_load(c, path, &err);
	if (!s)
		fprintf(stderr, "%s", err);
	free(err);
	free(path);
	assert_non_null(s);
	return s;
}

static const char *fmt(time_t t, int off)
{
	static char buf[8][40];
	static int next;
	char *b = buf[next++ % 8];
	schedule_format_time(t, off, b, sizeof buf[0]);
	return b;
}

static const struct schedule_room *room_named(const struct schedule *s, const char *name)
{
	for (size_t i = 0; i < s->n_rooms; i++)
		if (strcmp(s->rooms[i].name, name) == 0)
			return &s->rooms[i];
	return NULL;
}

static const struct schedule_session *session_titled(const struct schedule *s, const char *title)
{
	for (size_t i = 0; i < s->n_sessions; i++)
		if (strcmp(s->sessions[i].title, title) == 0)
			return &s->sessions[i];
	return NULL;
}

static size_t rooms_used(const struct schedule *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_rooms; i++)
		n += s->rooms[i].n_sessions > 0;
	return n;
}

struct truth {
	enum schedule_format format;
	size_t days, rooms, events;
	const char *first, *last;
	long dur_min, dur_max, dur_sum;		/* minutes */
	const struct room_truth *per_room;
};

static void check_truth(const struct schedule *s, const struct truth *t)
{
	assert_int_equal(s->format, t->format);
	assert_int_equal(s->n_days, t->days);
	assert_int_equal(s->n_local_dates, t->days);
	assert_int_equal(rooms_used(s), t->rooms);
	assert_int_equal(s->n_sessions, t->events);
	const struct schedule_session *a = &s->sessions[0], *z = &s->sessions[s->n_sessions - 1];
	assert_string_equal(fmt(a->start, a->utc_offset), t->first);
	assert_string_equal(fmt(z->start, z->utc_offset), t->last);
	long mn = -1, mx = 0, sum = 0;
	for (size_t i = 0; i < s->n_sessions; i++) {
		long d = s->sessions[i].duration / 60;
		assert_int_equal(s->sessions[i].duration % 60, 0);
		mn = mn < 0 || d < mn ? d : mn;
		mx = d > mx ? d : mx;
		sum += d;
	}
	assert_int_equal(mn, t->dur_min);
	assert_int_equal(mx, t->dur_max);
	assert_int_equal(sum, t->dur_sum);
	size_t n = 0;
	for (const struct room_truth *r = t->per_room; r->name; r++, n++) {
		const struct schedule_room *got = room_named(s, r->name);
		if (!got)
			fail_msg("room \"%s\" missing", r->name);
		assert_int_equal(got->n_sessions, r->events);
		assert_string_equal(fmt(got->first_start, got->first_offset), r->first);
		assert_string_equal(fmt(got->last_start, got->last_offset), r->last);
	}
	assert_int_equal(n, t->rooms);
}

/* ---- the fixtures ---- */

static void test_fixture_pyconau2024_xml(void **state)
{
	struct conf *c = load_conf(plain_conf);
	struct schedule *s = load_fixture(c, "pyconau-2024.schedule.xml");
	if (!s) {
		conf_free(c);
		skip();
	}
	struct truth t = { SCHEDULE_XML, 3, 3, 57, "2024-11-22T09:20+11:00",
			   "2024-11-24T14:50+11:00", 30, 30, 1710, pyconau2024_rooms };
	check_truth(s, &t);
	assert_string_equal(s->zone, "Australia/Melbourne");
	/* the first slot, ordered by start then room */
	assert_string_equal(s->sessions[0].id, "54019");
	assert_string_equal(s->sessions[0].room, "Eureka 2");
	assert_string_equal(s->sessions[1].id, "53984");
	assert_string_equal(s->sessions[1].title, "Why UUIDs are Secretly Incredibly Fascinating");
	schedule_free(s);
	conf_free(c);
}

/* The JSON is the same export as the XML: every session must agree. */
static void test_fixture_pyconau2024_json_equals_xml(void **state)
{
	struct conf *c = load_conf(plain_conf);
	struct schedule *x = load_fixture(c, "pyconau-2024.schedule.xml");
	struct schedule *j = load_fixture(c, "pyconau-2024.schedule.json");
	if (!x || !j) {
		schedule_free(x);
		schedule_free(j);
		conf_free(c);
		skip();
	}
	struct truth t = { SCHEDULE_JSON, 3, 3, 57, "2024-11-22T09:20+11:00",
			   "2024-11-24T14:50+11:00", 30, 30, 1710, pyconau2024_rooms };
	check_truth(j, &t);
	assert_int_equal(j->n_sessions, x->n_sessions);
	for (size_t i = 0; i < x->n_sessions; i++) {
		assert_string_equal(j->sessions[i].id, x->sessions[i].id);
		assert_string_equal(j->sessions[i].title, x->sessions[i].title);
		assert_string_equal(j->sessions[i].room, x->sessions[i].room);
		assert_int_equal(j->sessions[i].start, x->sessions[i].start);
		assert_int_equal(j->sessions[i].duration, x->sessions[i].duration);
	}
	schedule_free(x);
	schedule_free(j);
	conf_free(c);
}

/* The ICS's VTIMEZONE says +09:00; the tz database (+09:30) wins. */
static void test_fixture_pyconau2023_ics(void **state)
{
	struct conf *c = load_conf(plain_conf);
	struct schedule *s = load_fixture(c, "pyconau-2023.schedule.ics");
	if (!s) {
		conf_free(c);
		skip();
	}
	struct truth t = { SCHEDULE_ICS, 3, 4, 94, "2023-08-18T09:00+09:30",
			   "2023-08-20T16:50+09:30", 10, 110, 2915, pyconau2023_rooms };
	check_truth(s, &t);
	assert_int_equal(s->sessions[0].start, 1692315000);		/* 2023-08-17T23:30Z */
	assert_int_equal(s->sessions[s->n_sessions - 1].start, 1692516000); /* 2023-08-20T07:20Z */
	assert_string_equal(s->sessions[0].id, "pretalx-pyconau-2023-EJWEMK@pretalx.com");
	/* unfolded across lines, escapes removed */
	assert_string_equal(s->sessions[0].title,
			    "Specialist Tracks Combined Opening Address - Pedro Junqueira, Jack "
			    "Skinner, Nicky Ringland, Katie McLaughlin, Lilly Ryan");
	assert_int_equal(s->sessions[0].kind, SCHEDULE_PLENARY);
	schedule_free(s);
	conf_free(c);
}

static void test_fixture_fosdem2019(void **state)
{
	struct conf *c = load_conf("event \"t\" { attendees = 8000 timezone = \"Europe/Brussels\" }\n");
	struct schedule *s = load_fixture(c, "fosdem-2019.xml");
	if (!s) {
		conf_free(c);
		skip();
	}
	struct truth t = { SCHEDULE_XML, 2, 33, 775, "2019-02-02T09:30+01:00",
			   "2019-02-03T17:55+01:00", 5, 450, 24175, fosdem2019_rooms };
	check_truth(s, &t);
	const struct schedule_room *unused = room_named(s, "H.2111");
	assert_non_null(unused);
	assert_int_equal(unused->n_sessions, 0);
	assert_int_equal(s->n_rooms, 34);
	assert_string_equal(s->sessions[0].id, "8967");
	assert_string_equal(s->sessions[0].title, "Welcome to FOSDEM 2019");
	assert_string_equal(s->sessions[1].id, "7545");
	/* 22 events start in the third slot, 10:30 */
	size_t at_1030 = 0;
	for (size_t i = 0; i < s->n_sessions; i++)
		at_1030 += strcmp(fmt(s->sessions[i].start, s->sessions[i].utc_offset),
				  "2019-02-02T10:30+01:00") == 0;
	assert_int_equal(at_1030, 22);
	schedule_free(s);
	conf_free(c);
}

/* Without a zone in the file or the config, pentabarf times are local to
 * the process (TZ=UTC in these tests). */
static void test_fixture_fosdem2019_process_zone(void **state)
{
	struct conf *c = load_conf(plain_conf);
	struct schedule *s = load_fixture(c, "fosdem-2019.xml");
	if (!s) {
		conf_free(c);
		skip();
	}
	assert_null(s->zone);
	assert_string_equal(fmt(s->sessions[0].start, s->sessions[0].utc_offset),
			    "2019-02-02T09:30+00:00");
	assert_string_equal(getenv("TZ"), "UTC");
	schedule_free(s);
	conf_free(c);
}

/* 31C3 names no zone, only offsets: the venue's zone comes from the config. */
static void test_fixture_31c3_after_midnight(void **state)
{
	struct conf *c = load_conf("event \"t\" { attendees = 500 timezone = \"Europe/Berlin\" }\n");
	struct schedule *s = load_fixture(c, "31c3.schedule.xml");
	if (!s) {
		conf_free(c);
		skip();
	}
	struct truth t = { SCHEDULE_XML, 4, 4, 138, "2014-12-27T11:00+01:00",
			   "2014-12-30T18:30+01:00", 30, 135, 7750, c31c3_rooms };
	check_truth(s, &t);
	/* listed in the 2014-12-27 day container, but its <date> is the 28th */
	const struct schedule_session *cf = session_titled(s, "Citizenfour");
	assert_non_null(cf);
	assert_string_equal(fmt(cf->start, cf->utc_offset), "2014-12-28T00:00+01:00");
	assert_string_equal(s->sessions[0].title, "31C3 Opening Event");
	assert_int_equal(s->sessions[0].kind, SCHEDULE_PLENARY);
	assert_int_equal(session_titled(s, "31C3 Keynote")->kind, SCHEDULE_PLENARY);
	schedule_free(s);
	conf_free(c);
}

static void test_fixture_camp2019_json(void **state)
{
	struct conf *c = load_conf(plain_conf);
	struct schedule *s = load_fixture(c, "camp2019.frab.json");
	if (!s) {
		conf_free(c);
		skip();
	}
	struct truth t = { SCHEDULE_JSON, 5, 2, 79, "2019-08-21T11:00+02:00",
			   "2019-08-25T18:00+02:00", 30, 180, 3750, camp2019_rooms };
	check_truth(s, &t);
	assert_string_equal(s->zone, "Europe/Berlin");
	assert_string_equal(s->sessions[0].id, "10386");
	assert_string_equal(s->sessions[0].title, "Opening Ceremony");
	schedule_free(s);
	conf_free(c);
}

/* ---- hand-written schedules ---- */

static struct schedule *parse(const struct conf *c, const char *name, const char *text,
			      char **err)
{
	*err = NULL;
	return schedule_parse(c, SCHEDULE_AUTO, text, strlen(text), name, err);
}

static struct schedule *parse_ok(const struct conf *c, const char *name, const char *text)
{
	char *err = NULL;
	struct schedule *s = parse(c, name, text, &err);
	if (!s)
		fprintf(stderr, "%s", err);
	free(err);
	assert_non_null(s);
	return s;
}

/* Parsing must fail with an error holding want. */
static void expect_error(const struct conf *c, const char *name, const char *text,
			 const char *want)
{
	char *err = NULL;
	struct schedule *s = parse(c, name, text, &err);
	if (s)
		fail_msg("%s parsed, expected an error with: %s", name, want);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("error\n%swithout\n%s", err, want);
	free(err);
}

static void test_time_helpers(void **state)
{
	long secs;
	assert_int_equal(schedule_parse_hms("00:30", &secs), 0);
	assert_int_equal(secs, 1800);
	assert_int_equal(schedule_parse_hms("1:05", &secs), 0);
	assert_int_equal(secs, 3900);
	assert_int_equal(schedule_parse_hms("07:30", &secs), 0);
	assert_int_equal(secs, 27000);
	assert_int_equal(schedule_parse_hms("00:05:00", &secs), 0);
	assert_int_equal(secs, 300);
	assert_int_equal(schedule_parse_hms("1:5", &secs), -1);
	assert_int_equal(schedule_parse_hms("-00:30", &secs), -1);
	assert_int_equal(schedule_parse_hms("00:61", &secs), -1);
	assert_int_equal(schedule_parse_hms("30", &secs), -1);
	assert_int_equal(schedule_parse_hms("", &secs), -1);

	struct schedule_civil cv;
	bool has;
	int off;
	assert_int_equal(schedule_parse_iso("2024-11-22T09:20:00+11:00", &cv, &has, &off), 0);
	assert_true(has);
	assert_int_equal(off, 11 * 3600);
	assert_int_equal(schedule_civil_to_utc(&cv) - off, 1732227600);
	assert_int_equal(schedule_parse_iso("2019-08-21T11:00:00-0230", &cv, &has, &off), 0);
	assert_int_equal(off, -(2 * 3600 + 30 * 60));
	assert_int_equal(schedule_parse_iso("2024-11-22 09:20", &cv, &has, &off), 0);
	assert_false(has);
	assert_int_equal(schedule_parse_iso("2024-02-30T10:00:00+01:00", &cv, &has, &off), -1);
	assert_int_equal(schedule_parse_iso("2024-13-01T10:00:00Z", &cv, &has, &off), -1);
	assert_int_equal(schedule_parse_iso("2024-02-29T10:00:00Z", &cv, &has, &off), 0);
	assert_int_equal(schedule_parse_iso("2023-02-29T10:00:00Z", &cv, &has, &off), -1);
	assert_int_equal(schedule_parse_iso("2024-01-01T25:00:00Z", &cv, &has, &off), -1);
	assert_int_equal(schedule_parse_iso("2024-01-01T10:00:00+01:00junk", &cv, &has, &off), -1);

	struct schedule_civil d = { 2014, 12, 31, 0, 0, 0 };
	schedule_civil_add_days(&d, 1);
	assert_int_equal(d.year, 2015);
	assert_int_equal(d.month, 1);
	assert_int_equal(d.day, 1);
	assert_true(schedule_zone_known("Europe/Berlin"));
	assert_true(schedule_zone_known("UTC"));
	assert_false(schedule_zone_known("Mars/Olympus"));
	assert_false(schedule_zone_known("../../etc/passwd"));
}

/* TZID through the tz database, UTC, floating times in the venue zone,
 * DURATION, folding in the middle of a UTF-8 sequence, CRLF and LF. */
static void test_ics_times(void **state)
{
	struct conf *c = load_conf("event \"t\" { attendees = 100 timezone = \"Europe/Berlin\" }\n"
				   "room \"Hall 1\" { seats = 100 }\n");
	const char *ics =
		"BEGIN:VCALENDAR\r\n"
		"VERSION:2.0\r\n"
		"BEGIN:VTIMEZONE\r\n"
		"TZID:Australia/Adelaide\r\n"
		"BEGIN:STANDARD\r\n"
		"DTSTART:20000326T030000\r\n"
		"TZOFFSETTO:+0900\r\n"
		"END:STANDARD\r\n"
		"END:VTIMEZONE\r\n"
		"BEGIN:VEVENT\r\n"
		"UID:a\r\n"
		"DTSTART;TZID=Australia/Adelaide:20230818T090000\r\n"
		"DTEND;TZID=Australia/Adelaide:20230818T092000\r\n"
		"LOCATION:Hall 1\r\n"
		"SUMMARY:Caf\xc3\r\n"
		" \xa9 talk\\, part 1\\; more\r\n"
		"BEGIN:VALARM\r\n"
		"TRIGGER:-PT15M\r\n"
		"DESCRIPTION:not the summary\r\n"
		"END:VALARM\r\n"
		"END:VEVENT\n"
		"BEGIN:VEVENT\n"
		"UID:b\n"
		"DTSTART:20230818T120000Z\n"
		"DURATION:PT1H30M\n"
		"LOCATION:Hall 1\n"
		"SUMMARY:Utc\n"
		"END:VEVENT\n"
		"BEGIN:VEVENT\n"
		"UID:c\n"
		"DTSTART:20230818T230000\n"
		"DTEND:20230819T003000\n"
		"LOCATION:Hall 1\n"
		"SUMMARY:Floating across midnight\n"
		"END:VEVENT\n"
		"BEGIN:VEVENT\n"
		"UID:d\n"
		"DTSTART;TZID=\"/mozilla.org/20070129_1/Europe/London\":20230820T100000\n"
		"DTEND;TZID=\"/mozilla.org/20070129_1/Europe/London\":20230820T110000\n"
		"LOCATION:Hall 1\n"
		"SUMMARY:Odd TZID\n"
		"END:VEVENT\n"
		"END:VCALENDAR\n";
	struct schedule *s = parse_ok(c, "t.ics", ics);
	assert_int_equal(s->n_sessions, 4);
	const struct schedule_session *a = &s->sessions[0];
	assert_string_equal(a->id, "a");
	assert_int_equal(a->start, 1692315000);
	assert_int_equal(a->duration, 20 * 60);
	assert_string_equal(a->title, "Caf\xc3\xa9 talk, part 1; more");
	/* 09:00 in Adelaide, shown on the venue's (Berlin's) clock */
	assert_string_equal(fmt(a->start, a->utc_offset), "2023-08-18T01:30+02:00");
	const struct schedule_session *b = session_titled(s, "Utc");
	assert_int_equal(b->start, 1692360000);
	assert_int_equal(b->duration, 90 * 60);
	assert_string_equal(fmt(b->start, b->utc_offset), "2023-08-18T14:00+02:00");
	const struct schedule_session *f = session_titled(s, "Floating across midnight");
	assert_string_equal(fmt(f->start, f->utc_offset), "2023-08-18T23:00+02:00");
	assert_int_equal(f->duration, 90 * 60);
	assert_int_equal(f->start, 1692392400);
	const struct schedule_session *l = session_titled(s, "Odd TZID");
	assert_string_equal(fmt(l->start, l->utc_offset), "2023-08-20T11:00+02:00");
	/* local dates: 18th (three) and 20th */
	assert_int_equal(s->n_days, 2);
	/* the projection runs past midnight */
	assert_true(schedule_room_projection(s, 0, 1692392400 + 80 * 60) > 0);
	assert_int_equal(schedule_room_projection(s, 0, 1692392400 + 90 * 60), 0);
	assert_string_equal(getenv("TZ"), "UTC");
	schedule_free(s);
	conf_free(c);
}

/* JRES: TZID=Europe/Paris and no VTIMEZONE, no X-WR-TIMEZONE: the tz
 * database resolves it, and it is the file's zone for floating times. */
static void test_ics_tzid_without_vtimezone(void **state)
{
	struct conf *c = load_conf(plain_conf);
	const char *ics =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
		"BEGIN:VEVENT\r\nUID:f\r\nDTSTART:20220517T090000\r\nDTEND:20220517T093000\r\n"
		"LOCATION;CHARSET=UTF-8;ENCODING=8BIT:Accueil\r\nSUMMARY:Floating\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:p\r\nDTSTAMP;TZID=Europe/Paris:20220501T000000\r\n"
		"DTSTART;TZID=Europe/Paris:20220517T110000\r\nDTEND;TZID=Europe/Paris:20220517T123000\r\n"
		"LOCATION:Amphi\r\nSUMMARY;CHARSET=UTF-8:Accueil congressistes\\, caf\xc3\xa9\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n";
	struct schedule *s = parse_ok(c, "jres.ics", ics);
	assert_string_equal(s->zone, "Europe/Paris");
	assert_string_equal(s->zone_source, "file");
	const struct schedule_session *p = session_titled(s, "Accueil congressistes, caf\xc3\xa9");
	assert_non_null(p);
	assert_int_equal(p->start, 1652778000);		/* 2022-05-17T09:00Z */
	assert_string_equal(fmt(p->start, p->utc_offset), "2022-05-17T11:00+02:00");
	assert_int_equal(p->duration, 90 * 60);
	const struct schedule_session *f = session_titled(s, "Floating");
	assert_string_equal(fmt(f->start, f->utc_offset), "2022-05-17T09:00+02:00");
	assert_string_equal(f->room, "Accueil");
	assert_int_equal(s->oddities[SCHEDULE_ODD_PSEUDO_ROOM], 1);
	schedule_free(s);
	conf_free(c);
}

/* pentabarf: no <date>, day_change moves early starts to the next
 * calendar day, and the zone's DST change is honoured. */
static void test_xml_pentabarf_day_change_and_dst(void **state)
{
	struct conf *c = load_conf("event \"t\" { attendees = 100 timezone = \"Europe/Berlin\" }\n");
	const char *xml =
		"<?xml version='1.0' encoding='utf-8' ?>\n"
		"<schedule><conference><day_change>09:00:00</day_change></conference>\n"
		"<day index='1' date='2019-03-30'>\n"
		"<room name='R'>\n"
		"<event id='1'><start>10:00</start><duration>01:00</duration><room>R</room><title>Sat</title></event>\n"
		"<event id='2'><start>23:30</start><duration>02:00</duration><room>R</room><title>Night</title></event>\n"
		"<event id='3'><start>04:00</start><duration>00:30</duration><room>R</room><title>Dawn</title></event>\n"
		"</room></day></schedule>\n";
	struct schedule *s = parse_ok(c, "t.xml", xml);
	assert_int_equal(s->n_sessions, 3);
	assert_int_equal(s->n_days, 1);			/* one container */
	assert_int_equal(s->n_local_dates, 2);
	const struct schedule_session *sat = session_titled(s, "Sat");
	const struct schedule_session *night = session_titled(s, "Night");
	const struct schedule_session *dawn = session_titled(s, "Dawn");
	assert_string_equal(fmt(sat->start, sat->utc_offset), "2019-03-30T10:00+01:00");
	assert_string_equal(fmt(night->start, night->utc_offset), "2019-03-30T23:30+01:00");
	/* before the 09:00 day change: the next calendar day, after DST began */
	assert_string_equal(fmt(dawn->start, dawn->utc_offset), "2019-03-31T04:00+02:00");
	assert_int_equal(night->start + night->duration, dawn->start - 5400);
	schedule_free(s);
	conf_free(c);
}

/* wafer (DebConf) writes every <date> in UTC: starts are shown on the
 * venue's clock, the config's zone first, else <time_zone_name>. */
static void test_utc_dates_shown_in_venue_zone(void **state)
{
	const char *xml =
		"<?xml version='1.0' encoding='UTF-8'?>\n"
		"<schedule><conference><title>DebConf23</title>"
		"<time_zone_name>Asia/Kolkata</time_zone_name></conference>\n"
		"<day index='1' date='2023-09-10'><room name='Anamudi'>\n"
		"<event id='1'><date>2023-09-10T01:30:00+00:00</date><duration>00:45</duration>"
		"<room>Anamudi</room><title>Opening</title></event>\n"
		"</room></day></schedule>\n";
	static const struct {
		const char *conf, *shown, *source;
	} cases[] = {
		{ "event \"t\" { attendees = 10 timezone = \"Asia/Kolkata\" }\n",
		  "2023-09-10T07:00+05:30", "config" },
		{ "event \"t\" { attendees = 10 }\n", "2023-09-10T07:00+05:30", "file" },
		{ "event \"t\" { attendees = 10 timezone = \"Europe/Berlin\" }\n",
		  "2023-09-10T03:30+02:00", "config" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct conf *c = load_conf(cases[i].conf);
		struct schedule *s = parse_ok(c, "debconf.xml", xml);
		const struct schedule_session *x = &s->sessions[0];
		assert_int_equal(x->start, 1694309400);		/* 2023-09-10T01:30Z */
		assert_string_equal(fmt(x->start, x->utc_offset), cases[i].shown);
		assert_string_equal(fmt(s->rooms[0].first_start, s->rooms[0].first_offset),
				    cases[i].shown);
		assert_string_equal(s->zone_source, cases[i].source);
		schedule_free(s);
		conf_free(c);
	}
}

/* Sessionize: floating times in the venue's zone, rooms by id, service
 * sessions as breaks, plenum sessions as keynotes, detected by content. */
static void test_sessionize(void **state)
{
	struct conf *c = load_conf("event \"t\" { attendees = 500 timezone = \"Europe/London\" }\n"
				   "room \"hall\" { seats = 400 schedule_room = \"Hall (400)\" }\n"
				   "room \"foyer\" { seats = 100 common_area = true }\n");
	const char *json =
		"{\"sessions\": ["
		"{\"id\": \"101\", \"title\": \" Keynote: the year ahead\", \"startsAt\": \"2027-06-10T09:00:00\","
		" \"endsAt\": \"2027-06-10T10:00:00\", \"isPlenumSession\": true, \"roomId\": 1},"
		"{\"id\": \"6f1c\", \"title\": \"Networking\", \"startsAt\": \"2027-06-10T12:00:00\","
		" \"endsAt\": \"2027-06-10T13:00:00\", \"isServiceSession\": true, \"roomId\": 3},"
		"{\"id\": \"103\", \"title\": \"Open end\", \"startsAt\": \"2027-06-10T11:00:00\", \"roomId\": 1},"
		"{\"id\": 104, \"title\": \"Not yet\", \"startsAt\": null, \"roomId\": null}],"
		"\"speakers\": [], \"rooms\": [{\"id\": 1, \"name\": \"Hall (400)\"}, {\"id\": 3, \"name\": \"Foyer\"}]}";
	assert_int_equal(schedule_detect(json, strlen(json)), SCHEDULE_SESSIONIZE);
	struct schedule *s = parse_ok(c, "s.json", json);
	assert_int_equal(s->format, SCHEDULE_SESSIONIZE);
	assert_int_equal(s->n_sessions, 3);
	const struct schedule_session *k = &s->sessions[0];
	assert_string_equal(k->title, "Keynote: the year ahead");
	assert_string_equal(fmt(k->start, k->utc_offset), "2027-06-10T09:00+01:00");
	assert_int_equal(k->duration, 3600);
	assert_int_equal(k->kind, SCHEDULE_PLENARY);
	assert_int_equal(k->room_idx, 0);
	const struct schedule_session *n = session_titled(s, "Networking");
	assert_string_equal(n->room, "Foyer");
	assert_string_equal(n->type, "service");
	assert_int_equal(session_titled(s, "Open end")->duration, 0);
	assert_int_equal(s->oddities[SCHEDULE_ODD_OPEN_ENDED], 1);
	assert_int_equal(s->oddities[SCHEDULE_ODD_SKIPPED], 1);
	assert_non_null(strstr(s->warnings, "s.json: sessions[3] (id 104): no startsAt (not scheduled yet): left out"));
	schedule_free(s);
	/* frab JSON stays frab JSON */
	const char *frab_json = "{\"schedule\": {\"conference\": {}}}";
	assert_int_equal(schedule_detect(frab_json, strlen(frab_json)), SCHEDULE_JSON);
	expect_error(c, "s.json", "{\"startsAt\": 1}", "s.json: sessions: missing or not an array");
	conf_free(c);
}

/* ---- malformed input ---- */

static const char *venue_conf =
	"event \"t\" { attendees = 1000 online_ratio = 0.9 devices_per_attendee = 1.5 }\n"
	"room \"hall\" { seats = 400 }\n"
	"room \"small\" { seats = 100 schedule_room = \"Small Room\" }\n"
	"room \"lobby\" { seats = 300 common_area = true schedule_room = \"Foyer\" }\n"
	"ap \"h1\" { room = \"hall\" max_clients = 300 }\n"
	"ap \"s1\" { room = \"small\" max_clients = 100 }\n"
	"ap \"l1\" { room = \"lobby\" max_clients = 150 }\n"
	"session \"Workshop*\" { attendance = 0.5 }\n";

/* A frab XML with one event per line from line 4 on. */
static char *frab(const char *events)
{
	char *out = NULL;
	if (asprintf(&out, "<?xml version='1.0' encoding='utf-8' ?>\n"
		     "<schedule>\n"
		     "<day index='1' date='2027-06-10'><room name='hall'>\n"
		     "%s"
		     "</room></day>\n"
		     "</schedule>\n", events) < 0)
		abort();
	return out;
}

static void expect_frab_error(const struct conf *c, const char *events, const char *want)
{
	char *xml = frab(events);
	expect_error(c, "t.xml", xml, want);
	free(xml);
}

#define EV(id, date, dur) \
	"<event id='" id "'><date>" date "</date><duration>" dur "</duration><room>hall</room><title>T" id "</title></event>\n"

/* Parsing must succeed with a warning holding want and count oddities
 * of kind k. */
static void expect_oddity(const struct conf *c, const char *name, const char *text,
			  enum schedule_oddity k, size_t count, const char *want)
{
	struct schedule *s = parse_ok(c, name, text);
	if (!s->warnings || !strstr(s->warnings, want))
		fail_msg("warnings\n%swithout\n%s", s->warnings ? s->warnings : "(none)\n", want);
	if (s->oddities[k] != count)
		fail_msg("%s: %zu %s, expected %zu", name, s->oddities[k], schedule_oddity_key(k),
			 count);
	schedule_free(s);
}

static void expect_frab_oddity(const struct conf *c, const char *events, enum schedule_oddity k,
			       size_t count, const char *want)
{
	char *xml = frab(events);
	expect_oddity(c, "t.xml", xml, k, count, want);
	free(xml);
}

/* Only a file that is no schedule fails; what exporters get wrong in a
 * session is a counted warning naming file, line and element. */
static void test_malformed_xml(void **state)
{
	struct conf *c = load_conf(venue_conf);
	char *xml = frab(EV("1", "2027-06-10T10:00:00+02:00", "00:30"));
	/* truncated: cut in the middle of line 5 */
	xml[strstr(xml, "</room></day>") - xml + 3] = '\0';
	expect_error(c, "t.xml", xml, "t.xml:5: XML: ");
	free(xml);
	expect_error(c, "t.xml", "<schedule><day></schedule>\n", "t.xml:1: XML: ");
	expect_error(c, "t.xml", "<calendar/>\n", "t.xml:1: XML: the root element is <calendar>, not <schedule>");
	expect_error(c, "t.xml", "<schedule/>\n", "t.xml: no sessions found");
	expect_frab_oddity(c, EV("1", "2027-06-10T10:00:00+02:00", "00:30")
			   EV("2", "2027-13-45T10:00:00+02:00", "00:30"), SCHEDULE_ODD_SKIPPED, 1,
			   "t.xml:5: date: \"2027-13-45T10:00:00+02:00\" in <event id='2'> is not a date and time: left out");
	/* every session unreadable: no schedule, and the warnings say why */
	expect_frab_error(c, EV("2", "2027-13-45T10:00:00+02:00", "00:30"),
			  "t.xml: no sessions found");
	expect_frab_error(c, EV("2", "2027-13-45T10:00:00+02:00", "00:30"),
			  "t.xml:4: date: \"2027-13-45T10:00:00+02:00\" in <event id='2'> is not a date and time: left out");
	expect_frab_oddity(c, EV("1", "2027-06-10T10:00:00+02:00", "00:00"),
			   SCHEDULE_ODD_ZERO_LENGTH, 1, "t.xml:4: <event id='1'>: \"T1\" lasts no time");
	expect_frab_oddity(c, EV("1", "2027-06-10T10:00:00+02:00", "-00:30"),
			   SCHEDULE_ODD_BAD_LENGTH, 1,
			   "t.xml:4: duration: \"-00:30\" in <event id='1'> is not H:MM, HH:MM or HH:MM:SS: read as zero length");
	expect_frab_oddity(c, EV("1", "2027-06-10T10:00:00+02:00", "half an hour"),
			   SCHEDULE_ODD_BAD_LENGTH, 1,
			   "t.xml:4: duration: \"half an hour\" in <event id='1'> is not H:MM");
	expect_frab_oddity(c, EV("1", "2027-06-10T10:00:00+02:00", "00:45")
			   EV("2", "2027-06-10T10:30:00+02:00", "00:30"), SCHEDULE_ODD_OVERLAP, 1,
			   "t.xml:5: <event id='2'>: overlaps \"T1\" (<event id='1'> at line 4) in room \"hall\"; both kept");
	expect_frab_oddity(c, "<event id='9'><start>10:00</start><duration>00:30</duration></event>\n"
			   "<event id='8'><date>2027-06-10T10:00:00+02:00</date></event>\n",
			   SCHEDULE_ODD_OPEN_ENDED, 1, "t.xml:5: <event id='8'>: no <duration>: read as zero length");
	expect_frab_oddity(c, EV("1", "2027-06-10T10:00:00+02:00", "00:30")
			   EV("1", "2027-06-10T11:00:00+02:00", "00:30"), SCHEDULE_ODD_DUPLICATE_ID, 1,
			   "<event id='1'>: id \"1\" is used by 2 sessions; kept apart");
	/* a wrong year far away leaves out that session only */
	expect_frab_oddity(c, EV("1", "2027-06-10T10:00:00+02:00", "00:30")
			   EV("2", "2072-06-10T10:00:00+02:00", "00:30")
			   EV("3", "2027-06-10T11:00:00+02:00", "00:30"), SCHEDULE_ODD_SKIPPED, 1,
			   "t.xml:5: <event id='2'>: starts 2072-06-10T08:00+00:00, more than 31 days from the other sessions (a wrong date?): left out");
	/* an event without a room container or a <room> is kept, unprojected */
	expect_frab_oddity(c, "</room><event id='7'><date>2027-06-10T10:00:00+02:00</date><duration>00:30</duration><title>X</title></event><room name='hall'>\n",
			   SCHEDULE_ODD_NO_ROOM, 1, "t.xml:4: <event id='7'>: the session \"X\" names no room; it is not projected");
	/* an unknown room is listed, not an error */
	xml = frab("<event id='1'><date>2027-06-10T10:00:00+02:00</date><duration>00:30</duration><room>Nowhere</room><title>X</title></event>\n");
	struct schedule *s = parse_ok(c, "t.xml", xml);
	size_t unmapped_sessions;
	assert_int_equal(schedule_unmapped(s, &unmapped_sessions), 1);
	assert_int_equal(unmapped_sessions, 1);
	assert_int_equal(s->sessions[0].room_idx, -1);
	assert_int_equal(s->oddities[SCHEDULE_ODD_OTHER_ROOM], 1);
	schedule_free(s);
	free(xml);
	conf_free(c);
}

static void test_malformed_json(void **state)
{
	struct conf *c = load_conf(venue_conf);
	expect_error(c, "t.json", "{\"schedule\": {\"conference\": {\"days\": [\n{\"date\": \"2027-06-10\",\n",
		     "t.json:3: JSON: ");
	expect_error(c, "t.json", "{\"schedule\": {}}", "t.json: schedule.conference: missing");
	expect_oddity(c, "t.json",
		      "{\"schedule\": {\"conference\": {\"days\": [{\"date\": \"2027-06-10\", \"rooms\": {\"hall\": ["
		      "{\"id\": 1, \"date\": \"2027-06-10T10:00:00+02:00\", \"duration\": \"00:30\", \"room\": \"hall\", \"title\": \"A\"},"
		      "{\"id\": 2, \"date\": \"2027-06-10T25:00:00+02:00\", \"duration\": \"00:30\", \"room\": \"hall\", \"title\": \"B\"}"
		      "]}}]}}}", SCHEDULE_ODD_SKIPPED, 1,
		      "t.json: days[0].rooms[\"hall\"][1] (id 2): date: \"2027-06-10T25:00:00+02:00\" is not a date and time: left out");
	expect_oddity(c, "t.json",
		      "{\"schedule\": {\"conference\": {\"days\": [{\"date\": \"2027-06-10\", \"rooms\": {\"hall\": ["
		      "{\"id\": 1, \"date\": \"2027-06-10T10:00:00+02:00\", \"duration\": 30, \"room\": \"hall\"}"
		      "], \"annex\": []}}]}}}", SCHEDULE_ODD_OPEN_ENDED, 1,
		      "t.json: days[0].rooms[\"hall\"][0] (id 1): duration: missing or not a string \"HH:MM\": read as zero length");
	expect_oddity(c, "t.json",
		      "{\"schedule\": {\"conference\": {\"days\": [{\"date\": \"2027-06-10\", \"rooms\": {\"hall\": ["
		      "{\"id\": 1, \"date\": \"2027-06-10T10:00:00+02:00\", \"duration\": \"00:30\", \"room\": \"hall\"}"
		      "], \"annex\": []}}]}}}", SCHEDULE_ODD_EMPTY_ROOM, 1,
		      "t.json: days[0]: rooms[\"annex\"] holds no event on this day");
	expect_error(c, "t.json", "[1, 2]", "schedule.conference: missing");
	conf_free(c);
}

static const char *ics_event(void)
{
	return "BEGIN:VCALENDAR\n"
	       "BEGIN:VEVENT\n"
	       "UID:x\n"
	       "LOCATION:hall\n";
}

static void expect_ics_error(const struct conf *c, const char *body, const char *want)
{
	char *text = NULL;
	if (asprintf(&text, "%s%s", ics_event(), body) < 0)
		abort();
	expect_error(c, "t.ics", text, want);
	free(text);
}

static void expect_ics_oddity(const struct conf *c, const char *body, enum schedule_oddity k,
			     size_t count, const char *want)
{
	char *text = NULL;
	if (asprintf(&text, "%s%s", ics_event(), body) < 0)
		abort();
	expect_oddity(c, "t.ics", text, k, count, want);
	free(text);
}

static void test_malformed_ics(void **state)
{
	struct conf *c = load_conf(venue_conf);
	expect_ics_error(c, "DTSTART:20270610T100000Z\n",
			 "t.ics:2: BEGIN: BEGIN:VEVENT is never closed: the file is truncated");
	expect_ics_error(c, "DTSTART:20270610T100000Z\nDTEND:20270610T103000Z\nEND:VCALENDAR\n",
			 "t.ics:7: END: END:VCALENDAR does not close BEGIN:VEVENT at line 2");
	expect_ics_error(c, "DTSTART:20271310T100000Z\nDTEND:20270610T103000Z\nEND:VEVENT\nEND:VCALENDAR\n",
			 "t.ics:5: DTSTART: \"20271310T100000Z\" in VEVENT x is not YYYYMMDD[THHMMSS[Z]]");
	expect_ics_error(c, "DTSTART:20271310T100000Z\nDTEND:20270610T103000Z\nEND:VEVENT\nEND:VCALENDAR\n",
			 "t.ics:5: VEVENT x: unreadable DTSTART: left out");
	expect_ics_oddity(c, "DTSTART:20270610T100000Z\nDTEND:20270610T093000Z\nEND:VEVENT\nEND:VCALENDAR\n",
			  SCHEDULE_ODD_BAD_LENGTH, 1,
			  "t.ics:2: VEVENT x: negative duration (-30 min): read as zero length");
	/* RFC 5545: without DTEND or DURATION an event takes no time */
	expect_ics_oddity(c, "DTSTART:20270610T100000Z\nEND:VEVENT\nEND:VCALENDAR\n",
			  SCHEDULE_ODD_OPEN_ENDED, 1,
			  "t.ics:2: VEVENT x: neither DTEND nor DURATION: zero length (RFC 5545)");
	expect_ics_oddity(c, "DTSTART:20270610T100000Z\nDURATION:1 hour\nEND:VEVENT\nEND:VCALENDAR\n",
			  SCHEDULE_ODD_BAD_LENGTH, 1,
			  "t.ics:6: DURATION: \"1 hour\" in VEVENT x is not PnDTnHnMnS: read as zero length");
	expect_ics_error(c, "END:VEVENT\nEND:VCALENDAR\n", "t.ics:2: VEVENT x: no DTSTART: left out");
	expect_ics_oddity(c, "DTSTART:20270610T100000Z\ngarbage line\nEND:VEVENT\nEND:VCALENDAR\n",
			  SCHEDULE_ODD_OPEN_ENDED, 1,
			  "t.ics:6: not an iCalendar content line (NAME:VALUE); ignored");
	expect_error(c, "t.ics", "BEGIN:VCALENDAR\nEND:VCALENDAR\n", "t.ics: no sessions found");
	/* two UIDs alike, overlapping in one room: both kept */
	expect_ics_oddity(c, "DTSTART:20270610T100000Z\nDURATION:PT1H\nEND:VEVENT\n"
			  "BEGIN:VEVENT\nUID:x\nLOCATION:hall\nDTSTART:20270610T103000Z\nEND:VEVENT\n"
			  "END:VCALENDAR\n", SCHEDULE_ODD_DUPLICATE_ID, 1,
			  "t.ics:8: VEVENT x: id \"x\" is used by 2 sessions; kept apart");
	/* a TZID outside the tz database is read in the venue zone, with a warning */
	struct conf *berlin = load_conf("event \"t\" { attendees = 10 timezone = \"Europe/Berlin\" }\n");
	struct schedule *s = parse_ok(berlin, "t.ics",
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nLOCATION:hall\n"
		"DTSTART;TZID=Nowhere/City:20270610T100000\nDTEND;TZID=Nowhere/City:20270610T110000\n"
		"END:VEVENT\nEND:VCALENDAR\n");
	assert_non_null(strstr(s->warnings, "t.ics:5: DTSTART: TZID \"Nowhere/City\" is not in the tz database; read as Europe/Berlin"));
	assert_int_equal(s->oddities[SCHEDULE_ODD_UNKNOWN_TZID], 2);
	assert_string_equal(fmt(s->sessions[0].start, s->sessions[0].utc_offset), "2027-06-10T10:00+02:00");
	schedule_free(s);
	conf_free(berlin);
	/* a venue zone outside the tz database is an error */
	struct conf *mars = load_conf("event \"t\" { attendees = 10 timezone = \"Mars/Olympus\" }\n");
	expect_error(mars, "t.ics", "BEGIN:VCALENDAR\nEND:VCALENDAR\n",
		     "t.ics: timezone: \"Mars/Olympus\" is not in the tz database");
	conf_free(mars);
	expect_error(c, "t.txt", "hello\n", "t.txt:1: not a schedule");
	expect_error(c, "t.txt", "", "t.txt:1: not a schedule");
	conf_free(c);
}

/* Every truncation of a valid file is an error or a smaller schedule. */
static void truncations(const struct conf *c, const char *name, const char *text)
{
	size_t len = strlen(text);
	for (size_t n = 0; n < len; n++) {
		char *err = NULL;
		struct schedule *s = schedule_parse(c, SCHEDULE_AUTO, text, n, name, &err);
		assert_true(s != NULL || (err && *err));
		schedule_free(s);
		free(err);
	}
}

/* ---- the projection of a small programme ---- */

static const char *programme =
	"<?xml version='1.0' encoding='utf-8' ?>\n"
	"<schedule>\n"
	" <conference><title>T</title><time_zone_name>Europe/Berlin</time_zone_name></conference>\n"
	" <day index='1' date='2027-06-10'>\n"
	"  <room name='Hall'>\n"
	"   <event id='1'><date>2027-06-10T09:00:00+02:00</date><duration>00:30</duration><room>Hall</room><title>Opening</title><type>other</type></event>\n"
	"   <event id='2'><date>2027-06-10T09:30:00+02:00</date><duration>00:45</duration><room>Hall</room><title>Talk A</title><type>lecture</type></event>\n"
	"  </room>\n"
	"  <room name='Small Room'>\n"
	"   <event id='3'><date>2027-06-10T09:30:00+02:00</date><duration>0:45</duration><room>Small Room</room><title>Talk B</title><type>lecture</type></event>\n"
	"   <event id='4'><date>2027-06-10T10:45:00+02:00</date><duration>00:45:00</duration><room>Small Room</room><title>Workshop X</title><type>workshop</type></event>\n"
	"   <event id='5'><date>2027-06-10T23:30:00+02:00</date><duration>01:30</duration><room>Small Room</room><title>Night talk</title><type>lecture</type></event>\n"
	"  </room>\n"
	"  <room name='Foyer'>\n"
	"   <event id='6'><date>2027-06-10T10:15:00+02:00</date><duration>00:30</duration><room>Foyer</room><title>Coffee break</title><type>break</type></event>\n"
	"  </room>\n"
	"  <room name='Garden'>\n"
	"   <event id='7'><date>2027-06-10T12:00:00+02:00</date><duration>01:00</duration><room>Garden</room><title>Picnic</title><type>other</type></event>\n"
	"  </room>\n"
	" </day>\n"
	"</schedule>\n";

#define T0 1812610800L			/* 2027-06-10T07:00Z = 09:00+02:00 */
#define AT(h, m) (T0 + ((h) - 9) * 3600L + (m) * 60L)

static void test_projection_timeline(void **state)
{
	struct conf *c = load_conf(venue_conf);
	struct schedule *s = parse_ok(c, "p.xml", programme);
	assert_int_equal(s->begin, T0);
	assert_int_equal(s->n_minutes, 16 * 60);	/* 09:00 to 01:00 */
	int hall = 0, small = 1, lobby = 2;
	/* Opening: plenary, the full hall: 400 x 0.9 x 1.5 = 540 */
	assert_int_equal(schedule_room_projection(s, hall, AT(9, 0)), 540);
	assert_int_equal(schedule_room_projection(s, hall, AT(9, 29) + 59), 540);
	/* Talk A: 0.7 x 400 = 280 people, 378 devices */
	assert_int_equal(schedule_room_projection(s, hall, AT(9, 30)), 378);
	assert_int_equal(schedule_room_projection(s, hall, AT(10, 14)), 378);
	assert_int_equal(schedule_room_projection(s, hall, AT(10, 15)), 0);
	/* Talk B: 70 people, 94.5 -> 95 */
	assert_int_equal(schedule_room_projection(s, small, AT(9, 30)), 95);
	assert_int_equal(schedule_room_projection(s, small, AT(9, 29)), 0);
	/* the coffee break fills the lobby (common area): 300 x 1.35 = 405 */
	assert_int_equal(schedule_room_projection(s, lobby, AT(10, 15)), 405);
	assert_int_equal(schedule_room_projection(s, lobby, AT(10, 44)), 405);
	assert_int_equal(schedule_room_projection(s, lobby, AT(10, 45)), 0);
	/* Workshop X: session "Workshop*" { attendance = 0.5 }: 50 people, 67.5 -> 68 */
	assert_int_equal(schedule_room_projection(s, small, AT(11, 0)), 68);
	/* Night talk runs across midnight */
	assert_int_equal(schedule_room_projection(s, small, AT(23, 30)), 95);
	assert_int_equal(schedule_room_projection(s, small, AT(24, 59)), 95);
	assert_int_equal(schedule_room_projection(s, small, AT(25, 0)), 0);
	/* outside the timeline, and bad rooms */
	assert_int_equal(schedule_room_projection(s, hall, T0 - 1), 0);
	assert_int_equal(schedule_room_projection(s, 7, AT(9, 0)), 0);
	assert_int_equal(schedule_room_projection(s, -1, AT(9, 0)), 0);
	/* Garden is not a venue room */
	const struct schedule_session *picnic = session_titled(s, "Picnic");
	assert_int_equal(picnic->room_idx, -1);
	assert_int_equal(s->rooms[1].room_idx, -1);
	assert_string_equal(s->rooms[1].name, "Garden");

	/* slots over capacity */
	struct schedule_overload *ov = NULL;
	size_t n = schedule_overloads(s, c, &ov);
	assert_int_equal(n, 3);
	assert_int_equal(ov[0].room_idx, hall);
	assert_int_equal(ov[0].start, AT(9, 0));
	assert_int_equal(ov[0].end, AT(9, 30));
	assert_int_equal(ov[0].peak, 540);
	assert_int_equal(ov[0].capacity, 300);
	assert_string_equal(ov[0].session->title, "Opening");
	assert_int_equal(ov[1].room_idx, hall);
	assert_int_equal(ov[1].start, AT(9, 30));
	assert_int_equal(ov[1].end, AT(10, 15));
	assert_int_equal(ov[1].peak, 378);
	assert_string_equal(ov[1].session->title, "Talk A");
	assert_int_equal(ov[2].room_idx, lobby);
	assert_int_equal(ov[2].start, AT(10, 15));
	assert_int_equal(ov[2].end, AT(10, 45));
	assert_int_equal(ov[2].peak, 405);
	assert_int_equal(ov[2].capacity, 150);
	assert_string_equal(ov[2].session->title, "Coffee break");
	free(ov);

	/* now and next for the dashboard */
	const struct schedule_session *cur, *next;
	assert_int_equal(schedule_now_next(s, small, AT(9, 40), &cur, &next), 0);
	assert_string_equal(cur->title, "Talk B");
	assert_string_equal(next->title, "Workshop X");
	assert_int_equal(cur->devices, 95);
	assert_int_equal(schedule_now_next(s, hall, AT(10, 30), &cur, &next), 0);
	assert_null(cur);
	assert_null(next);
	assert_int_equal(schedule_now_next(s, hall, AT(8, 0), &cur, &next), 0);
	assert_null(cur);
	assert_string_equal(next->title, "Opening");
	assert_int_equal(schedule_now_next(s, 9, AT(8, 0), &cur, &next), -1);

	/* the alert engine's view */
	assert_true(schedule_session_over_capacity(s, c, session_titled(s, "Opening")));
	assert_false(schedule_session_over_capacity(s, c, session_titled(s, "Talk B")));
	assert_false(schedule_session_over_capacity(s, c, picnic));
	const struct schedule_session *up[8];
	n = schedule_upcoming(s, AT(10, 10), 15 * 60, up, 8);
	assert_int_equal(n, 3);
	assert_string_equal(up[0]->title, "Talk A");
	assert_string_equal(up[1]->title, "Talk B");
	assert_string_equal(up[2]->title, "Coffee break");
	schedule_free(s);
	conf_free(c);
}

/* Two sessions at once in one room (a block and its talks) share the
 * room's people: the busiest counts, not their sum. */
static void test_overlaps_projected_once(void **state)
{
	struct conf *c = load_conf(venue_conf);
	char *xml = frab(EV("1", "2027-06-10T10:00:00+02:00", "02:00")
			 EV("2", "2027-06-10T10:30:00+02:00", "00:30")
			 "<event id='3'><date>2027-06-10T11:00:00+02:00</date><duration>00:30</duration>"
			 "<room>hall</room><title>Workshop Y</title></event>\n");
	struct schedule *s = parse_ok(c, "t.xml", xml);
	assert_int_equal(s->oddities[SCHEDULE_ODD_OVERLAP], 2);
	/* a talk: 0.7 x 400 = 280 people, 378 devices, overlapping or not */
	assert_int_equal(schedule_room_projection(s, 0, 1812614400 + 45 * 60), 378);
	/* the workshop (0.5) under the block (0.7): the block's 378 */
	assert_int_equal(schedule_room_projection(s, 0, 1812618000 + 10 * 60), 378);
	schedule_free(s);
	free(xml);
	conf_free(c);
}

/* A keynote fills the room, but never with more people than attend. */
static void test_keynote_bounded_by_attendees(void **state)
{
	struct conf *c = load_conf("event \"t\" { attendees = 50 online_ratio = 0.9 devices_per_attendee = 1.5 }\n"
				   "room \"HALL\" { seats = 400 }\n");
	char *xml = frab("<event id='1'><date>2027-06-10T10:00:00+02:00</date><duration>01:00</duration>"
			 "<room>hall</room><title>Keynote: the future</title><type>lecture</type></event>\n");
	struct schedule *s = parse_ok(c, "t.xml", xml);
	assert_int_equal(s->sessions[0].kind, SCHEDULE_PLENARY);
	assert_int_equal(s->sessions[0].room_idx, 0);		/* case-insensitive */
	assert_true(s->sessions[0].attendance == 50.0);
	assert_int_equal(s->sessions[0].devices, 68);
	schedule_free(s);
	free(xml);
	conf_free(c);
}

/* Names match ignoring case and punctuation, or through schedule_room;
 * session blocks move a session to another room. */
static void test_room_mapping(void **state)
{
	struct conf *c = load_conf("event \"t\" { attendees = 500 timezone = \"UTC\" }\n"
				   "room \"hall-c-plenary\" { seats = 100 }\n"
				   "room \"b\" { seats = 100 schedule_room = \"HALL B\" }\n"
				   "room \"annex\" { seats = 100 }\n"
				   "session \"moved-*\" { room = \"annex\" }\n");
	const char *ics =
		"BEGIN:VCALENDAR\n"
		"BEGIN:VEVENT\nUID:1\nDTSTART:20270610T100000Z\nDURATION:PT30M\nLOCATION:Hall C (Plenary)\nSUMMARY:One\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:2\nDTSTART:20270610T100000Z\nDURATION:PT30M\nLOCATION:Hall B\nSUMMARY:Two\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:moved-3\nDTSTART:20270610T110000Z\nDURATION:PT30M\nLOCATION:Hall B\nSUMMARY:Three\nEND:VEVENT\n"
		"END:VCALENDAR\n";
	struct schedule *s = parse_ok(c, "t.ics", ics);
	assert_null(s->warnings);
	assert_int_equal(session_titled(s, "One")->room_idx, 0);
	assert_int_equal(session_titled(s, "Two")->room_idx, 1);
	assert_int_equal(session_titled(s, "Three")->room_idx, 2);
	schedule_free(s);
	conf_free(c);
}

/* A sponsor renames a room between days: schedule_room takes a list of
 * names and glob patterns (ignoring case); a single string still works. */
static void test_room_lists_and_patterns(void **state)
{
	struct conf *c = load_conf("event \"t\" { attendees = 500 timezone = \"UTC\" }\n"
				   "room \"cc2.1\" { seats = 100 schedule_room = { \"LaterPay Room (CC2.1)\","
				   " \"* Room (CC2.1)\" } }\n"
				   "room \"kids\" { seats = 50 schedule_room = \"kidspace - *\" }\n"
				   "room \"hall\" { seats = 300 schedule_room = \"Saal 1\" }\n");
	const char *ics =
		"BEGIN:VCALENDAR\n"
		"BEGIN:VEVENT\nUID:1\nDTSTART:20270610T100000Z\nDURATION:PT30M\nLOCATION:LaterPay Room (CC2.1)\nSUMMARY:Fri\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:2\nDTSTART:20270611T100000Z\nDURATION:PT30M\nLOCATION:The Software Sustainability Institute Room (CC2.1)\nSUMMARY:Sat\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:3\nDTSTART:20270611T100000Z\nDURATION:PT30M\nLOCATION:Kidspace - Elektrotisch\nSUMMARY:Kids\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:4\nDTSTART:20270611T100000Z\nDURATION:PT30M\nLOCATION:saal 1\nSUMMARY:Talk\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:5\nDTSTART:20270611T110000Z\nDURATION:PT30M\nLOCATION:Saal 2\nSUMMARY:Elsewhere\nEND:VEVENT\n"
		"END:VCALENDAR\n";
	struct schedule *s = parse_ok(c, "t.ics", ics);
	assert_int_equal(session_titled(s, "Fri")->room_idx, 0);
	assert_int_equal(session_titled(s, "Sat")->room_idx, 0);
	assert_int_equal(session_titled(s, "Kids")->room_idx, 1);
	assert_int_equal(session_titled(s, "Talk")->room_idx, 2);
	assert_int_equal(session_titled(s, "Elsewhere")->room_idx, -1);
	size_t sessions;
	assert_int_equal(schedule_unmapped(s, &sessions), 1);
	assert_int_equal(sessions, 1);
	schedule_free(s);
	conf_free(c);
	char *err = NULL;
	assert_null(conf_load_buffer("event \"t\" { attendees = 5 }\nroom \"r\" { seats = 5 schedule_room = \"\" }\n",
				     "e.conf", &err));
	assert_non_null(strstr(err, "e.conf:2: schedule_room: an empty name matches no schedule room"));
	free(err);
}

/* A new version of a schedule, in words: moved (start or room),
 * resized, added, removed; shared ids pair up in order. */
static void test_diff_and_rebuild(void **state)
{
	struct conf *c = load_conf(venue_conf);
	char *v1 = frab(EV("1", "2027-06-10T10:00:00+02:00", "00:30")
			EV("2", "2027-06-10T11:00:00+02:00", "00:30")
			EV("3", "2027-06-10T12:00:00+02:00", "00:30")
			EV("4", "2027-06-10T13:00:00+02:00", "00:30")
			EV("4", "2027-06-10T14:00:00+02:00", "00:30"));
	char *v2 = frab(EV("1", "2027-06-10T10:30:00+02:00", "00:30")
			EV("2", "2027-06-10T11:00:00+02:00", "00:45")
			EV("4", "2027-06-10T13:00:00+02:00", "00:30")
			EV("4", "2027-06-10T15:00:00+02:00", "00:30")
			EV("5", "2027-06-10T16:00:00+02:00", "00:30"));
	struct schedule *a = parse_ok(c, "v1.xml", v1), *b = parse_ok(c, "v2.xml", v2);
	char note[256];
	assert_int_equal(schedule_diff(a, b, note, sizeof note), 5);
	assert_string_equal(note, "schedule changed: 2 sessions moved, 1 session resized, "
			    "1 session added, 1 session removed");
	assert_int_equal(schedule_diff(a, a, note, sizeof note), 0);
	assert_string_equal(note, "schedule updated: no session moved");
	/* built again for a config with other rooms, from the bytes kept */
	a->status.live = true;
	struct conf *c2 = load_conf("event \"t\" { attendees = 10 }\nroom \"x\" { seats = 5 }\n"
				    "room \"h\" { seats = 5 schedule_room = \"hall\" }\n");
	char *err = NULL;
	struct schedule *r = schedule_rebuild(c2, a, &err);
	assert_non_null(r);
	assert_int_equal(r->n_sessions, 5);
	assert_int_equal(r->sessions[0].room_idx, 1);
	assert_true(r->status.live);
	schedule_free(r);
	schedule_free(a);
	schedule_free(b);
	free(v1);
	free(v2);
	conf_free(c2);
	conf_free(c);
}

static void test_truncations_never_crash(void **state)
{
	struct conf *c = load_conf(venue_conf);
	truncations(c, "p.xml", programme);
	char *ics = NULL;
	if (asprintf(&ics, "%sDTSTART;TZID=Europe/Berlin:20270610T100000\nDTEND:20270610T110000Z\n"
		     "SUMMARY:a\\, b\nEND:VEVENT\nEND:VCALENDAR\n", ics_event()) < 0)
		abort();
	truncations(c, "t.ics", ics);
	free(ics);
	truncations(c, "t.json",
		    "{\"schedule\": {\"conference\": {\"time_zone_name\": \"Europe/Berlin\", \"days\": "
		    "[{\"date\": \"2027-06-10\", \"rooms\": {\"hall\": [{\"id\": 1, \"start\": \"10:00\", "
		    "\"duration\": \"00:30\", \"room\": \"hall\", \"title\": \"A\"}]}}]}}}");
	conf_free(c);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_helpers),
		cmocka_unit_test(test_fixture_pyconau2024_xml),
		cmocka_unit_test(test_fixture_pyconau2024_json_equals_xml),
		cmocka_unit_test(test_fixture_pyconau2023_ics),
		cmocka_unit_test(test_fixture_fosdem2019),
		cmocka_unit_test(test_fixture_fosdem2019_process_zone),
		cmocka_unit_test(test_fixture_31c3_after_midnight),
		cmocka_unit_test(test_fixture_camp2019_json),
		cmocka_unit_test(test_ics_times),
		cmocka_unit_test(test_ics_tzid_without_vtimezone),
		cmocka_unit_test(test_xml_pentabarf_day_change_and_dst),
		cmocka_unit_test(test_utc_dates_shown_in_venue_zone),
		cmocka_unit_test(test_sessionize),
		cmocka_unit_test(test_malformed_xml),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_malformed_ics),
		cmocka_unit_test(test_projection_timeline),
		cmocka_unit_test(test_overlaps_projected_once),
		cmocka_unit_test(test_keynote_bounded_by_attendees),
		cmocka_unit_test(test_room_mapping),
		cmocka_unit_test(test_room_lists_and_patterns),
		cmocka_unit_test(test_diff_and_rebuild),
		cmocka_unit_test(test_truncations_never_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
