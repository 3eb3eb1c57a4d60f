/* store: the RRD time series module: batches, the writer thread, reads and graphs. */
#include "config.h"
#include "store/store.h"
#include "base/module.h"
#include "base/log.h"
#include "store/store_layout.h"
#include "store/store_read.h"
#include "store/store_writer.h"
#include "base/util.h"
#include "model/venue.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <rrd.h>
#include <rrd_client.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* Batches a writer may fall behind by before the oldest is dropped: ten
 * minutes at the default tick. */
#define QUEUE_MAX 64
/* A graph taking longer than this is abandoned. */
#define GRAPH_TIMEOUT 30.0
#define GRAPH_MAX_BYTES (32u << 20)

struct store {
	/* Readers hold cfg for reading while they use target; a reload
	 * that moves the store swaps it holding it for writing. */
	pthread_rwlock_t cfg;
	struct store_target target;

	/* writer thread (store_start only) */
	bool threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work_cv, idle_cv;
	struct store_batch *queue[QUEUE_MAX];
	size_t q_head, q_len;
	bool busy, stopping;
	bool behind;			/* the queue overflowed since it was last empty */
	struct store_stats stats;	/* under mu */

	struct store_writer *writer;	/* owned by the writer thread, or the caller
					 * of store_write_batch */
};

/* rrd_graph and rrd_xport parse argv with getopt and keep global state,
 * so every store in the process must take turns; the lock guards that
 * library state, not ours (and bounds the graphs drawn at once). */
static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- where files are ---- */

static bool daemon_is_remote(const char *addr)
{
	return addr && strncmp(addr, "unix:", 5) != 0 && addr[0] != '/';
}

/* On a remote daemon, files live under the last component of state_dir
 * inside its base directory. */
static char *target_base(const char *state_dir, const char *daemon)
{
	if (!daemon_is_remote(daemon))
		return xstrdup(state_dir);
	const char *dir = state_dir;
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && dir[start - 1] != '/')
		start--;
	char *last = xasprintf("%.*s", (int)(len - start), dir + start);
	char stem[3 * 256 + 4];
	char *base = xstrdup(store_encode_name(last, stem, sizeof stem) > 0 ? stem : "headroom");
	free(last);
	return base;
}

static void target_init(struct store_target *t, const char *state_dir, const char *daemon,
			long tick)
{
	t->base = target_base(state_dir, daemon);
	t->daemon = daemon ? xstrdup(daemon) : NULL;
	t->remote = daemon_is_remote(daemon);
	t->step = tick > 0 ? tick : 10;
}

char *store_path(const struct conf *conf, const char *entity)
{
	enum store_kind kind;
	const char *name;
	if (store_parse_entity(entity, &kind, &name) != 0)
		return NULL;
	char *base = target_base(conf->state_dir, conf->rrdcached);
	char *path = store_file_path(base, kind, name);
	free(base);
	return path;
}

int store_metrics(const char *entity, const char **names, size_t max)
{
	enum store_kind kind;
	const char *name;
	if (store_parse_entity(entity, &kind, &name) != 0)
		return -1;
	const struct store_kind_info *k = store_kind_info(kind);
	for (size_t i = 0; i < k->n_ds && i < max; i++)
		names[i] = k->ds[i].name;
	return (int)k->n_ds;
}

/* ---- batches ---- */

struct store_batch *store_batch_new(time_t t)
{
	struct store_batch *b = xcalloc(1, sizeof *b);
	b->t = t;
	return b;
}

static struct store_entry *batch_append(struct store_batch *b, enum store_kind kind,
					const char *name)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->e = xrealloc(b->e, b->cap * sizeof *b->e);
	}
	struct store_entry *e = &b->e[b->n++];
	e->kind = kind;
	strlcpy_hr(e->name, name, sizeof e->name);
	for (size_t i = 0; i < STORE_MAX_DS; i++)
		e->v[i] = NAN;
	return e;
}

int store_batch_add(struct store_batch *b, const char *entity, const double *values, size_t n)
{
	enum store_kind kind;
	const char *name;
	if (store_parse_entity(entity, &kind, &name) != 0 || strlen(name) >= SAMPLE_ENTITY_MAX)
		return -1;
	struct store_entry *e = batch_append(b, kind, name);
	size_t n_ds = store_kind_info(kind)->n_ds;
	for (size_t i = 0; i < n && i < n_ds; i++)
		e->v[i] = values[i];
	return 0;
}

size_t store_batch_len(const struct store_batch *b)
{
	return b ? b->n : 0;
}

void store_batch_free(struct store_batch *b)
{
	if (!b)
		return;
	free(b->e);
	free(b);
}

/* One entity of the venue, its values read through the kind's table. */
static void add_entity(struct store_batch *b, const struct venue *v, enum store_kind kind,
		       const void *obj, const char *name)
{
	struct store_entry *e = batch_append(b, kind, name);
	struct store_source src = { .v = v, .obj = obj, .name = name, .t = b->t };
	store_values(kind, &src, e->v);
}

/* Radios as the devices list them: entity radio:AP/BAND[/RADIO]. */
static void add_radios(struct store_batch *b, const struct venue *v)
{
	for (size_t i = 0; i < v->n_radios; i++)
		add_entity(b, v, STORE_RADIO, &v->radios[i], v->radios[i].entity + 6);
}

struct store_batch *store_batch_from_venue(const struct venue *v, time_t t)
{
	const struct conf *c = v->conf;
	struct store_batch *b = store_batch_new(t);
	b->cap = v->n_aps + c->n_rooms + c->n_uplinks + c->n_pools + c->n_captures + 1 +
		 v->n_radios;
	b->e = xmalloc(b->cap * sizeof *b->e);
	for (size_t i = 0; i < v->n_aps; i++)
		add_entity(b, v, STORE_AP, &v->aps[i], v->aps[i].name);
	for (size_t i = 0; i < c->n_rooms; i++)
		add_entity(b, v, STORE_ROOM, &v->rooms[i], c->rooms[i].name);
	for (size_t i = 0; i < c->n_uplinks; i++)
		add_entity(b, v, STORE_UPLINK, &v->uplinks[i], c->uplinks[i].name);
	for (size_t i = 0; i < c->n_pools; i++)
		add_entity(b, v, STORE_POOL, &v->pools[i], c->pools[i].name);
	for (size_t i = 0; i < c->n_captures; i++)
		add_entity(b, v, STORE_CAPTURE, &c->captures[i], c->captures[i].name);
	add_entity(b, v, STORE_VENUE, &v->totals, "");
	add_radios(b, v);
	return b;
}

/* ---- opening and the writer thread ---- */

static struct store *store_alloc(const char *state_dir, const char *daemon, long tick)
{
	struct store *s = xcalloc(1, sizeof *s);
	target_init(&s->target, state_dir, daemon, tick);
	pthread_rwlock_init(&s->cfg, NULL);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work_cv, NULL);
	pthread_cond_init(&s->idle_cv, NULL);
	return s;
}

struct store *store_open(const struct conf *conf, char *err, size_t errlen)
{
	if (!conf || !conf->state_dir) {
		snprintf(err, errlen, "no state_dir configured");
		return NULL;
	}
	return store_alloc(conf->state_dir, conf->rrdcached, conf->tick);
}

struct store *store_open_reader(const char *state_dir, const char *daemon, char *err,
				size_t errlen)
{
	if (!state_dir) {
		snprintf(err, errlen, "no state directory to read");
		return NULL;
	}
	/* the step is the writer's: a reader's files tell theirs */
	return store_alloc(state_dir, daemon, 0);
}

static void add_stats(struct store_stats *to, const struct store_stats *from)
{
	to->updates += from->updates;
	to->skipped += from->skipped;
	to->failed += from->failed;
	to->batches_dropped += from->batches_dropped;
	to->files_created += from->files_created;
	to->files_moved += from->files_moved;
	to->files_upgraded += from->files_upgraded;
}

#define WRITER_NICE 10

static void *writer_main(void *arg)
{
	struct store *s = arg;
	/* A vanished rrdcached must surface as EPIPE, not kill the process. */
	sigset_t pipe;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	/* A step's writes may take a good part of a core for a few hundred
	 * milliseconds; nothing waits for them, while a dashboard request or
	 * the loop's tick does. On Linux nice is per thread. */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), WRITER_NICE) != 0)
		log_debug("store: writer thread keeps its priority: %s", strerror(errno));
	rrd_get_context();
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->q_len == 0 && !s->stopping)
			pthread_cond_wait(&s->work_cv, &s->mu);
		if (s->q_len == 0)
			break;
		struct store_batch *b = s->queue[s->q_head];
		s->q_head = (s->q_head + 1) % QUEUE_MAX;
		s->q_len--;
		s->busy = true;
		pthread_mutex_unlock(&s->mu);

		struct store_stats delta = { 0 };
		store_writer_write(s->writer, b, &delta);
		store_batch_free(b);

		pthread_mutex_lock(&s->mu);
		add_stats(&s->stats, &delta);
		s->stats.failing = store_writer_failing(s->writer, s->stats.failing_why,
							sizeof s->stats.failing_why);
		s->busy = false;
		if (s->q_len == 0) {
			s->behind = false;
			pthread_cond_broadcast(&s->idle_cv);
		}
	}
	s->busy = false;
	pthread_cond_broadcast(&s->idle_cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void make_state_dirs(const struct store_target *t)
{
	if (t->remote)
		return;
	static const enum store_kind dirs[] = { STORE_AP, STORE_ROOM, STORE_UPLINK, STORE_POOL,
						STORE_CAPTURE, STORE_RADIO };
	if (mkdir_p(t->base, 0755) != 0) {
		log_err("store: cannot create %s: %s (errno %d); will retry on every write",
			t->base, strerror(errno), errno);
		return;
	}
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		char *dir = xasprintf("%s/%s", t->base, store_kind_info(dirs[i])->dir);
		if (mkdir_p(dir, 0755) != 0)
			log_err("store: cannot create %s: %s (errno %d); will retry on every write",
				dir, strerror(errno), errno);
		free(dir);
	}
}

static int writer_start(struct store *s, char *err, size_t errlen)
{
	make_state_dirs(&s->target);
	s->writer = store_writer_new(&s->target);
	s->stopping = false;
	int rc = pthread_create(&s->thread, NULL, writer_main, s);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the writer thread: %s", strerror(rc));
		return -1;
	}
	s->threaded = true;
	return 0;
}

/* Let the writer write everything queued, then end it. */
static void writer_stop(struct store *s)
{
	if (!s->threaded)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_signal(&s->work_cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	s->threaded = false;
	store_writer_free(s->writer);
	s->writer = NULL;
}

struct store *store_start(const struct conf *conf, char *err, size_t errlen)
{
	struct store *s = store_open(conf, err, errlen);
	if (!s)
		return NULL;
	if (writer_start(s, err, errlen) != 0) {
		store_close(s);
		return NULL;
	}
	return s;
}

/* Point a running store at another directory, daemon or step. The
 * object stays the same, so readers holding it stay valid. */
static int store_retarget(struct store *s, const struct conf *conf, char *err, size_t errlen)
{
	writer_stop(s);
	pthread_rwlock_wrlock(&s->cfg);
	free(s->target.base);
	free(s->target.daemon);
	target_init(&s->target, conf->state_dir, conf->rrdcached, conf->tick);
	pthread_rwlock_unlock(&s->cfg);
	return writer_start(s, err, errlen);
}

void store_submit(struct store *s, struct store_batch *b)
{
	if (!s || !s->threaded) {
		store_batch_free(b);
		return;
	}
	struct store_batch *dropped = NULL;
	bool first_drop = false;
	pthread_mutex_lock(&s->mu);
	if (s->q_len == QUEUE_MAX) {
		dropped = s->queue[s->q_head];
		s->q_head = (s->q_head + 1) % QUEUE_MAX;
		s->q_len--;
		s->stats.batches_dropped++;
		first_drop = !s->behind;
		s->behind = true;
	}
	s->queue[(s->q_head + s->q_len) % QUEUE_MAX] = b;
	s->q_len++;
	pthread_cond_signal(&s->work_cv);
	pthread_mutex_unlock(&s->mu);
	if (first_drop)
		log_warn("store: the writer is %d batches behind; dropping the oldest until "
			 "it catches up", QUEUE_MAX);
	store_batch_free(dropped);
}

void store_flush(struct store *s)
{
	if (!s || !s->threaded)
		return;
	pthread_mutex_lock(&s->mu);
	while (s->q_len > 0 || s->busy)
		pthread_cond_wait(&s->idle_cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

int store_write_batch(struct store *s, const struct store_batch *b)
{
	if (!s || s->threaded)
		return b ? (int)b->n : 0;
	if (!s->writer)
		s->writer = store_writer_new(&s->target);
	struct store_stats delta = { 0 };
	int failed = store_writer_write(s->writer, b, &delta);
	pthread_mutex_lock(&s->mu);
	add_stats(&s->stats, &delta);
	s->stats.failing = store_writer_failing(s->writer, s->stats.failing_why,
						sizeof s->stats.failing_why);
	pthread_mutex_unlock(&s->mu);
	return failed;
}

void store_get_stats(struct store *s, struct store_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->stats;
	out->queued = s->q_len;
	pthread_mutex_unlock(&s->mu);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	writer_stop(s);
	for (size_t i = 0; i < s->q_len; i++)
		store_batch_free(s->queue[(s->q_head + i) % QUEUE_MAX]);
	store_writer_free(s->writer);
	pthread_cond_destroy(&s->work_cv);
	pthread_cond_destroy(&s->idle_cv);
	pthread_mutex_destroy(&s->mu);
	pthread_rwlock_destroy(&s->cfg);
	free(s->target.base);
	free(s->target.daemon);
	free(s);
}

/* ---- reads (store_read.c), holding the target against a reload ---- */

int store_fetch(struct store *s, const char *entity, time_t from, time_t to, long resolution,
		const char *cf, struct store_table *out, char *err, size_t errlen)
{
	pthread_rwlock_rdlock(&s->cfg);
	int rc = store_read_table(&s->target, entity, from, to, resolution, cf, true, out, err,
				  errlen);
	pthread_rwlock_unlock(&s->cfg);
	return rc;
}

int store_series(struct store *s, const char *entity, const char *metric, time_t from,
		 time_t to, long resolution, const char *cf, struct store_series *out,
		 char *err, size_t errlen)
{
	pthread_rwlock_rdlock(&s->cfg);
	int rc = store_read_series(&s->target, entity, metric, from, to, resolution, cf, out, err,
				   errlen);
	pthread_rwlock_unlock(&s->cfg);
	return rc;
}

int store_list(struct store *s, char ***entities, size_t *n, char *err, size_t errlen)
{
	pthread_rwlock_rdlock(&s->cfg);
	int rc = store_read_list(&s->target, entities, n, err, errlen);
	pthread_rwlock_unlock(&s->cfg);
	return rc;
}

int store_extent(struct store *s, const char *entity, time_t *first, time_t *last, char *err,
		 size_t errlen)
{
	pthread_rwlock_rdlock(&s->cfg);
	int rc = store_read_extent(&s->target, entity, first, last, err, errlen);
	pthread_rwlock_unlock(&s->cfg);
	return rc;
}

void store_series_free(struct store_series *series)
{
	free(series->values);
	series->values = NULL;
	series->n = 0;
}

/* ---- graphs ---- */

struct graph_args {
	char *argv[48];
	int argc;
};

static void arg_add(struct graph_args *g, char *owned)
{
	if (g->argc < (int)(sizeof g->argv / sizeof *g->argv) - 1)
		g->argv[g->argc++] = owned;
	else
		free(owned);
}

/* DEF and the like split on ':'; a path may hold one. */
static char *escape_colons(const char *path)
{
	char *out = xmalloc(2 * strlen(path) + 1), *o = out;
	for (const char *p = path; *p; p++) {
		if (*p == ':' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* A capture has no capacity or projection: clients now and the day's
 * distinct devices. */
static void add_capture_lines(struct graph_args *g, const char *file)
{
	arg_add(g, xasprintf("DEF:avg=%s:active_clients:AVERAGE", file));
	arg_add(g, xasprintf("DEF:glob=%s:devices_day_global:MAX", file));
	arg_add(g, xasprintf("DEF:rand=%s:devices_day_random:MAX", file));
	arg_add(g, xstrdup("AREA:avg#4a90d9:active clients (average)"));
	arg_add(g, xstrdup("LINE1:glob#1a4f8a:devices today (global MACs)"));
	arg_add(g, xstrdup("LINE1:rand#f5a623:devices today (random MACs)"));
}

/* A radio: how busy its channel is, in percent of the time. */
static void add_radio_lines(struct graph_args *g, const char *file)
{
	arg_add(g, xasprintf("DEF:avg=%s:utilization:AVERAGE", file));
	arg_add(g, xasprintf("DEF:peak=%s:utilization:MAX", file));
	arg_add(g, xstrdup("AREA:avg#4a90d9:channel busy % (average)"));
	arg_add(g, xstrdup("LINE1:peak#1a4f8a:channel busy % (peak)"));
}

static void add_lines(struct graph_args *g, enum store_kind kind, const char *file)
{
	if (kind == STORE_CAPTURE) {
		add_capture_lines(g, file);
		return;
	}
	if (kind == STORE_RADIO) {
		add_radio_lines(g, file);
		return;
	}
	const char *measure = kind == STORE_VENUE ? "devices"
			      : kind == STORE_UPLINK ? "bps_in"
			      : kind == STORE_POOL ? "leases" : "clients";
	arg_add(g, xasprintf("DEF:avg=%s:%s:AVERAGE", file, measure));
	arg_add(g, xasprintf("DEF:peak=%s:%s:MAX", file, measure));
	if (kind == STORE_UPLINK) {
		arg_add(g, xasprintf("DEF:out=%s:bps_out:AVERAGE", file));
		arg_add(g, xasprintf("DEF:capm=%s:capacity_mbps:AVERAGE", file));
		arg_add(g, xasprintf("DEF:projm=%s:projected_mbps:AVERAGE", file));
		arg_add(g, xstrdup("CDEF:cap=capm,1000000,*"));
		arg_add(g, xstrdup("CDEF:proj=projm,1000000,*"));
		arg_add(g, xstrdup("AREA:avg#4a90d9:in (average)"));
		arg_add(g, xstrdup("LINE1:out#2e7d32:out (average)"));
		arg_add(g, xstrdup("LINE1:peak#1a4f8a:in (peak)"));
	} else {
		const char *cap = kind == STORE_POOL ? "size" : "capacity";
		arg_add(g, xasprintf("DEF:cap=%s:%s:AVERAGE", file, cap));
		if (kind != STORE_POOL)
			arg_add(g, xasprintf("DEF:proj=%s:projected:AVERAGE", file));
		arg_add(g, xasprintf("AREA:avg#4a90d9:%s (average)", measure));
		arg_add(g, xasprintf("LINE1:peak#1a4f8a:%s (peak)", measure));
	}
	if (kind != STORE_POOL)
		arg_add(g, xstrdup("LINE2:proj#f5a623:projected:dashes=6,3"));
	arg_add(g, xstrdup("LINE2:cap#d0021b:capacity"));
}

static int graph_format(const char *format, const char **imgformat)
{
	if (format && strcasecmp(format, "svg") == 0)
		*imgformat = "SVG";
	else if (format && strcasecmp(format, "png") == 0)
		*imgformat = "PNG";
	else
		return -1;
	return 0;
}

static int copy_image(rrd_info_t *info, unsigned char **data, size_t *len)
{
	for (rrd_info_t *p = info; p; p = p->next) {
		if (strcmp(p->key, "image") != 0 || p->type != RD_I_BLO || !p->value.u_blo.size)
			continue;
		*len = p->value.u_blo.size;
		*data = xmalloc(*len);
		memcpy(*data, p->value.u_blo.ptr, *len);
		return 0;
	}
	return -1;
}

static int render_here(int argc, char **argv, unsigned char **data, size_t *len, char *err,
		       size_t errlen)
{
	rrd_info_t *info = NULL;
	for (int attempt = 0; attempt < STORE_READ_LOCK_ATTEMPTS; attempt++) {
		rrd_clear_error();
		optind = 0;	/* rrd_graph parses argv with getopt */
		info = rrd_graph_v(argc, argv);
		if (info || !store_lock_busy())
			break;
		usleep(STORE_READ_LOCK_WAIT_US);
	}
	int rc = info ? copy_image(info, data, len) : -1;
	if (rc != 0)
		snprintf(err, errlen, "%s", rrd_get_error()[0] ? rrd_get_error() : "no image");
	rrd_info_free(info);
	return rc;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Read exactly len bytes before the deadline (monotonic seconds). */
static bool read_all(int fd, void *buf, size_t len, double deadline)
{
	char *p = buf;
	while (len > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		double left = deadline - ((double)ts.tv_sec + ts.tv_nsec / 1e9);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			return false;
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

struct graph_reply {
	uint32_t ok;
	uint32_t len;		/* image bytes, or the error text */
};

int store_graph_child_main(int argc, char **argv)
{
	/* Only the files: a cached rrdcached address is the parent's. */
	unsetenv("RRDCACHED_ADDRESS");
	unsigned char *img = NULL;
	size_t len = 0;
	char err[512] = "";
	struct graph_reply r = { 0 };
	if (argc >= 2 && render_here(argc, argv, &img, &len, err, sizeof err) == 0 &&
	    len <= GRAPH_MAX_BYTES) {
		r.ok = 1;
		r.len = (uint32_t)len;
		write_all(STDOUT_FILENO, &r, sizeof r);
		write_all(STDOUT_FILENO, img, len);
	} else {
		if (!err[0])
			snprintf(err, sizeof err, "%s", argc >= 2 ? "no image" : "no graph arguments");
		r.len = (uint32_t)strlen(err);
		write_all(STDOUT_FILENO, &r, sizeof r);
		write_all(STDOUT_FILENO, err, r.len);
	}
	/* librrd's leftovers die with the process; no exit handlers. */
	_exit(0);
}

/* The executable this process runs, so the renderer is the same build. */
static int own_executable(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* replaced on disk (an upgrade): the new file has the old name */
	static const char deleted[] = " (deleted)";
	size_t dl = sizeof deleted - 1;
	if ((size_t)n > dl && strcmp(buf + n - dl, deleted) == 0)
		buf[n - dl] = '\0';
	return 0;
}

/* The environment minus RRDCACHED_ADDRESS; the strings are environ's. */
static char **child_environment(void)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 1, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "RRDCACHED_ADDRESS=", 18) != 0)
			env[k++] = environ[i];
	return env;
}

/* Start this executable as a one-shot renderer writing to out_fd. */
static int spawn_renderer(int argc, char **argv, int out_fd, pid_t *pid, char *err,
			  size_t errlen)
{
	char self[4096];
	if (own_executable(self, sizeof self) != 0) {
		snprintf(err, errlen, "cannot find this program's executable: %s", strerror(errno));
		return -1;
	}
	char **child_argv = xcalloc((size_t)argc + 3, sizeof *child_argv);
	child_argv[0] = self;
	child_argv[1] = (char *)STORE_GRAPH_CHILD_ARG;
	for (int i = 0; i < argc; i++)
		child_argv[i + 2] = argv[i];
	char **env = child_environment();
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	int rc = posix_spawn(pid, self, &fa, &attr, child_argv, env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	free(child_argv);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the graph renderer %s: %s", self, strerror(rc));
		return -1;
	}
	return 0;
}

/* librrd 1.7 leaks a little on every graph (legend strings) and keeps
 * font caches; drawing in a short-lived process keeps a daemon that
 * serves graphs for days from growing, and a crash there from taking it
 * down. A fresh exec, not a bare fork: a forked copy of a threaded
 * process may inherit a lock another thread held (malloc's, a
 * library's) and hang on it. */
static int render_in_child(int argc, char **argv, unsigned char **data, size_t *len, char *err,
			   size_t errlen)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid;
	int spawned = spawn_renderer(argc, argv, fds[1], &pid, err, errlen);
	close(fds[1]);
	if (spawned != 0) {
		close(fds[0]);
		return -1;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double deadline = (double)ts.tv_sec + ts.tv_nsec / 1e9 + GRAPH_TIMEOUT;
	struct graph_reply r;
	int rc = -1;
	if (!read_all(fds[0], &r, sizeof r, deadline) || r.len > GRAPH_MAX_BYTES) {
		snprintf(err, errlen, "the graph renderer did not answer");
	} else if (r.ok) {
		*data = xmalloc(r.len ? r.len : 1);
		*len = r.len;
		rc = read_all(fds[0], *data, r.len, deadline) ? 0 : -1;
		if (rc != 0) {
			free(*data);
			*data = NULL;
			*len = 0;
			snprintf(err, errlen, "the graph renderer stopped mid-image");
		}
	} else {
		char msg[512] = "";
		size_t n = r.len < sizeof msg - 1 ? r.len : sizeof msg - 1;
		read_all(fds[0], msg, n, deadline);
		snprintf(err, errlen, "%s", msg[0] ? msg : "no image");
	}
	close(fds[0]);
	kill(pid, SIGKILL);	/* no-op when it already left */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return rc;
}

static int graph_locked(struct store *s, const char *entity, const char *format, time_t from,
			time_t to, unsigned width, unsigned height, unsigned char **data,
			size_t *len, char *err, size_t errlen)
{
	*data = NULL;
	*len = 0;
	enum store_kind kind;
	const char *name, *imgformat;
	if (store_parse_entity(entity, &kind, &name) != 0) {
		snprintf(err, errlen, "unknown entity \"%s\"", entity ? entity : "");
		return -1;
	}
	if (graph_format(format, &imgformat) != 0 || to <= from) {
		snprintf(err, errlen, to <= from ? "empty time range" : "format must be svg or png");
		return -1;
	}
	char *path = store_file_path(s->target.base, kind, name);
	if (!path) {
		snprintf(err, errlen, "entity name \"%s\" is too long", name);
		return -1;
	}
	char *file = escape_colons(path);
	struct graph_args g = { .argc = 0 };
	arg_add(&g, xstrdup("graph"));
	arg_add(&g, xstrdup("-"));
	arg_add(&g, xasprintf("--imgformat=%s", imgformat));
	arg_add(&g, xasprintf("--start=%ld", (long)from));
	arg_add(&g, xasprintf("--end=%ld", (long)to));
	arg_add(&g, xasprintf("--width=%u", width >= 100 && width <= 4000 ? width : 800));
	arg_add(&g, xasprintf("--height=%u", height >= 50 && height <= 2000 ? height : 250));
	arg_add(&g, xasprintf("--title=%s", entity));
	arg_add(&g, xstrdup("--lower-limit=0"));
	if (s->target.remote)
		arg_add(&g, xasprintf("--daemon=%s", s->target.daemon));
	add_lines(&g, kind, file);
	free(file);

	int rc;
	pthread_mutex_lock(&graph_lock);
	if (s->target.remote) {
		rc = render_here(g.argc, g.argv, data, len, err, errlen);
	} else {
		rc = store_read_flush(&s->target, path, err, errlen);
		if (rc == 0)
			rc = render_in_child(g.argc, g.argv, data, len, err, errlen);
	}
	pthread_mutex_unlock(&graph_lock);
	if (rc != 0) {
		char why[256];
		strlcpy_hr(why, err, sizeof why);
		snprintf(err, errlen, "graph of %s (%s): %s", entity, path, why);
	}
	for (int i = 0; i < g.argc; i++)
		free(g.argv[i]);
	free(path);
	return rc;
}

int store_graph(struct store *s, const char *entity, const char *format, time_t from,
		time_t to, unsigned width, unsigned height, unsigned char **data,
		size_t *len, char *err, size_t errlen)
{
	pthread_rwlock_rdlock(&s->cfg);
	int rc = graph_locked(s, entity, format, from, to, width, height, data, len, err, errlen);
	pthread_rwlock_unlock(&s->cfg);
	return rc;
}

/* ---- disk ---- */

static void print_size(FILE *out, double bytes)
{
	if (bytes >= 1e9)
		fprintf(out, "%.1f GB", bytes / 1e9);
	else
		fprintf(out, "%.1f MB", bytes / 1e6);
}

void store_print_disk(const struct conf *c, FILE *out)
{
	long step = c->tick;
	static const enum store_kind kinds[] = { STORE_AP, STORE_ROOM, STORE_UPLINK, STORE_POOL,
						 STORE_CAPTURE, STORE_VENUE };
	const size_t counts[] = { c->n_aps, c->n_rooms, c->n_uplinks, c->n_pools, c->n_captures, 1 };
	double total = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		total += (double)counts[i] * (double)store_file_bytes(kinds[i], step);
	fputs("Disk: RRD files take about ", out);
	print_size(out, (double)store_file_bytes(STORE_AP, step));
	fputs(" per AP, ", out);
	print_size(out, total);
	fprintf(out, " for this venue (each file is full size from its first tick; "
		"unplanned APs add one each; each radio its device lists adds ");
	print_size(out, (double)store_file_bytes(STORE_RADIO, step));
	fputs(")\n", out);
	struct statvfs vfs;
	char *dir = c->state_dir && !c->rrdcached ? xstrdup(c->state_dir) : NULL;
	while (dir && statvfs(dir, &vfs) != 0 && strrchr(dir, '/') && strrchr(dir, '/') != dir)
		*strrchr(dir, '/') = '\0';
	if (dir && statvfs(dir, &vfs) == 0 &&
	    (double)vfs.f_bavail * (double)vfs.f_frsize < total) {
		fprintf(out, "WARNING: %s has only ", dir);
		print_size(out, (double)vfs.f_bavail * (double)vfs.f_frsize);
		fputs(" free; writes will fail when it is full\n", out);
	}
	free(dir);
}

/* ---- the module ---- */

struct unwritable {
	size_t n;
	char first[3][256];
};

static void note_unwritable(struct unwritable *u, const char *path)
{
	if (access(path, W_OK) == 0)
		return;
	if (u->n < 3)
		strlcpy_hr(u->first[u->n], path, sizeof u->first[0]);
	u->n++;
}

static void scan_unwritable(struct unwritable *u, const char *dir, int depth)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	note_unwritable(u, dir);
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		size_t len = strlen(de->d_name);
		if (de->d_type == DT_DIR && depth == 0)
			scan_unwritable(u, path, 1);
		else if (len > 4 && strcmp(de->d_name + len - 4, ".rrd") == 0)
			note_unwritable(u, path);
		free(path);
	}
	closedir(dh);
}

/* Started after the privilege drop: RRD files a root run left behind
 * fail every write later, so say now which ones this user cannot write. */
static void check_writable(const struct store_target *t)
{
	if (t->daemon)		/* rrdcached writes the files, as its own user */
		return;
	struct unwritable u = { 0 };
	scan_unwritable(&u, t->base, 0);
	if (u.n)
		log_err("store: %zu state files or directories are not writable by uid %d, e.g. %s%s%s%s%s; "
			"chown them to this user or their history is lost", u.n, (int)geteuid(),
			u.first[0], u.n > 1 ? ", " : "", u.n > 1 ? u.first[1] : "",
			u.n > 2 ? ", " : "", u.n > 2 ? u.first[2] : "");
}

static int store_module_start(struct module_ctx *d)
{
	char err[256];
	d->store = store_start(d->conf, err, sizeof err);
	if (!d->store) {
		log_err("store: %s", err);
		return -1;
	}
	log_info("store: writing %s every %ld s%s%s", d->store->target.base,
		 d->store->target.step, d->conf->rrdcached ? " through rrdcached " : "",
		 d->conf->rrdcached ? d->conf->rrdcached : "");
	check_writable(&d->store->target);
	return 0;
}

static void store_module_tick(struct module_ctx *d, double now)
{
	if (!d->store)
		return;
	store_submit(d->store, store_batch_from_venue(d->venue, (time_t)floor(now)));
	/* The writer's word so far, for the modules after this one. */
	struct store_stats st;
	store_get_stats(d->store, &st);
	struct module_store_health *h = &d->store_health;
	h->failing = st.failing;
	strlcpy_hr(h->why, st.failing_why, sizeof h->why);
	h->failed_total = st.failed;
	h->dropped_total = st.batches_dropped;
}

static int store_module_reload(struct module_ctx *d, const struct conf *old)
{
	const struct conf *c = d->conf;
	if (same_string(c->state_dir, old->state_dir) &&
	    same_string(c->rrdcached, old->rrdcached) && c->tick == old->tick)
		return 0;
	/* Another place or step: finish what is queued for the old files,
	 * then write the new ones. */
	char err[256];
	if (store_retarget(d->store, c, err, sizeof err) != 0) {
		log_err("store: %s", err);
		return -1;
	}
	log_info("store: now writing %s every %ld s", d->store->target.base, d->store->target.step);
	return 0;
}

static void store_module_stop(struct module_ctx *d)
{
	if (!d->store)
		return;
	struct store_stats st;
	store_flush(d->store);
	store_get_stats(d->store, &st);
	log_info("store: %lu rows written, %lu failed, %lu batches dropped, %lu files created",
		 st.updates, st.failed, st.batches_dropped, st.files_created);
	store_close(d->store);
	d->store = NULL;
}

const struct module_ops store_module_ops = {
	.name = "store",
	.start = store_module_start,
	.tick = store_module_tick,
	.reload = store_module_reload,
	.stop = store_module_stop,
};
