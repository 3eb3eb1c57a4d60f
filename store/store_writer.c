/* store_writer: turns batches into RRD files: creates, checks, upgrades and updates them. */
#include "config.h"
#include "store/store_writer.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <rrd.h>
#include <rrd_client.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Errors summarised at most this often once the first one was logged. */
#define ERROR_LOG_INTERVAL 60.0
/* A file that failed for another reason than an unwritable directory is
 * looked at again after this long. */
#define FILE_RETRY_INTERVAL 60.0

struct file_state {
	char *key;		/* kind digit + entity name */
	char *path;
	time_t last;		/* last timestamp in the file */
	bool ready;		/* exists with our layout */
	double retry_at;	/* monotonic seconds; 0 = now */
};

struct error_log {
	bool failing;
	double last_logged;
	unsigned long since_logged;	/* errors not logged since last_logged */
	unsigned long dropped;		/* batches dropped in this episode */
	char why[256];			/* the latest error, for health and alerts */
};

struct store_writer {
	struct store_target t;
	struct file_state *files;	/* open addressing on key */
	size_t cap, used;
	struct error_log errors;
};

/* One write problem, kept until the batch decides what to do with it. */
struct write_error {
	const char *path;
	char message[512];
	int err;		/* errno, 0 when unknown */
	bool unwritable;	/* the directory or daemon, not the file: drop the batch */
};

static double monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- rrdcached connection ---- */

int store_daemon_connect(const char *addr)
{
	rrd_clear_error();
	return rrdc_connect(addr);
}

static bool daemon_answered(void)
{
	/* librrd prefixes what the daemon said with "rrdcached@ADDR:" (or
	 * "rrdcached:" in older clients); anything else is the transport. */
	return strncmp(rrd_get_error(), "rrdcached", 9) == 0;
}

bool store_daemon_retry(const char *addr)
{
	if (daemon_answered())
		return false;
	rrdc_disconnect();
	return store_daemon_connect(addr) == 0;
}

bool store_lock_busy(void)
{
	return strstr(rrd_get_error(), "could not lock") != NULL;
}

/* ---- the file table ---- */

static uint64_t key_hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static struct file_state *slot_of(struct file_state *table, size_t cap, const char *key)
{
	size_t i = key_hash(key) & (cap - 1);
	while (table[i].key && strcmp(table[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &table[i];
}

static void table_grow(struct store_writer *w)
{
	size_t cap = w->cap ? w->cap * 2 : 256;
	struct file_state *table = xcalloc(cap, sizeof *table);
	for (size_t i = 0; i < w->cap; i++)
		if (w->files[i].key)
			*slot_of(table, cap, w->files[i].key) = w->files[i];
	free(w->files);
	w->files = table;
	w->cap = cap;
}

/* The state of an entity's file, NULL when its name cannot be a file. */
static struct file_state *file_state_of(struct store_writer *w, const struct store_entry *e)
{
	char key[SAMPLE_ENTITY_MAX + 2];
	snprintf(key, sizeof key, "%d%s", (int)e->kind, e->name);
	if ((w->used + 1) * 2 > w->cap)
		table_grow(w);
	struct file_state *fs = slot_of(w->files, w->cap, key);
	if (fs->key)
		return fs->path ? fs : NULL;
	fs->key = xstrdup(key);
	fs->path = store_file_path(w->t.base, e->kind, e->name);
	w->used++;
	return fs->path ? fs : NULL;
}

struct store_writer *store_writer_new(const struct store_target *target)
{
	struct store_writer *w = xcalloc(1, sizeof *w);
	w->t.base = xstrdup(target->base);
	w->t.daemon = target->daemon ? xstrdup(target->daemon) : NULL;
	w->t.remote = target->remote;
	w->t.step = target->step;
	table_grow(w);
	return w;
}

void store_writer_free(struct store_writer *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->cap; i++) {
		free(w->files[i].key);
		free(w->files[i].path);
	}
	free(w->files);
	free(w->t.base);
	free(w->t.daemon);
	free(w);
}

/* ---- errors ---- */

static const int unwritable_errnos[] = { ENOSPC, EROFS, EACCES, EPERM, EDQUOT, ENOTDIR, EIO };

static bool errno_unwritable(int err)
{
	for (size_t i = 0; i < sizeof unwritable_errnos / sizeof *unwritable_errnos; i++)
		if (err == unwritable_errnos[i])
			return true;
	return false;
}

/* rrdcached reports its errno only as text; recognise it there. */
static int errno_in_text(const char *text)
{
	for (size_t i = 0; i < sizeof unwritable_errnos / sizeof *unwritable_errnos; i++)
		if (strstr(text, strerror(unwritable_errnos[i])))
			return unwritable_errnos[i];
	return 0;
}

static void set_error(struct write_error *e, const char *path, int err, const char *what)
{
	const char *rrd_msg = rrd_get_error();
	e->path = path;
	if (rrd_msg && rrd_msg[0])
		snprintf(e->message, sizeof e->message, "%s: %s", what, rrd_msg);
	else
		snprintf(e->message, sizeof e->message, "%s: %s", what,
			 err ? strerror(err) : "unknown error");
	if (!errno_unwritable(err))
		err = errno_in_text(e->message) ? errno_in_text(e->message) : err;
	e->err = err;
	/* An unreachable rrdcached is as unwritable as a full disk: no
	 * point in trying every other entity of the batch. */
	e->unwritable = errno_unwritable(err) || strstr(e->message, "connect to rrdcached");
}

static void log_write_error(struct store_writer *w, const struct write_error *e)
{
	struct error_log *l = &w->errors;
	double now = monotonic();
	snprintf(l->why, sizeof l->why, "cannot write %.100s: %.128s", e->path, e->message);
	if (!l->failing || now - l->last_logged >= ERROR_LOG_INTERVAL) {
		if (l->failing)
			log_err("store: still failing: %lu more errors in the last %.0f s; "
				"%lu batches dropped so far", l->since_logged, now - l->last_logged,
				l->dropped);
		if (e->unwritable)
			log_err("store: cannot write %s: %s (errno %d); the batch is dropped, "
				"writes resume when the directory is writable", e->path, e->message,
				e->err);
		else
			log_err("store: cannot write %s: %s", e->path, e->message);
		l->last_logged = now;
		l->since_logged = 0;
	} else {
		l->since_logged++;
	}
	l->failing = true;
}

static void log_recovered(struct store_writer *w)
{
	struct error_log *l = &w->errors;
	if (!l->failing)
		return;
	log_info("store: writes resumed (%lu batches dropped while failing)", l->dropped);
	memset(l, 0, sizeof *l);
}

/* ---- one file ---- */

static const char *dir_of(const char *path, char *buf, size_t len)
{
	strlcpy_hr(buf, path, len);
	char *slash = strrchr(buf, '/');
	if (slash && slash != buf)
		*slash = '\0';
	return buf;
}

/* 1 exists, 0 missing, -1 error (in e). */
static int file_exists(struct store_writer *w, const char *path, struct write_error *e)
{
	if (!w->t.remote) {
		struct stat st;
		if (stat(path, &st) == 0)
			return 1;
		if (errno == ENOENT)
			return 0;
		rrd_clear_error();
		set_error(e, path, errno, "stat");
		return -1;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		rrd_clear_error();
		time_t last = rrdc_last(path);
		if (last > 0)
			return 1;
		if (strstr(rrd_get_error(), "No such file"))
			return 0;
		if (!store_daemon_retry(w->t.daemon))
			break;
	}
	set_error(e, path, 0, "last");
	return -1;
}

static rrd_info_t *file_info(struct store_writer *w, const char *path)
{
	rrd_info_t *info = NULL;
	for (int attempt = 0; attempt < 2 && !info; attempt++) {
		rrd_clear_error();
		info = w->t.daemon ? rrdc_info(path) : rrd_info_r(path);
		if (!info && !(w->t.daemon && store_daemon_retry(w->t.daemon)))
			break;
	}
	return info;
}

/* The kind's data source at index idx of a file is "ds[NAME].index = idx". */
static bool ds_in_place(const rrd_info_t *p, const struct store_kind_info *k)
{
	size_t len = strlen(p->key);
	if (p->type != RD_I_CNT || p->value.u_cnt >= k->n_ds)
		return false;
	const char *want = k->ds[p->value.u_cnt].name;
	return strlen(want) == len - 10 && strncmp(p->key + 3, want, len - 10) == 0;
}

/* How many of the kind's data sources a file has, each at its place from
 * the first on; -1 when its step differs or it holds one the kind does
 * not have there. Fewer than the kind's: a file written before data
 * sources were appended to the kind. */
static int layout_prefix(const rrd_info_t *info, enum store_kind kind, long step)
{
	const struct store_kind_info *k = store_kind_info(kind);
	size_t n_ds = 0;
	bool step_ok = false, foreign = false;
	for (const rrd_info_t *p = info; p; p = p->next) {
		if (strcmp(p->key, "step") == 0)
			step_ok = p->type == RD_I_CNT && (long)p->value.u_cnt == step;
		size_t len = strlen(p->key);
		if (strncmp(p->key, "ds[", 3) != 0 || len < 10 ||
		    strcmp(p->key + len - 7, "].index") != 0)
			continue;
		n_ds++;
		foreign |= !ds_in_place(p, k);
	}
	return step_ok && !foreign && n_ds <= k->n_ds ? (int)n_ds : -1;
}

/* layout_prefix() of a file, or -2 when it cannot be read (in e). */
static int file_layout(struct store_writer *w, const char *path, enum store_kind kind,
		       struct write_error *e)
{
	rrd_info_t *info = file_info(w, path);
	if (!info) {
		set_error(e, path, errno, "info");
		return -2;
	}
	int have = layout_prefix(info, kind, w->t.step);
	rrd_info_free(info);
	return have;
}

static time_t file_last(struct store_writer *w, const char *path)
{
	time_t last = -1;
	for (int attempt = 0; attempt < 2; attempt++) {
		rrd_clear_error();
		last = w->t.daemon ? rrdc_last(path) : rrd_last_r(path);
		if (last >= 0 || !(w->t.daemon && store_daemon_retry(w->t.daemon)))
			break;
	}
	return last;
}

static int move_aside(struct store_writer *w, const char *path, struct write_error *e)
{
	if (w->t.remote) {
		rrd_clear_error();
		snprintf(e->message, sizeof e->message,
			 "has other data sources or step; move it aside on the rrdcached host");
		e->path = path;
		e->err = 0;
		e->unwritable = false;
		return -1;
	}
	if (w->t.daemon) {
		/* The daemon must not write queued rows into the renamed file
		 * later, nor keep it open. */
		rrdc_flush(path);
		rrdc_forget(path);
	}
	char *aside = NULL;
	time_t now = time(NULL);
	for (int i = 0; i < 100; i++) {
		free(aside);
		aside = i ? xasprintf("%s.old-%ld-%d", path, (long)now, i)
			  : xasprintf("%s.old-%ld", path, (long)now);
		struct stat st;
		if (stat(aside, &st) != 0)
			break;
	}
	if (rename(path, aside) != 0) {
		rrd_clear_error();
		set_error(e, path, errno, "rename aside");
		free(aside);
		return -1;
	}
	log_warn("store: %s has other data sources or another step; moved aside to %s",
		 path, aside);
	free(aside);
	return 0;
}

/* A reader (a graph being drawn, the report) holds a file's lock for a
 * moment; a writer waits for it rather than fail. */
#define LOCK_ATTEMPTS 6
#define LOCK_WAIT_US 20000


/* Append the kind's data sources from index have on to a file written
 * before they existed, as "rrdtool tune FILE DS:..." does: librrd writes
 * the file anew under a temporary name with every row kept (the new data
 * sources unknown in them) and renames it over the old one. Through a
 * local rrdcached it flushes the file first and makes the daemon forget
 * it after. A remote daemon's files cannot be changed from here. */
static int add_data_sources(struct store_writer *w, const char *path, enum store_kind kind,
			    size_t have, struct write_error *e)
{
	const struct store_kind_info *k = store_kind_info(kind);
	char *specs[STORE_MAX_DS] = { NULL };
	char *argv[STORE_MAX_DS + 6];
	int argc = 0;
	argv[argc++] = (char *)"tune";
	if (w->t.daemon) {
		argv[argc++] = (char *)"--daemon";
		argv[argc++] = w->t.daemon;
	}
	argv[argc++] = (char *)path;
	for (size_t i = have; i < k->n_ds; i++)
		argv[argc++] = specs[i - have] = store_ds_spec(kind, i, w->t.step);
	argv[argc] = NULL;
	int rc = -1;
	if (w->t.remote) {
		rrd_clear_error();
		snprintf(e->message, sizeof e->message, "lacks data sources from \"%s\" on; add "
			 "them on the rrdcached host: rrdtool tune FILE %s", k->ds[have].name,
			 specs[0]);
		e->path = path;
		e->err = 0;
		e->unwritable = false;
	} else {
		for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
			rrd_clear_error();
			errno = 0;
			/* it answers 0 when the rewrite failed, with the error set */
			rc = rrd_tune(argc, argv) == 0 && !rrd_test_error() ? 0 : -1;
			if (rc == 0 || !store_lock_busy())
				break;
			usleep(LOCK_WAIT_US);
		}
		if (rc != 0)
			set_error(e, path, errno, "add data sources");
	}
	for (size_t i = 0; i < STORE_MAX_DS; i++)
		free(specs[i]);
	return rc;
}

/* A file with only the kind's first data sources gets the others in
 * place; then it has them all (checked: rrd_tune may report success for
 * a rewrite that failed), or -1 with the reason in e. */
static int upgrade_file(struct store_writer *w, const char *path, enum store_kind kind,
			int have, struct store_stats *stats, struct write_error *e)
{
	size_t n_ds = store_kind_info(kind)->n_ds;
	if (add_data_sources(w, path, kind, (size_t)have, e) != 0)
		return -1;
	int now = file_layout(w, path, kind, e);
	if (now == -2)
		return -1;
	if (now != (int)n_ds) {
		snprintf(e->message, sizeof e->message, "has %d of its %zu data sources after "
			 "adding them", now, n_ds);
		e->path = path;
		e->err = 0;
		e->unwritable = false;
		return -1;
	}
	log_info("store: %s: added %zu data source(s) from %s on in place; its rows are kept",
		 path, n_ds - (size_t)have, store_kind_info(kind)->ds[have].name);
	stats->files_upgraded++;
	return 0;
}

/* librrd writes a new file to a temporary name and removes it when the
 * disk fills, leaving neither a message nor the errno; ask the
 * directory instead. */
static int why_create_failed(const char *path, enum store_kind kind, long step, int err)
{
	char dir[4096];
	struct statvfs vfs;
	dir_of(path, dir, sizeof dir);
	if (statvfs(dir, &vfs) != 0)
		return errno;
	if (vfs.f_flag & ST_RDONLY)
		return EROFS;
	if (access(dir, W_OK) != 0)
		return EACCES;
	if ((unsigned long long)vfs.f_bavail * vfs.f_frsize < store_file_bytes(kind, step))
		return ENOSPC;
	return err;
}

static int create_file(struct store_writer *w, struct file_state *fs, enum store_kind kind,
		       time_t t, struct write_error *e)
{
	if (!w->t.remote) {
		char dir[4096];
		if (mkdir_p(dir_of(fs->path, dir, sizeof dir), 0755) != 0) {
			rrd_clear_error();
			set_error(e, dir, errno, "mkdir");
			e->path = fs->path;
			return -1;
		}
	}
	int argc;
	char **argv = store_create_argv(kind, w->t.step, &argc);
	int rc = -1;
	for (int attempt = 0; attempt < 2; attempt++) {
		rrd_clear_error();
		errno = 0;
		if (w->t.daemon)
			rc = rrdc_create(fs->path, (unsigned long)w->t.step, t - 1, 1, argc,
					 (const char **)argv);
		else
			rc = rrd_create_r2(fs->path, (unsigned long)w->t.step, t - 1, 1, NULL, NULL,
					   argc, (const char **)argv);
		if (rc == 0 || !(w->t.daemon && store_daemon_retry(w->t.daemon)))
			break;
	}
	int err = errno;
	store_free_argv(argv);
	if (rc != 0) {
		if (!w->t.remote && !errno_unwritable(err))
			err = why_create_failed(fs->path, kind, w->t.step, err);
		set_error(e, fs->path, err, "create");
		return -1;
	}
	fs->last = t - 1;
	fs->ready = true;
	return 0;
}

/* Make sure the entity's file exists with our layout; 0 or -1 (in e). */
static int ensure_file(struct store_writer *w, struct file_state *fs, enum store_kind kind,
		       time_t t, struct store_stats *stats, struct write_error *e)
{
	int exists = file_exists(w, fs->path, e);
	if (exists < 0)
		return -1;
	if (exists) {
		int have = file_layout(w, fs->path, kind, e);
		if (have == -2)
			return -1;
		if (have > 0 && (size_t)have < store_kind_info(kind)->n_ds) {
			if (upgrade_file(w, fs->path, kind, have, stats, e) != 0)
				return -1;
			have = (int)store_kind_info(kind)->n_ds;
		}
		if (have == (int)store_kind_info(kind)->n_ds) {
			fs->last = file_last(w, fs->path);
			if (fs->last < 0) {
				set_error(e, fs->path, errno, "last");
				return -1;
			}
			fs->ready = true;
			return 0;
		}
		if (move_aside(w, fs->path, e) != 0)
			return -1;
		stats->files_moved++;
	}
	if (create_file(w, fs, kind, t, e) != 0)
		return -1;
	stats->files_created++;
	return 0;
}

static void format_update(char *buf, size_t len, time_t t, const double *v, size_t n)
{
	size_t o = (size_t)snprintf(buf, len, "%ld", (long)t);
	for (size_t i = 0; i < n && o < len; i++) {
		if (isfinite(v[i]))
			o += (size_t)snprintf(buf + o, len - o, ":%.12g", v[i]);
		else
			o += (size_t)snprintf(buf + o, len - o, ":U");
	}
}

static int update_file(struct store_writer *w, struct file_state *fs, const struct store_entry *en,
		       time_t t, struct write_error *e)
{
	char line[STORE_MAX_DS * 32 + 32];
	format_update(line, sizeof line, t, en->v, store_kind_info(en->kind)->n_ds);
	const char *argv[] = { line, NULL };
	int rc = -1;
	for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
		rrd_clear_error();
		errno = 0;
		rc = w->t.daemon ? rrdc_update(fs->path, 1, argv)
				 : rrd_update_r(fs->path, NULL, 1, argv);
		if (rc == 0)
			break;
		if (w->t.daemon && attempt == 0 && store_daemon_retry(w->t.daemon))
			continue;
		if (!w->t.daemon && store_lock_busy()) {
			usleep(LOCK_WAIT_US);
			continue;
		}
		break;
	}
	if (rc != 0) {
		set_error(e, fs->path, errno, "update");
		return -1;
	}
	fs->last = t;
	return 0;
}

/* ---- a batch ---- */

/* 0 written or skipped, -1 failed (e says whether to drop the batch). */
static int write_entry(struct store_writer *w, const struct store_entry *en, time_t t,
		       double now, struct store_stats *stats, struct write_error *e)
{
	struct file_state *fs = file_state_of(w, en);
	if (!fs) {
		snprintf(e->message, sizeof e->message, "entity name cannot be a file name");
		e->path = en->name;
		e->err = 0;
		e->unwritable = false;
		return -1;
	}
	if (!fs->ready) {
		if (fs->retry_at > now)
			return -1;
		if (ensure_file(w, fs, en->kind, t, stats, e) != 0) {
			if (!e->unwritable)
				fs->retry_at = now + FILE_RETRY_INTERVAL;
			return -1;
		}
		fs->retry_at = 0;
	}
	if (t <= fs->last) {
		stats->skipped++;
		return 0;
	}
	if (update_file(w, fs, en, t, e) != 0) {
		/* Look at the file again next time: it may have been removed
		 * or written by someone else. */
		fs->ready = false;
		return -1;
	}
	stats->updates++;
	return 0;
}

int store_writer_write(struct store_writer *w, const struct store_batch *b,
		       struct store_stats *stats)
{
	if (w->t.daemon && store_daemon_connect(w->t.daemon) != 0) {
		struct write_error e = { .path = w->t.daemon, .err = errno };
		snprintf(e.message, sizeof e.message, "connect to rrdcached: %s", rrd_get_error());
		log_write_error(w, &e);
		stats->failed += b->n;
		stats->batches_dropped++;
		w->errors.dropped++;
		return (int)b->n;
	}
	double now = monotonic();
	int failed = 0, waiting = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct write_error e = { 0 };
		if (write_entry(w, &b->e[i], b->t, now, stats, &e) == 0)
			continue;
		if (!e.message[0]) {	/* waiting for its retry time: still failing */
			waiting++;
			continue;
		}
		log_write_error(w, &e);
		if (e.unwritable) {
			int unwritten = (int)(b->n - i);
			stats->failed += (unsigned long)unwritten;
			stats->batches_dropped++;
			w->errors.dropped++;
			return failed + unwritten;
		}
		stats->failed++;
		failed++;
	}
	if (failed == 0 && waiting == 0)
		log_recovered(w);
	return failed;
}

bool store_writer_failing(const struct store_writer *w, char *why, size_t len)
{
	strlcpy_hr(why, w->errors.failing ? w->errors.why : "", len);
	return w->errors.failing;
}
