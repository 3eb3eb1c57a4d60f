/* HTTP requests: routing, limits, authentication, and the handlers that answer them. */
#include "config.h"
#include "web/server.h"

#include "alerts/alert.h"
#include "notify/notify.h"
#include "web/assets.h"
#include "base/log.h"
#include "base/sample.h"
#include "store/store.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_BODY (64 * 1024)
#define AUTH_FAILURES_PER_MINUTE 10
/* Failures from all addresses together: cycling addresses (or evicting
 * the per-address slots) still meets this. */
#define AUTH_FAILURES_TOTAL_PER_MINUTE 100
/* The longest span a graph may cover: an event and its build-up. */
#define GRAPH_SPAN_MAX (31 * 86400)
#define MAX_SPAN (400L * 86400)
#define MAX_ID 64

struct request {
	char *body;
	size_t len;
	bool too_big;
	bool answered;
	struct web_graph_job *graph;	/* suspended while the worker draws it */
	char graph_entity[SAMPLE_ENTITY_MAX];
	char graph_format[4];
};

enum route {
	R_NONE, R_INDEX, R_STATIC, R_BODY, R_SERIES, R_GRAPH, R_EVENTS, R_HEALTHZ,
	R_SILENCES, R_SILENCE_ID, R_ACK
};

/* ---- answering ---- */

static enum MHD_Result method_not_allowed(struct web *w, struct MHD_Connection *conn,
					  const char *allow)
{
	return web_error_with(w, conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed",
			      MHD_HTTP_HEADER_ALLOW, allow);
}

/* gzip unless the client left it out or refused it with q=0. */
static bool accepts_gzip(struct MHD_Connection *conn)
{
	const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (!ae)
		return false;
	const char *p = ae;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *tok = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ')
			p++;
		size_t n = (size_t)(p - tok);
		bool match = (n == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
			     (n == 1 && *tok == '*');
		double q = 1;
		while (*p && *p != ',') {
			if (*p == ';') {
				const char *qs = p + 1;
				while (*qs == ' ')
					qs++;
				if (qs[0] == 'q' && qs[1] == '=')
					q = strtod(qs + 2, NULL);
			}
			p++;
		}
		if (match)
			return q > 0;
	}
	return false;
}

static enum MHD_Result send_body(struct web *w, struct MHD_Connection *conn,
				 struct web_body *b)
{
	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm && strstr(inm, b->etag)) {
		struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL,
									 MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, b->etag);
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
		web_add_common_headers(r);
		enum MHD_Result ret = web_queue(w, conn, MHD_HTTP_NOT_MODIFIED, r);
		MHD_destroy_response(r);
		return ret;
	}
	struct MHD_Response *r = web_body_pick(b, accepts_gzip(conn));
	if (!r)
		return web_error(w, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "no body");
	return web_queue(w, conn, MHD_HTTP_OK, r);
}

/* ---- authentication ---- */

static bool equal_secret(const char *given, const char *want)
{
	size_t gl = strlen(given), wl = strlen(want);
	unsigned char diff = gl != wl;
	for (size_t i = 0; i < wl; i++)
		diff |= (unsigned char)(want[i] ^ (i < gl ? given[i] : 0));
	return diff == 0;
}

/*
 * Wrong credentials per client address and in total, each in a one-minute
 * window: past either limit, wrong credentials get 429 instead of 401.
 * The right credentials are checked first and always pass: a limit that
 * refused them let ten wrong guesses lock everyone behind the same NAT
 * out. Guessing is kept out by the token's length (conf.c refuses one
 * under 12 characters), not by refusing to look.
 */
static struct web_limiter_slot *limiter_slot(struct web *w, const char *ip, double now)
{
	struct web_limiter_slot *oldest = &w->limiter[0];
	for (size_t i = 0; i < WEB_LIMITER_SLOTS; i++) {
		struct web_limiter_slot *s = &w->limiter[i];
		if (strcmp(s->ip, ip) == 0) {
			if (now - s->window_start > 60) {
				s->window_start = now;
				s->failures = 0;
			}
			return s;
		}
		if (s->window_start < oldest->window_start)
			oldest = s;
	}
	strlcpy_hr(oldest->ip, ip, sizeof oldest->ip);
	oldest->window_start = now;
	oldest->failures = 0;
	return oldest;
}

/* Count a failure; true when its address or everyone together is past
 * the limit (answer 429). */
static bool note_failure(struct web *w, struct MHD_Connection *conn)
{
	char ip[48];
	web_client_ip(conn, ip, sizeof ip);
	__atomic_add_fetch(&w->counters.auth_failures_total, 1, __ATOMIC_RELAXED);
	double now = now_seconds();
	pthread_mutex_lock(&w->limiter_lock);
	if (now - w->limiter_total_start > 60) {
		w->limiter_total_start = now;
		w->limiter_total = 0;
	}
	bool over = ++limiter_slot(w, ip, now)->failures > AUTH_FAILURES_PER_MINUTE;
	over = ++w->limiter_total > AUTH_FAILURES_TOTAL_PER_MINUTE || over;
	pthread_mutex_unlock(&w->limiter_lock);
	return over;
}

static enum MHD_Result too_many(struct web *w, struct MHD_Connection *conn)
{
	return web_error_with(w, conn, MHD_HTTP_TOO_MANY_REQUESTS,
			      "too many failed attempts; wait a minute",
			      MHD_HTTP_HEADER_RETRY_AFTER, "60");
}

/* MHD_YES when the request may go on; otherwise an answer was queued
 * and *answered is set. */
static bool basic_auth_ok(struct web *w, const struct web_snapshot *s,
			  struct MHD_Connection *conn, enum MHD_Result *ret)
{
	if (!s->basic_user)
		return true;
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(conn, &pass);
	bool ok = user && pass && equal_secret(user, s->basic_user) &&
		  equal_secret(pass, s->basic_password);
	if (user)
		MHD_free(user);
	if (pass)
		MHD_free(pass);
	if (ok)
		return true;
	if (user && note_failure(w, conn)) {
		*ret = too_many(w, conn);
		return false;
	}
	struct MHD_Response *r = web_json_response(json_pack("{s:s, s:i}", "error",
		"authentication required", "status", 401));
	__atomic_add_fetch(&w->counters.responses[4], 1, __ATOMIC_RELAXED);
	*ret = MHD_queue_basic_auth_fail_response(conn, "headroom", r);
	MHD_destroy_response(r);
	return false;
}

static bool token_ok(struct web *w, const struct web_snapshot *s, struct MHD_Connection *conn,
		     enum MHD_Result *ret)
{
	if (!s->api_token) {
		*ret = web_error(w, conn, MHD_HTTP_FORBIDDEN,
				 "no api_token is configured: acks and silences are disabled");
		return false;
	}
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h && strncasecmp(h, "Bearer ", 7) == 0 && equal_secret(h + 7, s->api_token))
		return true;
	if (note_failure(w, conn)) {
		*ret = too_many(w, conn);
		return false;
	}
	*ret = web_error_with(w, conn, MHD_HTTP_UNAUTHORIZED,
			      h ? "wrong token" : "a bearer token is required",
			      MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"headroom\"");
	return false;
}

/* ---- static files ---- */

static const char *type_of(const char *name)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".json", "application/json" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* A file from static_dir by one of the compiled-in names (so no request
 * path ever reaches the file system), or NULL. */
static char *read_override(const char *dir, const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n == cap)
			buf = xrealloc(buf, cap = cap ? cap * 2 : 65536);
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

int web_assets_load(struct web *w, const char *static_dir)
{
	size_t n = 0;
	while (web_assets[n].name)
		n++;
	w->assets = xcalloc(n, sizeof *w->assets);
	w->n_assets = n;
	for (size_t i = 0; i < n; i++) {
		const struct web_asset *a = &web_assets[i];
		struct web_asset_entry *e = &w->assets[i];
		size_t len = a->len;
		char *over = static_dir ? read_override(static_dir, a->name, &len) : NULL;
		e->name = a->name;
		e->type = type_of(a->name);
		/* few requests each: from memory, whether or not TLS is on */
		int rc = web_body_set(&e->body, over ? over : (const char *)a->data,
				      over ? len : a->len, e->type, "no-cache", false);
		free(over);
		if (rc != 0)
			return -1;
	}
	return 0;
}

void web_assets_free(struct web *w)
{
	for (size_t i = 0; i < w->n_assets; i++)
		web_body_clear(&w->assets[i].body);
	free(w->assets);
	w->assets = NULL;
	w->n_assets = 0;
}

static struct web_body *asset(struct web *w, const char *name)
{
	for (size_t i = 0; i < w->n_assets; i++)
		if (strcmp(w->assets[i].name, name) == 0)
			return &w->assets[i].body;
	return NULL;
}

/* ---- query parameters ---- */

static const char *arg(struct MHD_Connection *conn, const char *key)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

/* ap:hall-a-1, room:x, uplink:y or venue */
static bool valid_entity(const char *s)
{
	if (!s || !*s || strlen(s) >= SAMPLE_ENTITY_MAX)
		return false;
	if (strcmp(s, "venue") == 0)
		return true;
	const char *colon = strchr(s, ':');
	if (!colon || colon == s || !colon[1])
		return false;
	for (const char *p = s; p < colon; p++)
		if (!islower((unsigned char)*p))
			return false;
	for (const char *p = colon + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-@+", *p))
			return false;
	return true;
}

static bool valid_word(const char *s, size_t max)
{
	if (!s || !*s || strlen(s) > max)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

/* "now", "-6h", "@1700000000" or "1700000000". */
static bool parse_when(const char *s, time_t now, time_t *out)
{
	long d;
	char *end;
	if (strcmp(s, "now") == 0) {
		*out = now;
		return true;
	}
	if (s[0] == '-' && parse_duration(s + 1, &d) == 0 && d >= 0 && d <= MAX_SPAN) {
		*out = now - d;
		return true;
	}
	errno = 0;
	long long v = strtoll(s[0] == '@' ? s + 1 : s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > 4102444800LL)
		return false;
	*out = (time_t)v;
	return true;
}

static bool parse_range_args(const char *range, const char *f, const char *t,
			     const char *default_from, time_t *from, time_t *to, const char **why)
{
	time_t now = time(NULL);
	if (range) {
		long d;
		if (f || parse_duration(range, &d) != 0 || d <= 0 || d > MAX_SPAN) {
			*why = "range must be a duration like 1h, 6h or 24h (and no from)";
			return false;
		}
		*from = now - d;
		*to = t ? 0 : now;
		if (t && !parse_when(t, now, to)) {
			*why = "to must be now, -DURATION or an epoch";
			return false;
		}
		if (t)
			*from = *to - d;
		return true;
	}
	if (!parse_when(f ? f : default_from, now, from) || !parse_when(t ? t : "now", now, to)) {
		*why = "from and to must be now, -DURATION (like -6h) or an epoch";
		return false;
	}
	if (*from >= *to || *to - *from > MAX_SPAN) {
		*why = "from must be before to, at most 400 days apart";
		return false;
	}
	return true;
}

static bool parse_range(struct MHD_Connection *conn, const char *default_from, time_t *from,
			time_t *to, const char **why)
{
	return parse_range_args(arg(conn, "range"), arg(conn, "from"), arg(conn, "to"),
				default_from, from, to, why);
}

/* ---- series and graphs (read from the store) ---- */

/* The store's errors name files under state_dir, which is no visitor's
 * business: such an error is logged and answered in general terms. */
static enum MHD_Result store_not_found(struct web *w, struct MHD_Connection *conn,
				       const char *entity, const char *err)
{
	if (!strchr(err, '/'))
		return web_error(w, conn, MHD_HTTP_NOT_FOUND, err);
	log_debug("web: %s: %s", entity, err);
	char msg[SAMPLE_ENTITY_MAX + 32];
	snprintf(msg, sizeof msg, "no data for %s", entity);
	return web_error(w, conn, MHD_HTTP_NOT_FOUND, msg);
}

static enum MHD_Result series(struct web *w, const struct web_snapshot *s,
			      struct MHD_Connection *conn)
{
	const char *entity = arg(conn, "entity"), *metric = arg(conn, "metric");
	const char *cf = arg(conn, "cf"), *step_s = arg(conn, "step"), *why = NULL;
	time_t from, to;
	long step = 0;
	if (!valid_entity(entity))
		return web_error(w, conn, 400, "entity must be venue or KIND:NAME (ap:hall-a-1)");
	if (!valid_word(metric, SAMPLE_METRIC_MAX - 1))
		return web_error(w, conn, 400, "metric must be a metric name like clients");
	if (cf && strcmp(cf, "AVERAGE") != 0 && strcmp(cf, "MAX") != 0)
		return web_error(w, conn, 400, "cf must be AVERAGE or MAX");
	if (step_s && (parse_duration(step_s, &step) != 0 || step < 0 || step > 86400))
		return web_error(w, conn, 400, "step must be a duration up to 1d");
	if (!parse_range(conn, "-6h", &from, &to, &why))
		return web_error(w, conn, 400, why);
	if (!s->store)
		return web_error(w, conn, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not running");
	struct store_series out;
	char err[256] = "no data";
	memset(&out, 0, sizeof out);
	if (store_series(s->store, entity, metric, from, to, step, cf ? cf : "AVERAGE", &out, err,
			 sizeof err) != 0)
		return store_not_found(w, conn, entity, err);
	json_t *points = json_array();
	for (size_t i = 0; i < out.n; i++) {
		double v = out.values[i];
		json_array_append_new(points, json_pack("[I, o]",
			(json_int_t)(out.start + (time_t)i * out.step),
			isfinite(v) ? json_real(v) : json_null()));
	}
	json_t *doc = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "entity", entity,
				"metric", metric, "cf", out.cf[0] ? out.cf : (cf ? cf : "AVERAGE"),
				"start", (json_int_t)out.start, "step", (json_int_t)out.step,
				"points", points);
	store_series_free(&out);
	return web_send_json(w, conn, MHD_HTTP_OK, doc);
}

static bool parse_size(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	if (!s)
		return true;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return false;
	*out = (unsigned)v;
	return true;
}

static enum MHD_Result send_graph(struct web *w, struct MHD_Connection *conn,
				   const char *format, unsigned char *data, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				strcmp(format, "svg") == 0 ? "image/svg+xml" : "image/png");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	web_add_common_headers(r);
	enum MHD_Result ret = web_queue(w, conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* The handler's second round for a graph: the worker has drawn it. */
static enum MHD_Result graph_drawn(struct web *w, struct MHD_Connection *conn,
				   struct request *rq)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char err[256];
	int rc = web_graph_result(rq->graph, &data, &len, err, sizeof err);
	rq->graph = NULL;
	rq->answered = true;
	if (rc != 0)
		free(data);
	if (rc == -2)
		return web_error(w, conn, MHD_HTTP_SERVICE_UNAVAILABLE, err);
	if (rc != 0)
		return store_not_found(w, conn, rq->graph_entity, err);
	return send_graph(w, conn, rq->graph_format, data, len);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static enum MHD_Result graph(struct web *w, const struct web_snapshot *s,
			     struct MHD_Connection *conn, const char *name, struct request *rq)
{
	char entity[SAMPLE_ENTITY_MAX];
	const char *dot = strrchr(name, '.'), *why = NULL, *format;
	if (!dot || (strcmp(dot, ".svg") != 0 && strcmp(dot, ".png") != 0) ||
	    (size_t)(dot - name) >= sizeof entity)
		return web_error(w, conn, MHD_HTTP_NOT_FOUND, "graphs are /graph/ENTITY.svg or .png");
	format = dot + 1;
	memcpy(entity, name, (size_t)(dot - name));
	entity[dot - name] = '\0';
	unsigned width = 800, height = 240;
	time_t from, to;
	if (!valid_entity(entity))
		return web_error(w, conn, 400, "entity must be venue or KIND:NAME (ap:hall-a-1)");
	if (!parse_size(arg(conn, "width"), 100, 4000, &width) ||
	    !parse_size(arg(conn, "height"), 60, 2000, &height))
		return web_error(w, conn, 400, "width must be 100..4000 and height 60..2000");
	if (!parse_range(conn, "-6h", &from, &to, &why))
		return web_error(w, conn, 400, why);
	if (to - from > GRAPH_SPAN_MAX)
		return web_error(w, conn, 400, "a graph spans at most 31 days");
	if (!s->store)
		return web_error(w, conn, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not running");
	struct web_graph_params p = { .from = from, .to = to, .width = width, .height = height };
	strlcpy_hr(p.entity, entity, sizeof p.entity);
	strlcpy_hr(p.format, format, sizeof p.format);
	/* The same request within a tick draws the same picture. */
	snprintf(p.key, sizeof p.key, "%lu|%s|%s|%s|%s|%s|%u|%u", s->seq, entity, format,
		 or_empty(arg(conn, "range")), or_empty(arg(conn, "from")),
		 or_empty(arg(conn, "to")), width, height);
	unsigned char *data = NULL;
	size_t len = 0;
	if (web_graph_cached(w, p.key, &data, &len))
		return send_graph(w, conn, format, data, len);
	strlcpy_hr(rq->graph_entity, entity, sizeof rq->graph_entity);
	strlcpy_hr(rq->graph_format, format, sizeof rq->graph_format);
	rq->graph = web_graph_submit(w, s->store, conn, &p);
	if (!rq->graph)
		return web_error_with(w, conn, MHD_HTTP_TOO_MANY_REQUESTS,
				      "too many graphs at once", MHD_HTTP_HEADER_RETRY_AFTER, "1");
	return MHD_YES;	/* suspended until the worker has drawn it */
}

/* ---- acks and silences (queued to the alert engine) ---- */

static bool valid_id(const char *s)
{
	if (!*s || strlen(s) > MAX_ID)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._:-", *p))
			return false;
	return true;
}

static json_t *request_json(const struct request *rq, bool optional)
{
	if (optional && rq->len == 0)
		return json_object();
	json_t *doc = json_loadb(rq->body ? rq->body : "", rq->len, 0, NULL);
	if (doc && !json_is_object(doc)) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* Mirror an accepted silence, ack or deletion into Alertmanager; its id
 * or why not goes into the reply, the local change stands either way. */
static void am_silence(const struct web_snapshot *s, enum route route, const char *id,
		       const char *local_id, const json_t *body, json_t *reply)
{
	char am_id[128] = "", am_err[256] = "";
	int rc = route == R_SILENCE_ID
		? notify_am_unsilence(s->am_sync, id, am_id, sizeof am_id, am_err, sizeof am_err)
		: notify_am_silence(s->am_sync, route == R_ACK ? id : NULL, local_id, body,
				    now_seconds(), am_id, sizeof am_id, am_err, sizeof am_err);
	if (rc == 0) {
		json_object_set_new(reply, route == R_SILENCE_ID ? "alertmanager_expired"
								 : "alertmanager_silence",
				    json_string(am_id));
	} else {
		log_warn("web: Alertmanager did not take the silence: %s", am_err);
		json_object_set_new(reply, "alertmanager_error", json_string(am_err));
	}
}

static enum MHD_Result alert_call(struct web *w, const struct web_snapshot *s,
				  struct MHD_Connection *conn, enum route route, const char *id,
				  const struct request *rq)
{
	char err[256] = "rejected", out_id[128] = "";
	json_t *body = route == R_SILENCE_ID ? json_object() : request_json(rq, route == R_ACK);
	if (!body)
		return web_error(w, conn, MHD_HTTP_BAD_REQUEST, "the body must be a JSON object");
	if (!s->alerts) {
		json_decref(body);
		return web_error(w, conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "the alert engine is not running");
	}
	int rc;
	if (route == R_ACK)
		rc = alert_request_ack(s->alerts, id, body, err, sizeof err);
	else if (route == R_SILENCES)
		rc = alert_request_silence(s->alerts, body, out_id, sizeof out_id, err, sizeof err);
	else
		rc = alert_request_unsilence(s->alerts, id, err, sizeof err);
	if (rc != 0) {
		json_decref(body);
		return web_error(w, conn, MHD_HTTP_BAD_REQUEST, err);
	}
	json_t *reply = route == R_SILENCES ? json_pack("{s:s, s:b}", "id", out_id, "queued", 1)
					    : json_pack("{s:b}", "queued", 1);
	if (s->am_sync)
		am_silence(s, route, id, out_id, body, reply);
	json_decref(body);
	return web_send_json(w, conn, route == R_SILENCES ? MHD_HTTP_CREATED : MHD_HTTP_ACCEPTED,
			     reply);
}

/* ---- routing ---- */

struct route_match {
	enum route route;
	enum web_body_id body;
	const char *arg;		/* static name, graph name, id */
	const char *allow;
	size_t arg_len;			/* of arg without the route's suffix */
};

static bool has_dot_segment(const char *url)
{
	for (const char *p = url; (p = strstr(p, "/..")); p += 3)
		if (p[3] == '/' || p[3] == '\0')
			return true;
	return strchr(url, '\\') != NULL;
}

#define GET_HEAD "GET, HEAD"

/* Every route, first match wins. A prefix route's argument is the rest
 * of the path; with a suffix, the rest must be something before it. */
static const struct route_entry {
	const char *path;
	enum route route;
	enum web_body_id body;		/* of R_BODY and R_SILENCES */
	const char *allow;		/* NULL: GET, HEAD */
	bool prefix;
	const char *suffix;
} routes[] = {
	{ "/", .route = R_INDEX },
	{ "/index.html", .route = R_INDEX },
	{ "/static/", .route = R_STATIC, .prefix = true },
	{ "/api/v1/venue", .route = R_BODY, .body = WB_VENUE },
	{ "/api/v1/rooms", .route = R_BODY, .body = WB_ROOMS },
	{ "/api/v1/aps", .route = R_BODY, .body = WB_APS },
	{ "/api/v1/radios", .route = R_BODY, .body = WB_RADIOS },
	{ "/api/v1/uplinks", .route = R_BODY, .body = WB_UPLINKS },
	{ "/api/v1/targets", .route = R_BODY, .body = WB_TARGETS },
	{ "/api/v1/alerts", .route = R_BODY, .body = WB_ALERTS },
	{ "/metrics", .route = R_BODY, .body = WB_METRICS },
	{ "/api/v1/series", .route = R_SERIES },
	{ "/graph/", .route = R_GRAPH, .prefix = true },
	{ "/events", .route = R_EVENTS, .allow = "GET" },
	{ "/healthz", .route = R_HEALTHZ },
	{ "/api/v1/silences", .route = R_SILENCES, .body = WB_SILENCES,
	  .allow = "GET, HEAD, POST" },
	{ "/api/v1/silences/", .route = R_SILENCE_ID, .allow = "DELETE", .prefix = true },
	{ "/api/v1/alerts/", .route = R_ACK, .allow = "POST", .prefix = true, .suffix = "/ack" },
};

static bool route_matches(const struct route_entry *e, const char *url, const char **arg)
{
	size_t n = strlen(e->path);
	if (!e->prefix)
		return strcmp(url, e->path) == 0;
	if (strncmp(url, e->path, n) != 0)
		return false;
	*arg = url + n;
	if (!e->suffix)
		return true;
	size_t rest = strlen(*arg), tail = strlen(e->suffix);
	return rest > tail && strcmp(*arg + rest - tail, e->suffix) == 0;
}

static struct route_match route_of(const char *url)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const char *arg = NULL;
		if (!route_matches(&routes[i], url, &arg))
			continue;
		size_t len = arg ? strlen(arg) : 0;
		if (routes[i].suffix)
			len -= strlen(routes[i].suffix);
		return (struct route_match){ routes[i].route, routes[i].body, arg,
					     routes[i].allow ? routes[i].allow : GET_HEAD, len };
	}
	return (struct route_match){ R_NONE, WB_COUNT, NULL, GET_HEAD, 0 };
}

/* The id a write names ("" for none) into buf of MAX_ID + 1 bytes;
 * false when it is no valid id. */
static bool route_id(const struct route_match *m, char *buf)
{
	buf[0] = '\0';
	if (!m->arg)
		return true;
	if (m->arg_len > MAX_ID)
		return false;
	memcpy(buf, m->arg, m->arg_len);
	buf[m->arg_len] = '\0';
	return valid_id(buf);
}

static bool method_allowed(const char *allow, const char *method)
{
	size_t n = strlen(method);
	if (n == 0)	/* strstr would match "" forever */
		return false;
	for (const char *p = allow; (p = strstr(p, method)); p += n)
		if ((p == allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static enum MHD_Result healthz(struct web *w, struct web_snapshot *s,
			       struct MHD_Connection *conn)
{
	double now = now_seconds();
	char why[128];
	if (!web_health_ok(s->published, now, s->tick, why, sizeof why))
		return web_send_json(w, conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 json_pack("{s:s, s:s, s:f}", "status", "stale", "reason", why,
					   "age", now - s->published));
	/* History is being lost: a monitor of the monitor should know. */
	struct store_stats st;
	if (s->store && (store_get_stats(s->store, &st), st.failing))
		return web_send_json(w, conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 json_pack("{s:s, s:s, s:I}", "status", "store_failing", "reason",
					   st.failing_why, "seq", (json_int_t)s->seq));
	return send_body(w, conn, &s->bodies[WB_HEALTHZ]);
}

static enum MHD_Result dispatch(struct web *w, struct web_snapshot *s,
				struct MHD_Connection *conn, const char *url, const char *method,
				struct request *rq)
{
	enum MHD_Result ret;
	if (has_dot_segment(url))
		return web_error(w, conn, MHD_HTTP_BAD_REQUEST, "bad path");
	struct route_match m = route_of(url);
	if (m.route == R_NONE)
		return web_error(w, conn, MHD_HTTP_NOT_FOUND, "not found");
	if (!method_allowed(m.allow, method))
		return method_not_allowed(w, conn, m.allow);
	bool writes = strcmp(method, "POST") == 0 || strcmp(method, "DELETE") == 0;
	if (writes) {
		if (!token_ok(w, s, conn, &ret))
			return ret;
		char id[MAX_ID + 1];
		if (!route_id(&m, id))
			return web_error(w, conn, MHD_HTTP_NOT_FOUND, "no such id");
		return alert_call(w, s, conn, m.route, id, rq);
	}
	if (m.route == R_HEALTHZ)
		return healthz(w, s, conn);
	if (!basic_auth_ok(w, s, conn, &ret))
		return ret;
	switch (m.route) {
	case R_INDEX:
		return send_body(w, conn, asset(w, "index.html"));
	case R_STATIC: {
		struct web_body *b = asset(w, m.arg);
		return b ? send_body(w, conn, b) : web_error(w, conn, MHD_HTTP_NOT_FOUND, "not found");
	}
	case R_BODY:
	case R_SILENCES:
		return send_body(w, conn, &s->bodies[m.body]);
	case R_SERIES:
		return series(w, s, conn);
	case R_GRAPH:
		return graph(w, s, conn, m.arg, rq);
	case R_EVENTS:
		return web_sse_open(w, conn);
	default:
		return web_error(w, conn, MHD_HTTP_NOT_FOUND, "not found");
	}
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decoding in place, except that %00 stays as written: a NUL in
 * the middle would cut "/static/app.js%00.png" down to a file the
 * request did not name. */
size_t web_unescape(void *cls, struct MHD_Connection *conn, char *uri)
{
	char *out = uri;
	for (const char *in = uri; *in; in++) {
		int hi, lo;
		if (in[0] == '%' && (hi = hex_digit(in[1])) >= 0 && (lo = hex_digit(in[2])) >= 0 &&
		    (hi | lo) != 0) {
			*out++ = (char)(hi * 16 + lo);
			in += 2;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
	return (size_t)(out - uri);
}

int web_check_request(char *url, const char *method, const char *const query[7])
{
	web_unescape(NULL, NULL, url);
	if (has_dot_segment(url))
		return -1;
	struct route_match m = route_of(url);
	if (m.route == R_NONE || !method_allowed(m.allow, method))
		return -1;
	const char *entity = query[0], *metric = query[1], *cf = query[2], *step_s = query[3];
	time_t from, to;
	long step;
	unsigned size;
	const char *why = NULL;
	bool ok = valid_entity(entity) && valid_word(metric, SAMPLE_METRIC_MAX - 1) &&
		  (!cf || strcmp(cf, "AVERAGE") == 0 || strcmp(cf, "MAX") == 0) &&
		  (!step_s || (parse_duration(step_s, &step) == 0 && step >= 0 && step <= 86400)) &&
		  parse_size(query[4], 100, 4000, &size) &&
		  parse_range_args(query[5], query[6], NULL, "-6h", &from, &to, &why);
	char id[MAX_ID + 1];
	if (m.route == R_ACK || m.route == R_SILENCE_ID)
		ok = route_id(&m, id) && ok;
	return ok ? (int)m.route : 0;
}

static bool has_body(const char *method)
{
	return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	       strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0;
}

static bool declared_too_big(struct MHD_Connection *conn)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	return cl && strtoull(cl, NULL, 10) > MAX_BODY;
}

enum MHD_Result web_handle(void *cls, struct MHD_Connection *conn, const char *url,
			   const char *method, const char *version, const char *upload_data,
			   size_t *upload_data_size, void **con_cls)
{
	struct web *w = cls;
	struct request *rq = *con_cls;
	if (!rq) {
		rq = xcalloc(1, sizeof *rq);
		*con_cls = rq;
		__atomic_add_fetch(&w->counters.requests_total, 1, __ATOMIC_RELAXED);
		if (has_body(method) && declared_too_big(conn)) {
			rq->answered = true;
			return web_error(w, conn, MHD_HTTP_CONTENT_TOO_LARGE,
					 "the request body is too large");
		}
		/* Answering on the first call would make libmicrohttpd close
		 * the connection; the second call comes once the body (if
		 * any) is in, and keeps the connection alive. */
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!rq->answered && rq->len + *upload_data_size <= MAX_BODY) {
			rq->body = xrealloc(rq->body, rq->len + *upload_data_size + 1);
			memcpy(rq->body + rq->len, upload_data, *upload_data_size);
			rq->len += *upload_data_size;
			rq->body[rq->len] = '\0';
		} else {
			rq->too_big = true;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->graph)
		return graph_drawn(w, conn, rq);
	if (rq->answered)
		return MHD_YES;
	rq->answered = true;
	web_conn_request(w, conn, true);
	if (rq->too_big)
		return web_error(w, conn, MHD_HTTP_CONTENT_TOO_LARGE, "the request body is too large");
	if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
	    !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))
		return web_error(w, conn, MHD_HTTP_BAD_REQUEST, "HTTP/1.1 needs a Host header");
	struct web_snapshot *s = web_snapshot_get(w);
	if (!s)
		return web_error(w, conn, MHD_HTTP_SERVICE_UNAVAILABLE, "starting");
	enum MHD_Result ret = dispatch(w, s, conn, url, method, rq);
	web_snapshot_put(s);
	return ret;
}

void web_request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;
	web_conn_request(cls, conn, false);
	if (!rq)
		return;
	/* Resumed but closed before its answer (MHD stopping): the worker is
	 * done with the job, which is the request's to free. */
	if (rq->graph) {
		unsigned char *data = NULL;
		size_t len;
		char err[8];
		web_graph_result(rq->graph, &data, &len, err, sizeof err);
		free(data);
	}
	free(rq->body);
	free(rq);
	*con_cls = NULL;
}
