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

#include <curl/curl.h>
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

char *notify_am_url(const char *base, const char *path)
{
	size_t len = strlen(base);
	while (len && base[len - 1] == '/')
		len--;
	return xasprintf("%.*s%s", (int)len, base, path);
}

char *notify_am_venue_url(const char *base, const char *path, const char *venue)
{
	if (!venue || !*venue)
		return notify_am_url(base, path);
	/* The matcher's value is quoted: a quote or backslash in it escaped. */
	char *quoted = xmalloc(strlen(venue) * 2 + 1), *q = quoted;
	for (const char *v = venue; *v; v++) {
		if (*v == '"' || *v == '\\')
			*q++ = '\\';
		*q++ = *v;
	}
	*q = '\0';
	char *matcher = xasprintf("venue=\"%s\"", quoted);
	char *escaped = curl_easy_escape(NULL, matcher, 0);
	char *tail = xasprintf("%s%cfilter=%s", path, strchr(path, '?') ? '&' : '?', escaped);
	char *url = notify_am_url(base, tail);
	curl_free(escaped);
	free(tail);
	free(matcher);
	free(quoted);
	return url;
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
	req->url = notify_am_url(base_url, "/api/v2/alerts");
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

/* ---- silences both ways ---- */

json_t *notify_am_silenced_of(const json_t *am_alerts)
{
	json_t *out = json_array(), *a;
	size_t i;
	json_array_foreach(am_alerts, i, a) {
		json_t *by = json_object_get(json_object_get(a, "status"), "silencedBy");
		json_t *labels = json_object_get(a, "labels");
		if (json_is_object(labels) && json_array_size(by) > 0)
			json_array_append_new(out, json_pack("[O, O]", labels, json_array_get(by, 0)));
	}
	return out;
}

void notify_am_mark(json_t *alerts, const json_t *silenced, const char *venue)
{
	json_t *a, *s;
	size_t i, k;
	json_array_foreach(alerts, i, a) {
		if (json_is_true(json_object_get(a, "silenced")))
			continue;
		json_t *mine = am_labels(a, venue);
		json_array_foreach(silenced, k, s) {
			if (!json_equal(mine, json_array_get(s, 0)))
				continue;
			json_object_set_new(a, "silenced", json_true());
			json_object_set(a, "silence", json_array_get(s, 1));
			json_object_set_new(a, "silenced_in", json_string("alertmanager"));
			break;
		}
		json_decref(mine);
	}
}

json_t *notify_am_sync_of(json_t *urls, const json_t *alerts, const char *venue)
{
	json_t *labels = json_object(), *a;
	size_t i;
	json_array_foreach(alerts, i, a)
		json_object_set_new(labels, jstr(a, "id"), am_labels(a, venue));
	return json_pack("{s:o, s:s, s:o}", "urls", urls, "venue", venue ? venue : "", "alerts",
			 labels);
}

/* Alertmanager wants RFC 3339; headroom also takes epoch seconds. */
static json_t *rfc3339(const json_t *v, double fallback)
{
	double t = v ? eventlog_parse_time(v) : fallback;
	char buf[40];
	eventlog_format_time(isnan(t) ? fallback : t, buf, sizeof buf);
	return json_string(buf);
}

static json_t *equal_matchers(const json_t *labels)
{
	json_t *ms = json_array(), *v;
	const char *k;
	json_object_foreach((json_t *)labels, k, v)
		json_array_append_new(ms, json_pack("{s:s, s:O, s:b, s:b}", "name", k, "value", v,
						    "isRegex", 0, "isEqual", 1));
	return ms;
}

/* A headroom silence as Alertmanager's: "rule" is its alertname, and it
 * holds for this venue only (one Alertmanager may serve many). */
static json_t *silence_body(const json_t *sync, const json_t *body, double now)
{
	json_t *ms = json_array(), *m;
	size_t i;
	json_array_foreach(json_object_get(body, "matchers"), i, m) {
		json_t *c = json_deep_copy(m);
		if (strcmp(jstr(c, "name"), "rule") == 0)
			json_object_set_new(c, "name", json_string("alertname"));
		if (!json_object_get(c, "isRegex"))
			json_object_set_new(c, "isRegex", json_false());
		if (!json_object_get(c, "isEqual"))
			json_object_set_new(c, "isEqual", json_true());
		json_array_append_new(ms, c);
	}
	if (*jstr(sync, "venue"))
		json_array_append_new(ms, json_pack("{s:s, s:O, s:b, s:b}", "name", "venue", "value",
						    json_object_get(sync, "venue"), "isRegex", 0,
						    "isEqual", 1));
	return json_pack("{s:o, s:o, s:o, s:s, s:s}", "matchers", ms, "startsAt",
			 rfc3339(json_object_get(body, "startsAt"), now), "endsAt",
			 rfc3339(json_object_get(body, "endsAt"), now), "createdBy",
			 jstr(body, "createdBy"), "comment", jstr(body, "comment"));
}

/* An ack silences the alert's own label set until it is long over. */
static json_t *ack_body(const json_t *labels, const json_t *body, double now)
{
	const char *comment = jstr(body, "comment");
	char *text = xasprintf("acknowledged in headroom%s%s", *comment ? ": " : "", comment);
	json_t *out = json_pack("{s:o, s:o, s:o, s:s, s:s}", "matchers", equal_matchers(labels),
				"startsAt", rfc3339(NULL, now), "endsAt",
				rfc3339(NULL, now + NOTIFY_AM_ACK_SECONDS), "createdBy",
				jstr(body, "author"), "comment", text);
	free(text);
	return out;
}

/* One blocking request to Alertmanager: its HTTP status (the reply in
 * *reply, caller frees), or -1 with the reason in err. */
static long am_call(const char *method, const char *url, const char *text, char **reply,
		    char *err, size_t errlen)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	long status = -1;
	struct notify_reply got = { .max = NOTIFY_AM_REPLY_MAX };
	*reply = NULL;
	if (!e) {
		snprintf(err, errlen, "cannot start a transfer");
		curl_slist_free_all(h);
		return -1;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	if (text)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, text);
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "headroom/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, notify_keep_reply);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &got);
	CURLcode rc = curl_easy_perform(e);
	if (rc == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	else
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
	if (got.cut) {
		snprintf(err, errlen, "%s %s: the reply is over %d MiB", method, url,
			 NOTIFY_AM_REPLY_MAX >> 20);
		status = -1;
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	*reply = got.data;
	return status;
}

/* POST one silence to base; its id or -1 with the reason. */
static int post_silence(const char *base, const char *text, char *id_out, size_t idlen,
			char *err, size_t errlen)
{
	char *url = notify_am_url(base, "/api/v2/silences"), *reply = NULL;
	long status = am_call("POST", url, text, &reply, err, errlen);
	json_t *doc = reply ? json_loads(reply, 0, NULL) : NULL;
	const char *id = json_string_value(json_object_get(doc, "silenceID"));
	int out = -1;
	if (status == 200 && id) {
		snprintf(id_out, idlen, "%s", id);
		out = 0;
	} else if (status >= 0) {
		snprintf(err, errlen, "HTTP %ld: %.100s", status, reply ? reply : "");
	}
	json_decref(doc);
	free(reply);
	free(url);
	return out;
}

/* How an Alertmanager silence names the headroom silence it mirrors. */
static char *mirror_tag(const char *local_id)
{
	return xasprintf("(headroom silence %s)", local_id);
}

/* Expire, at base, the silences that mirror local_id: how many, or -1. */
static int expire_mirrors(const char *base, const char *venue, const char *local_id,
			  char *id_out, size_t idlen, char *err, size_t errlen)
{
	char *url = notify_am_venue_url(base, "/api/v2/silences", venue), *reply = NULL;
	long status = am_call("GET", url, NULL, &reply, err, errlen);
	free(url);
	json_t *list = status == 200 && reply ? json_loads(reply, 0, NULL) : NULL;
	free(reply);
	if (!json_is_array(list)) {
		if (status >= 0)
			snprintf(err, errlen, "HTTP %ld listing the silences", status);
		json_decref(list);
		return -1;
	}
	char *tag = mirror_tag(local_id);
	int n = 0;
	json_t *sil;
	size_t i;
	json_array_foreach(list, i, sil) {
		const char *state = jstr(json_object_get(sil, "status"), "state");
		if (strcmp(state, "expired") == 0 || !strstr(jstr(sil, "comment"), tag))
			continue;
		char *path = xasprintf("/api/v2/silence/%s", jstr(sil, "id"));
		url = notify_am_url(base, path);
		if (am_call("DELETE", url, NULL, &reply, err, errlen) == 200) {
			snprintf(id_out, idlen, "%s", jstr(sil, "id"));
			n++;
		}
		free(reply);
		free(url);
		free(path);
	}
	free(tag);
	json_decref(list);
	return n;
}

int notify_am_unsilence(const json_t *sync, const char *local_id, char *id_out, size_t idlen,
			char *err, size_t errlen)
{
	int rc = -1;
	json_t *u;
	size_t i;
	json_array_foreach(json_object_get(sync, "urls"), i, u) {
		rc = expire_mirrors(json_string_value(u), jstr(sync, "venue"), local_id, id_out,
				    idlen, err, errlen);
		if (rc >= 0)
			break;	/* the cluster gossips the expiry */
	}
	if (rc == 0)
		snprintf(err, errlen, "no silence in Alertmanager mirrors %s", local_id);
	return rc > 0 ? 0 : -1;
}

int notify_am_silence(const json_t *sync, const char *alert_id, const char *local_id,
		      const json_t *body, double now, char *id_out, size_t idlen, char *err,
		      size_t errlen)
{
	json_t *am;
	if (alert_id) {
		json_t *labels = json_object_get(json_object_get(sync, "alerts"), alert_id);
		if (!labels) {
			snprintf(err, errlen, "no active alert %s to silence in Alertmanager", alert_id);
			return -1;
		}
		am = ack_body(labels, body, now);
	} else {
		am = silence_body(sync, body, now);
		if (local_id) {
			char *tag = mirror_tag(local_id);
			char *c = xasprintf("%s %s", jstr(am, "comment"), tag);
			json_object_set_new(am, "comment", json_string(c));
			free(c);
			free(tag);
		}
	}
	char *text = json_dumps(am, JSON_COMPACT);
	json_decref(am);
	int rc = -1;
	json_t *u;
	size_t i;
	/* One member is enough: the cluster gossips silences. */
	json_array_foreach(json_object_get(sync, "urls"), i, u) {
		if (rc == 0)
			break;
		rc = post_silence(json_string_value(u), text, id_out, idlen, err, errlen);
	}
	free(text);
	return rc;
}
