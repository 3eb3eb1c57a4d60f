/* test_store: the RRD store against real RRD files in a temporary folder and real rrdcached. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <rrd.h>
#include <rrd_client.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/conf.h"
#include "store/store.h"
#include "base/util.h"
#include "model/venue.h"

/* An hour boundary, so every archive's rows line up with the samples. */
#define T0 ((time_t)1699999200)
#define GAP_FIRST 600	/* samples GAP_FIRST..GAP_LAST are never written */
#define GAP_LAST 629
#define SAMPLES 1080	/* three hours at 10 s */

#if defined(__SANITIZE_ADDRESS__)
/* Graphs through a remote rrdcached are drawn in this process, where
 * librrd 1.7 leaks its legend strings and fontconfig keeps caches (also
 * from pango's own thread). Only leaks with rrd_graph_v or fontconfig on
 * the stack are forgiven, which needs full stacks (librrd has no frame
 * pointers). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:rrd_graph_v\nleak:libfontconfig.so\n";
}
#endif

struct fixture {
	char dir[256];
	struct conf *conf;
	pid_t rrdcached;	/* stopped by teardown even when a test fails */
};

static struct conf *load_conf(const char *state_dir, const char *extra)
{
	char *text = xasprintf("state_dir = \"%s\"\ntick = 10\n%s\n"
			       "event \"t\" { attendees = 100 }\n"
			       "room \"hall\" { seats = 80 }\n"
			       "ap \"a1\" { room = \"hall\" max_clients = 60 }\n",
			       state_dir, extra ? extra : "");
	char *err = NULL;
	struct conf *c = conf_load_buffer(text, "test.conf", &err);
	if (!c)
		fprintf(stderr, "%s", err);
	free(err);
	free(text);
	assert_non_null(c);
	return c;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "%s/headroom-store.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	char *state_dir = xasprintf("%s/state", f->dir);
	f->conf = load_conf(state_dir, NULL);
	free(state_dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->rrdcached > 0) {
		kill(f->rrdcached, SIGTERM);
		waitpid(f->rrdcached, NULL, 0);
	}
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	conf_free(f->conf);
	free(f);
	return 0;
}

static bool in_gap(int i)
{
	return i >= GAP_FIRST && i <= GAP_LAST + 1;	/* +1: the first sample after
							 * a gap longer than the
							 * heartbeat is unknown too */
}

/* What the 10 s archive holds for sample i (written at T0 + 10 i). */
static double expected_pdp(int i)
{
	return in_gap(i) ? NAN : (double)(i % 60);
}

static void write_ap_samples(struct store *s, int from, int to, double offset)
{
	for (int i = from; i <= to; i++) {
		if (i >= GAP_FIRST && i <= GAP_LAST)
			continue;
		double v[] = { (double)(i % 60) + offset, NAN, (double)(i % 60) + offset, 40, 60 };
		struct store_batch *b = store_batch_new(T0 + 10 * i);
		assert_int_equal(store_batch_add(b, "ap:a1", v, 5), 0);
		assert_int_equal(store_write_batch(s, b), 0);
		store_batch_free(b);
	}
}

static struct store *open_store(const struct conf *c)
{
	char err[256];
	struct store *s = store_open(c, err, sizeof err);
	assert_non_null(s);
	return s;
}

static void fetch_series(struct store *s, const char *metric, long res, const char *cf,
			 struct store_series *out)
{
	char err[256] = "";
	int rc = store_series(s, "ap:a1", metric, T0, T0 + 10 * SAMPLES, res, cf, out, err,
			      sizeof err);
	if (rc != 0)
		fprintf(stderr, "store_series: %s\n", err);
	assert_int_equal(rc, 0);
	assert_int_equal(out->step, res);
}

/* Consolidate the 10 s expectations the way RRD does with xff 0.5. */
static double consolidate(int last, int pdps, bool max)
{
	int unknown = 0, known = 0;
	double sum = 0, peak = -INFINITY;
	for (int i = last - pdps + 1; i <= last; i++) {
		double v = expected_pdp(i);
		if (isnan(v)) {
			unknown++;
			continue;
		}
		known++;
		sum += v;
		peak = fmax(peak, v);
	}
	if (unknown * 2 > pdps || known == 0)
		return NAN;
	return max ? peak : sum / known;
}

static void assert_same(double want, double got, time_t at)
{
	if (isnan(want)) {
		if (!isnan(got))
			fail_msg("at %ld: want unknown, got %g", (long)at, got);
	} else if (isnan(got) || fabs(want - got) > 1e-9) {
		fail_msg("at %ld: want %g, got %g", (long)at, want, got);
	}
}

static size_t check_archive(struct store *s, long res, const char *cf)
{
	struct store_series out;
	fetch_series(s, "clients", res, cf, &out);
	int pdps = (int)(res / 10);
	size_t checked = 0, unknown = 0;
	for (size_t r = 0; r < out.n; r++) {
		time_t at = out.start + (time_t)r * out.step;
		int last = (int)((at - T0) / 10);
		if (last - pdps + 1 < 1 || last >= SAMPLES)
			continue;
		double want = consolidate(last, pdps, strcmp(cf, "MAX") == 0);
		assert_same(want, out.values[r], at);
		checked++;
		unknown += isnan(want);
	}
	store_series_free(&out);
	/* The gap must be inside what was compared at the fine archives. */
	if (res < 3600)
		assert_true(unknown > 0);
	return checked;
}

static void test_paths_are_sanitised(void **state)
{
	struct fixture *f = *state;
	const char *sd = f->conf->state_dir;
	char *p = store_path(f->conf, "ap:../../etc/passwd");
	char *want = xasprintf("%s/ap/%%2E%%2E%%2F.%%2E%%2Fetc%%2Fpasswd.rrd", sd);
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = store_path(f->conf, "room:Hall A");
	want = xasprintf("%s/room/Hall%%20A.rrd", sd);
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = store_path(f->conf, "venue");
	want = xasprintf("%s/venue.rrd", sd);
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = store_path(f->conf, "ap:..");
	assert_null(strstr(p + strlen(sd), "/.."));
	free(p);
	assert_null(store_path(f->conf, "ap:"));
	assert_null(store_path(f->conf, "switch:x"));
	const char *m[STORE_METRICS_MAX];
	assert_int_equal(store_metrics("uplink:isp", m, STORE_METRICS_MAX), 5);
	assert_string_equal(m[0], "bps_in");
	assert_int_equal(store_metrics("ap:x", m, STORE_METRICS_MAX), 6);
	assert_string_equal(m[5], "clients_6g");
	assert_int_equal(store_metrics("nope", m, STORE_METRICS_MAX), -1);
}

static unsigned long info_cnt(rrd_info_t *info, const char *key)
{
	for (rrd_info_t *p = info; p; p = p->next)
		if (strcmp(p->key, key) == 0)
			return p->value.u_cnt;
	fail_msg("no %s in rrd info", key);
	return 0;
}

static const char *info_str(rrd_info_t *info, const char *key)
{
	for (rrd_info_t *p = info; p; p = p->next)
		if (strcmp(p->key, key) == 0)
			return p->value.u_str;
	fail_msg("no %s in rrd info", key);
	return NULL;
}

static void test_file_layout(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_store(f->conf);
	write_ap_samples(s, 0, 1, 0);
	char *path = store_path(f->conf, "ap:a1");
	rrd_info_t *info = rrd_info_r(path);
	assert_non_null(info);
	assert_int_equal(info_cnt(info, "step"), 10);
	assert_int_equal(info_cnt(info, "ds[clients_5g].index"), 2);
	assert_int_equal(info_cnt(info, "ds[capacity].minimal_heartbeat"), 30);
	static const struct { unsigned long pdp, rows; const char *cf; } rra[] = {
		{ 1, 34560, "AVERAGE" }, { 1, 34560, "MAX" },		/* 10 s x 4 days */
		{ 6, 43200, "AVERAGE" }, { 6, 43200, "MAX" },		/* 1 min x 30 days */
		{ 360, 17520, "AVERAGE" }, { 360, 17520, "MAX" },	/* 1 h x 2 years */
	};
	for (size_t i = 0; i < 6; i++) {
		char key[64];
		snprintf(key, sizeof key, "rra[%zu].pdp_per_row", i);
		assert_int_equal(info_cnt(info, key), rra[i].pdp);
		snprintf(key, sizeof key, "rra[%zu].rows", i);
		assert_int_equal(info_cnt(info, key), rra[i].rows);
		snprintf(key, sizeof key, "rra[%zu].cf", i);
		assert_string_equal(info_str(info, key), rra[i].cf);
	}
	rrd_info_free(info);
	free(path);
	store_close(s);
}

static void test_every_archive_average_and_max(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_store(f->conf);
	write_ap_samples(s, 0, SAMPLES - 1, 0);
	struct store_stats st;
	store_get_stats(s, &st);
	assert_int_equal(st.updates, SAMPLES - (GAP_LAST - GAP_FIRST + 1));
	assert_int_equal(st.files_created, 1);
	assert_int_equal(st.failed, 0);

	assert_true(check_archive(s, 10, "AVERAGE") >= SAMPLES - 2);
	assert_true(check_archive(s, 10, "MAX") >= SAMPLES - 2);
	assert_true(check_archive(s, 60, "AVERAGE") >= SAMPLES / 6 - 2);
	assert_true(check_archive(s, 60, "MAX") >= SAMPLES / 6 - 2);
	assert_true(check_archive(s, 3600, "AVERAGE") >= 2);
	assert_true(check_archive(s, 3600, "MAX") >= 2);

	/* A sawtooth 0..59: at one minute the peak and the average differ. */
	struct store_series avg, max;
	fetch_series(s, "clients", 60, "AVERAGE", &avg);
	fetch_series(s, "clients", 60, "MAX", &max);
	size_t differ = 0;
	for (size_t r = 0; r < avg.n && r < max.n; r++)
		differ += isfinite(avg.values[r]) && max.values[r] > avg.values[r];
	assert_true(differ > 100);
	store_series_free(&avg);
	store_series_free(&max);

	/* A data source that was never known stays unknown, never 0. */
	struct store_series band;
	fetch_series(s, "clients_2g4", 10, "AVERAGE", &band);
	assert_true(band.n >= SAMPLES - 1);
	for (size_t r = 0; r < band.n; r++)
		assert_true(isnan(band.values[r]));
	store_series_free(&band);
	store_close(s);
}

static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 20, n = 0;
	char *out = xmalloc(cap);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

static ino_t inode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static void test_restart_continues_same_file(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_store(f->conf);
	write_ap_samples(s, 0, 300, 0);
	store_close(s);
	char *path = store_path(f->conf, "ap:a1");
	ino_t before = inode_of(path);

	/* A second life writes an overlap with other values: the overlap is
	 * skipped, the rest continues in the same file. */
	s = open_store(f->conf);
	write_ap_samples(s, 250, 500, 1000);
	struct store_stats st;
	store_get_stats(s, &st);
	assert_int_equal(st.skipped, 51);
	assert_int_equal(st.updates, 200);
	assert_int_equal(st.files_created, 0);
	assert_int_equal(inode_of(path), before);

	struct store_series out;
	fetch_series(s, "clients", 10, "AVERAGE", &out);
	size_t seen_old = 0, seen_new = 0;
	for (size_t r = 0; r < out.n; r++) {
		int i = (int)((out.start + (time_t)r * out.step - T0) / 10);
		if (i < 1 || i > 500)
			continue;
		double want = (double)(i % 60) + (i > 300 ? 1000 : 0);
		assert_same(want, out.values[r], out.start + (time_t)r * out.step);
		seen_old += i <= 300;
		seen_new += i > 300;
	}
	assert_int_equal(seen_old, 300);
	assert_int_equal(seen_new, 200);
	store_series_free(&out);
	store_close(s);
	free(path);
}

static void test_other_layout_is_moved_aside(void **state)
{
	struct fixture *f = *state;
	char *path = store_path(f->conf, "ap:a1");
	char *dir = xasprintf("%s/ap", f->conf->state_dir);
	assert_int_equal(mkdir_p(dir, 0755), 0);
	const char *args[] = { "DS:other:GAUGE:30:0:U", "RRA:AVERAGE:0.5:1:100" };
	rrd_clear_error();
	assert_int_equal(rrd_create_r(path, 10, T0 - 100, 2, args), 0);
	const char *upd[] = { "1699999150:7" };
	assert_int_equal(rrd_update_r(path, NULL, 1, upd), 0);

	struct store *s = open_store(f->conf);
	write_ap_samples(s, 0, 5, 0);
	struct store_stats st;
	store_get_stats(s, &st);
	assert_int_equal(st.files_moved, 1);
	assert_int_equal(st.files_created, 1);
	store_close(s);

	rrd_info_t *info = rrd_info_r(path);
	assert_int_equal(info_cnt(info, "ds[clients].index"), 0);
	rrd_info_free(info);
	char *cmd = xasprintf("ls '%s' | grep -c '^a1.rrd.old-[0-9]*$'", dir);
	FILE *p = popen(cmd, "r");
	char line[32] = "";
	assert_non_null(fgets(line, sizeof line, p));
	pclose(p);
	assert_int_equal(atoi(line), 1);
	/* The old data is still in the moved file. */
	char *glob = xasprintf("%s/a1.rrd.old-*", dir);
	free(cmd);
	cmd = xasprintf("rrdtool lastupdate %s | tail -1", glob);
	p = popen(cmd, "r");
	assert_non_null(fgets(line, sizeof line, p));
	pclose(p);
	assert_string_equal(line, "1699999150: 7\n");
	free(glob);
	free(cmd);
	free(dir);
	free(path);
}

static void ingest(struct venue *v, const char *entity, const char *metric, double value,
		   double t)
{
	struct sample smp = { .value = value, .time = t };
	strlcpy_hr(smp.entity, entity, sizeof smp.entity);
	strlcpy_hr(smp.metric, metric, sizeof smp.metric);
	venue_ingest(v, &smp);
}

/* The AP's last update as the file holds it: "U" or the number. */
static char *last_value(const char *path, const char *ds)
{
	time_t last;
	unsigned long n;
	char **names, **values, *found = NULL;
	assert_int_equal(rrd_lastupdate_r(path, &last, &n, &names, &values), 0);
	for (unsigned long i = 0; i < n; i++) {
		if (strcmp(names[i], ds) == 0)
			found = xstrdup(values[i]);
		rrd_freemem(names[i]);
		rrd_freemem(values[i]);
	}
	rrd_freemem(names);
	rrd_freemem(values);
	if (!found)
		fail_msg("%s has no data source %s", path, ds);
	return found;
}

/* Every band the venue knows reaches the AP's file, 6 GHz included. */
static void test_ap_bands_from_venue(void **state)
{
	struct fixture *f = *state;
	struct venue *v = venue_new(f->conf);
	struct store *s = open_store(f->conf);
	static const char *const band[] = { "clients", "clients_2g4", "clients_5g", "clients_6g" };
	const double count[] = { 31, 4, 12, 15 };
	for (int k = 0; k < 30; k++) {
		time_t t = T0 + 10 * k;
		for (size_t i = 0; i < 4; i++)
			ingest(v, "ap:a1", band[i], count[i], (double)t);
		venue_update(v, (double)t);
		struct store_batch *b = store_batch_from_venue(v, t);
		assert_int_equal(store_write_batch(s, b), 0);
		store_batch_free(b);
	}
	char *path = store_path(f->conf, "ap:a1");
	rrd_info_t *info = rrd_info_r(path);
	assert_int_equal(info_cnt(info, "ds[clients_6g].index"), 5);
	rrd_info_free(info);
	for (size_t i = 0; i < 4; i++) {
		char *got = last_value(path, band[i]);
		char want[16];
		snprintf(want, sizeof want, "%g", count[i]);
		assert_string_equal(got, want);
		free(got);
	}
	struct store_series out;
	char err[256] = "";
	assert_int_equal(store_series(s, "ap:a1", "clients_6g", T0, T0 + 290, 10, "MAX", &out, err,
				      sizeof err), 0);
	size_t seen = 0;
	for (size_t r = 0; r < out.n; r++)
		seen += out.values[r] == 15;
	assert_true(seen >= 28);
	store_series_free(&out);
	free(path);
	store_close(s);
	venue_free(v);
}

/* An AP file of the previous layout (no clients_6g) gains the data source
 * in place: same rows before, 6 GHz from the upgrade on, nothing moved. */
static void check_old_ap_file_gains_6ghz(const struct conf *c)
{
	char *path = store_path(c, "ap:a1");
	char *dir = xasprintf("%s/ap", c->state_dir);
	assert_int_equal(mkdir_p(dir, 0755), 0);
	const char *args[] = {
		"DS:clients:GAUGE:30:0:U", "DS:clients_2g4:GAUGE:30:0:U", "DS:clients_5g:GAUGE:30:0:U",
		"DS:projected:GAUGE:30:0:U", "DS:capacity:GAUGE:30:0:U",
		"RRA:AVERAGE:0.5:1:34560", "RRA:MAX:0.5:1:34560", "RRA:AVERAGE:0.5:6:43200",
		"RRA:MAX:0.5:6:43200", "RRA:AVERAGE:0.5:360:17520", "RRA:MAX:0.5:360:17520",
	};
	rrd_clear_error();
	assert_int_equal(rrd_create_r(path, 10, T0 - 1, 11, args), 0);
	for (int i = 0; i < 300; i++) {
		char line[64];
		snprintf(line, sizeof line, "%ld:%d:1:2:40:60", (long)(T0 + 10 * i), i % 60);
		const char *upd[] = { line };
		assert_int_equal(rrd_update_r(path, NULL, 1, upd), 0);
	}
	ino_t before = inode_of(path);

	struct store *s = open_store(c);
	for (int i = 300; i < 320; i++) {
		double v[] = { (double)(i % 60), 1, 2, 40, 60, 7 };
		struct store_batch *b = store_batch_new(T0 + 10 * i);
		assert_int_equal(store_batch_add(b, "ap:a1", v, 6), 0);
		assert_int_equal(store_write_batch(s, b), 0);
		store_batch_free(b);
	}
	struct store_stats st;
	store_get_stats(s, &st);
	assert_int_equal(st.files_upgraded, 1);
	assert_int_equal(st.files_moved, 0);
	assert_int_equal(st.files_created, 0);
	assert_int_equal(st.updates, 20);
	assert_int_not_equal(inode_of(path), before);	/* rewritten, not appended to */
	char *cmd = xasprintf("ls '%s' | grep -c 'old-' || true", dir);
	char *out = run(cmd);
	assert_string_equal(out, "0\n");
	free(out);
	free(cmd);

	/* The rows from before the upgrade are all there. */
	struct store_series clients;
	fetch_series(s, "clients", 10, "AVERAGE", &clients);
	size_t kept = 0;
	for (size_t r = 0; r < clients.n; r++) {
		int i = (int)((clients.start + (time_t)r * clients.step - T0) / 10);
		if (i < 1 || i >= 320)
			continue;
		assert_same(i % 60, clients.values[r], clients.start + (time_t)r * clients.step);
		kept += i < 300;
	}
	assert_int_equal(kept, 299);
	store_series_free(&clients);
	/* 6 GHz: unknown before, written after. */
	struct store_series six;
	fetch_series(s, "clients_6g", 10, "AVERAGE", &six);
	for (size_t r = 0; r < six.n; r++) {
		int i = (int)((six.start + (time_t)r * six.step - T0) / 10);
		if (i >= 1 && i < 300)
			assert_true(isnan(six.values[r]));
		else if (i > 300 && i < 320)
			assert_same(7, six.values[r], six.start + (time_t)r * six.step);
	}
	store_series_free(&six);
	store_close(s);
	free(dir);
	free(path);
}

static void test_old_ap_file_gains_6ghz(void **state)
{
	struct fixture *f = *state;
	check_old_ap_file_gains_6ghz(f->conf);
}

static void test_writer_thread_drains_on_close(void **state)
{
	struct fixture *f = *state;
	char err[256];
	struct store *s = store_start(f->conf, err, sizeof err);
	assert_non_null(s);
	for (int i = 0; i < 50; i++) {
		double v[] = { (double)i, NAN, NAN, 1, 2 };
		struct store_batch *b = store_batch_new(T0 + 10 * i);
		store_batch_add(b, "ap:a1", v, 5);
		store_batch_add(b, "room:hall", v, 3);
		store_submit(s, b);
	}
	/* No flush: closing must write everything that was queued. */
	store_close(s);
	s = open_store(f->conf);
	struct store_stats st;
	char *path = store_path(f->conf, "room:hall");
	assert_int_equal(rrd_last_r(path), T0 + 490);
	free(path);
	path = store_path(f->conf, "ap:a1");
	assert_int_equal(rrd_last_r(path), T0 + 490);
	free(path);
	store_get_stats(s, &st);
	assert_int_equal(st.updates, 0);
	store_close(s);
}

static void test_graphs_svg_and_png(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_store(f->conf);
	write_ap_samples(s, 0, 400, 0);
	double up[] = { 4e7, 1e7, 100, 0.4, 80 };
	struct store_batch *b = store_batch_new(T0 + 4010);
	store_batch_add(b, "uplink:isp", up, 5);
	assert_int_equal(store_write_batch(s, b), 0);
	store_batch_free(b);

	const char *entities[] = { "ap:a1", "uplink:isp" };
	for (size_t e = 0; e < 2; e++) {
		unsigned char *img = NULL;
		size_t len = 0;
		char err[256] = "";
		int rc = store_graph(s, entities[e], "svg", T0, T0 + 4000, 800, 240, &img, &len,
				     err, sizeof err);
		if (rc)
			fprintf(stderr, "%s\n", err);
		assert_int_equal(rc, 0);
		assert_true(len > 2000 && len < 2000000);
		assert_non_null(memmem(img, len < 400 ? len : 400, "<svg", 4));
		assert_non_null(memmem(img, len, "</svg>", 6));
		free(img);
		rc = store_graph(s, entities[e], "png", T0, T0 + 4000, 800, 240, &img, &len, err,
				 sizeof err);
		assert_int_equal(rc, 0);
		assert_true(len > 2000 && len < 2000000);
		assert_memory_equal(img, "\x89PNG\r\n\x1a\n", 8);
		free(img);
	}
	unsigned char *img = NULL;
	size_t len = 0;
	char err[256] = "";
	assert_int_equal(store_graph(s, "ap:a1", "gif", T0, T0 + 4000, 800, 240, &img, &len, err,
				     sizeof err), -1);
	assert_int_equal(store_graph(s, "ap:nowhere", "svg", T0, T0 + 4000, 800, 240, &img, &len,
				     err, sizeof err), -1);
	assert_non_null(strstr(err, "nowhere"));
	store_close(s);
}

static void test_series_errors(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_store(f->conf);
	struct store_series out;
	char err[256] = "";
	assert_int_equal(store_series(s, "ap:a1", "clients", T0, T0 + 100, 10, "AVERAGE", &out,
				      err, sizeof err), -1);
	assert_non_null(strstr(err, "no data"));
	write_ap_samples(s, 0, 10, 0);
	assert_int_equal(store_series(s, "ap:a1", "bogus", T0, T0 + 100, 10, "AVERAGE", &out, err,
				      sizeof err), -1);
	assert_int_equal(store_series(s, "ap:a1", "clients", T0, T0 + 100, 10, "MIN", &out, err,
				      sizeof err), -1);
	assert_int_equal(store_series(s, "tv:x", "clients", T0, T0 + 100, 10, "MAX", &out, err,
				      sizeof err), -1);
	store_close(s);
}

static void write_row(struct store *s, const char *entity, time_t t, double v)
{
	double values[STORE_METRICS_MAX] = { v, v, v, v, v, v };
	struct store_batch *b = store_batch_new(t);
	assert_int_equal(store_batch_add(b, entity, values, STORE_METRICS_MAX), 0);
	assert_int_equal(store_write_batch(s, b), 0);
	store_batch_free(b);
}

static void assert_listed(struct store *s, const char *const *want, size_t n_want)
{
	char **got = NULL, err[256] = "";
	size_t n = 0;
	if (store_list(s, &got, &n, err, sizeof err) != 0)
		fail_msg("store_list: %s", err);
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], want[i]);
	store_list_free(got, n);
}

/* The read API on its own reader: the files as entities (names decoded,
 * files moved aside or not the store's left out), every data source of
 * a file at once, and a file's extent. */
static void test_reader_lists_fetches_and_extends(void **state)
{
	struct fixture *f = *state;
	struct store *w = open_store(f->conf);
	for (int i = 1; i <= 60; i++) {
		write_row(w, "ap:a1", T0 + 10 * i, i);
		write_row(w, "room:Foyer / Bar", T0 + 10 * i, 2 * i);
		write_row(w, "venue", T0 + 10 * i, 3 * i);
	}
	store_close(w);
	char *cmd = xasprintf("cd '%s' && touch ap/a1.rrd.old-1700000000 ap/a%%zz.rrd notes.txt",
			      f->conf->state_dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	char err[256] = "";
	struct store *s = store_open_reader(f->conf->state_dir, NULL, err, sizeof err);
	assert_non_null(s);
	static const char *const want[] = { "ap:a1", "room:Foyer / Bar", "venue" };
	assert_listed(s, want, 3);

	struct store_table t;
	if (store_fetch(s, "ap:a1", T0, T0 + 600, 0, "AVERAGE", &t, err, sizeof err) != 0)
		fail_msg("store_fetch: %s", err);
	assert_int_equal(t.step, 10);
	assert_int_equal(t.pdp_step, 10);
	assert_int_equal(t.n_ds, 6);
	assert_string_equal(t.cf, "AVERAGE");
	int c = store_table_column(&t, "clients_6g");
	assert_int_equal(c, 5);
	assert_int_equal(store_table_column(&t, "bogus"), -1);
	size_t checked = 0;
	for (size_t r = 0; r < t.n; r++) {
		time_t at = t.start + (time_t)r * t.step;
		if (at > T0 + 10 && at <= T0 + 600) {
			assert_same((double)((at - T0) / 10), t.values[r * t.n_ds + (size_t)c], at);
			checked++;
		}
	}
	assert_int_equal(checked, 59);
	store_table_free(&t);
	assert_int_equal(store_fetch(s, "ap:nowhere", T0, T0 + 600, 0, "MAX", &t, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "ap:nowhere"));

	time_t first, last;
	assert_int_equal(store_extent(s, "room:Foyer / Bar", &first, &last, err, sizeof err), 0);
	assert_int_equal(last, T0 + 600);
	assert_int_equal(first, T0 + 600 - 10 * (34560 - 1));	/* the 10 s archive's oldest row */
	store_close(s);

	/* A local rrdcached that is not running (stopped after the event)
	 * left everything in the files: they are read as they are. */
	char *sock = xasprintf("unix:%s/not-running.sock", f->dir);
	s = store_open_reader(f->conf->state_dir, sock, err, sizeof err);
	if (store_fetch(s, "venue", T0, T0 + 600, 0, "AVERAGE", &t, err, sizeof err) != 0)
		fail_msg("store_fetch without its rrdcached: %s", err);
	assert_int_equal(t.n_ds, 6);
	store_table_free(&t);
	assert_int_equal(store_extent(s, "ap:a1", &first, &last, err, sizeof err), 0);
	assert_int_equal(last, T0 + 600);
	store_close(s);
	free(sock);
}

/* At a 1 s tick the finest archive keeps 10 s rows of ten samples each:
 * the table says so (step 10, pdp_step 1), and its MAX rows differ. */
static void test_fetch_real_step_at_one_second_tick(void **state)
{
	struct fixture *f = *state;
	f->conf->tick = 1;
	struct store *s = open_store(f->conf);
	for (int i = 1; i <= 600; i++)
		write_row(s, "venue", T0 + i, i % 10 == 3 ? 50 : 5);
	struct store_table avg, max;
	char err[256] = "";
	assert_int_equal(store_fetch(s, "venue", T0, T0 + 600, 0, "AVERAGE", &avg, err,
				     sizeof err), 0);
	assert_int_equal(avg.step, 10);
	assert_int_equal(avg.pdp_step, 1);
	assert_int_equal(store_fetch(s, "venue", T0, T0 + 600, avg.step, "MAX", &max, err,
				     sizeof err), 0);
	assert_int_equal(max.step, 10);
	assert_int_equal(max.start, avg.start);
	int c = store_table_column(&avg, "devices");
	size_t rows = 0;
	for (size_t r = 0; r < avg.n; r++) {
		time_t at = avg.start + (time_t)r * avg.step;
		if (at <= T0 + 10 || at > T0 + 600)
			continue;
		assert_same(9.5, avg.values[r * avg.n_ds + (size_t)c], at);	/* (9 x 5 + 50) / 10 */
		assert_same(50, max.values[r * max.n_ds + (size_t)c], at);
		rows++;
	}
	assert_int_equal(rows, 59);
	store_table_free(&avg);
	store_table_free(&max);
	store_close(s);
}

/* A regular file where the ap/ folder should be stands for any state
 * directory that cannot be written (this works as root too, where chmod
 * does not stop writes). */
static void test_unwritable_dir_drops_batch_then_resumes(void **state)
{
	struct fixture *f = *state;
	char *ap_dir = xasprintf("%s/ap", f->conf->state_dir);
	assert_int_equal(mkdir_p(f->conf->state_dir, 0755), 0);
	FILE *blocker = fopen(ap_dir, "w");
	assert_non_null(blocker);
	fclose(blocker);

	struct store *s = open_store(f->conf);
	double v[] = { 5, 1, 4, 40, 60 };
	struct store_batch *b = store_batch_new(T0);
	store_batch_add(b, "ap:a1", v, 5);
	store_batch_add(b, "room:hall", v, 3);
	assert_int_equal(store_write_batch(s, b), 2);	/* dropped whole */
	store_batch_free(b);
	struct store_stats st;
	store_get_stats(s, &st);
	assert_int_equal(st.batches_dropped, 1);
	assert_int_equal(st.updates, 0);

	assert_int_equal(unlink(ap_dir), 0);
	b = store_batch_new(T0 + 10);
	store_batch_add(b, "ap:a1", v, 5);
	store_batch_add(b, "room:hall", v, 3);
	assert_int_equal(store_write_batch(s, b), 0);
	store_batch_free(b);
	store_get_stats(s, &st);
	assert_int_equal(st.batches_dropped, 1);
	assert_int_equal(st.updates, 2);
	store_close(s);
	free(ap_dir);
}

static void test_batch_from_venue_keeps_unknowns(void **state)
{
	struct fixture *f = *state;
	struct venue *v = venue_new(f->conf);
	venue_update(v, (double)T0);
	struct store_batch *b = store_batch_from_venue(v, T0);
	assert_int_equal(store_batch_len(b), 3);	/* ap, room, venue */
	struct store *s = open_store(f->conf);
	assert_int_equal(store_write_batch(s, b), 0);
	store_batch_free(b);
	venue_update(v, (double)T0 + 10);
	b = store_batch_from_venue(v, T0 + 10);
	assert_int_equal(store_write_batch(s, b), 0);
	store_batch_free(b);
	char *path = store_path(f->conf, "venue");
	time_t last;
	unsigned long n;
	char **names, **values;
	assert_int_equal(rrd_lastupdate_r(path, &last, &n, &names, &values), 0);
	assert_int_equal(last, T0 + 10);
	assert_int_equal(n, 6);
	assert_string_equal(names[0], "devices");
	assert_string_equal(values[0], "U");		/* nobody reported */
	assert_string_equal(names[1], "projected");
	assert_string_equal(values[1], "90");		/* 100 attendees x 0.9 */
	assert_string_equal(values[2], "60");
	for (unsigned long i = 0; i < n; i++) {
		rrd_freemem(names[i]);
		rrd_freemem(values[i]);
	}
	rrd_freemem(names);
	rrd_freemem(values);
	free(path);
	store_close(s);
	venue_free(v);
}

/* -t's disk estimate is what the files really take once written. */
static void test_disk_estimate_matches_files(void **state)
{
	struct fixture *f = *state;
	struct venue *v = venue_new(f->conf);
	venue_update(v, (double)T0);
	struct store_batch *b = store_batch_from_venue(v, T0);
	struct store *s = open_store(f->conf);
	assert_int_equal(store_write_batch(s, b), 0);
	store_batch_free(b);
	store_close(s);
	venue_free(v);
	double on_disk = 0;
	const char *const entities[] = { "ap:a1", "room:hall", "venue" };
	for (size_t i = 0; i < 3; i++) {
		char *path = store_path(f->conf, entities[i]);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		on_disk += (double)st.st_size;
		free(path);
	}
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	store_print_disk(f->conf, out);
	fclose(out);
	double per_ap = 0, total = 0;
	assert_non_null(strstr(text, "Disk: RRD files take about "));
	assert_int_equal(sscanf(strstr(text, "about ") + 6, "%lf MB per AP, %lf MB", &per_ap, &total), 2);
	assert_true(fabs(total * 1e6 - on_disk) < 0.02 * on_disk);
	assert_true(per_ap > 1 && per_ap < total);
	free(text);
}

/* capture/<name>.rrd carries what the capture counted; once its numbers
 * are three windows old they are unknown, not repeated. */
static void test_capture_file_from_venue(void **state)
{
	struct fixture *f = *state;
	char *state_dir = xasprintf("%s/state", f->dir);
	conf_free(f->conf);
	f->conf = load_conf(state_dir, "capture \"mirror\" { mode = \"uplink\" "
			    "file = \"/nonexistent.pcap\" window = 30 }");
	free(state_dir);
	struct venue *v = venue_new(f->conf);
	ingest(v, "capture:mirror", "active_clients", 42, (double)T0);
	ingest(v, "capture:mirror", "devices_day_global", 310, (double)T0);
	ingest(v, "capture:mirror", "devices_day_random", 655, (double)T0);
	venue_update(v, (double)T0);
	struct store *s = open_store(f->conf);
	struct store_batch *b = store_batch_from_venue(v, T0);
	assert_int_equal(store_batch_len(b), 4);	/* ap, room, capture, venue */
	assert_int_equal(store_write_batch(s, b), 0);
	store_batch_free(b);

	char *path = store_path(f->conf, "capture:mirror");
	char *want = xasprintf("%s/state/capture/mirror.rrd", f->dir);
	assert_string_equal(path, want);
	free(want);
	time_t last;
	unsigned long n;
	char **names, **values;
	assert_int_equal(rrd_lastupdate_r(path, &last, &n, &names, &values), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "active_clients");
	assert_string_equal(values[0], "42");
	assert_string_equal(names[1], "devices_day_global");
	assert_string_equal(values[1], "310");
	assert_string_equal(names[2], "devices_day_random");
	assert_string_equal(values[2], "655");
	for (unsigned long i = 0; i < n; i++) {
		rrd_freemem(names[i]);
		rrd_freemem(values[i]);
	}
	rrd_freemem(names);
	rrd_freemem(values);

	/* a tick later, one more device */
	ingest(v, "capture:mirror", "devices_day_global", 312, (double)T0 + 10);
	venue_update(v, (double)T0 + 10);
	b = store_batch_from_venue(v, T0 + 10);
	assert_int_equal(store_write_batch(s, b), 0);
	store_batch_free(b);
	/* 3 windows later the capture said nothing new: unknown */
	venue_update(v, (double)T0 + 110);
	b = store_batch_from_venue(v, T0 + 110);
	assert_int_equal(store_write_batch(s, b), 0);
	store_batch_free(b);
	assert_int_equal(rrd_lastupdate_r(path, &last, &n, &names, &values), 0);
	assert_int_equal(last, T0 + 110);
	assert_string_equal(values[1], "U");
	for (unsigned long i = 0; i < n; i++) {
		rrd_freemem(names[i]);
		rrd_freemem(values[i]);
	}
	rrd_freemem(names);
	rrd_freemem(values);

	struct store_series series;
	char err[256];
	assert_int_equal(store_series(s, "capture:mirror", "devices_day_global", T0 - 10, T0 + 20,
				      0, "MAX", &series, err, sizeof err), 0);
	bool seen = false;
	for (size_t i = 0; i < series.n; i++)
		seen |= series.values[i] == 312;
	assert_true(seen);
	store_series_free(&series);
	free(path);
	store_close(s);
	venue_free(v);
}

/* ---- rrdcached: a real daemon on a unix socket in the test's directory ---- */

static bool can_connect(const char *addr)
{
	int fd;
	int rc;
	if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		strlcpy_hr(sa.sun_path, addr + 5, sizeof sa.sun_path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	} else {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
					  .sin_port = htons((uint16_t)atoi(strchr(addr, ':') + 1)) };
		fd = socket(AF_INET, SOCK_STREAM, 0);
		rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	}
	close(fd);
	return rc == 0;
}

static pid_t start_rrdcached_at(struct fixture *f, const char *listen)
{
	const char *dir = f->dir;
	char *pidfile = xasprintf("%s/rrdcached.pid", dir);
	char *journal = xasprintf("%s/journal", dir), *log = xasprintf("%s/rrdcached.log", dir);
	assert_int_equal(mkdir_p(journal, 0755), 0);
	unlink(pidfile);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Rows stay in the daemon for an hour unless flushed: a row in
		 * the file proves a flush, a row from the daemon proves the
		 * write went through it. */
		execlp("rrdcached", "rrdcached", "-g", "-l", listen, "-b", dir, "-B", "-R",
		       "-p", pidfile, "-j", journal, "-F", "-w", "3600", "-f", "7200", "-o", log,
		       (char *)NULL);
		_exit(127);
	}
	/* Probe with a socket of our own: librrd's one connection must stay
	 * as the store left it, so a restart is the store's to notice. */
	bool up = false;
	for (int i = 0; i < 200 && !up; i++) {
		up = can_connect(listen);
		if (!up)
			usleep(50000);
	}
	f->rrdcached = pid;
	assert_true(up);
	free(pidfile);
	free(journal);
	free(log);
	return pid;
}

static pid_t start_rrdcached(struct fixture *f)
{
	char *sock = xasprintf("unix:%s/sock", f->dir);
	pid_t pid = start_rrdcached_at(f, sock);
	free(sock);
	return pid;
}

static void stop_rrdcached(struct fixture *f)
{
	int status;
	kill(f->rrdcached, SIGTERM);
	assert_int_equal(waitpid(f->rrdcached, &status, 0), f->rrdcached);
	f->rrdcached = 0;
}

static double series_value_at(struct store *s, time_t at)
{
	struct store_series out;
	char err[256] = "";
	int rc = store_series(s, "ap:a1", "clients", at - 100, at, 10, "AVERAGE", &out, err,
			      sizeof err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	double v = NAN;
	for (size_t r = 0; r < out.n; r++)
		if (out.start + (time_t)r * out.step == at)
			v = out.values[r];
	store_series_free(&out);
	return v;
}

/* A config whose store goes through a real rrdcached on a unix socket in
 * the test's directory, started here (skips the test without one). */
static struct conf *cached_conf(struct fixture *f)
{
	if (system("command -v rrdcached >/dev/null 2>&1") != 0)
		skip();
	start_rrdcached(f);
	char *state_dir = xasprintf("%s/state", f->dir);
	char *extra = xasprintf("rrdcached = \"unix:%s/sock\"", f->dir);
	struct conf *c = load_conf(state_dir, extra);
	free(extra);
	free(state_dir);
	return c;
}

static void test_rrdcached_writes_reads_and_reconnects(void **state)
{
	struct fixture *f = *state;
	struct conf *c = cached_conf(f);
	struct store *s = open_store(c);
	write_ap_samples(s, 0, 200, 0);
	char *path = store_path(c, "ap:a1");

	/* Created through the daemon, rows still in its cache. */
	assert_int_equal(rrd_last_r(path), T0 - 1);
	char *cmd = xasprintf("rrdtool flushcached --daemon unix:%s/sock %s && "
			      "rrdtool fetch %s AVERAGE -r 10 -s %ld -e %ld", f->dir, path, path,
			      (long)T0 + 900, (long)T0 + 1000);
	char *out = run(cmd);
	assert_int_equal(rrd_last_r(path), T0 + 2000);
	/* Sample 100 (T0 + 1000) is 100 % 60 = 40 clients. */
	char *want = xasprintf("%ld: 4.0000000000e+01", (long)T0 + 1000);
	if (!strstr(out, want))
		fail_msg("rrdtool fetch lacks \"%s\":\n%s", want, out);
	free(want);
	free(out);
	free(cmd);

	/* Reads flush first: the newest rows are visible through the store. */
	write_ap_samples(s, 201, 300, 0);
	assert_int_equal(rrd_last_r(path), T0 + 2000);
	assert_same(300 % 60, series_value_at(s, T0 + 3000), T0 + 3000);
	assert_int_equal(rrd_last_r(path), T0 + 3000);

	/* A restarted daemon is reconnected without losing a row. */
	stop_rrdcached(f);
	start_rrdcached(f);
	write_ap_samples(s, 301, 400, 0);
	assert_same(400 % 60, series_value_at(s, T0 + 4000), T0 + 4000);
	assert_same(350 % 60, series_value_at(s, T0 + 3500), T0 + 3500);
	struct store_stats st;
	store_get_stats(s, &st);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.updates, 401);

	/* The graph of a cached file shows the cached rows (flushed first). */
	write_ap_samples(s, 401, 450, 0);
	unsigned char *img = NULL;
	size_t len = 0;
	char err[256] = "";
	assert_int_equal(store_graph(s, "ap:a1", "png", T0, T0 + 4500, 400, 100, &img, &len, err,
				     sizeof err), 0);
	assert_int_equal(rrd_last_r(path), T0 + 4500);
	free(img);

	store_close(s);
	stop_rrdcached(f);
	rrdc_disconnect();
	free(path);
	conf_free(c);
}

/* Through rrdcached the file is flushed before it is rewritten, and the
 * daemon's updates after it land in the new file. */
static void test_old_ap_file_gains_6ghz_through_rrdcached(void **state)
{
	struct fixture *f = *state;
	struct conf *c = cached_conf(f);
	check_old_ap_file_gains_6ghz(c);
	stop_rrdcached(f);
	rrdc_disconnect();
	conf_free(c);
}

static int free_tcp_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/* A remote daemon (host:port): paths are relative to its base directory,
 * under the last component of state_dir; reads fetch through it. */
static void test_remote_rrdcached(void **state)
{
	struct fixture *f = *state;
	if (system("command -v rrdcached >/dev/null 2>&1") != 0)
		skip();
	char *listen = xasprintf("127.0.0.1:%d", free_tcp_port());
	start_rrdcached_at(f, listen);
	char *extra = xasprintf("rrdcached = \"%s\"", listen);
	struct conf *c = load_conf("/var/lib/headroom/hall-a/", extra);
	char *path = store_path(c, "ap:a1");
	assert_string_equal(path, "hall-a/ap/a1.rrd");
	struct store *s = open_store(c);
	write_ap_samples(s, 0, 100, 0);
	assert_same(100 % 60, series_value_at(s, T0 + 1000), T0 + 1000);
	assert_same(95 % 60, series_value_at(s, T0 + 950), T0 + 950);
	char *on_disk = xasprintf("%s/hall-a/ap/a1.rrd", f->dir);
	assert_int_equal(rrd_last_r(on_disk), T0 + 1000);	/* the read flushed it */
	/* A reader elsewhere: another state_dir with the same last component,
	 * no local file; everything through the daemon. */
	char err0[256] = "";
	struct store *r = store_open_reader("/nonexistent/hall-a", listen, err0, sizeof err0);
	assert_non_null(r);
	static const char *const listed[] = { "ap:a1" };
	assert_listed(r, listed, 1);
	struct store_table t;
	assert_int_equal(store_fetch(r, "ap:a1", T0, T0 + 1000, 0, "MAX", &t, err0, sizeof err0), 0);
	assert_int_equal(t.step, 10);
	assert_int_equal(t.pdp_step, 10);
	assert_int_equal(store_table_column(&t, "capacity"), 4);
	store_table_free(&t);
	time_t first, last;
	assert_int_equal(store_extent(r, "ap:a1", &first, &last, err0, sizeof err0), 0);
	assert_int_equal(last, T0 + 1000);
	assert_true(first < T0);
	store_close(r);
	struct store *other = store_open_reader("/x/hall-b", listen, err0, sizeof err0);
	assert_listed(other, NULL, 0);	/* an instance without files */
	store_close(other);
	unsigned char *img = NULL;
	size_t len = 0;
	char err[256] = "";
	int rc = store_graph(s, "ap:a1", "svg", T0, T0 + 1000, 400, 100, &img, &len, err,
			     sizeof err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(memmem(img, len, "<svg", 4));
	free(img);
	struct store_stats st;
	store_get_stats(s, &st);
	assert_int_equal(st.files_created, 1);
	assert_int_equal(st.failed, 0);
	store_close(s);
	stop_rrdcached(f);
	rrdc_disconnect();
	free(on_disk);
	free(path);
	free(extra);
	free(listen);
	conf_free(c);
}

int main(int argc, char **argv)
{
	/* a graph renderer started by the store (store.h) */
	if (argc >= 2 && strcmp(argv[1], STORE_GRAPH_CHILD_ARG) == 0)
		store_graph_child_main(argc - 2, argv + 2);
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paths_are_sanitised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_archive_average_and_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_continues_same_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_layout_is_moved_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ap_bands_from_venue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_ap_file_gains_6ghz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_thread_drains_on_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graphs_svg_and_png, setup, teardown),
		cmocka_unit_test_setup_teardown(test_series_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_lists_fetches_and_extends, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fetch_real_step_at_one_second_tick, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_dir_drops_batch_then_resumes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_batch_from_venue_keeps_unknowns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_estimate_matches_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capture_file_from_venue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rrdcached_writes_reads_and_reconnects, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_old_ap_file_gains_6ghz_through_rrdcached, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_remote_rrdcached, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
