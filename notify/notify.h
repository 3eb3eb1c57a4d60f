/*
 * notify: chat webhook delivery, at least once, in order, observable.
 *
 * Each tick notify takes the notifications the alert engine decided on its
 * tick just before (alert_engine_take_notifications, alerts/alert.h); every
 * notifier whose routing admits it (severities, rules, rooms) gets its own
 * copy, written and fsynced to state_dir/spool/<notifier>/<seq>.json before
 * the first attempt (the file holds the notification and the idempotency
 * id, never the URL or token). Transfers run on libcurl's multi socket
 * interface inside the daemon's libevent loop; nothing blocks. Each
 * notifier sends one message at a time, oldest first, paced by a token
 * bucket (rate_per_minute). Network errors, 408 and 5xx retry with
 * exponential backoff (2 s doubling to 5 min, +-20% jitter); 429 waits for
 * Retry-After (or the body's retry_after / retry_after_ms), at most 15 min;
 * other 4xx are permanent: the notifier is marked failing, which notify
 * tells the alert engine (alert_engine_set_delivery) for its rule
 * notifier_failing, and the message goes to its fallback notifier. After
 * 24 h a message is given up. The spool keeps at most spool_max messages
 * per notifier and logs an error for every oldest one it drops. Every
 * step goes to the alert log (base/eventlog.h; events in alerts/alert.h).
 *
 * Watchdog heartbeats are severity "info": only notifiers that list
 * "info" in severities receive them.
 */
#ifndef HEADROOM_NOTIFY_H
#define HEADROOM_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/conf.h"
#include "base/module.h"

extern const struct module_ops notify_module_ops;

struct notify;

/* Outside the loop (headroomd --test-notify): send one test message with
 * a blocking transfer through notifier name (or, "all" when no notifier
 * has that name, through every notifier) and print one line per notifier: its
 * HTTP status or why it was not delivered, and how long it took; the
 * reply's body only at debug level (-d). 0 when every one accepted. */
int notify_test_send(const struct conf *conf, const char *name);

/* Fuzzing: load spool directory dir as notifier name's queue does at
 * start (damaged files are moved aside) and hand each message to fn. */
void notify_spool_read(const char *dir, const char *name,
		       void (*fn)(const json_t *notification, const char *id, void *ctx), void *ctx);

/* A reply's body as libcurl hands it over: notify_keep_reply (its write
 * callback, with a struct notify_reply as its data) keeps the first max
 * bytes (0: NOTIFY_REPLY_MAX), NUL-terminated, reads the rest without
 * keeping it and sets cut. A chat service's reply is a line or two; an
 * Alertmanager list grows with the venues that share it. */
#define NOTIFY_REPLY_MAX (64 * 1024)
#define NOTIFY_AM_REPLY_MAX (16 * 1024 * 1024)
struct notify_reply {
	char *data;
	size_t len, max;
	bool cut;
};
size_t notify_keep_reply(char *data, size_t size, size_t nmemb, void *reply);

/* ---- formatting (notify_format.c), one request per kind ---- */

struct notify_request {
	const char *method;		/* "POST" or "PUT" */
	char *url;
	char *headers[7];		/* "Name: value", NULL-terminated */
	char *body;
};

/* Build the request for notifier nf; txn_id is the message's idempotency
 * id (Matrix txnId). Returns 0, or -1 when the notification is unusable. */
int notify_format(const struct conf_notifier *nf, const json_t *notification,
		  const char *public_url, const char *txn_id, struct notify_request *req);
void notify_request_free(struct notify_request *req);

/* Whether notifier nf wants this notification; fills *filtered with the
 * notification restricted to the alerts it admits (caller decrefs). */
bool notify_route(const struct conf_notifier *nf, const json_t *notification,
		  json_t **filtered);

/* The short chat text of a notification (caller frees). */
char *notify_text(const json_t *notification, const char *public_url);

/* ---- Alertmanager, API v2 (notify_alertmanager.c) ----
 *
 * A notifier of kind "alertmanager" has one queue per URL of its cluster
 * (each spooled, so one member being down holds nothing back) and posts
 * the alerts to base_url/api/v2/alerts: labels are the alert's own plus
 * alertname, severity and venue; annotations summary, description and
 * dashboard; firing alerts end 4 re-send intervals ahead, resolved ones
 * when they ended. Every resend seconds an idle queue re-sends the
 * engine's firing alerts from memory (never spooled: the engine's state
 * is their record). */
int notify_am_format(const struct conf_notifier *nf, const char *base_url, const json_t *n,
		     const char *public_url, const char *venue, double now,
		     struct notify_request *req);

/* The firing alerts of alert_engine_alerts_json as one notification. */
json_t *notify_am_active(const json_t *engine_alerts);

/* The severity each alert was last delivered with: a firing alert that
 * changed severity also ends its old label set (notify_am_with_retired,
 * a new reference), and a delivery updates the map (notify_am_sent). */
struct am_sent {
	char id[24];
	char severity[8];
};
struct am_sent_map {
	struct am_sent *v;
	size_t n;
};
/* base (trailing slashes dropped) + path; caller frees. With venue
 * non-empty, a filter=venue="..." matcher is added to the query, so a
 * list read from an Alertmanager many venues share holds this one's. */
char *notify_am_url(const char *base, const char *path);
char *notify_am_venue_url(const char *base, const char *path, const char *venue);

/* ---- silences both ways (notifiers with silences = true) ----
 *
 * Every resend seconds each such queue reads GET /api/v2/alerts; the
 * alerts Alertmanager reports silenced (status.silencedBy) are marked
 * "silenced" (with "silence": its id, "silenced_in": "alertmanager") in
 * the engine's alert JSON the web side serves. notify_am_sync, built on
 * the loop for the web side, holds what an HTTP thread needs to create a
 * silence there: {"urls", "venue", "alerts": {id: labels}}; NULL when no
 * notifier syncs silences. notify_am_silence posts one (blocking, 5 s per
 * member, the first member that takes it wins): a headroom silence body
 * (Alertmanager's shape, restricted to this venue) whose local id is
 * local_id, or with alert_id an ack, which silences that alert's label
 * set for NOTIFY_AM_ACK_SECONDS. */
#define NOTIFY_AM_ACK_SECONDS (24 * 3600)
void notify_am_mark_silenced(const struct notify *nt, json_t *alerts, const char *venue);
json_t *notify_am_sync(const struct notify *nt, const json_t *alerts, const char *venue);
int notify_am_silence(const json_t *sync, const char *alert_id, const char *local_id,
		      const json_t *body, double now, char *id_out, size_t idlen, char *err,
		      size_t errlen);
/* A silence's comment there ends in "(headroom silence LOCAL_ID)";
 * notify_am_unsilence expires the ones that mirror local_id (their id in
 * id_out); 0, or -1 with the reason (none found, no member answered). */
int notify_am_unsilence(const json_t *sync, const char *local_id, char *id_out, size_t idlen,
			char *err, size_t errlen);
/* their parts, for tests */
json_t *notify_am_silenced_of(const json_t *am_alerts);
void notify_am_mark(json_t *alerts, const json_t *silenced, const char *venue);
json_t *notify_am_sync_of(json_t *urls, const json_t *alerts, const char *venue);

json_t *notify_am_with_retired(const struct am_sent_map *m, const json_t *n, double now);
void notify_am_sent(struct am_sent_map *m, const json_t *n);
void notify_am_sent_free(struct am_sent_map *m);

#endif
