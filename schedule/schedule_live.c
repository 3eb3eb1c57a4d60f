/* A schedule that changes: a URL fetched on the loop with libcurl, or a file watched. */
/*
 * The fetch runs on libcurl's multi socket interface on the daemon's
 * libevent loop (as notify.c does), so a slow server never stalls a tick;
 * the body is parsed on the loop, where TZ may be switched (the HTTP
 * threads never call localtime). Each fetch sends the last copy's ETag
 * and Last-Modified; a 304 or the same bytes only confirm the copy in
 * force. A new copy is kept in STATE_DIR/schedule.cache (with
 * schedule.cache.json: URL, validators, time) and used at the next start.
 * A failed fetch keeps the copy in force; it turns stale after
 * schedule_stale_after without confirmation (schedule_is_stale()).
 * A schedule file is looked at as often and taken again when it changed,
 * so a new export dropped in place needs no SIGHUP.
 */
#include "config.h"
#include "schedule/schedule.h"
#include "schedule/schedule_parse.h"
#include "base/log.h"
#include "base/module.h"
#include "base/util.h"

#include <curl/curl.h>
#include <errno.h>
#include <event2/event.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* A schedule larger than this is not a conference programme. */
#define LIVE_MAX_BYTES (64L * 1024 * 1024)
#define LIVE_TIMEOUT_S 60L
#define LIVE_CONNECT_TIMEOUT_S 15L

bool schedule_is_url(const char *source)
{
	return source && (strncasecmp(source, "http://", 7) == 0 ||
			  strncasecmp(source, "https://", 8) == 0);
}

/* ---- the copy in the state dir ---- */

struct validators {
	char etag[256];
	char last_modified[128];
};

struct cache_meta {
	char *url;
	struct validators v;
	double fetched;
};

static char *cache_path(const struct conf *conf, const char *suffix)
{
	return xasprintf("%s/schedule.cache%s", conf->state_dir, suffix);
}

static void meta_free(struct cache_meta *m)
{
	free(m->url);
	memset(m, 0, sizeof *m);
}

static int meta_read(const struct conf *conf, struct cache_meta *m)
{
	memset(m, 0, sizeof *m);
	char *path = cache_path(conf, ".json");
	json_t *o = json_load_file(path, 0, NULL);
	free(path);
	const char *url = json_string_value(json_object_get(o, "url"));
	if (url) {
		m->url = xstrdup(url);
		const char *etag = json_string_value(json_object_get(o, "etag"));
		const char *lm = json_string_value(json_object_get(o, "last_modified"));
		strlcpy_hr(m->v.etag, etag ? etag : "", sizeof m->v.etag);
		strlcpy_hr(m->v.last_modified, lm ? lm : "", sizeof m->v.last_modified);
		m->fetched = json_number_value(json_object_get(o, "fetched"));
	}
	json_decref(o);
	return url ? 0 : -1;
}

/* Write to a temporary name, then rename: a crash mid-write leaves the
 * previous copy whole. */
static int write_file(const char *path, const char *buf, size_t len)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int rc = -1;
	if (f) {
		bool ok = fwrite(buf, 1, len, f) == len;
		ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
		if (fclose(f) == 0 && ok && rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc != 0) {
		log_warn("schedule: cannot keep a copy in %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* The body first, then the metadata naming it: a copy without metadata
 * (or with another URL's) is never used. */
static void cache_save(const struct conf *conf, const char *url, const struct validators *v,
		       const char *buf, size_t len, double now)
{
	if (mkdir_p(conf->state_dir, 0750) != 0) {
		log_warn("schedule: cannot create %s: %s", conf->state_dir, strerror(errno));
		return;
	}
	char *body = cache_path(conf, ""), *meta = cache_path(conf, ".json");
	json_t *o = json_pack("{s:s, s:s, s:s, s:f}", "url", url, "etag", v->etag,
			      "last_modified", v->last_modified, "fetched", now);
	char *text = o ? json_dumps(o, JSON_INDENT(1)) : NULL;
	unlink(meta);
	if (text && write_file(body, buf, len) == 0)
		write_file(meta, text, strlen(text));
	free(text);
	json_decref(o);
	free(body);
	free(meta);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap && cap < (size_t)LIVE_MAX_BYTES) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		} else if (n + 1 == cap) {
			break;
		}
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The copy of conf's URL kept by an earlier fetch; NULL (and why) when
 * there is none, it is another URL's or it no longer loads. */
static struct schedule *load_cached(const struct conf *conf, struct cache_meta *meta,
				    char **err_out)
{
	*err_out = NULL;
	if (meta_read(conf, meta) != 0 || strcmp(meta->url, conf->event.schedule) != 0) {
		*err_out = xasprintf("%s: no copy kept in %s\n", conf->event.schedule,
				     conf->state_dir);
		return NULL;
	}
	char *path = cache_path(conf, "");
	size_t len = 0;
	char *buf = read_all(path, &len);
	struct schedule *s = NULL;
	if (buf)
		s = schedule_parse(conf, SCHEDULE_AUTO, buf, len, conf->event.schedule, err_out);
	else
		*err_out = xasprintf("%s: cannot read %s: %s\n", conf->event.schedule, path,
				     strerror(errno));
	free(buf);
	free(path);
	return s;
}

struct schedule *schedule_load_kept(const struct conf *conf, char **err_out)
{
	struct cache_meta meta;
	struct schedule *s = load_cached(conf, &meta, err_out);
	if (s) {
		s->status.live = true;
		s->status.loaded = s->status.confirmed = meta.fetched;
	}
	meta_free(&meta);
	return s;
}

static void set_live(struct schedule *s, const struct conf *conf)
{
	s->status.live = true;
	s->status.stale_after = conf->event.schedule_stale_after;
}

struct schedule *schedule_live_initial(const struct conf *conf, const struct schedule *last,
				       double now)
{
	char *err = NULL;
	struct schedule *s = NULL;
	if (last && last->source && last->status.live && strcmp(last->path, conf->event.schedule) == 0)
		s = schedule_rebuild(conf, last, &err);
	free(err);
	if (s) {
		set_live(s, conf);
		return s;
	}
	struct cache_meta meta;
	s = load_cached(conf, &meta, &err);
	if (s) {
		log_info("schedule: using the copy of %s fetched %.0f s ago until it is fetched again",
			 conf->event.schedule, now - meta.fetched);
		s->status.loaded = meta.fetched;
	} else {
		log_info("schedule: %s not fetched yet: %.*s", conf->event.schedule,
			 err ? (int)strcspn(err, "\n") : 0, err ? err : "");
		s = schedule_empty(conf, conf->event.schedule);
		strlcpy_hr(s->status.error, "not fetched yet", sizeof s->status.error);
		s->status.loaded = now;
	}
	meta_free(&meta);
	free(err);
	/* stale counts from now: nothing was tried yet */
	s->status.confirmed = now;
	set_live(s, conf);
	return s;
}

/* ---- one transfer ---- */

struct transfer {
	char *body;
	size_t len, cap;
	bool too_big;
	struct validators got;		/* the response's */
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *headers;
};

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct transfer *t = userp;
	size_t add = size * n;
	if (t->len + add + 1 > (size_t)LIVE_MAX_BYTES) {
		t->too_big = true;
		return 0;
	}
	if (t->len + add + 1 > t->cap) {
		t->cap = (t->len + add + 1) * 2;
		t->body = xrealloc(t->body, t->cap);
	}
	memcpy(t->body + t->len, data, add);
	t->len += add;
	t->body[t->len] = '\0';
	return add;
}

/* "ETag: W/\"abc\"\r\n" -> value into out */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);
	if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return;
	const char *v = line + n + 1;
	const char *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	snprintf(out, size, "%.*s", (int)(end - v), v);
}

static size_t on_header(char *data, size_t size, size_t n, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * n;
	/* a redirect's headers come first: the last response's win */
	if (len > 5 && strncmp(data, "HTTP/", 5) == 0)
		memset(&t->got, 0, sizeof t->got);
	header_value(data, len, "ETag", t->got.etag, sizeof t->got.etag);
	header_value(data, len, "Last-Modified", t->got.last_modified, sizeof t->got.last_modified);
	return len;
}

static void add_header(struct curl_slist **list, const char *name, const char *value)
{
	char *line = xasprintf("%s: %s", name, value);
	*list = curl_slist_append(*list, line);
	free(line);
}

/* A GET of url; with v, conditional on the copy those validators name. */
static CURL *easy_for(const char *url, struct transfer *t, const struct validators *v)
{
	CURL *e = curl_easy_init();
	if (!e)
		return NULL;
	if (v && v->etag[0])
		add_header(&t->headers, "If-None-Match", v->etag);
	if (v && v->last_modified[0])
		add_header(&t->headers, "If-Modified-Since", v->last_modified);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "headroom/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_TIMEOUT, LIVE_TIMEOUT_S);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, LIVE_CONNECT_TIMEOUT_S);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	return e;
}

static void transfer_clear(struct transfer *t)
{
	free(t->body);
	curl_slist_free_all(t->headers);
	memset(t, 0, sizeof *t);
}

/* 0 with a body (200), 1 for 304, -1 with why. */
static int outcome(CURL *e, CURLcode rc, struct transfer *t, char *why, size_t size)
{
	long status = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	if (t->too_big)
		snprintf(why, size, "larger than %ld bytes: not a schedule", LIVE_MAX_BYTES);
	else if (rc != CURLE_OK)
		snprintf(why, size, "%s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
	else if (status == 304)
		return 1;
	else if (status != 200)
		snprintf(why, size, "HTTP %ld", status);
	else
		return 0;
	return -1;
}

/* ---- headroomd -t and --dump-schedule: one blocking fetch ---- */

struct schedule *schedule_fetch_once(const struct conf *conf, char **err_out)
{
	const char *url = conf->event.schedule;
	struct transfer t = { 0 };
	char why[CURL_ERROR_SIZE + 64] = "";
	struct schedule *s = NULL;
	*err_out = NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *e = easy_for(url, &t, NULL);
	int rc = e ? outcome(e, curl_easy_perform(e), &t, why, sizeof why) : -1;
	if (rc == 0)
		s = schedule_parse(conf, SCHEDULE_AUTO, t.body ? t.body : "", t.len, url, err_out);
	else
		*err_out = xasprintf("%s: cannot fetch the schedule: %s\n", url,
				     e ? why : "cannot start libcurl");
	curl_easy_cleanup(e);
	transfer_clear(&t);
	curl_global_cleanup();
	if (s) {
		s->status.loaded = s->status.confirmed = now_seconds();
		set_live(s, conf);
		return s;
	}
	struct cache_meta meta;
	char *cerr = NULL;
	s = load_cached(conf, &meta, &cerr);
	if (s) {
		char *msg = xasprintf("%s%s: the copy kept in %s (fetched %.0f s ago) is used\n",
				      *err_out, url, conf->state_dir, now_seconds() - meta.fetched);
		free(*err_out);
		*err_out = msg;
		set_live(s, conf);
		s->status.loaded = s->status.confirmed = meta.fetched;
		s->status.error[0] = '\0';
	}
	meta_free(&meta);
	free(cerr);
	return s;
}

/* ---- the live source on the loop ---- */

struct schedule_live {
	struct module_ctx *m;
	schedule_live_apply apply;
	void *ctx;
	CURLM *multi;
	CURL *easy;			/* the transfer in flight, or NULL */
	struct transfer t;
	struct event *next_fetch, *curl_timer;
	char *source;			/* the URL, or the file's full path */
	bool is_file;			/* a file, watched for changes */
	struct stat seen;		/* the file as last read */
	struct validators v;		/* of the copy in force (a URL's) */
	bool failing;
};

static double live_now(const struct schedule_live *l)
{
	return module_now(l->m);
}

static void arm(struct schedule_live *l, long seconds)
{
	struct timeval tv = { seconds, 0 };
	evtimer_add(l->next_fetch, &tv);
}

static void cancel(struct schedule_live *l)
{
	if (l->easy) {
		curl_multi_remove_handle(l->multi, l->easy);
		curl_easy_cleanup(l->easy);
		l->easy = NULL;
	}
	transfer_clear(&l->t);
}

/* Does the schedule in force hold a copy of l->source (not a placeholder)? */
static bool have_copy(const struct schedule_live *l)
{
	const struct schedule *s = l->m->schedule;
	return s && s->source && l->source && strcmp(s->path, l->source) == 0;
}

static void confirm(struct schedule_live *l)
{
	struct schedule *s = l->m->schedule;
	if (l->failing)
		log_info("schedule: %s answers again", l->source);
	l->failing = false;
	if (s) {
		s->status.confirmed = live_now(l);
		s->status.error[0] = '\0';
	}
}

static void fail(struct schedule_live *l, const char *why)
{
	struct schedule *s = l->m->schedule;
	l->failing = true;
	if (s)
		snprintf(s->status.error, sizeof s->status.error, "%s", why);
	const char *verb = l->is_file ? "reading" : "fetching";
	if (have_copy(l))
		log_warn("schedule: %s %s failed: %s; the copy taken %.0f s ago stays in force", verb,
			 l->source, why, live_now(l) - s->status.loaded);
	else
		log_warn("schedule: %s %s failed: %s; no copy of it yet", verb, l->source, why);
}

static void log_lines(const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		log_err("schedule: %.*s", len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* A new copy: parsed for the config in force, compared with the copy in
 * force, kept in the state dir and handed to the daemon to apply. */
static void take(struct schedule_live *l)
{
	const struct conf *conf = l->m->conf;
	struct schedule *old = l->m->schedule;
	if (have_copy(l) && old->source_len == l->t.len && memcmp(old->source, l->t.body, l->t.len) == 0) {
		l->v = l->t.got;
		confirm(l);
		return;
	}
	char *err = NULL;
	struct schedule *fresh = schedule_parse(conf, SCHEDULE_AUTO, l->t.body ? l->t.body : "",
						l->t.len, l->source, &err);
	if (!fresh) {
		log_lines(err);
		char why[200];
		snprintf(why, sizeof why, "%s: %.*s", l->is_file ? "no schedule in the file" :
			 "the server sent no schedule", (int)strcspn(err, "\n"), err);
		free(err);
		fail(l, why);
		return;
	}
	free(err);
	double now = live_now(l);
	fresh->status = old ? old->status : fresh->status;
	if (have_copy(l))
		schedule_diff(old, fresh, fresh->status.note, sizeof fresh->status.note);
	else
		snprintf(fresh->status.note, sizeof fresh->status.note, "schedule loaded: %zu sessions",
			 fresh->n_sessions);
	fresh->status.noted = fresh->status.loaded = now;
	if (!l->is_file) {
		set_live(fresh, conf);
		l->v = l->t.got;
		cache_save(conf, l->source, &l->v, l->t.body ? l->t.body : "", l->t.len, now);
	}
	confirm(l);
	fresh->status.confirmed = now;
	fresh->status.error[0] = '\0';
	log_info("%s (%s)", fresh->status.note, l->source);
	l->apply(l->ctx, fresh);
}

static void on_done(struct schedule_live *l, CURLcode rc)
{
	char why[CURL_ERROR_SIZE + 64];
	int r = outcome(l->easy, rc, &l->t, why, sizeof why);
	if (r == 1 && have_copy(l))
		confirm(l);
	else if (r == 1)
		fail(l, "HTTP 304 without a copy to confirm");
	else if (r == 0)
		take(l);
	else
		fail(l, why);
	cancel(l);
	arm(l, l->m->conf->event.schedule_refresh);
}

static void drain_done(struct schedule_live *l)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(l->multi, &left)))
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == l->easy)
			on_done(l, msg->data.result);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* A file source: taken again when it changed since it was last read,
 * once it stays the same while it is read (a copy in progress waits). */
static void watch_file(struct schedule_live *l)
{
	struct stat before, after;
	if (stat(l->source, &before) != 0) {
		fail(l, strerror(errno));
		return;
	}
	if (same_file(&before, &l->seen))
		return;
	l->t.body = read_all(l->source, &l->t.len);
	if (!l->t.body)
		fail(l, strerror(errno));
	else if (stat(l->source, &after) == 0 && same_file(&before, &after)) {
		l->seen = after;
		take(l);
	}
	transfer_clear(&l->t);
}

static void on_fetch_timer(evutil_socket_t fd, short what, void *arg)
{
	struct schedule_live *l = arg;
	if (l->is_file) {
		watch_file(l);
		arm(l, l->m->conf->event.schedule_refresh);
		return;
	}
	if (l->easy || !l->source)
		return;
	l->easy = easy_for(l->source, &l->t, have_copy(l) ? &l->v : NULL);
	if (!l->easy) {
		fail(l, "cannot start libcurl");
		arm(l, l->m->conf->event.schedule_refresh);
		return;
	}
	log_debug("schedule: fetching %s", l->source);
	curl_multi_add_handle(l->multi, l->easy);
}

/* ---- libcurl <-> libevent (as in notify.c) ---- */

static void on_socket_event(evutil_socket_t fd, short what, void *arg)
{
	struct schedule_live *l = arg;
	int running;
	int flags = (what & EV_READ ? CURL_CSELECT_IN : 0) | (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
	curl_multi_socket_action(l->multi, fd, flags, &running);
	drain_done(l);
}

static int on_curl_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct schedule_live *l = userp;
	struct event *ev = socketp;
	if (ev)
		event_free(ev);
	if (what == CURL_POLL_REMOVE) {
		curl_multi_assign(l->multi, s, NULL);
		return 0;
	}
	short kind = (short)((what & CURL_POLL_IN ? EV_READ : 0) |
			     (what & CURL_POLL_OUT ? EV_WRITE : 0) | EV_PERSIST);
	ev = event_new(l->m->base, s, kind, on_socket_event, l);
	event_add(ev, NULL);
	curl_multi_assign(l->multi, s, ev);
	return 0;
}

static void on_curl_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct schedule_live *l = arg;
	int running;
	curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	drain_done(l);
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct schedule_live *l = userp;
	if (timeout_ms < 0) {
		evtimer_del(l->curl_timer);
		return 0;
	}
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	evtimer_add(l->curl_timer, &tv);
	return 0;
}

/* ---- lifecycle ---- */

struct schedule_live *schedule_live_start(struct module_ctx *m, schedule_live_apply apply,
					  void *ctx)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_err("schedule: cannot initialise libcurl; a schedule URL is not fetched");
		return NULL;
	}
	struct schedule_live *l = xcalloc(1, sizeof *l);
	l->m = m;
	l->apply = apply;
	l->ctx = ctx;
	l->multi = curl_multi_init();
	l->next_fetch = evtimer_new(m->base, on_fetch_timer, l);
	l->curl_timer = evtimer_new(m->base, on_curl_timeout, l);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
	schedule_live_reconfigure(l);
	return l;
}

/* The validators of the copy in force, when it came from the state dir. */
static void validators_from_cache(struct schedule_live *l)
{
	struct cache_meta meta;
	memset(&l->v, 0, sizeof l->v);
	if (meta_read(l->m->conf, &meta) == 0 && strcmp(meta.url, l->source) == 0)
		l->v = meta.v;
	meta_free(&meta);
}

void schedule_live_reconfigure(struct schedule_live *l)
{
	if (!l)
		return;
	const char *source = l->m->conf->event.schedule;
	cancel(l);
	evtimer_del(l->next_fetch);
	if (!source) {
		free(l->source);
		l->source = NULL;
		return;
	}
	if (!schedule_is_url(source)) {
		/* just loaded by the daemon: the next change is what counts */
		free(l->source);
		l->source = schedule_resolve_path(l->m->conf, source);
		l->is_file = true;
		l->failing = false;
		if (stat(l->source, &l->seen) != 0)
			memset(&l->seen, 0, sizeof l->seen);
		arm(l, l->m->conf->event.schedule_refresh);
		return;
	}
	l->is_file = false;
	if (!l->source || strcmp(l->source, source) != 0) {
		free(l->source);
		l->source = xstrdup(source);
		validators_from_cache(l);
		l->failing = false;
	}
	/* at the start and on SIGHUP: the operator wants the newest copy */
	arm(l, 0);
}

void schedule_live_stop(struct schedule_live *l)
{
	if (!l)
		return;
	cancel(l);
	curl_multi_cleanup(l->multi);
	event_free(l->next_fetch);
	event_free(l->curl_timer);
	free(l->source);
	free(l);
	curl_global_cleanup();
}
