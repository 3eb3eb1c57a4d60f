/* The alert core: state machine, flapping, inhibition, grouping (see alert_core.h). */
#include "config.h"
#include "alerts/alert_core.h"
#include "base/eventlog.h"
#include "base/util.h"

#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const inhibitor_rules[] = { "target_down", "collector_stalled", NULL };

const char *alert_sev_name(enum alert_sev s)
{
	static const char *const names[] = { "none", "info", "warn", "crit" };
	return s <= SEV_CRIT ? names[s] : "none";
}

const char *alert_state_name(enum alert_state s)
{
	static const char *const names[] = { "inactive", "pending", "firing", "resolved" };
	return s <= AS_RESOLVED ? names[s] : "inactive";
}

void alert_obs_label(struct alert_obs *o, const char *name, const char *value)
{
	if (o->n_labels >= ALERT_LABELS_MAX || !value)
		return;
	struct alert_label *l = &o->labels[o->n_labels++];
	strlcpy_hr(l->name, name, sizeof l->name);
	strlcpy_hr(l->value, value, sizeof l->value);
}

static int label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct alert_label *)a)->name, ((const struct alert_label *)b)->name);
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;	/* separator: "ab","c" != "a","bc" */
}

void alert_fingerprint(const char *rule, const struct alert_label *labels, size_t n,
		       char out[ALERT_FP_LEN])
{
	struct alert_label sorted[ALERT_LABELS_MAX];
	if (n > ALERT_LABELS_MAX)
		n = ALERT_LABELS_MAX;
	memcpy(sorted, labels, n * sizeof *labels);
	qsort(sorted, n, sizeof *sorted, label_cmp);
	uint64_t h = fnv(1469598103934665603ULL, rule);
	for (size_t i = 0; i < n; i++)
		h = fnv(fnv(h, sorted[i].name), sorted[i].value);
	snprintf(out, ALERT_FP_LEN, "%016llx", (unsigned long long)h);
}

static const char *label_get(const struct alert_label *labels, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(labels[i].name, name) == 0)
			return labels[i].value;
	return NULL;
}

const char *alert_area(const struct alert_label *labels, size_t n)
{
	static const char *const order[] = { "room", "uplink", "pool", "target", "capture",
					     "notifier", NULL };
	for (size_t i = 0; order[i]; i++) {
		const char *v = label_get(labels, n, order[i]);
		if (v)
			return v;
	}
	return "venue";
}

void alert_core_init(struct alert_core *c, double group_wait, double group_interval)
{
	memset(c, 0, sizeof *c);
	c->group_wait = group_wait;
	c->group_interval = group_interval;	/* conf decides it, and its default */
	c->flap_high = 30;
	c->flap_low = 20;
	c->next_notification = 1;
	alert_core_clear_out(c);
}

void alert_core_clear_out(struct alert_core *c)
{
	json_decref(c->out_log);
	json_decref(c->out_notifications);
	json_decref(c->out_transitions);
	c->out_log = json_array();
	c->out_notifications = json_array();
	c->out_transitions = json_array();
}

/* Compiled once here, not per alert per tick: the request was checked
 * for cost and syntax, so a failure leaves a matcher that matches
 * nothing rather than a silence that vanishes. */
static void silence_compile(struct alert_core *c, struct alert_silence *s)
{
	for (size_t i = 0; i < s->n_matchers; i++) {
		struct alert_matcher *m = &s->matchers[i];
		m->rx = NULL;
		if (!m->regex)
			continue;
		char anchored[ALERT_LABEL_VALUE_MAX + 8];
		snprintf(anchored, sizeof anchored, "^(%s)$", m->value);
		m->rx = xmalloc(sizeof *m->rx);
		c->regex_compiles++;
		if (regcomp(m->rx, anchored, REG_EXTENDED | REG_NOSUB) != 0) {
			free(m->rx);
			m->rx = NULL;
		}
	}
}

static void silence_release(struct alert_silence *s)
{
	for (size_t i = 0; i < s->n_matchers; i++)
		if (s->matchers[i].rx) {
			regfree(s->matchers[i].rx);
			free(s->matchers[i].rx);
			s->matchers[i].rx = NULL;
		}
}

void alert_core_free(struct alert_core *c)
{
	free(c->rec_slots);
	free(c->recs);
	free(c->groups);
	for (size_t i = 0; i < c->n_silences; i++)
		silence_release(&c->silences[i]);
	free(c->silences);
	json_decref(c->out_log);
	json_decref(c->out_notifications);
	json_decref(c->out_transitions);
	memset(c, 0, sizeof *c);
}

/*
 * A venue with a thousand targets has thousands of records, each looked
 * up every tick, and as many groups: both are found through small
 * open-addressing tables (index + 1 per slot, 0 empty), never by a scan.
 */
struct key_table {
	uint32_t *slots;
	size_t mask;
};

size_t alert_index_size(size_t n)
{
	size_t size = 64;
	while (size < 2 * n)
		size *= 2;
	return size;
}

uint32_t *alert_index_probe(uint32_t *slots, size_t mask, const char *key, alert_key_fn key_at,
			    const void *ctx)
{
	size_t i = (size_t)fnv(1469598103934665603ULL, key) & mask;
	while (slots[i] && strcmp(key_at(ctx, slots[i] - 1), key) != 0)
		i = (i + 1) & mask;
	return &slots[i];
}

static const char *rec_fp_at(const void *c, size_t i)
{
	return ((const struct alert_core *)c)->recs[i].fp;
}

/* Records are appended (new or loaded) or compacted (forget_idle, which
 * resets rec_indexed): index what is new, rebuild when the table fills. */
static void rec_index_update(struct alert_core *c)
{
	if (c->rec_indexed > c->n_recs || !c->rec_slots || 2 * c->n_recs > c->rec_mask + 1) {
		size_t size = alert_index_size(c->n_recs);
		free(c->rec_slots);
		c->rec_slots = xcalloc(size, sizeof *c->rec_slots);
		c->rec_mask = size - 1;
		c->rec_indexed = 0;
	}
	for (; c->rec_indexed < c->n_recs; c->rec_indexed++) {
		uint32_t *slot = alert_index_probe(c->rec_slots, c->rec_mask,
						   c->recs[c->rec_indexed].fp, rec_fp_at, c);
		if (!*slot)	/* a duplicate from a damaged state file: the first wins */
			*slot = (uint32_t)c->rec_indexed + 1;
	}
}

struct alert_rec *alert_core_find(struct alert_core *c, const char *fp)
{
	rec_index_update(c);
	uint32_t *slot = alert_index_probe(c->rec_slots, c->rec_mask, fp, rec_fp_at, c);
	return *slot ? &c->recs[*slot - 1] : NULL;
}

static json_t *labels_json(const struct alert_label *labels, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, labels[i].name, json_string(labels[i].value));
	return o;
}

/* A log event about one alert; the caller may add fields to the result. */
static json_t *log_rec(struct alert_core *c, const char *event, const struct alert_rec *r)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "event", event, "id", r->fp,
			      "rule", r->rule, "labels", labels_json(r->labels, r->n_labels),
			      "severity", alert_sev_name(r->state == AS_FIRING ? r->sev : r->level),
			      "summary", r->summary);
	json_object_set_new(o, "value", isfinite(r->value) ? json_real(r->value) : json_null());
	json_array_append_new(c->out_log, o);
	return o;
}

static void transition(struct alert_core *c, struct alert_rec *r, enum alert_state to,
		       const char *event, double now)
{
	json_array_append_new(c->out_transitions,
			      json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:f}", "id", r->fp,
					"rule", r->rule, "labels",
					labels_json(r->labels, r->n_labels), "from",
					alert_state_name(r->state), "to", alert_state_name(to),
					"severity", alert_sev_name(to == AS_FIRING ? r->sev : r->level),
					"time", now));
	r->state = to;
	c->changed = true;
	log_rec(c, event, r);
}

static struct alert_rec *rec_for(struct alert_core *c, const struct alert_obs *o)
{
	char fp[ALERT_FP_LEN];
	alert_fingerprint(o->rule, o->labels, o->n_labels, fp);
	struct alert_rec *r = alert_core_find(c, fp);
	if (r)
		return r;
	if (c->n_recs == c->cap_recs) {
		c->cap_recs = c->cap_recs ? c->cap_recs * 2 : 64;
		c->recs = xrealloc(c->recs, c->cap_recs * sizeof *c->recs);
	}
	r = &c->recs[c->n_recs++];
	memset(r, 0, sizeof *r);
	memcpy(r->fp, fp, sizeof fp);
	strlcpy_hr(r->rule, o->rule, sizeof r->rule);
	r->n_labels = o->n_labels > ALERT_LABELS_MAX ? ALERT_LABELS_MAX : o->n_labels;
	memcpy(r->labels, o->labels, r->n_labels * sizeof *r->labels);
	r->value = NAN;
	return r;
}

/* ---- levels and the state machine ---- */

static bool beyond(const struct alert_obs *o, double level, double v)
{
	if (isnan(level))
		return false;
	return o->below ? v <= level : v >= level;
}

static enum alert_sev level_of(const struct alert_obs *o, enum alert_sev prev, double v)
{
	/* A level without an enter value is unused, whatever its clear says. */
	double crit_at = prev == SEV_CRIT && !isnan(o->clear_crit) ? o->clear_crit : o->crit;
	if (!isnan(o->crit) && beyond(o, crit_at, v))
		return SEV_CRIT;
	double warn_at = prev >= SEV_INFO && !isnan(o->clear_warn) ? o->clear_warn : o->warn;
	if (!isnan(o->warn) && beyond(o, warn_at, v))
		return o->info ? SEV_INFO : SEV_WARN;
	return SEV_NONE;
}

static void record_history(struct alert_rec *r)
{
	if (r->hist_n == ALERT_FLAP_WINDOW) {
		memmove(r->hist, r->hist + 1, ALERT_FLAP_WINDOW - 1);
		r->hist_n--;
	}
	r->hist[r->hist_n++] = (unsigned char)r->level;
}

/* Nagios: weighted share of state changes, recent ones weigh more. */
static double flap_percent(const struct alert_rec *r)
{
	double sum = 0;
	for (int i = 1; i < r->hist_n; i++)
		if (r->hist[i] != r->hist[i - 1])
			sum += 0.75 + 0.5 * (double)(i - 1) / (ALERT_FLAP_WINDOW - 2);
	return sum / (ALERT_FLAP_WINDOW - 1) * 100.0;
}

static void apply_obs(struct alert_core *c, struct alert_rec *r, const struct alert_obs *o,
		      double now)
{
	r->seen = true;
	r->repeat = o->repeat;
	r->group_wait = o->group_wait;
	if (isnan(o->value))
		return;		/* no data: hold the state, never read it as "fine" */
	r->value = o->value;
	strlcpy_hr(r->summary, o->summary, sizeof r->summary);
	enum alert_sev level = level_of(o, r->level, o->value);
	if (level != r->level)
		c->changed = true;
	r->level = level;
	bool cond_crit = level == SEV_CRIT, cond_any = level != SEV_NONE;
	if (!cond_crit)
		r->since_crit = 0;
	else if (r->since_crit == 0)
		r->since_crit = now;
	if (!cond_any)
		r->since_warn = 0;
	else if (r->since_warn == 0)
		r->since_warn = now;

	enum alert_sev ready = SEV_NONE;
	if (cond_crit && now - r->since_crit >= (double)o->for_crit)
		ready = SEV_CRIT;
	else if (cond_any && now - r->since_warn >= (double)o->for_warn)
		ready = o->info ? SEV_INFO : SEV_WARN;
	/* Firing continues at the current level without waiting again. */
	if (r->state == AS_FIRING && cond_any && ready == SEV_NONE)
		ready = level;
	if (cond_crit && ready != SEV_CRIT && ready != SEV_NONE && r->state != AS_FIRING)
		log_rec(c, "pending", r);	/* crit still pending while warn is ready */

	if (ready != SEV_NONE) {
		if (r->state != AS_FIRING) {
			r->sev = ready;
			r->started = now;
			r->ended = 0;
			transition(c, r, AS_FIRING, "firing", now);
		} else if (ready != r->sev) {
			const char *ev = ready > r->sev ? "escalated" : "deescalated";
			r->sev = ready;
			c->changed = true;
			log_rec(c, ev, r);
		}
	} else if (cond_any) {
		if (r->state != AS_PENDING)
			transition(c, r, AS_PENDING, "pending", now);
	} else if (r->state == AS_FIRING) {
		r->ended = now;
		transition(c, r, AS_RESOLVED, r->notified ? "resolved" : "resolved_unsent", now);
	} else if (r->state == AS_PENDING) {
		transition(c, r, AS_INACTIVE, "pending_cleared", now);
	}
	record_history(r);
	r->flap_pct = flap_percent(r);
}

/* An entity that disappeared (config change, rule disabled) resolves. */
static void resolve_vanished(struct alert_core *c, struct alert_rec *r, double now)
{
	r->level = SEV_NONE;
	r->since_warn = r->since_crit = 0;
	if (r->state == AS_FIRING) {
		r->ended = now;
		transition(c, r, AS_RESOLVED, r->notified ? "resolved" : "resolved_unsent", now);
	} else if (r->state == AS_PENDING) {
		transition(c, r, AS_INACTIVE, "pending_cleared", now);
	}
}

/* ---- muting: silences, acks, inhibition ---- */

static bool is_inhibitor(const char *rule)
{
	for (size_t i = 0; inhibitor_rules[i]; i++)
		if (strcmp(rule, inhibitor_rules[i]) == 0)
			return true;
	return false;
}

static const struct alert_rec *inhibited_by(const struct alert_core *c, const struct alert_rec *r)
{
	const char *target = label_get(r->labels, r->n_labels, "target");
	if (!target || is_inhibitor(r->rule))
		return NULL;
	for (size_t i = 0; i < c->n_recs; i++) {
		const struct alert_rec *s = &c->recs[i];
		if (s->state == AS_FIRING && is_inhibitor(s->rule)) {
			const char *t = label_get(s->labels, s->n_labels, "target");
			if (t && strcmp(t, target) == 0)
				return s;
		}
	}
	return NULL;
}

/* A matcher names a label, or the alert's own rule ("alertname", "rule")
 * or severity; a regex must match the whole value (Alertmanager's rule). */
static bool matcher_matches(const struct alert_matcher *m, const struct alert_rec *r)
{
	const char *v = "";
	if (strcmp(m->name, "alertname") == 0 || strcmp(m->name, "rule") == 0)
		v = r->rule;
	else if (strcmp(m->name, "severity") == 0)
		v = alert_sev_name(r->state == AS_FIRING ? r->sev : r->level);
	else
		for (size_t i = 0; i < r->n_labels; i++)
			if (strcmp(r->labels[i].name, m->name) == 0)
				v = r->labels[i].value;
	bool hit;
	if (m->regex)
		hit = m->rx && regexec(m->rx, v, 0, NULL, 0) == 0;
	else
		hit = strcmp(v, m->value) == 0;
	return hit == m->equal;
}

/* A silence mutes what all its matchers match. */
static bool silence_matches(const struct alert_silence *s, const struct alert_rec *r)
{
	for (size_t i = 0; i < s->n_matchers; i++)
		if (!matcher_matches(&s->matchers[i], r))
			return false;
	return s->n_matchers > 0;
}

static const struct alert_silence *silenced_by(const struct alert_core *c,
					       const struct alert_rec *r, double now)
{
	for (size_t i = 0; i < c->n_silences; i++) {
		const struct alert_silence *s = &c->silences[i];
		if (s->starts <= now && now < s->ends && silence_matches(s, r))
			return s;
	}
	return NULL;
}

/* Why r's notifications are muted now ("" when not); logs changes once. */
static bool muted(struct alert_core *c, struct alert_rec *r, double now)
{
	char why[sizeof r->muted_by] = "";
	const char *event = NULL;
	const struct alert_silence *s = silenced_by(c, r, now);
	const struct alert_rec *inh = s ? NULL : inhibited_by(c, r);
	if (s) {
		snprintf(why, sizeof why, "%s", s->id);
		event = "silenced";
	} else if (inh) {
		snprintf(why, sizeof why, "%s", inh->fp);
		event = "inhibited";
	} else if (r->acked) {
		snprintf(why, sizeof why, "ack:%.40s", r->ack_by);
	}
	if (strcmp(why, r->muted_by) != 0) {
		if (event && r->state == AS_FIRING)
			json_object_set_new(log_rec(c, event, r), "by", json_string(why));
		strlcpy_hr(r->muted_by, why, sizeof r->muted_by);
		c->changed = true;
	}
	return why[0] != '\0';
}

/* ---- notifications ---- */

static json_t *alert_json(const struct alert_rec *r)
{
	char starts[40], ends[40];
	eventlog_format_time(r->started, starts, sizeof starts);
	json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s}", "id", r->fp, "rule", r->rule,
			      "labels", labels_json(r->labels, r->n_labels), "severity",
			      alert_sev_name(r->sev), "status",
			      r->state == AS_FIRING ? "firing" : "resolved", "summary", r->summary,
			      "startsAt", starts);
	json_object_set_new(o, "value", isfinite(r->value) ? json_real(r->value) : json_null());
	if (r->state != AS_FIRING && r->ended > 0) {
		eventlog_format_time(r->ended, ends, sizeof ends);
		json_object_set_new(o, "endsAt", json_string(ends));
	}
	return o;
}

static json_t *notification_new(struct alert_core *c, const char *type, const char *rule,
				const char *area, double now)
{
	char id[32];
	snprintf(id, sizeof id, "n%lu", c->next_notification++);
	json_t *n = json_pack("{s:s, s:s, s:s+++, s:s, s:s, s:f, s:[]}", "id", id, "type", type,
			      "group", rule, "/", area, "", "rule", rule, "area", area, "time", now,
			      "alerts");
	c->changed = true;
	return n;
}

/* Fill status and severity from the alerts, queue it, log it. */
static void notification_emit(struct alert_core *c, json_t *n)
{
	json_t *alerts = json_object_get(n, "alerts");
	enum alert_sev top = SEV_NONE;
	bool firing = false;
	size_t i;
	json_t *a, *ids = json_array();
	json_array_foreach(alerts, i, a) {
		const char *sev = json_string_value(json_object_get(a, "severity"));
		enum alert_sev s = strcmp(sev, "crit") == 0 ? SEV_CRIT
				   : strcmp(sev, "warn") == 0 ? SEV_WARN : SEV_INFO;
		bool f = strcmp(json_string_value(json_object_get(a, "status")), "firing") == 0;
		if (f && !firing)
			top = SEV_NONE;	/* the firing ones decide the severity */
		if ((f || !firing) && s > top)
			top = s;
		firing = firing || f;
		json_array_append(ids, json_object_get(a, "id"));
	}
	json_object_set_new(n, "status", json_string(firing ? "firing" : "resolved"));
	json_object_set_new(n, "severity", json_string(alert_sev_name(top)));
	json_array_append_new(c->out_log,
			      json_pack("{s:s, s:O, s:O, s:O, s:o}", "event",
					strcmp(json_string_value(json_object_get(n, "type")), "repeat")
						== 0 ? "repeat" : "notified",
					"notification", json_object_get(n, "id"), "type",
					json_object_get(n, "type"), "group",
					json_object_get(n, "group"), "alerts", ids));
	json_array_append_new(c->out_notifications, n);
}

static void flap_check(struct alert_core *c, struct alert_rec *r, bool mute, double now)
{
	bool start = !r->flapping && r->flap_pct > c->flap_high;
	bool stop = r->flapping && r->flap_pct < c->flap_low;
	if (!start && !stop)
		return;
	r->flapping = start;
	c->changed = true;
	json_object_set_new(log_rec(c, start ? "flapping_start" : "flapping_stop", r), "percent",
			    json_real(r->flap_pct));
	if (stop)
		r->notified = r->state == AS_FIRING ? r->sev : SEV_NONE;
	if (mute) {
		json_object_set_new(log_rec(c, "silenced", r), "by", json_string(r->muted_by));
		return;
	}
	json_t *n = notification_new(c, start ? "flapping" : "stable", r->rule,
				     alert_area(r->labels, r->n_labels), now);
	json_t *a = alert_json(r);
	if (r->state != AS_FIRING)
		json_object_set_new(a, "severity", json_string(alert_sev_name(
					    r->sev ? r->sev : SEV_WARN)));
	json_array_append_new(json_object_get(n, "alerts"), a);
	notification_emit(c, n);
}

static const char *group_key(struct alert_rec *r)
{
	if (!r->group[0])
		snprintf(r->group, sizeof r->group, "%s/%s", r->rule,
			 alert_area(r->labels, r->n_labels));
	return r->group;
}

static bool in_group(const struct alert_rec *r)
{
	return !r->flapping && (r->state == AS_FIRING || r->notified != SEV_NONE);
}

static const char *group_key_at(const void *c, size_t i)
{
	return ((const struct alert_core *)c)->groups[i].key;
}

/* The index of r's group, created (flushed after group_wait) if new. */
static size_t group_index(struct alert_core *c, struct key_table *t, struct alert_rec *r,
			  double now)
{
	uint32_t *slot = alert_index_probe(t->slots, t->mask, group_key(r), group_key_at, c);
	if (*slot)
		return *slot - 1;
	if (c->n_groups == c->cap_groups) {
		c->cap_groups = c->cap_groups ? c->cap_groups * 2 : 16;
		c->groups = xrealloc(c->groups, c->cap_groups * sizeof *c->groups);
	}
	struct alert_group *g = &c->groups[c->n_groups++];
	memset(g, 0, sizeof *g);
	strlcpy_hr(g->key, group_key(r), sizeof g->key);
	g->next_flush = now + (r->group_wait >= 0 ? (double)r->group_wait : c->group_wait);
	c->changed = true;
	*slot = (uint32_t)c->n_groups;
	return c->n_groups - 1;
}

/* members: the group's records, in record order. */
static void group_flush(struct alert_core *c, struct alert_group *g, const size_t *members,
			size_t n_members, const bool *mute, double now)
{
	json_t *firing = json_array(), *resolved = json_array();
	bool news = false;
	long repeat = 0;
	const struct alert_rec *first = NULL;
	for (size_t k = 0; k < n_members; k++) {
		size_t i = members[k];
		struct alert_rec *r = &c->recs[i];
		first = first ? first : r;
		if (r->state == AS_FIRING) {
			if (mute[i])
				continue;
			news = news || r->notified != r->sev;
			if (r->repeat > 0 && (repeat == 0 || r->repeat < repeat))
				repeat = r->repeat;
			json_array_append_new(firing, alert_json(r));
			r->notified = r->sev;
		} else if (mute[i]) {
			json_object_set_new(log_rec(c, "silenced", r), "by", json_string(r->muted_by));
			r->notified = SEV_NONE;
			c->changed = true;
		} else {
			json_t *a = alert_json(r);
			json_object_set_new(a, "severity", json_string(alert_sev_name(r->notified)));
			json_array_append_new(resolved, a);
			r->notified = SEV_NONE;
			news = true;
		}
	}
	const char *type = news ? (json_array_size(firing) ? "firing" : "resolved")
		: (json_array_size(firing) && repeat > 0 && now - g->last_sent >= (double)repeat)
		? "repeat" : NULL;
	if (type && first) {
		json_t *n = notification_new(c, type, first->rule,
					     alert_area(first->labels, first->n_labels), now);
		json_array_extend(json_object_get(n, "alerts"), firing);
		json_array_extend(json_object_get(n, "alerts"), resolved);
		notification_emit(c, n);
		g->last_sent = now;
	}
	json_decref(firing);
	json_decref(resolved);
	double every = c->group_interval;
	if (repeat > 0 && (double)repeat < every)
		every = (double)repeat;
	g->next_flush = now + every;
	/* Only what was told is worth saving at once; a lost next_flush
	 * after a crash just flushes the group early. */
	if (news || g->last_sent == now)
		c->changed = true;
}

/*
 * Sort the records in a group by group (stable, counting): members of
 * group g are order[first[g] .. first[g + 1]).
 */
struct group_members {
	size_t *order, *first;
};

static void group_members_build(struct alert_core *c, struct group_members *m, double now)
{
	size_t *of = xmalloc((c->n_recs ? c->n_recs : 1) * sizeof *of);
	struct key_table t = { NULL, 0 };
	size_t size = alert_index_size(c->n_groups + c->n_recs);
	t.slots = xcalloc(size, sizeof *t.slots);
	t.mask = size - 1;
	for (size_t g = 0; g < c->n_groups; g++)
		*alert_index_probe(t.slots, t.mask, c->groups[g].key, group_key_at, c) =
			(uint32_t)g + 1;
	for (size_t i = 0; i < c->n_recs; i++)
		of[i] = in_group(&c->recs[i]) ? group_index(c, &t, &c->recs[i], now) : SIZE_MAX;
	free(t.slots);
	m->first = xcalloc(c->n_groups + 1, sizeof *m->first);
	m->order = xmalloc((c->n_recs ? c->n_recs : 1) * sizeof *m->order);
	for (size_t i = 0; i < c->n_recs; i++)
		if (of[i] != SIZE_MAX)
			m->first[of[i] + 1]++;
	for (size_t g = 0; g < c->n_groups; g++)
		m->first[g + 1] += m->first[g];
	size_t *fill = xmalloc((c->n_groups + 1) * sizeof *fill);
	memcpy(fill, m->first, (c->n_groups + 1) * sizeof *fill);
	for (size_t i = 0; i < c->n_recs; i++)
		if (of[i] != SIZE_MAX)
			m->order[fill[of[i]]++] = i;
	free(fill);
	free(of);
}

/* A group lives while one of its records still belongs to it. */
static bool group_alive(const struct alert_core *c, const struct group_members *m, size_t g)
{
	for (size_t k = m->first[g]; k < m->first[g + 1]; k++)
		if (in_group(&c->recs[m->order[k]]))
			return true;
	return false;
}

static void expire_silences(struct alert_core *c, double now)
{
	size_t w = 0;
	for (size_t i = 0; i < c->n_silences; i++) {
		if (c->silences[i].ends <= now) {
			json_array_append_new(c->out_log,
					      json_pack("{s:s, s:s}", "event", "silence_expired",
							"by", c->silences[i].id));
			silence_release(&c->silences[i]);
			c->changed = true;
			continue;
		}
		c->silences[w++] = c->silences[i];
	}
	c->n_silences = w;
}

static void clear_acks(struct alert_core *c)
{
	for (size_t i = 0; i < c->n_recs; i++) {
		struct alert_rec *r = &c->recs[i];
		if (r->acked && r->state != AS_FIRING && r->state != AS_PENDING) {
			r->acked = false;
			log_rec(c, "ack_cleared", r);
		}
	}
}

/* Records with nothing to remember go, so the table tracks live entities. */
static void forget_idle(struct alert_core *c)
{
	size_t w = 0;
	for (size_t i = 0; i < c->n_recs; i++) {
		struct alert_rec *r = &c->recs[i];
		bool idle = !r->seen && r->state != AS_FIRING && r->state != AS_PENDING &&
			    r->notified == SEV_NONE && !r->flapping && !r->acked;
		if (!idle)
			c->recs[w++] = *r;
	}
	c->n_recs = w;
	c->rec_indexed = SIZE_MAX;	/* records moved: rebuild the index */
}

void alert_core_evaluate(struct alert_core *c, const struct alert_obs *obs, size_t n,
			 double now)
{
	for (size_t i = 0; i < c->n_recs; i++)
		c->recs[i].seen = false;
	for (size_t i = 0; i < n; i++)
		apply_obs(c, rec_for(c, &obs[i]), &obs[i], now);
	for (size_t i = 0; i < c->n_recs; i++)
		if (!c->recs[i].seen)
			resolve_vanished(c, &c->recs[i], now);
	expire_silences(c, now);
	clear_acks(c);

	bool *mute = xcalloc(c->n_recs ? c->n_recs : 1, sizeof *mute);
	for (size_t i = 0; i < c->n_recs; i++)
		mute[i] = muted(c, &c->recs[i], now);
	for (size_t i = 0; i < c->n_recs; i++)
		flap_check(c, &c->recs[i], mute[i], now);
	struct group_members m;
	group_members_build(c, &m, now);
	for (size_t g = 0; g < c->n_groups; g++)
		if (now >= c->groups[g].next_flush)
			group_flush(c, &c->groups[g], m.order + m.first[g],
				    m.first[g + 1] - m.first[g], mute, now);
	free(mute);

	size_t w = 0;
	for (size_t g = 0; g < c->n_groups; g++)
		if (group_alive(c, &m, g))
			c->groups[w++] = c->groups[g];
	c->n_groups = w;
	free(m.order);
	free(m.first);
	forget_idle(c);
}

/* ---- acks and silences applied on the loop ---- */

int alert_core_ack(struct alert_core *c, const char *fp, const char *author, double now)
{
	struct alert_rec *r = alert_core_find(c, fp);
	if (!r || (r->state != AS_FIRING && r->state != AS_PENDING))
		return -1;
	r->acked = true;
	strlcpy_hr(r->ack_by, author, sizeof r->ack_by);
	json_object_set_new(log_rec(c, "acked", r), "by", json_string(author));
	c->changed = true;
	return 0;
}

void alert_core_keep_silence(struct alert_core *c, const struct alert_silence *s)
{
	if (c->n_silences == c->cap_silences) {
		c->cap_silences = c->cap_silences ? c->cap_silences * 2 : 8;
		c->silences = xrealloc(c->silences, c->cap_silences * sizeof *c->silences);
	}
	c->silences[c->n_silences] = *s;
	silence_compile(c, &c->silences[c->n_silences++]);
}

void alert_core_add_silence(struct alert_core *c, const struct alert_silence *s, double now)
{
	alert_core_keep_silence(c, s);
	json_array_append_new(c->out_log, json_pack("{s:s, s:s, s:s, s:s}", "event",
						    "silence_created", "by", s->id, "author",
						    s->created_by, "comment", s->comment));
	c->changed = true;
}

int alert_core_unsilence(struct alert_core *c, const char *id, double now)
{
	for (size_t i = 0; i < c->n_silences; i++) {
		if (strcmp(c->silences[i].id, id) != 0)
			continue;
		json_array_append_new(c->out_log,
				      json_pack("{s:s, s:s}", "event", "unsilenced", "by", id));
		silence_release(&c->silences[i]);
		memmove(&c->silences[i], &c->silences[i + 1],
			(c->n_silences - i - 1) * sizeof *c->silences);
		c->n_silences--;
		c->changed = true;
		return 0;
	}
	return -1;
}
