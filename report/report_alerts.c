/* The report's alert timeline, read from the alert log through base/eventlog. */
/*
 * Decisions of one alert are folded into fired / acked / resolved, its
 * severity the worst it fired at (escalations included). Every line of
 * the log is classified: a decision about an alert, a record of the
 * notifications and silences (counted), or malformed (counted, skipped).
 */
#include "config.h"
#include "report/report.h"
#include "base/eventlog.h"
#include "base/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str_field(json_t *o, const char *const *names)
{
	for (; *names; names++) {
		json_t *v = json_object_get(o, *names);
		if (json_is_string(v))
			return json_string_value(v);
	}
	return NULL;
}

/* "2027-05-14T10:00:00Z", "...+02:00", "2027-05-14 10:00:00" (local), or epoch. */
static time_t parse_when(json_t *v)
{
	if (json_is_number(v))
		return (time_t)json_number_value(v);
	if (!json_is_string(v))
		return 0;
	const char *s = json_string_value(v);
	struct tm tm = { 0 };
	const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		rest = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
	if (!rest)
		return 0;
	if (*rest == '.')
		while (*++rest >= '0' && *rest <= '9')
			;
	if (*rest == 'Z' || *rest == '+' || *rest == '-') {
		long off = 0;
		int hh = 0, mm = 0;
		if (*rest != 'Z' && sscanf(rest + 1, "%2d:%2d", &hh, &mm) >= 1)
			off = (hh * 3600L + mm * 60L) * (*rest == '-' ? -1 : 1);
		return timegm(&tm) - off;
	}
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static time_t when_field(json_t *o)
{
	static const char *const names[] = { "time", "ts", "at", "timestamp", NULL };
	for (const char *const *n = names; *n; n++) {
		json_t *v = json_object_get(o, *n);
		if (v)
			return parse_when(v);
	}
	return 0;
}

enum decision { D_UNKNOWN, D_OTHER, D_FIRED, D_ESCALATED, D_ACKED, D_RESOLVED, D_RECORD };

/* The events of base/eventlog.h's alert log (alerts/alert.h lists them)
 * and the words other tools write. */
static const struct {
	const char *name;
	enum decision d;
} events[] = {
	{ "firing", D_FIRED }, { "fired", D_FIRED }, { "fire", D_FIRED },
	{ "escalated", D_ESCALATED },
	{ "resolved", D_RESOLVED }, { "resolved_unsent", D_RESOLVED }, { "resolve", D_RESOLVED },
	{ "acked", D_ACKED }, { "ack", D_ACKED }, { "acknowledged", D_ACKED },
	/* the alert engine's other decisions about one alert */
	{ "pending", D_OTHER }, { "pending_cleared", D_OTHER }, { "deescalated", D_OTHER },
	{ "flapping_start", D_OTHER }, { "flapping_stop", D_OTHER }, { "inhibited", D_OTHER },
	{ "silenced", D_OTHER }, { "ack_cleared", D_OTHER }, { "unsilenced", D_OTHER },
	{ "suppressed_flapping", D_OTHER },
	/* records of notifications and silences: about a group, a
	 * notification or a silence, not one alert */
	{ "notified", D_RECORD }, { "repeat", D_RECORD }, { "silence_created", D_RECORD },
	{ "silence_expired", D_RECORD }, { "spooled", D_RECORD }, { "sent", D_RECORD },
	{ "retry", D_RECORD }, { "failed", D_RECORD }, { "fallback", D_RECORD },
	{ "dropped", D_RECORD }, { "expired", D_RECORD }, { "unrouted", D_RECORD },
};

static enum decision decision_of(json_t *o)
{
	static const char *const names[] = { "transition", "event", "action", "to", "state", NULL };
	const char *s = str_field(o, names);
	if (!s)
		return D_UNKNOWN;
	for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
		if (strcmp(s, events[i].name) == 0)
			return events[i].d;
	return D_UNKNOWN;
}

static int severity_rank(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "crit") || !strcmp(s, "critical"))
		return 3;
	if (!strcmp(s, "warn") || !strcmp(s, "warning"))
		return 2;
	return 1;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static char *entity_of(json_t *o)
{
	static const char *const names[] = { "entity", NULL };
	const char *e = str_field(o, names);
	if (e)
		return xstrdup(e);
	/* the alert engine labels an alert with what it is about; the most
	 * specific label names the entity */
	static const char *const kinds[] = { "entity", "ap", "uplink", "pool", "target", "room",
					     NULL };
	json_t *labels = json_object_get(o, "labels");
	for (const char *const *k = kinds; *k; k++) {
		json_t *v = json_object_get(labels, *k);
		if (json_is_string(v))
			return strcmp(*k, "entity") == 0 ? xstrdup(json_string_value(v)) :
				xasprintf("%s:%s", *k, json_string_value(v));
	}
	return NULL;
}

/* The open record of an alert id, or a new one. */
static struct report_alert *record_for(struct report *r, const char *id, enum decision d,
				       size_t *cap)
{
	for (size_t i = r->n_alerts; i-- > 0;) {
		struct report_alert *a = &r->alerts[i];
		if (a->id && strcmp(a->id, id) == 0) {
			if (d == D_FIRED && a->resolved)
				break;	/* fired again: a new incident */
			return a;
		}
	}
	if (r->n_alerts == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		r->alerts = xrealloc(r->alerts, *cap * sizeof *r->alerts);
	}
	struct report_alert *a = &r->alerts[r->n_alerts++];
	memset(a, 0, sizeof *a);
	a->id = xstrdup(id);
	return a;
}

static void fold(struct report_alert *a, json_t *o, enum decision d, time_t when)
{
	static const char *const rule[] = { "rule", "name", NULL };
	static const char *const sev[] = { "severity", "level", NULL };
	static const char *const sum[] = { "summary", "message", "text", NULL };
	static const char *const by[] = { "acked_by", "by", "user", NULL };
	if (!a->rule)
		a->rule = dup_or_null(str_field(o, rule));
	if (!a->entity)
		a->entity = entity_of(o);
	const char *s = str_field(o, sev);
	/* the worst severity it fired at, and what it said then; an ack or
	 * resolution says nothing new about that */
	bool worse = (d == D_FIRED || d == D_ESCALATED) &&
		     severity_rank(s) > severity_rank(a->severity);
	if (s && (worse || !a->severity)) {
		free(a->severity);
		a->severity = xstrdup(s);
	}
	const char *text = str_field(o, sum);
	if (text && (worse || !a->summary)) {
		free(a->summary);
		a->summary = xstrdup(text);
	}
	switch (d) {
	case D_FIRED:
	case D_ESCALATED:
		if (!a->fired)
			a->fired = when;
		break;
	case D_ACKED:
		if (!a->acked)
			a->acked = when;
		if (!a->acked_by)
			a->acked_by = dup_or_null(str_field(o, by));
		break;
	case D_RESOLVED:
		a->resolved = when;
		break;
	default:
		break;
	}
}

struct reading {
	struct report *r;
	size_t cap;	/* of r->alerts */
};

/* One event of the log; its ts when it has one, else a field the report
 * also understands (time, at, timestamp). */
static int handle_event(json_t *o, double ts, void *ctx)
{
	struct reading *rd = ctx;
	struct report *r = rd->r;
	time_t when = isfinite(ts) ? (time_t)ts : when_field(o);
	enum decision d = decision_of(o);
	if (d == D_RECORD && when) {
		r->alert_lines_records++;
		return 0;
	}
	static const char *const ids[] = { "id", "alert_id", "fingerprint", NULL };
	const char *id = str_field(o, ids);
	char *fallback = NULL;
	if (!id) {
		static const char *const rule[] = { "rule", "name", NULL };
		char *entity = entity_of(o);
		const char *rn = str_field(o, rule);
		if (rn)
			id = fallback = xasprintf("%s/%s", rn, entity ? entity : "");
		free(entity);
	}
	int rc = 0;
	if (!id || !when || d == D_UNKNOWN || d == D_RECORD) {
		rc = -1;
	} else {
		r->alert_lines_alerts++;
		if (d != D_OTHER && (when <= r->to || r->to == 0))
			fold(record_for(r, id, d, &rd->cap), o, d, when);
	}
	free(fallback);
	return rc;
}

/* Incidents that ended before the window or never fired inside it go. */
static void keep_window(struct report *r)
{
	size_t k = 0;
	for (size_t i = 0; i < r->n_alerts; i++) {
		struct report_alert *a = &r->alerts[i];
		bool keep = a->fired && a->fired <= r->to &&
			    (!a->resolved || a->resolved >= r->from);
		if (keep) {
			r->alerts[k++] = *a;
			continue;
		}
		report_alert_clear(a);
	}
	r->n_alerts = k;
}

void report_alert_clear(struct report_alert *a)
{
	free(a->id);
	free(a->rule);
	free(a->entity);
	free(a->severity);
	free(a->summary);
	free(a->acked_by);
}

int report_read_alerts(struct report *r, const char *path)
{
	struct reading rd = { r, r->n_alerts };
	if (eventlog_read(path, handle_event, &rd, &r->alert_lines_bad) != 0)
		return 0;
	r->alert_log_found = true;
	keep_window(r);
	return 0;
}
