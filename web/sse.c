/* /events: server-sent event streams, fed from the published snapshots. */
#include "config.h"
#include "web/server.h"

#include "base/log.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/*
 * One client per /events connection. Its reader sends the snapshot's
 * full state first, then one tick event per publish; a client that
 * missed a publish (slow reader) gets the full state again instead of a
 * diff it could not apply. With nothing new to send the connection is
 * suspended, so an idle dashboard costs no CPU; web_sse_notify() resumes
 * them all after a publish. Suspending and resuming happen under
 * sse_lock, so a publish can never slip between "nothing new" and
 * "suspended".
 */
struct web_sse_client {
	struct web *w;
	struct MHD_Connection *conn;
	struct web_snapshot *snap;	/* holds the bytes being sent */
	const char *pending;
	size_t pending_len, pending_off;
	unsigned long last_seq;
	bool suspended;
	struct web_sse_client *prev, *next;
};

static void unlink_client(struct web *w, struct web_sse_client *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		w->sse_clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	w->n_sse--;
}

/* Pick the next frame for c from the latest snapshot; false when c has
 * seen it already. Called with sse_lock held. */
static bool next_frame(struct web_sse_client *c)
{
	struct web_snapshot *s = web_snapshot_get(c->w);
	if (!s || s->seq == c->last_seq) {
		web_snapshot_put(s);
		return false;
	}
	bool diff = c->last_seq != 0 && s->seq == c->last_seq + 1 && s->sse_tick;
	web_snapshot_put(c->snap);
	c->snap = s;
	c->pending = diff ? s->sse_tick : s->sse_state;
	c->pending_len = diff ? s->sse_tick_len : s->sse_state_len;
	c->pending_off = 0;
	c->last_seq = s->seq;
	__atomic_add_fetch(&c->w->counters.sse_events_total, 1, __ATOMIC_RELAXED);
	return true;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct web_sse_client *c = cls;
	struct web *w = c->w;
	ssize_t n = 0;
	pthread_mutex_lock(&w->sse_lock);
	if (w->closing) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else if (c->pending_off < c->pending_len || next_frame(c)) {
		size_t left = c->pending_len - c->pending_off;
		size_t len = left < max ? left : max;
		memcpy(buf, c->pending + c->pending_off, len);
		c->pending_off += len;
		n = (ssize_t)len;
	} else {
		c->suspended = true;
		MHD_suspend_connection(c->conn);
	}
	pthread_mutex_unlock(&w->sse_lock);
	return n;
}

static void sse_free(void *cls)
{
	struct web_sse_client *c = cls;
	struct web *w = c->w;
	pthread_mutex_lock(&w->sse_lock);
	unlink_client(w, c);
	pthread_mutex_unlock(&w->sse_lock);
	web_snapshot_put(c->snap);
	free(c);
}

enum MHD_Result web_sse_open(struct web *w, struct MHD_Connection *conn)
{
	struct web_sse_client *c = xcalloc(1, sizeof *c);
	c->w = w;
	c->conn = conn;
	pthread_mutex_lock(&w->sse_lock);
	bool full = w->closing || w->n_sse >= w->max_sse;
	if (!full) {
		c->next = w->sse_clients;
		if (c->next)
			c->next->prev = c;
		w->sse_clients = c;
		w->n_sse++;
	}
	pthread_mutex_unlock(&w->sse_lock);
	if (full) {
		free(c);
		return web_error(w, conn, MHD_HTTP_SERVICE_UNAVAILABLE, "too many live dashboards");
	}
	/* 16 KiB blocks: a full state of a big venue goes out in a few writes */
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
								    sse_read, c, sse_free);
	if (!r) {
		sse_free(c);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	web_add_common_headers(r);
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

void web_sse_notify(struct web *w)
{
	pthread_mutex_lock(&w->sse_lock);
	for (struct web_sse_client *c = w->sse_clients; c; c = c->next)
		if (c->suspended) {
			c->suspended = false;
			MHD_resume_connection(c->conn);
		}
	pthread_mutex_unlock(&w->sse_lock);
}

void web_sse_close_all(struct web *w)
{
	pthread_mutex_lock(&w->sse_lock);
	w->closing = true;
	pthread_mutex_unlock(&w->sse_lock);
	web_sse_notify(w);
}
