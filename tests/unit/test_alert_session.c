/* session_over_capacity: a hand-written schedule, the real rule and the
 * real alert core, driven with explicit time. */
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
#include "model/plan.h"
#include "schedule/schedule.h"

/* hall: 400 seats, its AP holds 300; the keynote fills it (400 people,
 * 540 devices). small: 100 seats, 200 clients; a talk there fits. */
static const char *venue =
	"event \"t\" { attendees = 1000 online_ratio = 0.9 devices_per_attendee = 1.5 }\n"
	"room \"hall\" { seats = 400 }\n"
	"room \"small\" { seats = 100 }\n"
	"ap \"h1\" { room = \"hall\" max_clients = 300 }\n"
	"ap \"s1\" { room = \"small\" max_clients = 200 }\n";

/* 2027-06-10 10:00 UTC */
#define KEYNOTE 1812621600L

static const char *programme =
	"<?xml version='1.0' encoding='utf-8' ?>\n"
	"<schedule>\n"
	"<day index='1' date='2027-06-10'>\n"
	"<room name='hall'>\n"
	"<event id='1'><date>2027-06-10T10:00:00+00:00</date><duration>01:00</duration>"
	"<room>hall</room><title>Opening keynote</title><type>keynote</type></event>\n"
	"<event id='2'><date>2027-06-10T11:30:00+00:00</date><duration>00:30</duration>"
	"<room>hall</room><title>Second keynote</title><type>keynote</type></event>\n"
	"</room>\n"
	"<room name='small'>\n"
	"<event id='3'><date>2027-06-10T10:00:00+00:00</date><duration>00:45</duration>"
	"<room>small</room><title>A talk</title><type>talk</type></event>\n"
	"</room>\n"
	"</day>\n"
	"</schedule>\n";

struct fixture {
	struct conf *conf;
	struct schedule *sched;
	struct alert_rules *rules;
	struct alert_core core;
	struct alert_obs *obs;
	size_t cap;
};

static struct fixture *setup(const char *extra_conf)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *text = NULL, *err = NULL;
	assert_true(asprintf(&text, "%s%s", venue, extra_conf) > 0);
	f->conf = conf_load_buffer(text, "test.conf", &err);
	if (!f->conf)
		fprintf(stderr, "%s", err);
	free(err);
	free(text);
	assert_non_null(f->conf);
	err = NULL;
	f->sched = schedule_parse(f->conf, SCHEDULE_AUTO, programme, strlen(programme), "t.xml", &err);
	if (!f->sched)
		fprintf(stderr, "%s", err);
	free(err);
	assert_non_null(f->sched);
	f->rules = alert_rules_new();
	alert_core_init(&f->core, 0, 300);
	return f;
}

static void teardown(struct fixture *f)
{
	alert_core_free(&f->core);
	alert_rules_free(f->rules);
	free(f->obs);
	schedule_free(f->sched);
	conf_free(f->conf);
	free(f);
}

/* Observations of the rule at t, then one evaluation of the core. */
static size_t step(struct fixture *f, double t)
{
	size_t n = alert_rules_sessions(f->rules, f->conf, f->sched, t, &f->obs, &f->cap, 0);
	alert_core_clear_out(&f->core);
	alert_core_evaluate(&f->core, f->obs, n, t);
	return n;
}

static const char *label(const struct alert_obs *o, const char *name)
{
	for (size_t i = 0; i < o->n_labels; i++)
		if (strcmp(o->labels[i].name, name) == 0)
			return o->labels[i].value;
	return NULL;
}

static size_t count_events(const struct alert_core *c, const char *event)
{
	size_t i, n = 0;
	json_t *e;
	json_array_foreach(c->out_log, i, e)
		n += strcmp(json_string_value(json_object_get(e, "event")), event) == 0;
	return n;
}

static void test_fires_lead_before_and_resolves_at_end(void **state)
{
	(void)state;
	struct fixture *f = setup("");
	assert_string_equal(f->sched->sessions[0].title, "Opening keynote");
	assert_true(schedule_session_over_capacity(f->sched, f->conf, &f->sched->sessions[0]));

	assert_int_equal(step(f, KEYNOTE - 15 * 60 - 1), 0);
	assert_int_equal(f->core.n_recs, 0);

	assert_int_equal(step(f, KEYNOTE - 15 * 60), 1);
	const struct alert_obs *o = &f->obs[0];
	assert_string_equal(o->rule, "session_over_capacity");
	assert_string_equal(label(o, "room"), "hall");
	assert_string_equal(label(o, "session"), "Opening keynote");
	assert_string_equal(label(o, "start"), "2027-06-10T10:00+00:00");
	assert_true(fabs(o->value - 540.0 / 300.0) < 1e-9);
	assert_non_null(strstr(o->summary, "projected at 540 devices, its APs hold 300"));
	assert_int_equal(f->core.n_recs, 1);
	assert_int_equal(f->core.recs[0].state, AS_FIRING);
	assert_int_equal(f->core.recs[0].sev, SEV_WARN);
	assert_int_equal(count_events(&f->core, "firing"), 1);
	assert_int_equal(json_array_size(f->core.out_notifications), 1);

	/* it holds through the session; 75 minutes bring one hourly reminder */
	size_t reminders = 0;
	for (double t = KEYNOTE - 14 * 60; t < KEYNOTE + 3600; t += 60) {
		assert_int_equal(step(f, t), 1);
		assert_int_equal(f->core.recs[0].state, AS_FIRING);
		size_t i;
		json_t *note;
		json_array_foreach(f->core.out_notifications, i, note) {
			assert_string_equal(json_string_value(json_object_get(note, "type")), "repeat");
			reminders++;
		}
	}
	assert_int_equal(reminders, 1);
	/* the keynote is over: resolved (the next one is 90 min after the first) */
	assert_int_equal(step(f, KEYNOTE + 3600), 0);
	assert_int_equal(count_events(&f->core, "resolved"), 1);

	/* the second keynote is its own alert */
	assert_int_equal(step(f, KEYNOTE + 75 * 60), 1);
	assert_string_equal(label(&f->obs[0], "session"), "Second keynote");
	assert_int_equal(count_events(&f->core, "firing"), 1);
	teardown(f);
}

static void test_lead_minutes_and_disable(void **state)
{
	(void)state;
	struct fixture *f = setup("alert \"session_over_capacity\" { lead_minutes = 40 }\n");
	assert_int_equal(step(f, KEYNOTE - 41 * 60), 0);
	assert_int_equal(step(f, KEYNOTE - 40 * 60), 1);
	teardown(f);

	f = setup("alert \"session_over_capacity\" { match = \"room:hall\" enabled = false }\n");
	assert_int_equal(step(f, KEYNOTE), 0);
	teardown(f);
}

static void test_fitting_session_and_no_schedule(void **state)
{
	(void)state;
	struct fixture *f = setup("");
	/* the small room's talk runs at KEYNOTE too, but fits: only the hall */
	for (size_t i = 0; i < f->sched->n_sessions; i++)
		if (strcmp(f->sched->sessions[i].title, "A talk") == 0)
			assert_false(schedule_session_over_capacity(f->sched, f->conf,
								    &f->sched->sessions[i]));
	size_t n = step(f, KEYNOTE + 60);
	assert_int_equal(n, 1);
	assert_string_equal(label(&f->obs[0], "room"), "hall");
	assert_int_equal(alert_rules_sessions(f->rules, f->conf, NULL, KEYNOTE, &f->obs, &f->cap, 0), 0);
	/* observations already present are kept */
	assert_int_equal(alert_rules_sessions(f->rules, f->conf, f->sched, KEYNOTE, &f->obs, &f->cap, 3), 4);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fires_lead_before_and_resolves_at_end),
		cmocka_unit_test(test_lead_minutes_and_disable),
		cmocka_unit_test(test_fitting_session_and_no_schedule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
