/* The web module: listeners and their lifecycle, and a snapshot published each tick. */
#include "config.h"
#include "web/web.h"
#include "web/server.h"

#include "base/module.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Two HTTP threads: measured faster than one per request, and enough
 * for a handful of dashboards plus a Prometheus scraper. */
#define THREAD_POOL_SIZE 2
/* Request line and headers must fit here; bigger requests get 431. */
#define CONNECTION_MEMORY 32768

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	size_t n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	log_debug("web: %s", buf);
}

/* "127.0.0.1:8080", "[::1]:8080", "*:8080", "localhost:8080" */
static int split_listen(const char *spec, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (!end || end[1] != ':' || (size_t)(end - spec - 1) >= hostlen)
			return -1;
		memcpy(host, spec + 1, (size_t)(end - spec - 1));
		host[end - spec - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon || (size_t)(colon - spec) >= hostlen)
			return -1;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
	}
	if (!colon[1] || strlen(colon + 1) >= portlen)
		return -1;
	strlcpy_hr(port, colon + 1, portlen);
	return 0;
}

static int open_listener(const char *spec, bool *v6)
{
	char host[256], port[16];
	if (split_listen(spec, host, sizeof host, port, sizeof port) != 0) {
		log_err("web: listen \"%s\": expected HOST:PORT or [V6]:PORT", spec);
		return -1;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	bool any = host[0] == '\0' || strcmp(host, "*") == 0;
	int rc = getaddrinfo(any ? NULL : host, port, &hints, &res);
	if (rc != 0) {
		log_err("web: listen \"%s\": %s", spec, gai_strerror(rc));
		return -1;
	}
	int fd = -1, err = 0;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 511) != 0) {
			err = errno;
			close(fd);
			fd = -1;
			continue;
		}
		*v6 = ai->ai_family == AF_INET6;
	}
	freeaddrinfo(res);
	if (fd < 0)
		log_err("web: cannot listen on %s: %s", spec, strerror(err));
	return fd;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n + 1 >= cap)
			buf = xrealloc(buf, cap = cap ? cap * 2 : 8192);
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static struct MHD_Daemon *start_listener(struct web *w, const struct conf_web *cw,
					 const char *spec, const char *cert, const char *key)
{
	bool v6 = false;
	int fd = open_listener(spec, &v6);
	if (fd < 0)
		return NULL;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0) | (cert ? MHD_USE_TLS : 0);
	struct MHD_OptionItem tls[] = {
		{ cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct MHD_Daemon *mhd = MHD_start_daemon(flags, 0, NULL, NULL, web_handle, w,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREAD_POOL_SIZE,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cw->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cw->per_ip_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cw->timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
		MHD_OPTION_NOTIFY_COMPLETED, web_request_completed, w,
		MHD_OPTION_NOTIFY_CONNECTION, web_conn_notify, w,
		MHD_OPTION_UNESCAPE_CALLBACK, web_unescape, NULL,
		MHD_OPTION_ARRAY, tls,
		MHD_OPTION_END);
	if (!mhd) {
		log_err("web: cannot start the HTTP server on %s", spec);
		close(fd);
		return NULL;
	}
	log_info("web: listening on %s%s", cert ? "https://" : "http://", spec);
	return mhd;
}

static void stop_listeners(struct web *w)
{
	/* The worker resumes the graph requests it holds: before MHD stops. */
	web_graphs_stop(w);
	web_sse_close_all(w);
	for (size_t i = 0; i < w->n_mhd; i++)
		MHD_stop_daemon(w->mhd[i]);
	w->n_mhd = 0;
	pthread_mutex_lock(&w->sse_lock);
	w->closing = false;
	pthread_mutex_unlock(&w->sse_lock);
}

static int start_listeners(struct web *w, const struct conf_web *cw)
{
	if (cw->n_listen > WEB_MAX_LISTENERS) {
		log_err("web: at most %d listen addresses", WEB_MAX_LISTENERS);
		return -1;
	}
	char *cert = NULL, *key = NULL;
	if (cw->tls_cert) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			log_err("web: this libmicrohttpd has no TLS support");
			return -1;
		}
		cert = read_file(cw->tls_cert);
		key = read_file(cw->tls_key);
		if (!cert || !key) {
			log_err("web: cannot read %s: %s", cert ? cw->tls_key : cw->tls_cert,
				strerror(errno));
			free(cert);
			free(key);
			return -1;
		}
	}
	int rc = web_graphs_start(w);
	for (size_t i = 0; i < cw->n_listen && rc == 0; i++) {
		struct MHD_Daemon *mhd = start_listener(w, cw, cw->listen[i], cert, key);
		if (mhd)
			w->mhd[w->n_mhd++] = mhd;
		else
			rc = -1;
	}
	if (key) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
	free(cert);
	if (rc != 0)
		stop_listeners(w);
	return rc;
}

static void assets_reload(struct web *w, const char *static_dir)
{
	web_assets_free(w);
	if (web_assets_load(w, static_dir) != 0)
		log_err("web: cannot prepare the dashboard's files");
}

static long file_mtime(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 ? (long)st.st_mtime : 0;
}

/* Everything that needs new listeners when it changes. */
static char *listen_key(const struct conf_web *cw)
{
	char *key = xasprintf("%ld/%ld/%ld|%s:%ld|%s:%ld|%s", cw->max_connections,
			      cw->per_ip_connections, cw->timeout,
			      cw->tls_cert ? cw->tls_cert : "", file_mtime(cw->tls_cert),
			      cw->tls_key ? cw->tls_key : "", file_mtime(cw->tls_key),
			      cw->static_dir ? cw->static_dir : "");
	for (size_t i = 0; i < cw->n_listen; i++) {
		char *next = xasprintf("%s|%s", key, cw->listen[i]);
		free(key);
		key = next;
	}
	return key;
}

static size_t max_sse(const struct conf_web *cw)
{
	/* keep room for API calls and the page itself */
	long n = cw->max_connections - 16;
	return n > 0 ? (size_t)n : 1;
}

static int web_start(struct module_ctx *d)
{
	struct web *w = xcalloc(1, sizeof *w);
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->sse_lock, NULL);
	pthread_mutex_init(&w->limiter_lock, NULL);
	pthread_mutex_init(&w->conns_lock, NULL);
	d->web = w;
	const struct conf_web *cw = &d->conf->web;
	w->max_sse = max_sse(cw);
	if (web_assets_load(w, cw->static_dir) != 0) {
		log_err("web: cannot prepare the dashboard's files");
		return -1;
	}
	w->listen_key = listen_key(cw);
	/* Collection and alerts matter more than the dashboard: a port in
	 * use must not stop the monitor. SIGHUP tries again. */
	if (start_listeners(w, cw) != 0)
		log_err("web: the dashboard and API are off until a reload binds them");
	return 0;
}

static void web_tick(struct module_ctx *d, double now)
{
	struct web *w = d->web;
	if (!w)
		return;
	double t0 = now_seconds();
	web_conns_sweep(w, t0);
	web_publish(w, web_snapshot_build(w, d, now));
	web_sse_notify(w);
	log_debug("web: snapshot %lu published in %.1f ms", w->seq, (now_seconds() - t0) * 1000);
}

static int web_reload(struct module_ctx *d, const struct conf *old)
{
	struct web *w = d->web;
	if (!w)
		return 0;
	const struct conf_web *cw = &d->conf->web;
	char *key = listen_key(cw);
	if (strcmp(key, w->listen_key) == 0 && w->n_mhd > 0) {
		free(key);
		return 0;
	}
	log_info("web: listen, TLS or limits changed; restarting the listeners");
	stop_listeners(w);
	assets_reload(w, cw->static_dir);
	w->max_sse = max_sse(cw);
	if (start_listeners(w, cw) == 0) {
		free(w->listen_key);
		w->listen_key = key;
		return 0;
	}
	free(key);
	log_err("web: keeping the previous listen settings");
	assets_reload(w, old->web.static_dir);
	w->max_sse = max_sse(&old->web);
	if (start_listeners(w, &old->web) != 0)
		log_err("web: the previous listen settings failed too; the web side is down");
	return -1;
}

static void web_stop(struct module_ctx *d)
{
	struct web *w = d->web;
	if (!w)
		return;
	stop_listeners(w);
	web_graphs_free(w);
	web_publish(w, NULL);
	json_decref(w->prev_live);
	web_assets_free(w);
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->sse_lock);
	pthread_mutex_destroy(&w->limiter_lock);
	pthread_mutex_destroy(&w->conns_lock);
	free(w->listen_key);
	free(w);
	d->web = NULL;
}

const struct module_ops web_module_ops = {
	.name = "web",
	.before_privdrop = true,
	.start = web_start,
	.tick = web_tick,
	.reload = web_reload,
	.stop = web_stop,
};
