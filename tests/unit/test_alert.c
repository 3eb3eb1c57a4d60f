/* The alert core driven by scripted values and explicit time (no sleeping). */
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

#define T0 1800000000.0

/* An observation like ap_over_capacity: warn 0.8 (clear 0.72), crit 1.0
 * (clear 0.9), for 60 s / 20 s, repeat 1 h. */
static struct alert_obs obs(const char *ap, const char *room, double value)
{
	struct alert_obs o;
	memset(&o, 0, sizeof o);
	strcpy(o.rule, "ap_over_capacity");
	alert_obs_label(&o, "ap", ap);
	alert_obs_label(&o, "room", room);
	o.value = value;
	o.warn = 0.8;
	o.clear_warn = 0.72;
	o.crit = 1.0;
	o.clear_crit = 0.9;
	o.for_warn = 60;
	o.for_crit = 20;
	o.repeat = 3600;
	o.group_wait = -1;
	snprintf(o.summary, sizeof o.summary, "AP %s at %.2f", ap, value);
	return o;
}

static struct alert_core *core_new(double group_wait, double group_interval)
{
	struct alert_core *c = malloc(sizeof *c);
	alert_core_init(c, group_wait, group_interval);
	return c;
}

static void core_del(struct alert_core *c)
{
	alert_core_free(c);
	free(c);
}

static void eval1(struct alert_core *c, struct alert_obs o, double t)
{
	alert_core_clear_out(c);
	alert_core_evaluate(c, &o, 1, t);
}

static size_t count_events(const struct alert_core *c, const char *event)
{
	size_t i, n = 0;
	json_t *e;
	json_array_foreach(c->out_log, i, e)
		n += strcmp(json_string_value(json_object_get(e, "event")), event) == 0;
	return n;
}

static const char *note_type(const struct alert_core *c, size_t i)
{
	return json_string_value(json_object_get(json_array_get(c->out_notifications, i), "type"));
}

static void test_fingerprint_stable(void **state)
{
	struct alert_obs a = obs("h1", "hall", 0), b;
	memset(&b, 0, sizeof b);
	strcpy(b.rule, "ap_over_capacity");
	alert_obs_label(&b, "room", "hall");	/* other label order */
	alert_obs_label(&b, "ap", "h1");
	char fa[ALERT_FP_LEN], fb[ALERT_FP_LEN], fc[ALERT_FP_LEN];
	alert_fingerprint(a.rule, a.labels, a.n_labels, fa);
	alert_fingerprint(b.rule, b.labels, b.n_labels, fb);
	assert_string_equal(fa, fb);
	alert_obs_label(&b, "band", "5");
	alert_fingerprint(b.rule, b.labels, b.n_labels, fc);
	assert_string_not_equal(fa, fc);
	assert_int_equal(strlen(fa), 16);
}

static void test_for_duration_then_fire(void **state)
{
	struct alert_core *c = core_new(0, 300);
	eval1(c, obs("h1", "hall", 0.85), T0);
	struct alert_rec *r = &c->recs[0];
	assert_int_equal(r->state, AS_PENDING);
	eval1(c, obs("h1", "hall", 0.85), T0 + 59);
	assert_int_equal(r->state, AS_PENDING);
	assert_int_equal(json_array_size(c->out_notifications), 0);
	eval1(c, obs("h1", "hall", 0.85), T0 + 60);
	assert_int_equal(r->state, AS_FIRING);
	assert_int_equal(r->sev, SEV_WARN);
	assert_int_equal(count_events(c, "firing"), 1);
	/* group_wait 0: the first notice goes out on the same evaluation */
	assert_int_equal(json_array_size(c->out_notifications), 1);
	assert_string_equal(note_type(c, 0), "firing");
	core_del(c);
}

static void test_pending_cleared_never_fires(void **state)
{
	struct alert_core *c = core_new(0, 300);
	eval1(c, obs("h1", "hall", 0.85), T0);
	eval1(c, obs("h1", "hall", 0.5), T0 + 30);
	assert_int_equal(count_events(c, "pending_cleared"), 1);
	eval1(c, obs("h1", "hall", 0.85), T0 + 40);
	eval1(c, obs("h1", "hall", 0.85), T0 + 90);	/* only 50 s since it came back */
	assert_int_equal(c->recs[0].state, AS_PENDING);
	core_del(c);
}

static void test_hysteresis(void **state)
{
	struct alert_core *c = core_new(0, 300);
	double t = T0;
	eval1(c, obs("h1", "hall", 0.85), t);
	eval1(c, obs("h1", "hall", 0.85), t += 60);
	assert_int_equal(c->recs[0].state, AS_FIRING);
	/* Between clear (0.72) and enter (0.8): stays firing, no new notice. */
	const double wobble[] = { 0.75, 0.79, 0.73, 0.78, 0.74 };
	for (size_t i = 0; i < 5; i++) {
		eval1(c, obs("h1", "hall", wobble[i]), t += 10);
		assert_int_equal(c->recs[0].state, AS_FIRING);
		assert_int_equal(json_array_size(c->out_notifications), 0);
	}
	eval1(c, obs("h1", "hall", 0.70), t += 10);
	assert_int_equal(c->recs[0].state, AS_RESOLVED);
	/* Crit enters at 1.0 and leaves below 0.9 (to warn, still firing). */
	eval1(c, obs("h1", "hall", 1.05), t += 10);
	eval1(c, obs("h1", "hall", 1.05), t += 20);
	assert_int_equal(c->recs[0].sev, SEV_CRIT);
	eval1(c, obs("h1", "hall", 0.95), t += 10);
	assert_int_equal(c->recs[0].sev, SEV_CRIT);
	eval1(c, obs("h1", "hall", 0.88), t += 10);
	assert_int_equal(c->recs[0].state, AS_FIRING);
	assert_int_equal(c->recs[0].sev, SEV_WARN);
	assert_int_equal(count_events(c, "deescalated"), 1);
	core_del(c);
}

static void test_crit_mutes_warn(void **state)
{
	struct alert_core *c = core_new(0, 300);
	/* Straight to crit: crit's 20 s beat warn's 60 s; one crit notice, no warn. */
	eval1(c, obs("h1", "hall", 1.2), T0);
	eval1(c, obs("h1", "hall", 1.2), T0 + 20);
	assert_int_equal(json_array_size(c->out_notifications), 1);
	json_t *a = json_array_get(json_object_get(json_array_get(c->out_notifications, 0),
						   "alerts"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "severity")), "crit");
	eval1(c, obs("h1", "hall", 1.2), T0 + 60);
	eval1(c, obs("h1", "hall", 1.2), T0 + 400);
	assert_int_equal(json_array_size(c->out_notifications), 0);
	core_del(c);
}

static void test_repeat_and_resolve(void **state)
{
	struct alert_core *c = core_new(0, 300);
	double t = T0;
	eval1(c, obs("h1", "hall", 0.85), t);
	eval1(c, obs("h1", "hall", 0.85), t += 60);
	assert_int_equal(json_array_size(c->out_notifications), 1);
	size_t repeats = 0;
	for (int i = 0; i < 2 * 360; i++) {	/* two hours at 10 s */
		eval1(c, obs("h1", "hall", 0.85), t += 10);
		repeats += count_events(c, "repeat");
	}
	assert_int_equal(repeats, 2);
	eval1(c, obs("h1", "hall", 0.1), t += 10);
	assert_int_equal(c->recs[0].state, AS_RESOLVED);
	/* resolved goes out at the next group tick, within group_interval */
	size_t resolved = 0;
	for (int i = 0; i < 31; i++) {
		resolved += json_array_size(c->out_notifications);
		if (json_array_size(c->out_notifications))
			assert_string_equal(note_type(c, 0), "resolved");
		eval1(c, obs("h1", "hall", 0.1), t += 10);
	}
	assert_int_equal(resolved, 1);
	core_del(c);
}

static void test_resolve_within_group_wait_sends_nothing(void **state)
{
	struct alert_core *c = core_new(30, 300);
	struct alert_obs o = obs("h1", "hall", 1.2);
	o.for_crit = 0;
	eval1(c, o, T0);
	assert_int_equal(c->recs[0].state, AS_FIRING);
	o.value = 0.1;
	eval1(c, o, T0 + 10);
	assert_int_equal(count_events(c, "resolved_unsent"), 1);
	for (double t = T0 + 20; t < T0 + 400; t += 10) {
		eval1(c, o, t);
		assert_int_equal(json_array_size(c->out_notifications), 0);
	}
	core_del(c);
}

static void eval_many(struct alert_core *c, struct alert_obs *o, size_t n, double t)
{
	alert_core_clear_out(c);
	alert_core_evaluate(c, o, n, t);
}

static void test_grouping_by_room(void **state)
{
	struct alert_core *c = core_new(30, 300);
	struct alert_obs o[6];
	const char *aps[] = { "a1", "a2", "a3", "a4", "b1", "b2" };
	for (size_t i = 0; i < 6; i++) {
		o[i] = obs(aps[i], i < 4 ? "hall-a" : "hall-b", 1.2);
		o[i].for_crit = 0;
	}
	eval_many(c, o, 3, T0);			/* a1..a3 fire */
	assert_int_equal(json_array_size(c->out_notifications), 0);
	eval_many(c, o, 6, T0 + 10);		/* a4, b1, b2 join */
	eval_many(c, o, 6, T0 + 20);
	assert_int_equal(json_array_size(c->out_notifications), 0);
	eval_many(c, o, 6, T0 + 30);		/* hall-a's group_wait is over */
	assert_int_equal(json_array_size(c->out_notifications), 1);
	json_t *n = json_array_get(c->out_notifications, 0);
	assert_string_equal(json_string_value(json_object_get(n, "group")),
			    "ap_over_capacity/hall-a");
	assert_int_equal(json_array_size(json_object_get(n, "alerts")), 4);
	eval_many(c, o, 6, T0 + 40);		/* hall-b */
	assert_int_equal(json_array_size(c->out_notifications), 1);
	assert_int_equal(json_array_size(json_object_get(json_array_get(c->out_notifications, 0),
							 "alerts")), 2);
	/* a new AP in hall-a waits for the group interval, not its own wait */
	struct alert_obs more[7];
	memcpy(more, o, sizeof o);
	more[6] = obs("a5", "hall-a", 1.2);
	more[6].for_crit = 0;
	size_t sent = 0;
	double t;
	for (t = T0 + 50; t < T0 + 330; t += 10) {
		eval_many(c, more, 7, t);
		sent += json_array_size(c->out_notifications);
	}
	assert_int_equal(sent, 0);
	eval_many(c, more, 7, T0 + 330);
	assert_int_equal(json_array_size(c->out_notifications), 1);
	assert_int_equal(json_array_size(json_object_get(json_array_get(c->out_notifications, 0),
							 "alerts")), 5);
	core_del(c);
}

/* Thousands of records in hundreds of groups: each group is told once
 * with exactly its own alerts, each way, and idle records go. */
static void test_many_groups(void **state)
{
	enum { ROOMS = 300, PER_ROOM = 10, N = ROOMS * PER_ROOM };
	struct alert_core *c = core_new(30, 300);
	struct alert_obs *o = calloc(N, sizeof *o);
	char ap[32], room[32];
	for (size_t i = 0; i < N; i++) {
		snprintf(ap, sizeof ap, "ap%zu", i);
		snprintf(room, sizeof room, "room%zu", i % ROOMS);
		o[i] = obs(ap, room, 1.2);
		o[i].for_crit = 0;
	}
	eval_many(c, o, N, T0);
	assert_int_equal(c->n_recs, N);
	assert_int_equal(c->n_groups, ROOMS);
	eval_many(c, o, N, T0 + 30);
	assert_int_equal(json_array_size(c->out_notifications), ROOMS);
	size_t k;
	json_t *n;
	json_array_foreach(c->out_notifications, k, n) {
		const char *group = json_string_value(json_object_get(n, "group"));
		json_t *alerts = json_object_get(n, "alerts");
		assert_int_equal(json_array_size(alerts), PER_ROOM);
		for (size_t j = 0; j < PER_ROOM; j++) {
			const char *r = json_string_value(json_object_get(
				json_object_get(json_array_get(alerts, j), "labels"), "room"));
			assert_non_null(strstr(group, r));
			assert_string_equal(strchr(group, '/') + 1, r);
		}
	}
	char fp[ALERT_FP_LEN];
	alert_fingerprint(o[N - 1].rule, o[N - 1].labels, o[N - 1].n_labels, fp);
	assert_non_null(alert_core_find(c, fp));
	for (size_t i = 0; i < N; i++)
		o[i].value = 0.1;
	eval_many(c, o, N, T0 + 40);
	eval_many(c, o, N, T0 + 340);		/* the group interval is over */
	assert_int_equal(json_array_size(c->out_notifications), ROOMS);
	assert_string_equal(note_type(c, 0), "resolved");
	eval_many(c, o, 0, T0 + 350);		/* nothing observed: records go */
	assert_int_equal(c->n_recs, 0);
	assert_int_equal(c->n_groups, 0);
	assert_null(alert_core_find(c, fp));
	eval_many(c, o, 1, T0 + 360);		/* and come back, found again */
	assert_int_equal(c->n_recs, 1);
	alert_fingerprint(o[0].rule, o[0].labels, o[0].n_labels, fp);
	assert_non_null(alert_core_find(c, fp));
	free(o);
	core_del(c);
}

static void test_target_down_inhibits_its_aps(void **state)
{
	struct alert_core *c = core_new(0, 300);
	struct alert_obs o[2];
	o[0] = obs("h1", "hall", 1.2);
	alert_obs_label(&o[0], "target", "wlc1");
	o[0].for_crit = 0;
	memset(&o[1], 0, sizeof o[1]);
	strcpy(o[1].rule, "target_down");
	alert_obs_label(&o[1], "target", "wlc1");
	o[1].value = 1;
	o[1].warn = NAN;
	o[1].crit = o[1].clear_crit = 1;
	o[1].group_wait = -1;
	eval_many(c, o, 2, T0);
	assert_int_equal(json_array_size(c->out_notifications), 1);
	json_t *n = json_array_get(c->out_notifications, 0);
	assert_string_equal(json_string_value(json_object_get(n, "rule")), "target_down");
	assert_int_equal(count_events(c, "inhibited"), 1);
	/* the AP alert still fires and shows as inhibited */
	json_t *alerts = alert_core_alerts_json(c, T0);
	size_t i;
	json_t *a;
	bool seen = false;
	json_array_foreach(alerts, i, a)
		if (strcmp(json_string_value(json_object_get(a, "rule")), "ap_over_capacity") == 0)
			seen = json_object_get(a, "inhibited_by") != NULL;
	assert_true(seen);
	json_decref(alerts);
	/* target back: the AP's own notice goes out now */
	o[1].value = 0;
	eval_many(c, o, 2, T0 + 10);
	eval_many(c, o, 2, T0 + 310);
	size_t ap_notes = 0;
	json_array_foreach(c->out_notifications, i, a)
		ap_notes += strcmp(json_string_value(json_object_get(a, "rule")), "ap_over_capacity") == 0;
	assert_int_equal(ap_notes, 1);
	core_del(c);
}

static void test_flapping_one_notice_each_way(void **state)
{
	struct alert_core *c = core_new(0, 60);
	struct alert_obs o = obs("h1", "hall", 0);
	o.for_warn = o.for_crit = 0;
	double t = T0;
	size_t flapping = 0, stable = 0, firing = 0, resolved = 0;
	for (int i = 0; i < 40; i++) {
		o.value = i % 2 ? 0.9 : 0.1;	/* in and out every poll */
		eval1(c, o, t += 30);
		for (size_t k = 0; k < json_array_size(c->out_notifications); k++) {
			const char *type = note_type(c, k);
			flapping += strcmp(type, "flapping") == 0;
			firing += strcmp(type, "firing") == 0;
			resolved += strcmp(type, "resolved") == 0;
		}
	}
	assert_true(c->recs[0].flapping);
	assert_int_equal(flapping, 1);
	assert_true(firing <= 3);		/* before the history filled up */
	assert_true(resolved <= 3);
	for (int i = 0; i < 40; i++) {		/* then it stays up */
		o.value = 0.9;
		eval1(c, o, t += 30);
		for (size_t k = 0; k < json_array_size(c->out_notifications); k++) {
			stable += strcmp(note_type(c, k), "stable") == 0;
			flapping += strcmp(note_type(c, k), "flapping") == 0;
		}
	}
	assert_false(c->recs[0].flapping);
	assert_int_equal(stable, 1);
	assert_int_equal(flapping, 1);
	core_del(c);
}

static void test_no_data_holds_state(void **state)
{
	struct alert_core *c = core_new(0, 300);
	struct alert_obs o = obs("h1", "hall", 1.2);
	o.for_crit = 0;
	eval1(c, o, T0);
	o.value = NAN;
	for (int i = 1; i < 20; i++)
		eval1(c, o, T0 + i * 10);
	assert_int_equal(c->recs[0].state, AS_FIRING);
	assert_int_equal(count_events(c, "resolved"), 0);
	core_del(c);
}

static json_t *silence_body(double starts, double ends, const char *name, const char *value)
{
	return json_pack("{s:[{s:s, s:s, s:b}], s:f, s:f, s:s, s:s}", "matchers", "name", name,
			 "value", value, "isRegex", 0, "startsAt", starts, "endsAt", ends,
			 "createdBy", "noc", "comment", "replacing the AP");
}

static void test_silence_validation(void **state)
{
	struct alert_silence s;
	char err[160];
	json_t *ok = silence_body(T0, T0 + 3600, "ap", "h1");
	assert_int_equal(alert_silence_parse(ok, T0, &s, err, sizeof err), 0);
	json_decref(ok);
	json_t *bad[] = {
		json_string("nope"),
		json_pack("{s:[], s:f, s:s, s:s}", "matchers", "endsAt", T0 + 10, "createdBy", "x",
			  "comment", "y"),
		json_pack("{s:[{s:s, s:s}], s:s, s:s}", "matchers", "name", "ap", "value", "h1",
			  "createdBy", "x", "comment", "no end"),
		silence_body(T0 + 100, T0 + 50, "ap", "h1"),		/* ends before start */
		silence_body(T0, T0 + 40 * 86400.0, "ap", "h1"),	/* over 30 days */
		silence_body(T0, T0 + 60, "ap-name", "h1"),		/* bad label name */
		json_pack("{s:[{s:s, s:s, s:b}], s:s, s:s, s:s}", "matchers", "name", "ap", "value",
			  "(", "isRegex", 1, "endsAt", "2030-01-01T00:00:00Z", "createdBy", "x",
			  "comment", "bad regex"),
		json_pack("{s:[{s:s, s:s}], s:s, s:s, s:s}", "matchers", "name", "ap", "value", "h1",
			  "endsAt", "tomorrow", "createdBy", "x", "comment", "bad time"),
		json_pack("{s:[{s:s, s:s}], s:f, s:s}", "matchers", "name", "ap", "value", "h1",
			  "endsAt", T0 + 60, "comment", "no author"),
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = '\0';
		assert_int_equal(alert_silence_parse(bad[i], T0, &s, err, sizeof err), -1);
		assert_true(strlen(err) > 0);
		json_decref(bad[i]);
	}
	json_t *rfc = json_pack("{s:[{s:s, s:s}], s:s, s:s, s:s}", "matchers", "name", "room",
				"value", "hall", "endsAt", "2027-05-14T10:00:00+02:00", "createdBy",
				"x", "comment", "y");
	assert_int_equal(alert_silence_parse(rfc, 1810000000.0 - 86400, &s, err, sizeof err), 0);
	assert_true(fabs(s.ends - 1810281600.0) < 1);	/* 08:00Z */
	json_decref(rfc);
}

static void test_ack_validation(void **state)
{
	char author[64], err[160];
	json_t *body = json_pack("{s:s}", "author", "ana");
	assert_int_equal(alert_ack_parse("0123456789abcdef", body, author, sizeof author, err,
					 sizeof err), 0);
	assert_string_equal(author, "ana");
	assert_int_equal(alert_ack_parse("0123", body, author, sizeof author, err, sizeof err), -1);
	assert_int_equal(alert_ack_parse("0123456789abcdeg", body, author, sizeof author, err,
					 sizeof err), -1);
	assert_int_equal(alert_ack_parse("../../etc/passwd", body, author, sizeof author, err,
					 sizeof err), -1);
	assert_int_equal(alert_ack_parse(NULL, body, author, sizeof author, err, sizeof err), -1);
	json_decref(body);
	json_t *bad[] = { json_pack("{s:i}", "author", 3), json_pack("{s:s}", "author", ""),
			  json_array(), json_pack("{s:s, s:i}", "author", "a", "comment", 1) };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(alert_ack_parse("0123456789abcdef", bad[i], author, sizeof author,
						 err, sizeof err), -1);
		json_decref(bad[i]);
	}
	assert_int_equal(alert_ack_parse("0123456789abcdef", NULL, author, sizeof author, err,
					 sizeof err), -1);
}

static void test_silence_and_ack_mute_only_notifications(void **state)
{
	struct alert_core *c = core_new(0, 300);
	struct alert_silence s;
	char err[160];
	json_t *b = silence_body(T0, T0 + 600, "ap", "h1");
	assert_int_equal(alert_silence_parse(b, T0, &s, err, sizeof err), 0);
	json_decref(b);
	strcpy(s.id, "11111111-2222-4333-8444-555555555555");
	alert_core_add_silence(c, &s, T0);
	struct alert_obs o[2] = { obs("h1", "hall", 1.2), obs("h2", "hall", 1.2) };
	o[0].for_crit = o[1].for_crit = 0;
	eval_many(c, o, 2, T0);
	assert_int_equal(json_array_size(c->out_notifications), 1);
	json_t *alerts = json_object_get(json_array_get(c->out_notifications, 0), "alerts");
	assert_int_equal(json_array_size(alerts), 1);	/* only h2 */
	assert_int_equal(count_events(c, "silenced"), 1);
	assert_int_equal(c->recs[0].state, AS_FIRING);	/* state still changes */
	/* ack h2: its reminders stop */
	assert_int_equal(alert_core_ack(c, c->recs[1].fp, "ana", T0 + 1), 0);
	assert_int_equal(alert_core_ack(c, "ffffffffffffffff", "ana", T0 + 1), -1);
	/* the silence ends: h1's first notice goes out at the next group tick */
	size_t sent = 0;
	for (double t = T0 + 10; t < T0 + 3 * 3600; t += 60) {
		eval_many(c, o, 2, t);
		sent += json_array_size(c->out_notifications);
	}
	assert_int_equal(sent, 1 + 2);	/* h1 after the silence, then h1's hourly repeats */
	core_del(c);
}

static json_t *regex_body(double starts, const char *value)
{
	return json_pack("{s:[{s:s, s:s, s:b}], s:f, s:f, s:s, s:s}", "matchers", "name", "ap",
			 "value", value, "isRegex", 1, "startsAt", starts, "endsAt", starts + 600,
			 "createdBy", "noc", "comment", "a regex");
}

/* Patterns whose automaton explodes (nested or large counted
 * repetitions) or that backtrack (backreferences) are refused when the
 * silence is made; ordinary ones pass. */
static void test_costly_regex_refused(void **state)
{
	const char *costly[] = {
		"((a{1,100}){1,100}){1,100}", "(a+)+", "a**", "(x*)*",
		"a{101}", "a{1,1000}", "(.)\\1", "(abcdefghijk){100}",
		"a{99}b{99}c{99}d{99}e{99}f{99}g{99}h{99}i{99}j{99}k{99}",
	};
	struct alert_silence s;
	char err[160];
	for (size_t i = 0; i < sizeof costly / sizeof *costly; i++) {
		json_t *b = regex_body(T0, costly[i]);
		err[0] = '\0';
		if (alert_silence_parse(b, T0, &s, err, sizeof err) == 0)
			fprintf(stderr, "accepted: %s\n", costly[i]);
		assert_int_equal(alert_silence_parse(b, T0, &s, err, sizeof err), -1);
		assert_non_null(strstr(err, "regex"));
		json_decref(b);
	}
	const char *fine[] = { "h[0-9]+", "(hall|lobby)-ap[0-9]{1,3}", "ap-[a-z]*-[0-9]?",
			       "[]a]+x", "[[:digit:]]{2}", "a{2}b{3}", "\\(x\\)+" };
	for (size_t i = 0; i < sizeof fine / sizeof *fine; i++) {
		json_t *b = regex_body(T0, fine[i]);
		if (alert_silence_parse(b, T0, &s, err, sizeof err) != 0)
			fprintf(stderr, "refused: %s: %s\n", fine[i], err);
		assert_int_equal(alert_silence_parse(b, T0, &s, err, sizeof err), 0);
		json_decref(b);
	}
}

/* A regex silence is compiled when it is made, not for every alert on
 * every tick, and matches the whole value. */
static void test_regex_compiled_once(void **state)
{
	struct alert_core *c = core_new(0, 300);
	struct alert_silence s;
	char err[160];
	json_t *b = regex_body(T0, "h[0-9]");
	assert_int_equal(alert_silence_parse(b, T0, &s, err, sizeof err), 0);
	json_decref(b);
	strcpy(s.id, "11111111-2222-4333-8444-555555555555");
	alert_core_add_silence(c, &s, T0);
	unsigned long compiled = c->regex_compiles;
	assert_int_equal(compiled, 1);
	struct alert_obs o[3] = { obs("h1", "hall", 1.2), obs("h2", "hall", 1.2),
				  obs("h12", "hall", 1.2) };
	o[0].for_crit = o[1].for_crit = o[2].for_crit = 0;
	for (double t = T0; t < T0 + 100; t += 10)
		eval_many(c, o, 3, t);
	assert_int_equal(c->regex_compiles, compiled);
	size_t muted = 0;
	for (size_t i = 0; i < c->n_recs; i++)
		muted += strcmp(c->recs[i].muted_by, s.id) == 0;
	assert_int_equal(muted, 2);	/* h1 and h2, not h12 */

	/* saved and loaded: compiled once more, at load */
	json_t *saved = alert_core_save(c);
	struct alert_core *d = core_new(0, 300);
	assert_int_equal(alert_core_load(d, saved, err, sizeof err), 0);
	assert_int_equal(d->n_silences, 1);
	assert_int_equal(d->regex_compiles, 1);
	json_decref(saved);
	core_del(d);
	core_del(c);
}

/* A costly silence saved before the bounds is dropped at load (with a
 * warning), the others kept; so is anything past the cap. */
static void test_costly_saved_silence_dropped(void **state)
{
	json_t *sil = json_array();
	for (int i = 0; i < ALERT_SILENCES_MAX + 2; i++) {
		char id[40];
		snprintf(id, sizeof id, "11111111-2222-4333-8444-%012d", i);
		json_array_append_new(sil, json_pack("{s:s, s:[{s:s, s:s, s:b, s:b}], s:f, s:f, s:f, s:s, s:s}",
			"id", id, "matchers", "name", "ap", "value",
			i == 0 ? "((a{1,100}){1,100}){1,100}" : "h[0-9]", "isRegex", 1, "isEqual", 1,
			"starts", T0, "ends", T0 + 600, "created", T0, "createdBy", "noc",
			"comment", "old"));
	}
	json_t *state_doc = json_pack("{s:i, s:[], s:o}", "version", 1, "alerts", "silences", sil);
	struct alert_core *c = core_new(0, 300);
	char err[128];
	assert_int_equal(alert_core_load(c, state_doc, err, sizeof err), 0);
	assert_int_equal(c->n_silences, ALERT_SILENCES_MAX);
	assert_string_equal(c->silences[0].id, "11111111-2222-4333-8444-000000000001");
	json_decref(state_doc);
	core_del(c);
}

static void test_persistence_round_trip(void **state)
{
	struct alert_core *c = core_new(0, 300);
	struct alert_obs o = obs("h1", "hall", 1.2);
	o.for_crit = 0;
	eval1(c, o, T0);
	assert_int_equal(json_array_size(c->out_notifications), 1);
	json_t *saved = alert_core_save(c);
	char *text = json_dumps(saved, 0);
	json_decref(saved);
	core_del(c);

	/* a restart: same state, no second notice for the same alert */
	struct alert_core *d = core_new(0, 300);
	json_t *loaded = json_loads(text, 0, NULL);
	char err[128];
	assert_int_equal(alert_core_load(d, loaded, err, sizeof err), 0);
	json_decref(loaded);
	free(text);
	assert_int_equal(d->n_recs, 1);
	assert_int_equal(d->recs[0].state, AS_FIRING);
	for (double t = T0 + 10; t < T0 + 600; t += 10) {
		eval1(d, o, t);
		assert_int_equal(json_array_size(d->out_notifications), 0);
	}
	json_t *garbage = json_pack("{s:i, s:[s, {s:s}]}", "version", 1, "alerts", "x", "rule", "y");
	assert_int_equal(alert_core_load(d, garbage, err, sizeof err), 0);	/* skipped, no crash */
	json_decref(garbage);
	json_t *wrong = json_pack("{s:i}", "version", 7);
	assert_int_equal(alert_core_load(d, wrong, err, sizeof err), -1);
	json_decref(wrong);
	core_del(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint_stable),
		cmocka_unit_test(test_for_duration_then_fire),
		cmocka_unit_test(test_pending_cleared_never_fires),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_crit_mutes_warn),
		cmocka_unit_test(test_repeat_and_resolve),
		cmocka_unit_test(test_resolve_within_group_wait_sends_nothing),
		cmocka_unit_test(test_grouping_by_room),
		cmocka_unit_test(test_many_groups),
		cmocka_unit_test(test_target_down_inhibits_its_aps),
		cmocka_unit_test(test_flapping_one_notice_each_way),
		cmocka_unit_test(test_no_data_holds_state),
		cmocka_unit_test(test_silence_validation),
		cmocka_unit_test(test_ack_validation),
		cmocka_unit_test(test_silence_and_ack_mute_only_notifications),
		cmocka_unit_test(test_costly_regex_refused),
		cmocka_unit_test(test_regex_compiled_once),
		cmocka_unit_test(test_costly_saved_silence_dropped),
		cmocka_unit_test(test_persistence_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
