/* What each chat service receives: routing, text and one request per kind. */
#include "config.h"
#include "notify/notify.h"
#include "base/eventlog.h"
#include "base/util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TEXT_ALERTS_MAX 10
#define DISCORD_CONTENT_MAX 2000

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static bool in_list(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static bool admits(const struct conf_notifier *nf, const json_t *a)
{
	json_t *labels = json_object_get(a, "labels");
	const char *rule = jstr(a, "rule");
	if (nf->n_severities && !in_list(nf->severities, nf->n_severities, jstr(a, "severity")))
		return false;
	if (nf->n_rules && !in_list(nf->rules, nf->n_rules, rule))
		return false;
	if (nf->n_rooms && !in_list(nf->rooms, nf->n_rooms, jstr(labels, "room")))
		return false;
	/* A notifier never carries the news of its own failure. */
	return !(strcmp(rule, "notifier_failing") == 0 &&
		 strcmp(jstr(labels, "notifier"), nf->name) == 0);
}

bool notify_route(const struct conf_notifier *nf, const json_t *notification, json_t **filtered)
{
	json_t *kept = json_array(), *a;
	size_t i;
	bool firing = false;
	json_array_foreach(json_object_get(notification, "alerts"), i, a) {
		if (!admits(nf, a))
			continue;
		json_array_append(kept, a);
		firing = firing || strcmp(jstr(a, "status"), "firing") == 0;
	}
	if (json_array_size(kept) == 0) {
		json_decref(kept);
		*filtered = NULL;
		return false;
	}
	*filtered = json_deep_copy(notification);
	json_object_set_new(*filtered, "alerts", kept);
	if (strcmp(jstr(notification, "type"), "flapping") != 0 &&
	    strcmp(jstr(notification, "type"), "stable") != 0)
		json_object_set_new(*filtered, "status", json_string(firing ? "firing" : "resolved"));
	return true;
}

/* ---- text ---- */

static const char *headline(const json_t *n)
{
	const char *type = jstr(n, "type"), *sev = jstr(n, "severity");
	if (strcmp(type, "flapping") == 0)
		return "FLAPPING";
	if (strcmp(type, "stable") == 0)
		return "STABLE AGAIN";
	if (strcmp(type, "test") == 0)
		return "TEST";
	if (strcmp(jstr(n, "status"), "resolved") == 0)
		return "RESOLVED";
	if (strcmp(sev, "crit") == 0)
		return "CRIT";
	if (strcmp(sev, "warn") == 0)
		return "WARN";
	return "INFO";
}

static void since_text(const json_t *a, char *buf, size_t len)
{
	double start = eventlog_parse_time(json_object_get(a, "startsAt"));
	double end = eventlog_parse_time(json_object_get(a, "endsAt"));
	if (isnan(start)) {
		buf[0] = '\0';
		return;
	}
	time_t t = (time_t)start;
	struct tm tm;
	gmtime_r(&t, &tm);
	char hm[16];
	strftime(hm, sizeof hm, "%H:%M", &tm);
	if (!isnan(end) && end >= start)
		snprintf(buf, len, " (from %s UTC, lasted %.0f min)", hm, (end - start) / 60);
	else
		snprintf(buf, len, " (since %s UTC)", hm);
}

static void title(const json_t *n, char *buf, size_t len)
{
	size_t count = json_array_size(json_object_get(n, "alerts"));
	const char *rule = jstr(n, "rule"), *area = jstr(n, "area");
	if (count > 1)
		snprintf(buf, len, "[%s] %s in %s: %zu alerts", headline(n), rule, area, count);
	else
		snprintf(buf, len, "[%s] %s in %s", headline(n), rule, area);
}

/* Lines only (no title, no link), for services with their own fields. */
static char *body_lines(const json_t *n)
{
	char *out = xstrdup("");
	json_t *a;
	size_t i, count = json_array_size(json_object_get(n, "alerts"));
	json_array_foreach(json_object_get(n, "alerts"), i, a) {
		if (i == TEXT_ALERTS_MAX) {
			char *more = xasprintf("%s- and %zu more\n", out, count - i);
			free(out);
			out = more;
			break;
		}
		char since[64];
		since_text(a, since, sizeof since);
		const char *state = strcmp(jstr(a, "status"), "firing") == 0 ? jstr(a, "severity")
									    : "resolved";
		char *next = xasprintf("%s- %s: %s%s\n", out, state, jstr(a, "summary"), since);
		free(out);
		out = next;
	}
	size_t len = strlen(out);
	if (len && out[len - 1] == '\n')
		out[len - 1] = '\0';
	return out;
}

char *notify_text(const json_t *n, const char *public_url)
{
	char t[256];
	title(n, t, sizeof t);
	char *lines = body_lines(n);
	char *text = xasprintf("%s\n%s\nDashboard: %s", t, lines, public_url ? public_url : "");
	free(lines);
	return text;
}

/* ---- requests ---- */

static char *url_escape(const char *s)
{
	char *out = xmalloc(strlen(s) * 3 + 1), *p = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	*p = '\0';
	return out;
}

static char *dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

static json_t *labels_with(const json_t *a)
{
	json_t *l = json_deep_copy(json_object_get(a, "labels"));
	if (!l)
		l = json_object();
	json_object_set_new(l, "alertname", json_string(jstr(a, "rule")));
	json_object_set_new(l, "severity", json_string(jstr(a, "severity")));
	return l;
}

/* Labels every alert shares with the same value. */
static json_t *common_labels(json_t *alerts)
{
	json_t *common = NULL, *a;
	size_t i;
	json_array_foreach(alerts, i, a) {
		json_t *l = json_object_get(a, "labels");
		if (!common) {
			common = json_deep_copy(l);
			continue;
		}
		const char *k;
		json_t *v, *tmp;
		json_object_foreach_safe(common, tmp, k, v) {
			if (!json_equal(v, json_object_get(l, k)))
				json_object_del(common, k);
		}
	}
	return common ? common : json_object();
}

/* The Alertmanager webhook, version 4, so existing relays work unchanged. */
static char *alertmanager_body(const struct conf_notifier *nf, const json_t *n,
			       const char *public_url)
{
	json_t *alerts = json_array(), *a;
	size_t i;
	json_array_foreach(json_object_get(n, "alerts"), i, a) {
		const char *ends = json_object_get(a, "endsAt") ? jstr(a, "endsAt")
								 : "0001-01-01T00:00:00Z";
		json_t *annotations = json_pack("{s:s}", "summary", jstr(a, "summary"));
		json_t *value = json_object_get(a, "value");
		if (json_is_number(value)) {
			char v[32];
			snprintf(v, sizeof v, "%.3g", json_number_value(value));
			json_object_set_new(annotations, "value", json_string(v));
		}
		json_array_append_new(alerts, json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:s}",
							"status", jstr(a, "status"), "labels",
							labels_with(a), "annotations", annotations,
							"startsAt", jstr(a, "startsAt"), "endsAt",
							ends, "generatorURL", public_url,
							"fingerprint", jstr(a, "id")));
	}
	json_t *group_labels = json_pack("{s:s, s:s}", "alertname", jstr(n, "rule"), "area",
					 jstr(n, "area"));
	char *group_key = xasprintf("{}:{alertname=\"%s\", area=\"%s\"}", jstr(n, "rule"),
				    jstr(n, "area"));
	json_t *common = common_labels(alerts);
	json_t *common_ann = json_object();
	json_t *first = json_array_get(alerts, 0);
	if (json_array_size(alerts) == 1)
		json_object_update(common_ann, json_object_get(first, "annotations"));
	json_t *body = json_pack("{s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:s, s:o}", "version",
				 "4", "groupKey", group_key, "truncatedAlerts", 0, "status",
				 jstr(n, "status"), "receiver", nf->name, "groupLabels",
				 group_labels, "commonLabels", common, "commonAnnotations",
				 common_ann, "externalURL", public_url, "alerts", alerts);
	free(group_key);
	return dump(body);
}

static char *teams_body(const json_t *n, const char *public_url)
{
	char t[256];
	title(n, t, sizeof t);
	char *lines = body_lines(n);
	json_t *card = json_pack(
		"{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:b}, {s:s, s:s, s:b}],"
		" s:[{s:s, s:s, s:s}]}",
		"$schema", "http://adaptivecards.io/schemas/adaptive-card.json", "type",
		"AdaptiveCard", "version", "1.4", "body", "type", "TextBlock", "text", t, "weight",
		"Bolder", "size", "Medium", "wrap", 1, "type", "TextBlock", "text", lines, "wrap", 1,
		"actions", "type", "Action.OpenUrl", "title", "Open dashboard", "url", public_url);
	free(lines);
	return dump(json_pack("{s:s, s:[{s:s, s:n, s:o}]}", "type", "message", "attachments",
			      "contentType", "application/vnd.microsoft.card.adaptive",
			      "contentUrl", "content", card));
}

/* Header values must stay on one line and in ASCII. */
static char *header_value(const char *s)
{
	char *out = xstrdup(s);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = ' ';
	return out;
}

static void ntfy_request(const struct conf_notifier *nf, const json_t *n, const char *public_url,
			 struct notify_request *req)
{
	const char *h = headline(n);
	bool resolved = strcmp(h, "RESOLVED") == 0 || strcmp(h, "STABLE AGAIN") == 0;
	const char *sev = jstr(n, "severity");
	int priority = resolved ? 3 : strcmp(sev, "crit") == 0 ? 5 : strcmp(sev, "warn") == 0 ? 4 : 2;
	const char *tag = resolved ? "white_check_mark" : strcmp(sev, "crit") == 0 ? "rotating_light"
		: strcmp(sev, "warn") == 0 ? "warning" : "information_source";
	char t[256];
	title(n, t, sizeof t);
	char *clean = header_value(t), *click = header_value(public_url);
	size_t k = 0;
	req->headers[k++] = xstrdup("Content-Type: text/plain; charset=utf-8");
	req->headers[k++] = xasprintf("Title: %s", clean);
	req->headers[k++] = xasprintf("Priority: %d", priority);
	req->headers[k++] = xasprintf("Tags: %s", tag);
	req->headers[k++] = xasprintf("Click: %s", click);	/* 5 of 6: token last */
	if (nf->token)
		req->headers[k++] = xasprintf("Authorization: Bearer %s", nf->token);
	req->headers[k] = NULL;
	free(clean);
	free(click);
	req->body = body_lines(n);
	req->url = xstrdup(nf->url);
}

static char *trim_slash(const char *url)
{
	char *s = xstrdup(url);
	size_t len = strlen(s);
	while (len && s[len - 1] == '/')
		s[--len] = '\0';
	return s;
}

int notify_format(const struct conf_notifier *nf, const json_t *n, const char *public_url,
		  const char *txn_id, struct notify_request *req)
{
	memset(req, 0, sizeof *req);
	if (!json_is_array(json_object_get(n, "alerts")) || !nf->url)
		return -1;
	public_url = public_url ? public_url : "";
	if (strcmp(nf->kind, "alertmanager") == 0)
		return notify_am_format(nf, nf->n_urls ? nf->urls[0] : nf->url, n, public_url,
					NULL, now_seconds(), req);
	req->method = "POST";
	if (strcmp(nf->kind, "ntfy") == 0) {
		ntfy_request(nf, n, public_url, req);
		return 0;
	}
	req->headers[0] = xstrdup("Content-Type: application/json");
	char *text = notify_text(n, public_url);
	if (strcmp(nf->kind, "generic") == 0) {
		req->body = alertmanager_body(nf, n, public_url);
	} else if (strcmp(nf->kind, "teams") == 0) {
		req->body = teams_body(n, public_url);
	} else if (strcmp(nf->kind, "discord") == 0) {
		if (strlen(text) > DISCORD_CONTENT_MAX)
			strcpy(text + DISCORD_CONTENT_MAX - 3, "...");
		req->body = dump(json_pack("{s:s, s:{s:[]}}", "content", text,
					   "allowed_mentions", "parse"));
	} else if (strcmp(nf->kind, "matrix") == 0) {
		char *base = trim_slash(nf->url), *room = url_escape(nf->room_id ? nf->room_id : "");
		char *txn = url_escape(txn_id);
		req->method = "PUT";
		req->url = xasprintf("%s/_matrix/client/v3/rooms/%s/send/m.room.message/%s", base,
				     room, txn);
		req->headers[1] = xasprintf("Authorization: Bearer %s", nf->token ? nf->token : "");
		req->body = dump(json_pack("{s:s, s:s}", "msgtype", "m.text", "body", text));
		free(base);
		free(room);
		free(txn);
	} else {	/* slack, mattermost: the incoming-webhook shape */
		req->body = dump(json_pack("{s:s}", "text", text));
	}
	free(text);
	if (!req->url)
		req->url = xstrdup(nf->url);
	return req->body ? 0 : -1;
}

void notify_request_free(struct notify_request *req)
{
	free(req->url);
	free(req->body);
	for (size_t i = 0; i < sizeof req->headers / sizeof *req->headers && req->headers[i]; i++)
		free(req->headers[i]);
	memset(req, 0, sizeof *req);
}
