/* store_read: rows, the list of files and a file's extent, read directly or through rrdcached. */
#include "config.h"
#include "store/store_read.h"
#include "store/store_layout.h"
#include "base/log.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <rrd.h>
#include <rrd_client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- rrdcached ---- */

/* A local rrdcached that does not answer at all (stopped after the
 * event, say) holds no rows its files lack: rrdcached writes them out
 * when it stops. Reads then take the files as they are, said once. */
static int warned_unreachable;

int store_read_flush(const struct store_target *t, const char *path, char *err, size_t errlen)
{
	if (!t->daemon || t->remote)
		return 0;
	int rc = -1;
	bool connected = false;
	for (int attempt = 0; attempt < 2; attempt++) {
		rrd_clear_error();
		rc = store_daemon_connect(t->daemon);
		connected |= rc == 0;
		if (rc == 0)
			rc = rrdc_flush(path);
		if (rc == 0 || !store_daemon_retry(t->daemon))
			break;
	}
	if (rc == 0)
		return 0;
	snprintf(err, errlen, "rrdcached flush of %s: %s", path, rrd_get_error());
	if (connected)
		return -1;
	if (!__atomic_exchange_n(&warned_unreachable, 1, __ATOMIC_RELAXED))
		log_warn("store: rrdcached %s does not answer (%s); reading the files under %s "
			 "as they are", t->daemon, rrd_get_error(), t->base);
	return 0;
}

/* ---- rows ---- */

static int fetch_rows(const struct store_target *t, const char *path, const char *cf,
		      time_t *start, time_t *end, unsigned long *step, unsigned long *ds_cnt,
		      char ***ds_names, rrd_value_t **data)
{
	int rc = -1;
	if (!t->remote) {
		for (int attempt = 0; attempt < STORE_READ_LOCK_ATTEMPTS; attempt++) {
			rrd_clear_error();
			rc = rrd_fetch_r(path, cf, start, end, step, ds_cnt, ds_names, data);
			if (rc == 0 || !store_lock_busy())
				break;
			usleep(STORE_READ_LOCK_WAIT_US);
		}
		return rc;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		rrd_clear_error();
		rc = store_daemon_connect(t->daemon);
		if (rc == 0)
			rc = rrdc_fetch(path, cf, start, end, step, ds_cnt, ds_names, data);
		if (rc == 0 || !store_daemon_retry(t->daemon))
			break;
	}
	return rc;
}

/* Seconds per primary data point of a file (its "step"), 0 when its
 * header cannot be read. */
static long file_step(const struct store_target *t, const char *path)
{
	rrd_clear_error();
	rrd_info_t *info = t->remote ? rrdc_info(path) : rrd_info_r(path);
	long step = 0;
	for (const rrd_info_t *p = info; p; p = p->next)
		if (strcmp(p->key, "step") == 0 && p->type == RD_I_CNT)
			step = (long)p->value.u_cnt;
	rrd_info_free(info);
	return step;
}

static const char *valid_cf(const char *cf)
{
	if (!cf || !*cf || strcasecmp(cf, "AVERAGE") == 0)
		return "AVERAGE";
	if (strcasecmp(cf, "MAX") == 0)
		return "MAX";
	return NULL;
}

/* The file of an entity; NULL with the reason in err. */
static char *entity_file(const struct store_target *t, const char *entity, char *err,
			 size_t errlen)
{
	enum store_kind kind;
	const char *name;
	if (store_parse_entity(entity, &kind, &name) != 0) {
		snprintf(err, errlen, "unknown entity \"%s\"", entity ? entity : "");
		return NULL;
	}
	char *path = store_file_path(t->base, kind, name);
	if (!path)
		snprintf(err, errlen, "entity name \"%s\" is too long", name);
	return path;
}

static int table_of_file(const struct store_target *t, const char *entity, const char *path,
			 const char *cf, time_t from, time_t to, long resolution,
			 struct store_table *out, char *err, size_t errlen)
{
	/* a remote daemon's FETCH flushes the file itself */
	if (store_read_flush(t, path, err, errlen) != 0)
		return -1;
	time_t start = from, end = to;
	unsigned long step = resolution > 0 ? (unsigned long)resolution : 1, ds_cnt = 0;
	char **ds_names = NULL;
	rrd_value_t *data = NULL;
	if (fetch_rows(t, path, cf, &start, &end, &step, &ds_cnt, &ds_names, &data) != 0) {
		snprintf(err, errlen, "no data for %s: %s", entity, rrd_get_error());
		return -1;
	}
	/* Row i of a fetch covers (start + i*step, start + (i+1)*step] and is
	 * stamped with its end, as rrdtool prints it. librrd's arrays are the
	 * table's: rrd_freemem() frees them. */
	out->start = start + (time_t)step;
	out->step = (long)step;
	out->n = step ? (size_t)((end - start) / (time_t)step) : 0;
	out->n_ds = ds_cnt;
	out->ds = ds_names;
	out->values = data;
	strlcpy_hr(out->cf, cf, sizeof out->cf);
	return 0;
}

int store_read_table(const struct store_target *t, const char *entity, time_t from, time_t to,
		     long resolution, const char *cf, bool with_step, struct store_table *out,
		     char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char *path = entity_file(t, entity, err, errlen);
	if (!path)
		return -1;
	const char *cfn = valid_cf(cf);
	if (!cfn || to <= from) {
		snprintf(err, errlen, cfn ? "empty time range" : "consolidation must be AVERAGE or MAX");
		free(path);
		return -1;
	}
	int rc = table_of_file(t, entity, path, cfn, from, to, resolution, out, err, errlen);
	if (rc == 0 && with_step) {
		out->pdp_step = file_step(t, path);
		if (out->pdp_step <= 0) {
			snprintf(err, errlen, "no step in the header of %s: %s", path,
				 rrd_get_error());
			store_table_free(out);
			rc = -1;
		}
	}
	free(path);
	return rc;
}

int store_read_series(const struct store_target *t, const char *entity, const char *metric,
		      time_t from, time_t to, long resolution, const char *cf,
		      struct store_series *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	enum store_kind kind;
	const char *name;
	if (store_parse_entity(entity, &kind, &name) == 0 && store_ds_index(kind, metric) < 0) {
		snprintf(err, errlen, "%s has no metric \"%s\"", entity, metric ? metric : "");
		return -1;
	}
	struct store_table tab;
	if (store_read_table(t, entity, from, to, resolution, cf, false, &tab, err, errlen) != 0)
		return -1;
	int c = store_table_column(&tab, metric);
	if (c < 0) {
		snprintf(err, errlen, "the file of %s has no data source \"%s\"", entity, metric);
		store_table_free(&tab);
		return -1;
	}
	out->start = tab.start;
	out->step = tab.step;
	out->n = tab.n;
	out->values = xcalloc(tab.n ? tab.n : 1, sizeof *out->values);
	for (size_t r = 0; r < tab.n; r++)
		out->values[r] = tab.values[r * tab.n_ds + (size_t)c];
	strlcpy_hr(out->cf, tab.cf, sizeof out->cf);
	store_table_free(&tab);
	return 0;
}

int store_table_column(const struct store_table *t, const char *ds)
{
	for (size_t i = 0; ds && i < t->n_ds; i++)
		if (strcmp(t->ds[i], ds) == 0)
			return (int)i;
	return -1;
}

void store_table_free(struct store_table *t)
{
	for (size_t i = 0; t->ds && i < t->n_ds; i++)
		rrd_freemem(t->ds[i]);
	if (t->ds)
		rrd_freemem(t->ds);
	if (t->values)
		rrd_freemem(t->values);
	memset(t, 0, sizeof *t);
}

/* ---- the list of files ---- */

struct entity_list {
	char **v;
	size_t n, cap;
};

/* The kind whose folder is the first len characters of rel, else
 * STORE_VENUE (which has none). */
static enum store_kind kind_of_dir(const char *rel, size_t len)
{
	for (int k = 0; k < STORE_KINDS; k++) {
		const char *dir = store_kind_info((enum store_kind)k)->dir;
		if (dir && strlen(dir) == len && strncmp(rel, dir, len) == 0)
			return (enum store_kind)k;
	}
	return STORE_VENUE;
}

/* The entity a file below the store stands for ("ap/NAME.rrd",
 * "venue.rrd"), or NULL for one the store did not name so (moved aside,
 * temporary, foreign): its name must encode back to the same file. */
static char *entity_of_file(const char *rel)
{
	if (strcmp(rel, "venue.rrd") == 0)
		return xstrdup("venue");
	const char *slash = strchr(rel, '/');
	size_t len = strlen(rel);
	if (!slash || len < 5 || strcmp(rel + len - 4, ".rrd") != 0 || strchr(slash + 1, '/'))
		return NULL;
	enum store_kind kind = kind_of_dir(rel, (size_t)(slash - rel));
	char stem[3 * SAMPLE_ENTITY_MAX + 4], name[SAMPLE_ENTITY_MAX], again[sizeof stem];
	size_t stem_len = len - (size_t)(slash + 1 - rel) - 4;
	if (kind == STORE_VENUE || stem_len >= sizeof stem)
		return NULL;
	memcpy(stem, slash + 1, stem_len);
	stem[stem_len] = '\0';
	if (store_decode_name(stem, name, sizeof name) < 0 ||
	    store_encode_name(name, again, sizeof again) < 0 || strcmp(again, stem) != 0)
		return NULL;
	return xasprintf("%s:%s", store_kind_info(kind)->prefix, name);
}

static void list_add(struct entity_list *l, const char *rel)
{
	char *entity = entity_of_file(rel);
	if (!entity)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = entity;
}

static void list_local_dir(struct entity_list *l, const char *base, const char *dir)
{
	char *path = dir ? xasprintf("%s/%s", base, dir) : xstrdup(base);
	DIR *d = opendir(path);
	for (struct dirent *e; d && (e = readdir(d));) {
		char *rel = dir ? xasprintf("%s/%s", dir, e->d_name) : xstrdup(e->d_name);
		list_add(l, rel);
		free(rel);
	}
	if (d)
		closedir(d);
	free(path);
}

static int list_remote(const struct store_target *t, struct entity_list *l, char *err,
		       size_t errlen)
{
	/* librrd 1.7 exports LIST only as "rrdtool list", which drops the
	 * connection after it (the next call reconnects); --noflush, or it
	 * would flush every file the daemon holds. */
	char *dir = xasprintf("/%s", t->base);
	char *argv[] = { (char *)"list", (char *)"--daemon", t->daemon, (char *)"--noflush",
			 (char *)"--recursive", dir, NULL };
	char *text = NULL;
	for (int attempt = 0; attempt < 2 && !text; attempt++) {
		rrd_clear_error();
		text = rrd_list(6, argv);
		if (!text && !store_daemon_retry(t->daemon))
			break;
	}
	free(dir);
	if (!text) {
		/* an instance that wrote nothing yet has no folder */
		if (strstr(rrd_get_error(), "No such file"))
			return 0;
		snprintf(err, errlen, "rrdcached %s: list: %s", t->daemon, rrd_get_error());
		return -1;
	}
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		list_add(l, line);
	free(text);
	return 0;
}

void store_list_free(char **entities, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(entities[i]);
	free(entities);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int store_read_list(const struct store_target *t, char ***entities, size_t *n, char *err,
		    size_t errlen)
{
	struct entity_list l = { NULL, 0, 0 };
	if (t->remote) {
		if (list_remote(t, &l, err, errlen) != 0) {
			store_list_free(l.v, l.n);
			return -1;
		}
	} else {
		list_local_dir(&l, t->base, NULL);
		for (int k = 0; k < STORE_KINDS; k++)
			if (store_kind_info((enum store_kind)k)->dir)
				list_local_dir(&l, t->base, store_kind_info((enum store_kind)k)->dir);
	}
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, by_name);
	*entities = l.v;
	*n = l.n;
	return 0;
}

/* ---- a file's extent ---- */

static int extent_remote(const struct store_target *t, const char *path, time_t *first,
			 time_t *last)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		rrd_clear_error();
		if (store_daemon_connect(t->daemon) == 0) {
			*first = rrdc_first(path, 0);
			*last = rrdc_last(path);
			if (*first > 0 && *last > 0)
				return 0;
		}
		if (!store_daemon_retry(t->daemon))
			break;
	}
	return -1;
}

int store_read_extent(const struct store_target *t, const char *entity, time_t *first,
		      time_t *last, char *err, size_t errlen)
{
	*first = *last = 0;
	char *path = entity_file(t, entity, err, errlen);
	if (!path)
		return -1;
	int rc = 0;
	if (t->remote) {
		rc = extent_remote(t, path, first, last);
	} else if (store_read_flush(t, path, err, errlen) == 0) {
		rrd_clear_error();
		*first = rrd_first_r(path, 0);
		*last = rrd_last_r(path);
		rc = *first > 0 && *last > 0 ? 0 : -1;
	} else {
		free(path);
		return -1;
	}
	if (rc != 0)
		snprintf(err, errlen, "no data for %s: %s", entity, rrd_get_error());
	free(path);
	return rc;
}
