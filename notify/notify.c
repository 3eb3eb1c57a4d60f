/* Webhook delivery on libcurl's multi socket interface (see notify.h). */
#include "config.h"
#include "notify/notify.h"
#include "alerts/alert.h"
#include "base/eventlog.h"
#include "base/module.h"
#include "base/log.h"
#include "base/util.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define BACKOFF_FIRST 2.0
#define BACKOFF_MAX 300.0
#define SERVER_WAIT_MAX 900.0
#define GIVE_UP_AFTER 86400.0
#define TRANSFER_TIMEOUT_MS 15000L
#define CONNECT_TIMEOUT_MS 5000L

struct msg {
	char *path;			/* its spool file */
	char id[64];			/* idempotency id (Matrix txnId) */
	unsigned long seq;
	double created, next_attempt;
	int attempts;			/* tries, for the log */
	int failures;			/* tries that failed (not 429s): the backoff */
	bool resend;			/* Alertmanager re-send: memory only */
	json_t *notification;
};

struct xfer;

struct queue {
	char *name;
	const struct conf_notifier *nf;
	const char *url;		/* alertmanager: this member's base URL */
	bool am;			/* kind alertmanager */
	double next_resend;
	struct am_sent_map sent;	/* severities delivered, for am */
	struct xfer *polling;		/* am silences: GET /api/v2/alerts */
	double next_poll;
	json_t *silenced;		/* [[labels, silence id]] of the last poll */
	char *dir;
	struct msg *msgs;		/* oldest first */
	size_t n, cap;
	unsigned long next_seq;
	struct xfer *busy;		/* at most one message in flight */
	double tokens, tokens_at;
	bool failing;
	char why[128];
};

struct xfer {
	struct notify *nt;
	struct queue *q;
	bool poll;			/* a silence poll, not a message */
	CURL *easy;
	struct curl_slist *headers;
	struct notify_request req;
	struct notify_reply resp;
	char errbuf[CURL_ERROR_SIZE];
};

struct notify {
	struct module_ctx *d;
	CURLM *multi;
	struct event *curl_timer, *pump_timer;
	struct queue *qs;
	size_t n_qs;
	char *spool_root, *log_path;
};

/* ---- the alert log ---- */

static void log_event(struct notify *nt, const struct queue *q, const struct msg *m,
		      const char *event, json_t *extra)
{
	if (m && m->resend && strcmp(event, "sent") == 0) {
		json_decref(extra);
		return;		/* a re-send a minute would drown the log */
	}
	json_t *o = json_pack("{s:s, s:s}", "event", event, "notifier", q->name);
	if (m) {
		json_object_set_new(o, "message", json_string(m->id));
		json_object_set(o, "notification", json_object_get(m->notification, "id"));
		json_object_set(o, "type", json_object_get(m->notification, "type"));
		json_object_set_new(o, "attempt", json_integer(m->attempts));
	}
	if (extra)
		json_object_update(o, extra);
	json_decref(extra);
	json_t *events = json_pack("[o]", o);
	eventlog_append(nt->log_path, events, module_now(nt->d));
	json_decref(events);
}

/* ---- the spool ---- */

static void fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int spool_write(const struct queue *q, const struct msg *m)
{
	json_t *o = json_pack("{s:s, s:I, s:f, s:s, s:O}", "id", m->id, "seq",
			      (json_int_t)m->seq, "created", m->created, "notifier", q->name,
			      "notification", m->notification);
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	char *tmp = xasprintf("%s.tmp", m->path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	int rc = -1;
	if (fd >= 0 && text) {
		size_t len = strlen(text);
		rc = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
	}
	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, m->path) != 0)
		rc = -1;
	if (rc == 0)
		fsync_dir(q->dir);
	else
		unlink(tmp);
	free(tmp);
	free(text);
	return rc;
}

static void msg_free(struct msg *m)
{
	free(m->path);
	json_decref(m->notification);
	memset(m, 0, sizeof *m);
}

static void queue_remove(struct queue *q, size_t i, bool unlink_file)
{
	if (unlink_file && q->msgs[i].path)
		unlink(q->msgs[i].path);
	msg_free(&q->msgs[i]);
	memmove(&q->msgs[i], &q->msgs[i + 1], (q->n - i - 1) * sizeof *q->msgs);
	q->n--;
}

static struct msg *queue_push(struct queue *q)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 16;
		q->msgs = xrealloc(q->msgs, q->cap * sizeof *q->msgs);
	}
	struct msg *m = &q->msgs[q->n++];
	memset(m, 0, sizeof *m);
	return m;
}

static int seq_cmp(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool spool_name(const char *name)
{
	size_t len = strlen(name);
	if (len != 21 || strcmp(name + 16, ".json") != 0)
		return false;
	for (size_t i = 0; i < 16; i++)
		if (name[i] < '0' || name[i] > '9')
			return false;
	return true;
}

static void spool_load_file(struct queue *q, const char *name, double now)
{
	char *path = xasprintf("%s/%s", q->dir, name);
	json_error_t jerr;
	json_t *o = json_load_file(path, 0, &jerr);
	json_t *n = o ? json_object_get(o, "notification") : NULL;
	const char *id = o ? json_string_value(json_object_get(o, "id")) : NULL;
	if (!json_is_object(n) || !id || strlen(id) >= sizeof q->msgs->id) {
		char *bad = xasprintf("%s.bad", path);
		log_err("notifier \"%s\": spool file %s is damaged; moved aside to %s", q->name,
			path, bad);
		rename(path, bad);
		free(bad);
		free(path);
		json_decref(o);
		return;
	}
	struct msg *m = queue_push(q);
	m->path = path;
	strlcpy_hr(m->id, id, sizeof m->id);
	m->seq = strtoul(name, NULL, 10);
	m->created = json_number_value(json_object_get(o, "created"));
	m->next_attempt = now;
	m->notification = json_incref(n);
	json_decref(o);
}

static void spool_load(struct queue *q, double now)
{
	DIR *dir = opendir(q->dir);
	if (!dir)
		return;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (spool_name(de->d_name)) {
			spool_load_file(q, de->d_name, now);
		} else if (strstr(de->d_name, ".json.tmp")) {
			char *tmp = xasprintf("%s/%s", q->dir, de->d_name);
			unlink(tmp);	/* never renamed: never announced as spooled */
			free(tmp);
		}
	}
	closedir(dir);
	if (q->n > 1)
		qsort(q->msgs, q->n, sizeof *q->msgs, seq_cmp);
	q->next_seq = q->n ? q->msgs[q->n - 1].seq + 1 : 1;
	if (q->n)
		log_info("notifier \"%s\": %zu spooled notifications to deliver", q->name, q->n);
}

/* Make room under spool_max by dropping the oldest idle message, loudly. */
static void spool_bound(struct notify *nt, struct queue *q)
{
	while (q->nf && q->nf->spool_max > 0 && q->n >= (size_t)q->nf->spool_max) {
		size_t victim = q->busy ? 1 : 0;
		if (victim >= q->n)
			return;
		log_err("notifier \"%s\": spool full (%ld); dropping the oldest notification %s",
			q->name, q->nf->spool_max, q->msgs[victim].id);
		log_event(nt, q, &q->msgs[victim], "dropped",
			  json_pack("{s:s}", "reason", "spool full"));
		queue_remove(q, victim, true);
	}
}

static int enqueue(struct notify *nt, struct queue *q, const json_t *notification)
{
	spool_bound(nt, q);
	double now = module_now(nt->d);
	struct msg *m = queue_push(q);
	m->seq = q->next_seq++;
	m->created = now;
	m->next_attempt = now;
	m->notification = json_deep_copy(notification);
	snprintf(m->id, sizeof m->id, "hr%.0f-%lu", now * 1e3, m->seq);
	m->path = xasprintf("%s/%016lu.json", q->dir, m->seq);
	if (spool_write(q, m) != 0) {
		log_err("notifier \"%s\": cannot spool to %s: %s; sending from memory", q->name,
			q->dir, strerror(errno));
		free(m->path);
		m->path = NULL;
	}
	log_event(nt, q, m, "spooled", NULL);
	return 0;
}

/* ---- queues ---- */

static char *safe_dir_name(const char *name)
{
	char *s = xstrdup(name);
	for (char *p = s; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '-' && *p != '_')
			*p = '_';
	return s;
}

static void queue_init(struct notify *nt, struct queue *q, const struct conf_notifier *nf,
		       char *name)
{
	memset(q, 0, sizeof *q);
	q->name = name;
	q->nf = nf;
	char *safe = safe_dir_name(name);
	q->dir = xasprintf("%s/%s", nt->spool_root, safe);
	free(safe);
	if (mkdir_p(q->dir, 0750) != 0)
		log_err("notifier \"%s\": cannot create %s: %s", q->name, q->dir, strerror(errno));
	q->tokens = 1;
	q->tokens_at = module_now(nt->d);
	spool_load(q, q->tokens_at);
}

/* The alert engine's notifier_failing rule hears of every change. */
static void tell_delivery(struct notify *nt, const struct queue *q)
{
	alert_engine_set_delivery(nt->d->alerts, q->name, q->failing, q->why);
}

static struct queue *queue_by_name(struct notify *nt, const char *name)
{
	for (size_t i = 0; i < nt->n_qs; i++)
		if (nt->qs[i].name && strcmp(nt->qs[i].name, name) == 0)	/* NULL: moved */
			return &nt->qs[i];
	return NULL;
}

/* ---- pacing and backoff ---- */

static double rate_per_second(const struct queue *q)
{
	return q->nf && q->nf->rate_per_minute > 0 ? q->nf->rate_per_minute / 60.0 : 1.0 / 3;
}

static double bucket_size(const struct queue *q)
{
	double burst = q->nf ? q->nf->rate_per_minute / 20.0 : 1;
	return burst > 1 ? burst : 1;
}

static void refill(struct queue *q, double now)
{
	q->tokens = fmin(bucket_size(q), q->tokens + (now - q->tokens_at) * rate_per_second(q));
	q->tokens_at = now;
}

static double jitter(void)
{
	unsigned short r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = 32768;
	return 0.8 + 0.4 * (double)r / 65535.0;	/* +-20% */
}

static double backoff(int attempts, double floor_s)
{
	double d = BACKOFF_FIRST * pow(2, attempts > 1 ? attempts - 1 : 0);
	d = fmin(d, BACKOFF_MAX) * jitter();
	return fmax(d, floor_s);
}

/* ---- transfers ---- */

static void pump(struct notify *nt);
static void on_poll_done(struct notify *nt, struct xfer *x, CURLcode rc);

size_t notify_keep_reply(char *data, size_t size, size_t nmemb, void *arg)
{
	struct notify_reply *r = arg;
	size_t len = size * nmemb, max = r->max ? r->max : NOTIFY_REPLY_MAX;
	size_t keep = r->len + len > max ? max - r->len : len;
	if (keep < len)
		r->cut = true;
	if (keep) {
		r->data = xrealloc(r->data, r->len + keep + 1);
		memcpy(r->data + r->len, data, keep);
		r->len += keep;
		r->data[r->len] = '\0';
	}
	return len;
}

static void xfer_free(struct xfer *x)
{
	if (x->easy) {
		curl_multi_remove_handle(x->nt->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	curl_slist_free_all(x->headers);
	notify_request_free(&x->req);
	free(x->resp.data);
	free(x);
}

static CURL *easy_for(const struct notify_request *req, struct curl_slist **headers,
		      char *errbuf)
{
	CURL *e = curl_easy_init();
	if (!e)
		return NULL;
	for (size_t i = 0; i < sizeof req->headers / sizeof *req->headers && req->headers[i]; i++)
		*headers = curl_slist_append(*headers, req->headers[i]);
	*headers = curl_slist_append(*headers, "Expect:");
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
	if (strcmp(req->method, "POST") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, *headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "headroom/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, TRANSFER_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	return e;
}

static void start(struct notify *nt, struct queue *q, struct msg *m)
{
	struct xfer *x = xcalloc(1, sizeof *x);
	x->nt = nt;
	x->q = q;
	int rc;
	if (q->am) {
		json_t *n = notify_am_with_retired(&q->sent, m->notification, module_now(nt->d));
		rc = notify_am_format(q->nf, q->url, n, nt->d->conf->web.public_url,
				      nt->d->conf->event.name, module_now(nt->d), &x->req);
		json_decref(n);
	} else {
		rc = notify_format(q->nf, m->notification, nt->d->conf->web.public_url, m->id,
				   &x->req);
	}
	if (rc != 0 || !(x->easy = easy_for(&x->req, &x->headers, x->errbuf))) {
		log_err("notifier \"%s\": notification %s cannot be formatted; dropped", q->name, m->id);
		log_event(nt, q, m, "dropped", json_pack("{s:s}", "reason", "unformattable"));
		queue_remove(q, 0, true);
		xfer_free(x);
		return;
	}
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, notify_keep_reply);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, &x->resp);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	m->attempts++;
	q->tokens -= 1;
	q->busy = x;
	curl_multi_add_handle(nt->multi, x->easy);
}

/* The service's own wait on 429: header first, then its body field. */
static double server_wait(struct xfer *x)
{
	curl_off_t ra = 0;
	if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		return (double)ra;
	json_t *body = x->resp.data ? json_loads(x->resp.data, 0, NULL) : NULL;
	double wait = 0;
	json_t *v;
	if ((v = json_object_get(body, "retry_after_ms")) && json_is_number(v))
		wait = json_number_value(v) / 1000;	/* Matrix */
	else if ((v = json_object_get(body, "retry_after")) && json_is_number(v))
		wait = json_number_value(v);		/* Discord, seconds */
	json_decref(body);
	return wait > 0 && isfinite(wait) ? wait : 0;
}

/* PACED: the service asked us to wait (429); that is not a failure, so
 * it neither grows the backoff nor marks the notifier as failing. */
enum outcome { SENT, RETRY, PACED, PERMANENT };

static enum outcome classify(struct xfer *x, CURLcode rc, long status, double *wait)
{
	*wait = 0;
	if (rc != CURLE_OK)
		return RETRY;
	/* Old Teams connectors answer 200 and put their 429 in the body. */
	if (status >= 200 && status < 300 && strcmp(x->q->nf->kind, "teams") == 0 && x->resp.data &&
	    strstr(x->resp.data, "HTTP error 429"))
		status = 429;
	if (status >= 200 && status < 300)
		return SENT;
	if (status == 429) {
		*wait = fmin(server_wait(x), SERVER_WAIT_MAX);
		if (*wait <= 0)
			*wait = backoff(1, strcmp(x->q->nf->kind, "ntfy") == 0 ? 5 : BACKOFF_FIRST);
		return PACED;
	}
	if (status == 408 || status >= 500)
		return RETRY;
	return PERMANENT;
}

static void on_done(struct notify *nt, struct xfer *x, CURLcode rc)
{
	struct queue *q = x->q;
	struct msg *m = &q->msgs[0];
	long status = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	double now = module_now(nt->d), wait;
	enum outcome o = classify(x, rc, status, &wait);
	json_t *info = json_pack("{s:i}", "http_status", (int)status);
	if (rc != CURLE_OK)
		json_object_set_new(info, "error", json_string(curl_easy_strerror(rc)));
	q->busy = NULL;
	if (o == SENT) {
		if (q->failing) {
			log_info("notifier \"%s\": delivering again", q->name);
			q->failing = false;
			tell_delivery(nt, q);
		}
		log_event(nt, q, m, "sent", info);
		if (q->am)
			notify_am_sent(&q->sent, m->notification);
		queue_remove(q, 0, true);
	} else if (m->resend) {
		/* The next re-send carries fresher news than a retry would. */
		log_warn("notifier \"%s\": re-send of the active alerts failed (%s)", q->name,
			 rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP error");
		if (o == PERMANENT && !q->failing) {
			q->failing = true;
			snprintf(q->why, sizeof q->why, "HTTP %ld", status);
			tell_delivery(nt, q);
		}
		json_decref(info);
		queue_remove(q, 0, true);
	} else if (o != PERMANENT && now - m->created < GIVE_UP_AFTER) {
		if (o == RETRY)
			m->failures++;
		if (wait <= 0)
			wait = backoff(m->failures, BACKOFF_FIRST);
		m->next_attempt = now + wait;
		json_object_set_new(info, "delay", json_real(wait));
		log_event(nt, q, m, "retry", info);
		if (o == PACED)
			log_info("notifier \"%s\": asked to wait (HTTP 429); retrying in %.1f s",
				 q->name, wait);
		else
			log_warn("notifier \"%s\": attempt %d failed (%s); retrying in %.1f s", q->name,
				 m->attempts, rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP error", wait);
	} else {
		const struct conf_notifier *nf = q->nf;
		if (o == PERMANENT) {
			q->failing = true;
			snprintf(q->why, sizeof q->why, "HTTP %ld", status);
			tell_delivery(nt, q);
			log_err("notifier \"%s\": HTTP %ld is permanent; notification %s not delivered",
				q->name, status, m->id);
		} else {
			log_err("notifier \"%s\": gave up on notification %s after 24 h", q->name, m->id);
		}
		log_event(nt, q, m, o == PERMANENT ? "failed" : "expired", info);
		struct queue *fb = nf->fallback ? queue_by_name(nt, nf->fallback) : NULL;
		if (fb && fb != q) {
			log_event(nt, q, m, "fallback", json_pack("{s:s}", "to", fb->name));
			json_t *n = json_incref(m->notification);
			queue_remove(q, 0, true);
			enqueue(nt, fb, n);
			json_decref(n);
		} else {
			queue_remove(q, 0, true);
		}
	}
	xfer_free(x);
}

/* ---- Alertmanager's silences, read back ---- */

static void on_poll_done(struct notify *nt, struct xfer *x, CURLcode rc)
{
	struct queue *q = x->q;
	long status = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	json_t *body = rc == CURLE_OK && status == 200 && x->resp.data && !x->resp.cut
			       ? json_loads(x->resp.data, 0, NULL)
			       : NULL;
	json_decref(q->silenced);
	q->silenced = body ? notify_am_silenced_of(body) : NULL;
	if (x->resp.cut)
		log_warn("notifier \"%s\": Alertmanager's list of silenced alerts is over %d MiB; "
			 "its silences do not show here", q->name, NOTIFY_AM_REPLY_MAX >> 20);
	else if (!body)
		log_debug("notifier \"%s\": cannot read its silenced alerts (%s, HTTP %ld)", q->name,
			  curl_easy_strerror(rc), status);
	json_decref(body);
	q->polling = NULL;
	xfer_free(x);
}

static void poll_silences(struct notify *nt, struct queue *q, double now)
{
	if (!q->am || !q->nf || !q->nf->silences || q->polling || now < q->next_poll)
		return;
	q->next_poll = now + (double)q->nf->resend;
	struct xfer *x = xcalloc(1, sizeof *x);
	x->nt = nt;
	x->q = q;
	x->poll = true;
	x->req.method = "GET";
	x->req.url = notify_am_venue_url(q->url, "/api/v2/alerts?active=true&silenced=true",
					 nt->d->conf->event.name);
	x->resp.max = NOTIFY_AM_REPLY_MAX;
	x->req.headers[0] = xstrdup("Accept: application/json");
	if (!(x->easy = easy_for(&x->req, &x->headers, x->errbuf))) {
		xfer_free(x);
		return;
	}
	curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, notify_keep_reply);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, &x->resp);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	q->polling = x;
	curl_multi_add_handle(nt->multi, x->easy);
}

void notify_am_mark_silenced(const struct notify *nt, json_t *alerts, const char *venue)
{
	for (size_t i = 0; nt && i < nt->n_qs; i++)
		if (nt->qs[i].silenced && nt->qs[i].nf && nt->qs[i].nf->silences)
			notify_am_mark(alerts, nt->qs[i].silenced, venue);
}

json_t *notify_am_sync(const struct notify *nt, const json_t *alerts, const char *venue)
{
	json_t *urls = json_array();
	for (size_t i = 0; nt && i < nt->n_qs; i++)
		if (nt->qs[i].am && nt->qs[i].nf && nt->qs[i].nf->silences && nt->qs[i].url)
			json_array_append_new(urls, json_string(nt->qs[i].url));
	if (json_array_size(urls) == 0) {
		json_decref(urls);
		return NULL;
	}
	return notify_am_sync_of(urls, alerts, venue);
}

static void drain_done(struct notify *nt)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(nt->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct xfer *x = NULL;
		CURLcode rc = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x && x->poll)
			on_poll_done(nt, x, rc);
		else if (x)
			on_done(nt, x, rc);
	}
	pump(nt);
}

/* ---- libcurl <-> libevent ---- */

static void on_socket_event(evutil_socket_t fd, short what, void *arg)
{
	struct notify *nt = arg;
	int running;
	int flags = (what & EV_READ ? CURL_CSELECT_IN : 0) | (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
	curl_multi_socket_action(nt->multi, fd, flags, &running);
	drain_done(nt);
}

static int on_curl_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct notify *nt = userp;
	struct event *ev = socketp;
	if (what == CURL_POLL_REMOVE) {
		if (ev)
			event_free(ev);
		curl_multi_assign(nt->multi, s, NULL);
		return 0;
	}
	short kind = (short)((what & CURL_POLL_IN ? EV_READ : 0) |
			     (what & CURL_POLL_OUT ? EV_WRITE : 0) | EV_PERSIST);
	if (ev)
		event_free(ev);
	ev = event_new(nt->d->base, s, kind, on_socket_event, nt);
	event_add(ev, NULL);
	curl_multi_assign(nt->multi, s, ev);
	return 0;
}

static void on_curl_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct notify *nt = arg;
	int running;
	curl_multi_socket_action(nt->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	drain_done(nt);
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct notify *nt = userp;
	if (timeout_ms < 0) {
		evtimer_del(nt->curl_timer);
		return 0;
	}
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	evtimer_add(nt->curl_timer, &tv);
	return 0;
}

/* ---- scheduling ---- */

static void on_pump_timer(evutil_socket_t fd, short what, void *arg)
{
	pump(arg);
}

/* Start every head message that is due and paid for; sleep until the next. */
static void pump(struct notify *nt)
{
	double now = module_now(nt->d), wake = INFINITY;
	for (size_t i = 0; i < nt->n_qs; i++) {
		struct queue *q = &nt->qs[i];
		if (q->busy || q->n == 0 || !q->nf)
			continue;
		refill(q, now);
		double at = q->msgs[0].next_attempt;
		if (q->tokens < 1)
			at = fmax(at, now + (1 - q->tokens) / rate_per_second(q));
		if (at <= now)
			start(nt, q, &q->msgs[0]);
		else
			wake = fmin(wake, at);
	}
	evtimer_del(nt->pump_timer);
	if (isfinite(wake)) {
		double delay = fmax(wake - now, 0.001);
		struct timeval tv = { (time_t)delay, (suseconds_t)((delay - floor(delay)) * 1e6) };
		evtimer_add(nt->pump_timer, &tv);
	}
}

/* ---- the module and its API ---- */

/* Route, spool (fsync) and schedule one notification of the alert engine. */
static void submit(struct notify *nt, const json_t *notification)
{
	bool routed = false;
	for (size_t i = 0; i < nt->n_qs; i++) {
		struct queue *q = &nt->qs[i];
		json_t *mine;
		if (!q->nf || !notify_route(q->nf, notification, &mine))
			continue;
		enqueue(nt, q, mine);
		json_decref(mine);
		routed = true;
	}
	if (!routed && nt->n_qs) {
		json_t *ev = json_pack("[{s:s, s:O}]", "event", "unrouted", "notification",
				       json_object_get(notification, "id"));
		eventlog_append(nt->log_path, ev, module_now(nt->d));
		json_decref(ev);
	}
	pump(nt);
}

static void queue_free(struct queue *q)
{
	if (q->busy)
		xfer_free(q->busy);
	for (size_t i = 0; i < q->n; i++)
		msg_free(&q->msgs[i]);
	free(q->msgs);
	free(q->name);
	free(q->dir);
	notify_am_sent_free(&q->sent);
	if (q->polling)
		xfer_free(q->polling);
	json_decref(q->silenced);
}

void notify_spool_read(const char *dir, const char *name,
		       void (*fn)(const json_t *notification, const char *id, void *ctx), void *ctx)
{
	struct queue q = { .name = xstrdup(name), .dir = xstrdup(dir) };
	spool_load(&q, 0);
	for (size_t i = 0; i < q.n; i++)
		fn(q.msgs[i].notification, q.msgs[i].id, ctx);
	queue_free(&q);
}

static bool is_am(const struct conf_notifier *nf)
{
	return strcmp(nf->kind, "alertmanager") == 0;
}

/* An Alertmanager notifier has a queue per member: "name", "name/2"... */
static size_t queues_of(const struct conf_notifier *nf)
{
	return is_am(nf) && nf->n_urls > 1 ? nf->n_urls : 1;
}

static void build_queues(struct notify *nt, const struct conf *c)
{
	size_t total = 0, j = 0;
	for (size_t i = 0; i < c->n_notifiers; i++)
		total += queues_of(&c->notifiers[i]);
	struct queue *qs = xcalloc(total ? total : 1, sizeof *qs);
	for (size_t i = 0; i < c->n_notifiers; i++) {
		const struct conf_notifier *nf = &c->notifiers[i];
		for (size_t k = 0; k < queues_of(nf); k++, j++) {
			char *name = k ? xasprintf("%s/%zu", nf->name, k + 1) : xstrdup(nf->name);
			struct queue *old = queue_by_name(nt, name);
			if (old) {
				qs[j] = *old;
				old->name = NULL;	/* moved */
				free(name);
				qs[j].nf = nf;
				if (qs[j].busy)
					qs[j].busy->q = &qs[j];
				if (qs[j].polling)
					qs[j].polling->q = &qs[j];
			} else {
				queue_init(nt, &qs[j], nf, name);
			}
			qs[j].am = is_am(nf);
			qs[j].url = qs[j].am && nf->n_urls ? nf->urls[k] : nf->url;
		}
	}
	for (size_t i = 0; i < nt->n_qs; i++)
		if (nt->qs[i].name)
			queue_free(&nt->qs[i]);	/* removed from the config; files stay */
	free(nt->qs);
	nt->qs = qs;
	nt->n_qs = total;
	for (size_t i = 0; i < nt->n_qs; i++)
		tell_delivery(nt, &nt->qs[i]);	/* new ones deliver; moved ones keep their word */
}

static int notify_start(struct module_ctx *d)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_err("notify: cannot initialise libcurl");
		return -1;
	}
	struct notify *nt = xcalloc(1, sizeof *nt);
	nt->d = d;
	nt->spool_root = xasprintf("%s/spool", d->conf->state_dir);
	nt->log_path = eventlog_path(d->conf->state_dir);
	nt->multi = curl_multi_init();
	nt->curl_timer = evtimer_new(d->base, on_curl_timeout, nt);
	nt->pump_timer = evtimer_new(d->base, on_pump_timer, nt);
	curl_multi_setopt(nt->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(nt->multi, CURLMOPT_SOCKETDATA, nt);
	curl_multi_setopt(nt->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(nt->multi, CURLMOPT_TIMERDATA, nt);
	if (mkdir_p(nt->spool_root, 0750) != 0)
		log_err("notify: cannot create %s: %s", nt->spool_root, strerror(errno));
	build_queues(nt, d->conf);
	d->notify = nt;
	pump(nt);
	return 0;
}

/* Alertmanager forgets an alert nobody renews: every resend seconds an
 * idle Alertmanager queue re-sends the firing alerts its routing admits.
 * A queue still delivering is behind anyway; it re-sends once drained. */
static void resend_active(struct notify *nt, double now)
{
	json_t *active = NULL;
	for (size_t i = 0; i < nt->n_qs; i++) {
		struct queue *q = &nt->qs[i];
		if (!q->am || !q->nf || q->busy || q->n || now < q->next_resend)
			continue;
		q->next_resend = now + (double)q->nf->resend;
		if (!active) {
			json_t *engine = alert_engine_alerts_json(nt->d->alerts);
			active = notify_am_active(engine);
			json_decref(engine);
		}
		json_t *mine;
		if (!notify_route(q->nf, active, &mine))
			continue;
		struct msg *m = queue_push(q);
		m->seq = 0;
		m->created = m->next_attempt = now;
		m->resend = true;
		m->notification = mine;
		snprintf(m->id, sizeof m->id, "resend%.0f", now * 1e3);
	}
	json_decref(active);
}

/* The alert engine ticked just before: take what it decided to tell. */
static void notify_tick(struct module_ctx *d, double now)
{
	if (!d->notify)
		return;
	json_t *taken = alert_engine_take_notifications(d->alerts);
	size_t i;
	json_t *notification;
	json_array_foreach(taken, i, notification)
		submit(d->notify, notification);
	json_decref(taken);
	resend_active(d->notify, module_now(d));
	for (size_t k = 0; k < d->notify->n_qs; k++)
		poll_silences(d->notify, &d->notify->qs[k], module_now(d));
	pump(d->notify);
}

static int notify_reload(struct module_ctx *d, const struct conf *old)
{
	if (!d->notify)
		return 0;
	build_queues(d->notify, d->conf);
	pump(d->notify);
	return 0;
}

static void notify_stop(struct module_ctx *d)
{
	struct notify *nt = d->notify;
	if (!nt)
		return;
	for (size_t i = 0; i < nt->n_qs; i++)
		queue_free(&nt->qs[i]);
	free(nt->qs);
	curl_multi_cleanup(nt->multi);
	event_free(nt->curl_timer);
	event_free(nt->pump_timer);
	free(nt->spool_root);
	free(nt->log_path);
	free(nt);
	d->notify = NULL;
	curl_global_cleanup();
}

const struct module_ops notify_module_ops = {
	.name = "notify",
	.start = notify_start,
	.tick = notify_tick,
	.reload = notify_reload,
	.stop = notify_stop,
};

/* ---- headroomd --test-notify ---- */

static json_t *test_notification(const char *name)
{
	char now[40];
	eventlog_format_time(now_seconds(), now, sizeof now);
	char *summary = xasprintf("test message from headroom: notifier \"%s\" works", name);
	json_t *n = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f,"
			      " s:[{s:s, s:s, s:{}, s:s, s:s, s:s, s:s}]}",
			      "id", "test", "type", "test", "group", "test/venue", "rule", "test",
			      "area", "venue", "status", "firing", "severity", "info", "time",
			      now_seconds(), "alerts", "id", "0000000000000000", "rule", "test",
			      "labels", "severity", "info", "status", "firing", "summary", summary,
			      "startsAt", now);
	free(summary);
	return n;
}

/* One line for one notifier: its HTTP status (or why it was not
 * delivered) and how long it took; with -d the reply's body follows,
 * indented, ending in a newline whatever the receiver sent. */
static int test_one(const struct conf *conf, const struct conf_notifier *nf, size_t member)
{
	json_t *n = test_notification(nf->name);
	/* an Alertmanager cluster: one line per member, as its queues are named */
	char *name = member ? xasprintf("%s/%zu", nf->name, member + 1) : xstrdup(nf->name);
	char txn[64];
	snprintf(txn, sizeof txn, "hr-test-%.0f", now_seconds() * 1e3);
	struct notify_request req;
	struct notify_reply reply = { .data = NULL };	/* never printed unasked */
	int rc = -1;
	int fr = is_am(nf) ? notify_am_format(nf, nf->urls[member], n, conf->web.public_url,
					      conf->event.name, now_seconds(), &req)
			   : notify_format(nf, n, conf->web.public_url, txn, &req);
	if (fr != 0) {
		printf("notifier \"%s\" (%s): the test message cannot be formatted\n", name,
		       nf->kind);
		json_decref(n);
		free(name);
		return -1;
	}
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *e = easy_for(&req, &headers, errbuf);
	if (e) {
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, notify_keep_reply);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &reply);
	}
	double t0 = now_seconds();
	CURLcode cc = e ? curl_easy_perform(e) : CURLE_FAILED_INIT;
	double ms = (now_seconds() - t0) * 1e3;
	long status = 0;
	if (e)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK)
		printf("notifier \"%s\" (%s): not delivered after %.0f ms: %s\n", name, nf->kind,
		       ms, errbuf[0] ? errbuf : curl_easy_strerror(cc));
	else
		printf("notifier \"%s\" (%s): HTTP %ld, %s in %.0f ms\n", name, nf->kind, status,
		       status >= 200 && status < 300 ? "accepted" : "rejected", ms);
	if (log_get_level() >= LOG_LVL_DEBUG && reply.len) {
		printf("  reply (%zu bytes):\n    ", reply.len);
		for (const char *p = reply.data; *p; p++) {
			putchar(*p);
			if (*p == '\n' && p[1])
				fputs("    ", stdout);
		}
		if (reply.data[reply.len - 1] != '\n')
			putchar('\n');
	}
	rc = cc == CURLE_OK && status >= 200 && status < 300 ? 0 : -1;
	curl_easy_cleanup(e);
	curl_slist_free_all(headers);
	notify_request_free(&req);
	free(reply.data);
	json_decref(n);
	free(name);
	return rc;
}

int notify_test_send(const struct conf *conf, const char *name)
{
	int idx = conf_notifier_index(conf, name);
	bool all = idx < 0 && strcmp(name, "all") == 0;
	if (idx < 0 && !all) {
		log_err("no notifier \"%s\" in %s", name, conf->path ? conf->path : "the config");
		return -1;
	}
	if (all && conf->n_notifiers == 0) {
		log_err("no notifier in %s", conf->path ? conf->path : "the config");
		return -1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = 0;
	for (size_t i = 0; i < conf->n_notifiers; i++)
		if (all || (int)i == idx)
			for (size_t k = 0; k < queues_of(&conf->notifiers[i]); k++)
				rc |= test_one(conf, &conf->notifiers[i], k);
	curl_global_cleanup();
	fflush(stdout);
	return rc;
}
