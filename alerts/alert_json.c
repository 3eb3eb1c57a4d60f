/* The alert core's JSON side: request validation, persistence, snapshots. */
#include "config.h"
#include "alerts/alert_core.h"
#include "base/eventlog.h"
#include "base/log.h"
#include "base/util.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SILENCE_MAX_SECONDS (30 * 86400.0)

static int fail(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

/* ---- request validation ---- */

/* What the last atom read was, for the quantifier that may follow. */
struct rx_atom {
	size_t cost;
	bool quantified;		/* holds or is a quantifier */
};

struct rx_frame {
	size_t cost;			/* of the group so far */
	bool quantified;
	struct rx_atom last;
};

/* {m}, {m,} or {m,n} at p: the copies glibc makes, its length in *len,
 * 0 when p is not a bound (glibc then reads '{' as a literal). */
static size_t rx_bound(const char *p, size_t *len)
{
	char *end;
	long m = strtol(p + 1, &end, 10), n = m;
	if (end == p + 1 || m < 0)
		return 0;
	if (*end == ',') {
		const char *q = end + 1;
		n = *q == '}' ? m + 1 : strtol(q, &end, 10);
		if (*q == '}')
			end = (char *)q;
		else if (end == q || n < m)
			return 0;
	}
	if (*end != '}')
		return 0;
	*len = (size_t)(end - p) + 1;
	return n > ALERT_REGEX_REPEAT_MAX || m > ALERT_REGEX_REPEAT_MAX ? SIZE_MAX : (size_t)(n ? n : 1);
}

/* The length of the bracket expression at p ("[^]a-z[:digit:]]"), 1 when
 * unterminated (regcomp refuses it later). */
static size_t rx_bracket(const char *p)
{
	const char *q = p + 1;
	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	for (; *q && *q != ']'; q++)
		if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			const char *close = strchr(q + 2, q[1]);
			if (!close || close[1] != ']')
				return 1;
			q = close + 1;
		}
	return *q ? (size_t)(q - p) + 1 : 1;
}

const char *alert_regex_too_costly(const char *pattern)
{
	struct rx_frame stack[ALERT_LABEL_VALUE_MAX + 1] = { { 0 } };
	size_t depth = 0, len = 1;
	for (const char *p = pattern; *p; p += len) {
		struct rx_frame *f = &stack[depth];
		len = 1;
		size_t copies = 0;
		if (*p == '\\' && p[1] >= '1' && p[1] <= '9')
			return "regex backreferences are not allowed in silences";
		if (*p == '*' || *p == '+' || *p == '?')
			copies = 2;
		else if (*p == '{')
			copies = rx_bound(p, &len);
		if (copies == SIZE_MAX)
			return "regex repetition counts above 100 are not allowed in silences";
		if (copies) {
			if (f->last.quantified)
				return "regex quantifiers on a quantified group are too costly for silences";
			f->cost += f->last.cost * (copies - 1);
			f->last.quantified = f->quantified = true;
		} else if (*p == '(' && depth < ALERT_LABEL_VALUE_MAX) {
			stack[++depth] = (struct rx_frame){ 0 };
		} else if (*p == ')' && depth > 0) {
			struct rx_atom group = { f->cost, f->quantified };
			f = &stack[--depth];
			f->cost += group.cost;
			f->quantified = f->quantified || group.quantified;
			f->last = group;
		} else if (*p != '|') {
			len = *p == '[' ? rx_bracket(p) : *p == '\\' && p[1] ? 2 : 1;
			f->cost++;
			f->last = (struct rx_atom){ 1, false };
		}
		if (f->cost > ALERT_REGEX_COST_MAX)
			return "regex is too costly for a silence: its repetitions expand past 1000 positions";
	}
	return NULL;
}

static bool valid_label_name(const char *s)
{
	if (!s || !*s || strlen(s) >= ALERT_LABEL_NAME_MAX)
		return false;
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool valid_text(const json_t *v, size_t max, bool required)
{
	if (!v)
		return !required;
	const char *s = json_string_value(v);
	return s && (!required || *s) && strlen(s) < max;
}

static int parse_matcher(const json_t *m, struct alert_matcher *out, char *err, size_t errlen)
{
	if (!json_is_object(m))
		return fail(err, errlen, "each matcher must be an object");
	const char *name = json_string_value(json_object_get(m, "name"));
	const char *value = json_string_value(json_object_get(m, "value"));
	if (!valid_label_name(name))
		return fail(err, errlen, "matcher name must be a label name (letters, digits, _)");
	if (!value || strlen(value) >= ALERT_LABEL_VALUE_MAX)
		return fail(err, errlen, "matcher value must be a string under 96 bytes");
	json_t *re = json_object_get(m, "isRegex"), *eq = json_object_get(m, "isEqual");
	if ((re && !json_is_boolean(re)) || (eq && !json_is_boolean(eq)))
		return fail(err, errlen, "isRegex and isEqual must be booleans");
	strlcpy_hr(out->name, name, sizeof out->name);
	strlcpy_hr(out->value, value, sizeof out->value);
	out->regex = json_is_true(re);
	out->equal = !eq || json_is_true(eq);
	out->rx = NULL;
	if (out->regex) {
		const char *why = alert_regex_too_costly(out->value);
		if (why)
			return fail(err, errlen, why);
		regex_t rx;
		if (regcomp(&rx, out->value, REG_EXTENDED | REG_NOSUB) != 0)
			return fail(err, errlen, "matcher value is not a valid regular expression");
		regfree(&rx);
	}
	return 0;
}

int alert_silence_parse(const json_t *body, double now, struct alert_silence *out,
			char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(body))
		return fail(err, errlen, "body must be a JSON object");
	json_t *matchers = json_object_get(body, "matchers");
	if (!json_is_array(matchers) || json_array_size(matchers) == 0 ||
	    json_array_size(matchers) > ALERT_MATCHERS_MAX)
		return fail(err, errlen, "matchers must be an array of 1 to 8 matchers");
	size_t i;
	json_t *m;
	json_array_foreach(matchers, i, m) {
		if (parse_matcher(m, &out->matchers[i], err, errlen) != 0)
			return -1;
	}
	out->n_matchers = json_array_size(matchers);
	json_t *starts = json_object_get(body, "startsAt");
	out->starts = starts ? eventlog_parse_time(starts) : now;
	out->ends = eventlog_parse_time(json_object_get(body, "endsAt"));
	if (isnan(out->starts))
		return fail(err, errlen, "startsAt must be RFC 3339 time or epoch seconds");
	if (isnan(out->ends))
		return fail(err, errlen, "endsAt is required (RFC 3339 time or epoch seconds)");
	if (out->ends <= out->starts || out->ends <= now)
		return fail(err, errlen, "endsAt must be after startsAt and in the future");
	if (out->ends - out->starts > SILENCE_MAX_SECONDS)
		return fail(err, errlen, "a silence may last at most 30 days");
	json_t *by = json_object_get(body, "createdBy"), *comment = json_object_get(body, "comment");
	if (!valid_text(by, sizeof out->created_by, true))
		return fail(err, errlen, "createdBy is required (a name, under 64 bytes)");
	if (!valid_text(comment, sizeof out->comment, true))
		return fail(err, errlen, "comment is required (under 256 bytes)");
	strlcpy_hr(out->created_by, json_string_value(by), sizeof out->created_by);
	strlcpy_hr(out->comment, json_string_value(comment), sizeof out->comment);
	out->created = now;
	return 0;
}

int alert_ack_parse(const char *alert_id, const json_t *body, char *author, size_t authorlen,
		    char *err, size_t errlen)
{
	if (!alert_id || strlen(alert_id) != ALERT_FP_LEN - 1)
		return fail(err, errlen, "alert id must be 16 hex digits");
	for (const char *p = alert_id; *p; p++)
		if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
			return fail(err, errlen, "alert id must be 16 hex digits");
	if (!json_is_object(body))
		return fail(err, errlen, "body must be a JSON object");
	json_t *by = json_object_get(body, "author");
	if (!valid_text(by, authorlen < 64 ? authorlen : 64, true))
		return fail(err, errlen, "author is required (a name, under 64 bytes)");
	if (!valid_text(json_object_get(body, "comment"), 256, false))
		return fail(err, errlen, "comment must be a string under 256 bytes");
	strlcpy_hr(author, json_string_value(by), authorlen);
	return 0;
}

/* ---- persistence ---- */

static json_t *labels_obj(const struct alert_label *labels, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, labels[i].name, json_string(labels[i].value));
	return o;
}

static size_t labels_from(const json_t *o, struct alert_label *labels)
{
	size_t n = 0;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		if (n == ALERT_LABELS_MAX || !json_is_string(v))
			break;
		strlcpy_hr(labels[n].name, k, sizeof labels[n].name);
		strlcpy_hr(labels[n].value, json_string_value(v), sizeof labels[n].value);
		n++;
	}
	return n;
}

static json_t *silence_json(const struct alert_silence *s)
{
	char starts[40], ends[40];
	eventlog_format_time(s->starts, starts, sizeof starts);
	eventlog_format_time(s->ends, ends, sizeof ends);
	json_t *ms = json_array();
	for (size_t i = 0; i < s->n_matchers; i++)
		json_array_append_new(ms, json_pack("{s:s, s:s, s:b, s:b}", "name",
						    s->matchers[i].name, "value",
						    s->matchers[i].value, "isRegex",
						    s->matchers[i].regex, "isEqual",
						    s->matchers[i].equal));
	return json_pack("{s:s, s:o, s:s, s:s, s:f, s:f, s:f, s:s, s:s}", "id", s->id, "matchers",
			 ms, "startsAt", starts, "endsAt", ends, "starts", s->starts, "ends",
			 s->ends, "created", s->created, "createdBy", s->created_by, "comment",
			 s->comment);
}

static bool worth_keeping(const struct alert_rec *r)
{
	if (r->state != AS_INACTIVE || r->notified || r->flapping || r->acked)
		return true;
	for (int i = 0; i < r->hist_n; i++)
		if (r->hist[i])
			return true;
	return false;
}

json_t *alert_core_save(const struct alert_core *c)
{
	json_t *alerts = json_array(), *groups = json_array(), *silences = json_array();
	for (size_t i = 0; i < c->n_recs; i++) {
		const struct alert_rec *r = &c->recs[i];
		if (!worth_keeping(r))
			continue;
		char hist[ALERT_FLAP_WINDOW + 1];
		for (int k = 0; k < r->hist_n; k++)
			hist[k] = (char)('0' + r->hist[k]);
		hist[r->hist_n] = '\0';
		json_t *o = json_pack("{s:s, s:s, s:o, s:i, s:i, s:i, s:f, s:f, s:f, s:f, s:s,"
				      " s:I, s:I, s:i, s:s, s:b, s:b, s:s, s:s}",
				      "id", r->fp, "rule", r->rule, "labels",
				      labels_obj(r->labels, r->n_labels), "level", r->level, "sev",
				      r->sev, "state", r->state, "since_warn", r->since_warn,
				      "since_crit", r->since_crit, "started", r->started, "ended",
				      r->ended, "summary", r->summary, "repeat", (json_int_t)r->repeat,
				      "group_wait", (json_int_t)r->group_wait, "notified", r->notified,
				      "hist", hist, "flapping", r->flapping, "acked", r->acked,
				      "ack_by", r->ack_by, "muted_by", r->muted_by);
		json_object_set_new(o, "value", isfinite(r->value) ? json_real(r->value) : json_null());
		json_array_append_new(alerts, o);
	}
	for (size_t i = 0; i < c->n_groups; i++)
		json_array_append_new(groups, json_pack("{s:s, s:f, s:f}", "key", c->groups[i].key,
							"next_flush", c->groups[i].next_flush,
							"last_sent", c->groups[i].last_sent));
	for (size_t i = 0; i < c->n_silences; i++)
		json_array_append_new(silences, silence_json(&c->silences[i]));
	return json_pack("{s:i, s:I, s:o, s:o, s:o}", "version", 1, "next_notification",
			 (json_int_t)c->next_notification, "alerts", alerts, "groups", groups,
			 "silences", silences);
}

static double num(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int clamp_enum(double v, int max)
{
	return v >= 0 && v <= max ? (int)v : 0;
}

static void load_rec(struct alert_core *c, const json_t *o)
{
	if (c->n_recs == c->cap_recs) {
		c->cap_recs = c->cap_recs ? c->cap_recs * 2 : 64;
		c->recs = xrealloc(c->recs, c->cap_recs * sizeof *c->recs);
	}
	struct alert_rec *r = &c->recs[c->n_recs];
	memset(r, 0, sizeof *r);
	strlcpy_hr(r->rule, str(o, "rule"), sizeof r->rule);
	r->n_labels = labels_from(json_object_get(o, "labels"), r->labels);
	alert_fingerprint(r->rule, r->labels, r->n_labels, r->fp);
	if (!r->rule[0] || strcmp(r->fp, str(o, "id")) != 0)
		return;		/* damaged entry: skipped, the rule re-derives it */
	r->level = (enum alert_sev)clamp_enum(num(o, "level"), SEV_CRIT);
	r->sev = (enum alert_sev)clamp_enum(num(o, "sev"), SEV_CRIT);
	r->state = (enum alert_state)clamp_enum(num(o, "state"), AS_RESOLVED);
	r->notified = (enum alert_sev)clamp_enum(num(o, "notified"), SEV_CRIT);
	r->since_warn = num(o, "since_warn");
	r->since_crit = num(o, "since_crit");
	r->started = num(o, "started");
	r->ended = num(o, "ended");
	json_t *v = json_object_get(o, "value");
	r->value = json_is_number(v) ? json_number_value(v) : NAN;
	strlcpy_hr(r->summary, str(o, "summary"), sizeof r->summary);
	r->repeat = (long)num(o, "repeat");
	r->group_wait = json_object_get(o, "group_wait") ? (long)num(o, "group_wait") : -1;
	const char *hist = str(o, "hist");
	for (; *hist && r->hist_n < ALERT_FLAP_WINDOW; hist++)
		r->hist[r->hist_n++] = (unsigned char)clamp_enum(*hist - '0', SEV_CRIT);
	r->flapping = json_is_true(json_object_get(o, "flapping"));
	r->acked = json_is_true(json_object_get(o, "acked"));
	strlcpy_hr(r->ack_by, str(o, "ack_by"), sizeof r->ack_by);
	strlcpy_hr(r->muted_by, str(o, "muted_by"), sizeof r->muted_by);
	r->seen = true;
	c->n_recs++;
}

static void load_silence(struct alert_core *c, const json_t *o)
{
	struct alert_silence s;
	char err[128] = "not a silence";
	json_t *body = json_pack("{s:O, s:f, s:f, s:s, s:s}", "matchers",
				 json_object_get(o, "matchers"), "startsAt", num(o, "starts"),
				 "endsAt", num(o, "ends"), "createdBy", str(o, "createdBy"),
				 "comment", str(o, "comment"));
	/* Validated as a request would be, at its own creation time. */
	int ok = body && alert_silence_parse(body, num(o, "starts"), &s, err, sizeof err) == 0;
	json_decref(body);
	if (!ok || strlen(str(o, "id")) >= sizeof s.id) {
		/* Kept from before the bounds on regexes and counts: one
		 * costly silence must not stall every tick after a restart. */
		log_warn("alerts: dropping saved silence %.40s: %s", str(o, "id"),
			 ok ? "its id is not a UUID" : err);
		return;
	}
	if (c->n_silences >= ALERT_SILENCES_MAX) {
		log_warn("alerts: dropping saved silence %s: more than %d silences",
			 str(o, "id"), ALERT_SILENCES_MAX);
		return;
	}
	strlcpy_hr(s.id, str(o, "id"), sizeof s.id);
	s.created = num(o, "created");
	alert_core_keep_silence(c, &s);
}

int alert_core_load(struct alert_core *c, const json_t *state, char *err, size_t errlen)
{
	if (!json_is_object(state) || json_integer_value(json_object_get(state, "version")) != 1)
		return fail(err, errlen, "not a version 1 alert state");
	json_int_t next = json_integer_value(json_object_get(state, "next_notification"));
	if (next > 0)
		c->next_notification = (unsigned long)next;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(state, "alerts"), i, o)
		if (json_is_object(o))
			load_rec(c, o);
	json_array_foreach(json_object_get(state, "groups"), i, o) {
		if (!json_is_object(o) || !*str(o, "key"))
			continue;
		if (c->n_groups == c->cap_groups) {
			c->cap_groups = c->cap_groups ? c->cap_groups * 2 : 16;
			c->groups = xrealloc(c->groups, c->cap_groups * sizeof *c->groups);
		}
		struct alert_group *g = &c->groups[c->n_groups++];
		strlcpy_hr(g->key, str(o, "key"), sizeof g->key);
		g->next_flush = num(o, "next_flush");
		g->last_sent = num(o, "last_sent");
	}
	json_array_foreach(json_object_get(state, "silences"), i, o)
		if (json_is_object(o))
			load_silence(c, o);
	return 0;
}

/* ---- snapshots for the web side ---- */

json_t *alert_core_alerts_json(const struct alert_core *c, double now)
{
	json_t *out = json_array();
	for (size_t i = 0; i < c->n_recs; i++) {
		const struct alert_rec *r = &c->recs[i];
		if (r->state != AS_FIRING && r->state != AS_PENDING)
			continue;
		double since = r->state == AS_FIRING ? r->started
			: (r->since_warn > 0 ? r->since_warn : r->since_crit);
		/* muted_by holds a silence id (36 chars), an alert id or "ack:" */
		bool silenced = strlen(r->muted_by) == ALERT_SILENCE_ID_LEN - 1;
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:f, s:b, s:b, s:b, s:f}",
				      "id", r->fp, "rule", r->rule, "severity",
				      alert_sev_name(r->state == AS_FIRING ? r->sev : r->level),
				      "state", alert_state_name(r->state), "labels",
				      labels_obj(r->labels, r->n_labels), "summary", r->summary,
				      "since", since, "acked", r->acked, "silenced", silenced,
				      "flapping", r->flapping, "flap_percent", r->flap_pct);
		json_object_set_new(o, "value", isfinite(r->value) ? json_real(r->value) : json_null());
		if (r->acked)
			json_object_set_new(o, "acked_by", json_string(r->ack_by));
		if (silenced)
			json_object_set_new(o, "silence", json_string(r->muted_by));
		else if (r->muted_by[0] && strncmp(r->muted_by, "ack:", 4) != 0)
			json_object_set_new(o, "inhibited_by", json_string(r->muted_by));
		json_array_append_new(out, o);
	}
	return out;
}

json_t *alert_core_silences_json(const struct alert_core *c, double now)
{
	json_t *out = json_array();
	for (size_t i = 0; i < c->n_silences; i++) {
		json_t *s = silence_json(&c->silences[i]);
		json_object_set_new(s, "active", json_boolean(c->silences[i].starts <= now));
		json_array_append_new(out, s);
	}
	return out;
}
