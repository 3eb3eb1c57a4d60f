/* Alerts as Alertmanager's API v2 takes them: bodies, re-sends, severity changes. */
/*
 * Alertmanager identifies an alert by its label set, so every headroomd
 * watching the same venue must send the same labels for the same alert:
 * the alert's own labels (room, ap, uplink, target...) plus alertname,
 * severity and venue, and nothing that differs between two daemons.
 * Firing alerts carry an endsAt 4 re-send intervals ahead, as Prometheus
 * does: a daemon that dies stops renewing them and Alertmanager resolves
 * them on its own, while a live twin keeps them firing.
 */
#include "config.h"
#include "notify/notify.h"
#include "base/eventlog.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALID_FOR_RESENDS 4

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static json_t *am_labels(const json_t *a, const char *venue)
{
	json_t *l = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(a, "labels"), k, v)
		if (json_is_string(v))
			json_object_set(l, k, v);
	json_object_set_new(l, "alertname", json_string(jstr(a, "rule")));
	json_object_set_new(l, "severity", json_string(jstr(a, "severity")));
	if (venue && *venue)
		json_object_set_new(l, "venue", json_string(venue));
	return l;
}

static json_t *am_annotations(const json_t *a, const char *public_url)
{
	json_t *value = json_object_get(a, "value");
	char *desc = json_is_number(value)
		? xasprintf("%s (%s, measure %.3g)", jstr(a, "summary"), jstr(a, "rule"),
			    json_number_value(value))
		: xasprintf("%s (%s)", jstr(a, "summary"), jstr(a, "rule"));
	json_t *o = json_pack("{s:s, s:s}", "summary", jstr(a, "summary"), "description", desc);
	if (*public_url)
		json_object_set_new(o, "dashboard", json_string(public_url));
	free(desc);
	return o;
}

static json_t *am_alert(const struct conf_notifier *nf, const json_t *a, const char *public_url,
			const char *venue, double now)
{
	json_t *o = json_pack("{s:o, s:o}", "labels", am_labels(a, venue), "annotations",
			      am_annotations(a, public_url));
	if (*jstr(a, "startsAt"))
		json_object_set(o, "startsAt", json_object_get(a, "startsAt"));
	char ends[40];
	if (strcmp(jstr(a, "status"), "firing") == 0) {
		long resend = nf->resend > 0 ? nf->resend : 60;
		eventlog_format_time(now + VALID_FOR_RESENDS * resend, ends, sizeof ends);
		json_object_set_new(o, "endsAt", json_string(ends));
	} else if (*jstr(a, "endsAt")) {
		json_object_set(o, "endsAt", json_object_get(a, "endsAt"));
	} else {
		eventlog_format_time(now, ends, sizeof ends);
		json_object_set_new(o, "endsAt", json_string(ends));
	}
	if (*public_url)
		json_object_set_new(o, "generatorURL", json_string(public_url));
	return o;
}

static char *api_url(const char *base, const char *path)
{
	size_t len = strlen(base);
	while (len && base[len - 1] == '/')
		len--;
	return xasprintf("%.*s%s", (int)len, base, path);
}

int notify_am_format(const struct conf_notifier *nf, const char *base_url, const json_t *n,
		     const char *public_url, const char *venue, double now,
		     struct notify_request *req)
{
	memset(req, 0, sizeof *req);
	if (!json_is_array(json_object_get(n, "alerts")) || !base_url)
		return -1;
	json_t *alerts = json_array(), *a;
	size_t i;
	json_array_foreach(json_object_get(n, "alerts"), i, a)
		json_array_append_new(alerts, am_alert(nf, a, public_url ? public_url : "", venue,
						       now));
	req->method = "POST";
	req->url = api_url(base_url, "/api/v2/alerts");
	req->headers[0] = xstrdup("Content-Type: application/json");
	req->body = json_dumps(alerts, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(alerts);
	return req->body ? 0 : -1;
}

json_t *notify_am_active(const json_t *engine_alerts)
{
	json_t *alerts = json_array(), *a;
	size_t i;
	json_array_foreach(engine_alerts, i, a) {
		if (strcmp(jstr(a, "state"), "firing") != 0)
			continue;
		char since[40];
		eventlog_format_time(json_number_value(json_object_get(a, "since")), since,
				     sizeof since);
		json_t *o = json_pack("{s:s, s:s, s:O, s:s, s:s, s:s, s:s}", "id", jstr(a, "id"),
				      "rule", jstr(a, "rule"), "labels",
				      json_object_get(a, "labels"), "severity",
				      jstr(a, "severity"), "status", "firing", "summary",
				      jstr(a, "summary"), "startsAt", since);
		if (json_is_number(json_object_get(a, "value")))
			json_object_set(o, "value", json_object_get(a, "value"));
		json_array_append_new(alerts, o);
	}
	return json_pack("{s:s, s:s, s:s, s:o}", "id", "resend", "type", "resend", "status",
			 "firing", "alerts", alerts);
}

/* ---- severity changes ---- */

static struct am_sent *sent_find(struct am_sent_map *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].id, id) == 0)
			return &m->v[i];
	return NULL;
}

json_t *notify_am_with_retired(const struct am_sent_map *m, const json_t *n, double now)
{
	json_t *out = json_deep_copy(n), *alerts = json_object_get(out, "alerts"), *a;
	size_t i, count = json_array_size(alerts);
	char at[40];
	eventlog_format_time(now, at, sizeof at);
	for (i = 0; i < count; i++) {
		a = json_array_get(alerts, i);
		struct am_sent *s = sent_find((struct am_sent_map *)m, jstr(a, "id"));
		if (!s || strcmp(jstr(a, "status"), "firing") != 0 ||
		    strcmp(s->severity, jstr(a, "severity")) == 0)
			continue;
		/* Another severity is another label set: end the old one. */
		json_t *old = json_deep_copy(a);
		json_object_set_new(old, "severity", json_string(s->severity));
		json_object_set_new(old, "status", json_string("resolved"));
		json_object_set_new(old, "endsAt", json_string(at));
		json_array_append_new(alerts, old);
	}
	return out;
}

void notify_am_sent(struct am_sent_map *m, const json_t *n)
{
	json_t *a;
	size_t i;
	json_array_foreach(json_object_get(n, "alerts"), i, a) {
		const char *id = jstr(a, "id");
		struct am_sent *s = sent_find(m, id);
		bool firing = strcmp(jstr(a, "status"), "firing") == 0;
		if (!firing) {
			if (s && strcmp(s->severity, jstr(a, "severity")) == 0)
				*s = m->v[--m->n];
			continue;
		}
		if (!s) {
			m->v = xrealloc(m->v, (m->n + 1) * sizeof *m->v);
			s = &m->v[m->n++];
			strlcpy_hr(s->id, id, sizeof s->id);
		}
		strlcpy_hr(s->severity, jstr(a, "severity"), sizeof s->severity);
	}
}

void notify_am_sent_free(struct am_sent_map *m)
{
	free(m->v);
	memset(m, 0, sizeof *m);
}
