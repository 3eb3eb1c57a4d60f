/* Graphs drawn on a worker of their own, queued and cached, so the HTTP threads never wait for one. */
/*
 * A graph takes the store's renderer from a fraction of a second to
 * several seconds (4000 x 2000 pixels over months). Drawn on the HTTP
 * threads, four such requests left /healthz and the API unanswered. Here
 * the request is suspended, queued (a full queue is 429) and drawn by
 * one worker, which resumes the connection when the image is ready. The
 * same graph asked again within a tick is served from a small cache.
 */
#include "config.h"
#include "web/server.h"

#include "base/log.h"
#include "base/util.h"
#include "store/store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Graphs waiting or being drawn; beyond, 429. */
#define GRAPH_QUEUE_MAX 8
#define GRAPH_CACHE 16

struct web_graph_job {
	struct MHD_Connection *conn;
	struct store *store;
	struct web_graph_params p;
	unsigned char *data;
	size_t len;
	int rc;
	char err[256];
	struct web_graph_job *next;
};

struct cached_graph {
	char key[WEB_GRAPH_KEY_MAX];
	unsigned char *data;
	size_t len;
	unsigned long used;		/* for least recently used */
};

struct web_graphs {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t worker;
	bool running, stopping;
	struct web_graph_job *head, *tail;
	size_t n;			/* queued or being drawn */
	struct cached_graph cache[GRAPH_CACHE];
	unsigned long clock;
};

static void cache_put(struct web_graphs *g, const char *key, const unsigned char *data,
		      size_t len)
{
	struct cached_graph *slot = &g->cache[0];
	for (size_t i = 0; i < GRAPH_CACHE; i++)
		if (g->cache[i].used < slot->used)
			slot = &g->cache[i];
	free(slot->data);
	strlcpy_hr(slot->key, key, sizeof slot->key);
	slot->data = xmalloc(len ? len : 1);
	memcpy(slot->data, data, len);
	slot->len = len;
	slot->used = ++g->clock;
}

static void draw(struct web_graph_job *job, bool stopping)
{
	if (stopping) {
		job->rc = -2;
		snprintf(job->err, sizeof job->err, "the web server is stopping");
		return;
	}
	const struct web_graph_params *p = &job->p;
	job->rc = store_graph(job->store, p->entity, p->format, p->from, p->to, p->width,
			      p->height, &job->data, &job->len, job->err, sizeof job->err);
}

static void *worker_main(void *arg)
{
	struct web_graphs *g = arg;
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->head && !g->stopping)
			pthread_cond_wait(&g->cv, &g->mu);
		struct web_graph_job *job = g->head;
		if (!job)
			break;
		g->head = job->next;
		if (!g->head)
			g->tail = NULL;
		bool stopping = g->stopping;
		pthread_mutex_unlock(&g->mu);
		draw(job, stopping);
		pthread_mutex_lock(&g->mu);
		if (job->rc == 0)
			cache_put(g, job->p.key, job->data, job->len);
		g->n--;
		/* The handler runs again and owns the job from here on. */
		MHD_resume_connection(job->conn);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int web_graphs_start(struct web *w)
{
	if (!w->graphs) {
		w->graphs = xcalloc(1, sizeof *w->graphs);
		pthread_mutex_init(&w->graphs->mu, NULL);
		pthread_cond_init(&w->graphs->cv, NULL);
	}
	struct web_graphs *g = w->graphs;
	if (g->running)
		return 0;
	g->stopping = false;
	int rc = pthread_create(&g->worker, NULL, worker_main, g);
	if (rc != 0) {
		log_err("web: cannot start the graph worker: %s", strerror(rc));
		return -1;
	}
	g->running = true;
	return 0;
}

void web_graphs_stop(struct web *w)
{
	struct web_graphs *g = w->graphs;
	if (!g || !g->running)
		return;
	pthread_mutex_lock(&g->mu);
	g->stopping = true;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->worker, NULL);
	g->running = false;
}

void web_graphs_free(struct web *w)
{
	struct web_graphs *g = w->graphs;
	if (!g)
		return;
	web_graphs_stop(w);
	for (size_t i = 0; i < GRAPH_CACHE; i++)
		free(g->cache[i].data);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
	w->graphs = NULL;
}

bool web_graph_cached(struct web *w, const char *key, unsigned char **data, size_t *len)
{
	struct web_graphs *g = w->graphs;
	bool hit = false;
	if (!g)
		return false;
	pthread_mutex_lock(&g->mu);
	for (size_t i = 0; i < GRAPH_CACHE && !hit; i++) {
		struct cached_graph *c = &g->cache[i];
		if (c->data && strcmp(c->key, key) == 0) {
			*data = xmalloc(c->len ? c->len : 1);
			memcpy(*data, c->data, c->len);
			*len = c->len;
			c->used = ++g->clock;
			hit = true;
		}
	}
	pthread_mutex_unlock(&g->mu);
	return hit;
}

struct web_graph_job *web_graph_submit(struct web *w, struct store *store,
				       struct MHD_Connection *conn,
				       const struct web_graph_params *p)
{
	struct web_graphs *g = w->graphs;
	if (!g)
		return NULL;
	pthread_mutex_lock(&g->mu);
	if (!g->running || g->stopping || g->n >= GRAPH_QUEUE_MAX) {
		pthread_mutex_unlock(&g->mu);
		return NULL;
	}
	g->n++;
	struct web_graph_job *job = xcalloc(1, sizeof *job);
	job->conn = conn;
	job->store = store;
	job->p = *p;
	/* Suspended before the worker can see it, so its resume never
	 * comes first. */
	MHD_suspend_connection(conn);
	if (g->tail)
		g->tail->next = job;
	else
		g->head = job;
	g->tail = job;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return job;
}

int web_graph_result(struct web_graph_job *job, unsigned char **data, size_t *len,
		     char *err, size_t errlen)
{
	int rc = job->rc;
	*data = job->data;
	*len = job->len;
	strlcpy_hr(err, job->err, errlen);
	free(job);
	return rc;
}
