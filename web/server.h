/*
 * server: what the files of the web module share (internal to web/).
 *
 *   snapshot.c  the per-tick immutable snapshot: JSON bodies built with
 *               jansson, /metrics text, SSE events, each pre-rendered once
 *               as ready libmicrohttpd responses (plain and gzip).
 *   metrics.c   the Prometheus text exposition of a venue.
 *   respond.c   answers made on the spot: the headers every answer
 *               carries, JSON documents and errors, counted by class.
 *   sse.c       server-sent event streams: suspended while there is
 *               nothing new, resumed by the loop after each publish.
 *   api.c       request routing, limits, authentication and handlers.
 *   graphs.c    graphs drawn by a worker of their own, queued and cached.
 *   conns.c     connections still sending a request: deadline, cap per address.
 *   web.c       the module: listeners, lifecycle, publishing.
 *
 * Calls run one way: a file calls only files after it in
 * web.c, api.c, graphs.c, conns.c, sse.c, snapshot.c, metrics.c, respond.c.
 *
 * Loop thread: web_snapshot_build(), web_publish(), web_sse_notify().
 * HTTP threads: web_snapshot_get()/web_snapshot_put() and everything in
 * api.c and sse.c's reader. A snapshot is never written after publish.
 */
#ifndef HEADROOM_WEB_SERVER_H
#define HEADROOM_WEB_SERVER_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/sample.h"

struct module_ctx;
struct store;
struct alert_engine;

/* Copies of one ready response. A big body is a sealed memfd sent with
 * sendfile() (the kernel sends its pages, nothing is copied per
 * request); libmicrohttpd locks a file response while it sends from it,
 * so such a body has a few copies, handed out in turn, and the HTTP
 * threads do not queue behind each other. A small body is one buffer
 * response, sent with the header in one call. */
#define WEB_BODY_COPIES 4
struct web_variant {
	struct MHD_Response *r[WEB_BODY_COPIES];
	unsigned n;				/* 0: no such variant */
};

/* A pre-rendered body and its ready responses, plain and gzip (gzip is
 * empty when the body is too small to be worth it). */
struct web_body {
	struct web_variant plain, gzip;
	unsigned next;				/* atomic: the copy handed out next */
	char etag[24];
};

enum web_body_id {
	WB_VENUE, WB_ROOMS, WB_APS, WB_UPLINKS, WB_TARGETS, WB_ALERTS, WB_SILENCES,
	WB_METRICS, WB_HEALTHZ, WB_RADIOS, WB_COUNT
};

struct web_snapshot {
	int refs;				/* atomic */
	unsigned long seq;			/* 1, 2, ... per publish */
	double time;				/* the loop's clock */
	double published;			/* wall clock, for /healthz */
	long tick;
	bool files;				/* big bodies as memfds (no TLS) */
	struct web_body bodies[WB_COUNT];
	char *sse_state;			/* full state event */
	size_t sse_state_len;
	char *sse_tick;				/* changes since seq - 1, or NULL */
	size_t sse_tick_len;
	/* what handlers need besides bodies, copied from the config */
	struct store *store;
	struct alert_engine *alerts;
	char *basic_user, *basic_password, *api_token;
	json_t *am_sync;			/* notify_am_sync: silences to Alertmanager */
};

struct web_counters {
	unsigned long requests_total;
	unsigned long responses[6];		/* by class: 1xx..5xx, [0] other */
	unsigned long auth_failures_total;
	unsigned long rejected_total;		/* 4xx answers to malformed requests */
	unsigned long sse_events_total;
};

struct web_sse_client;

struct web_asset_entry {
	const char *name;
	const char *type;
	struct web_body body;
};

#define WEB_MAX_LISTENERS 8
#define WEB_LIMITER_SLOTS 64

struct web_limiter_slot {
	char ip[48];
	double window_start;
	unsigned failures;
};

struct web {
	struct MHD_Daemon *mhd[WEB_MAX_LISTENERS];
	size_t n_mhd;
	char *listen_key;			/* listen + TLS + limits, to spot changes */

	pthread_mutex_t lock;			/* guards current */
	struct web_snapshot *current;
	unsigned long seq;
	json_t *prev_live;			/* loop thread only: last tick's live model */

	pthread_mutex_t sse_lock;		/* guards the client list */
	struct web_sse_client *sse_clients;
	size_t n_sse;
	size_t max_sse;
	bool closing;

	struct web_asset_entry *assets;		/* immutable after start */
	size_t n_assets;

	pthread_mutex_t limiter_lock;
	struct web_limiter_slot limiter[WEB_LIMITER_SLOTS];
	double limiter_total_start;		/* every address's failures, */
	unsigned limiter_total;			/* in a one-minute window */

	struct web_counters counters;		/* atomic increments */
	struct web_graphs *graphs;		/* graphs.c: worker, queue, cache */

	pthread_mutex_t conns_lock;		/* conns.c */
	struct web_conn *conns;
	unsigned long conns_cut;		/* dropped for being too slow or too many */
};

/* conns.c: a connection must deliver a complete request within this
 * many seconds of its accept or its previous answer... */
#define WEB_REQUEST_DEADLINE 10.0
/* ...and an address may have this many new ones still sending. */
#define WEB_PENDING_PER_IP 8
struct web_conn;
void web_conn_notify(void *cls, struct MHD_Connection *c, void **ctx,
		     enum MHD_ConnectionNotificationCode toe);
/* The request on c is complete (in) or answered (!in). */
void web_conn_request(struct web *w, struct MHD_Connection *c, bool in);
/* Drop connections past the deadline (also done on every accept). */
void web_conns_sweep(struct web *w, double now);
/* The client's address as text ("?" when unknown), for limits per address. */
void web_client_ip(struct MHD_Connection *c, char *buf, size_t len);

/* graphs.c: graphs drawn off the HTTP threads. */
#define WEB_GRAPH_KEY_MAX 512
struct web_graph_params {
	char entity[SAMPLE_ENTITY_MAX];
	char format[4];				/* svg or png */
	time_t from, to;
	unsigned width, height;
	char key[WEB_GRAPH_KEY_MAX];		/* the request as asked, and the tick */
};
struct web_graph_job;
/* The worker runs while listeners do: stop it before they stop, as it
 * resumes the connections it holds. */
int web_graphs_start(struct web *w);
void web_graphs_stop(struct web *w);
void web_graphs_free(struct web *w);
/* A copy of the image drawn for key (malloc'd into data), if cached. */
bool web_graph_cached(struct web *w, const char *key, unsigned char **data, size_t *len);
/* Suspend conn and queue its graph; NULL (nothing done) when the queue is
 * full or the worker stops. The handler is called again when it is drawn. */
struct web_graph_job *web_graph_submit(struct web *w, struct store *store,
				       struct MHD_Connection *conn,
				       const struct web_graph_params *p);
/* After the resume: 0 with the image in data (malloc'd), -1 with err
 * (the store's), or -2 when the web server stopped first; frees the job. */
int web_graph_result(struct web_graph_job *job, unsigned char **data, size_t *len,
		     char *err, size_t errlen);

/* api.c, for the fuzz target: the path and query checks of one request
 * without a connection (url is percent-decoded in place). query holds
 * entity, metric, cf, step, width, range, from (NULL: absent). Returns
 * -1 for a rejected path or method, 0 for rejected parameters, else
 * the route. */
int web_check_request(char *url, const char *method, const char *const query[7]);

/* snapshot.c */
struct web_snapshot *web_snapshot_build(struct web *w, const struct module_ctx *d, double now);
struct web_snapshot *web_snapshot_get(struct web *w);
void web_snapshot_put(struct web_snapshot *s);
void web_publish(struct web *w, struct web_snapshot *s);
/* /healthz: false with a reason when the latest snapshot, published at
 * wall-clock time published, is older than 3 ticks (plus a little slack
 * for one slow tick): the loop is stuck. */
bool web_health_ok(double published, double now, long tick, char *why, size_t len);
/* Ready responses for a body with the headers every answer carries;
 * files: big bodies may go out with sendfile() (not over TLS). 0 on
 * success. */
int web_body_set(struct web_body *b, const char *data, size_t len, const char *type,
		 const char *cache_control, bool files);
void web_body_clear(struct web_body *b);
/* The response to send (gzip when asked and there is one), or NULL. */
struct MHD_Response *web_body_pick(struct web_body *b, bool gzip);
/* gzip a buffer; 0 on success with *out malloc'd. */
int web_gzip(const void *in, size_t len, unsigned char **out, size_t *outlen);

/* metrics.c: Prometheus text of the daemon's venue; malloc'd. */
char *web_metrics_render(const struct module_ctx *d, const json_t *alerts,
			 const struct web_counters *counters, size_t sse_clients, size_t *len);

/* respond.c */
void web_add_common_headers(struct MHD_Response *r);
/* Queue r with code, counted in the responses by class. */
enum MHD_Result web_queue(struct web *w, struct MHD_Connection *conn, unsigned code,
			  struct MHD_Response *r);
/* A response holding doc (consumed) as JSON, never cached. */
struct MHD_Response *web_json_response(json_t *doc);
enum MHD_Result web_send_json(struct web *w, struct MHD_Connection *conn, unsigned code,
			      json_t *doc);
/* A JSON error body {"error": msg, "status": code} with status code;
 * web_error_with adds one header (Allow, Retry-After, ...). */
enum MHD_Result web_error(struct web *w, struct MHD_Connection *conn, unsigned code,
			  const char *msg);
enum MHD_Result web_error_with(struct web *w, struct MHD_Connection *conn, unsigned code,
			       const char *msg, const char *header, const char *value);

/* sse.c */
enum MHD_Result web_sse_open(struct web *w, struct MHD_Connection *conn);
void web_sse_notify(struct web *w);
void web_sse_close_all(struct web *w);

/* api.c */
enum MHD_Result web_handle(void *cls, struct MHD_Connection *conn, const char *url,
			   const char *method, const char *version, const char *upload_data,
			   size_t *upload_data_size, void **con_cls);
size_t web_unescape(void *cls, struct MHD_Connection *conn, char *uri);
void web_request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			   enum MHD_RequestTerminationCode toe);
int web_assets_load(struct web *w, const char *static_dir);
void web_assets_free(struct web *w);

#endif
