/* store_bench: the store's write throughput, a tick's cost and a 3-day read, for N APs. */
/*
 * N APs per simulated 10 s step written by the store's writer thread
 * (directly or through rrdcached), the loop's cost per tick (building
 * the batch from the venue and queueing it) while the writer works, and
 * a 3-day series read at 10 s rows.
 *
 * usage: store_bench DIR N STEPS [rrdcached-address]
 *
 * A first, unmeasured step lets the writer look at every file once.
 *
 * The N files are created beforehand with the store's data sources and
 * step but short archives (same number of archives, so the same work per
 * update): the real layout takes ~7.6 MB per AP, 76 GB for 10,000. The
 * 3-day read uses a file in the real layout.
 */
#include "config.h"

#include <math.h>
#include <rrd.h>
#include <rrd_client.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/conf.h"
#include "base/log.h"
#include "store/store.h"
#include "base/util.h"
#include "model/venue.h"

#define T0 ((time_t)1699999200)

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static struct conf *make_conf(const char *state_dir, long n, const char *daemon)
{
	size_t cap = (size_t)n * 64 + 512, len = 0;
	char *text = xmalloc(cap);
	len += (size_t)snprintf(text + len, cap - len,
				"state_dir = \"%s\"\ntick = 10\nlog_level = \"warning\"\n"
				"event \"b\" { attendees = %ld }\nroom \"r\" { seats = %ld }\n",
				state_dir, n * 20, n * 20);
	if (daemon)
		len += (size_t)snprintf(text + len, cap - len, "rrdcached = \"%s\"\n", daemon);
	for (long i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"ap \"a%05ld\" { room = \"r\" max_clients = 50 }\n", i);
	char *err = NULL;
	struct conf *c = conf_load_buffer(text, "bench.conf", &err);
	if (!c) {
		fprintf(stderr, "%s", err);
		exit(1);
	}
	free(text);
	return c;
}

/* Same data sources and step as the store's, archives 100x shorter. */
static void precreate(const struct conf *c, long n)
{
	const char *args[] = {
		"DS:clients:GAUGE:30:0:U", "DS:clients_2g4:GAUGE:30:0:U", "DS:clients_5g:GAUGE:30:0:U",
		"DS:projected:GAUGE:30:0:U", "DS:capacity:GAUGE:30:0:U", "DS:clients_6g:GAUGE:30:0:U",
		"RRA:AVERAGE:0.5:1:346", "RRA:MAX:0.5:1:346", "RRA:AVERAGE:0.5:6:432",
		"RRA:MAX:0.5:6:432", "RRA:AVERAGE:0.5:360:176", "RRA:MAX:0.5:360:176",
	};
	char *dir = xasprintf("%s/ap", c->state_dir);
	mkdir_p(dir, 0755);
	free(dir);
	for (long i = 0; i < n; i++) {
		char entity[32];
		snprintf(entity, sizeof entity, "ap:a%05ld", i);
		char *path = store_path(c, entity);
		if (rrd_create_r2(path, 10, T0 - 1, 1, NULL, NULL, 12, args) != 0) {
			fprintf(stderr, "create %s: %s\n", path, rrd_get_error());
			exit(1);
		}
		free(path);
	}
}

static void feed(struct venue *v, long n, time_t t)
{
	struct sample s = { .time = (double)t };
	for (long i = 0; i < n; i++) {
		snprintf(s.entity, sizeof s.entity, "ap:a%05ld", i);
		strcpy(s.metric, "clients");
		s.value = (double)((i + t / 10) % 50);
		venue_ingest(v, &s);
	}
	venue_update(v, (double)t);
}

static void bench_writes(const struct conf *c, long n, int steps, const char *label)
{
	char err[256];
	struct venue *v = venue_new(c);
	struct store *s = store_start(c, err, sizeof err);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	/* First sight of every file (layout check, last update) is a one-off
	 * at start-up; the steady state is what a long event costs. */
	feed(v, n, T0 + 10);
	store_submit(s, store_batch_from_venue(v, T0 + 10));
	store_flush(s);
	struct store_stats warm;
	store_get_stats(s, &warm);
	double worst_tick = 0, sum_tick = 0, worst_tick_cpu = 0, cpu0 = cpu_seconds(), wall0 = mono();
	for (int k = 2; k <= steps + 1; k++) {
		time_t t = T0 + 10 * k;
		feed(v, n, t);
		/* The loop's part of a tick, measured while the writer still
		 * writes the previous batch. */
		double t0 = mono(), c0 = thread_cpu();
		store_submit(s, store_batch_from_venue(v, t));
		double tick = mono() - t0, tick_cpu = thread_cpu() - c0;
		if (tick_cpu > worst_tick_cpu)
			worst_tick_cpu = tick_cpu;
		sum_tick += tick;
		if (tick > worst_tick)
			worst_tick = tick;
		if (k % 2 == 1)
			store_flush(s);	/* at most two batches in flight, as at a real step */
	}
	store_flush(s);
	double wall = mono() - wall0, cpu = cpu_seconds() - cpu0;
	struct store_stats st;
	store_get_stats(s, &st);
	store_close(s);
	venue_free(v);
	double rows = (double)(st.updates - warm.updates);
	printf("%-10s %ld entities x %d steps: %.0f updates/s, %.1f us/update, "
	       "CPU %.3f s per 10 s step = %.2f%% of one core; loop tick worst %.2f ms "
	       "(mean %.2f ms, worst on-CPU %.2f ms); failed %lu\n",
	       label, n, steps, rows / wall, wall / rows * 1e6, cpu / steps,
	       cpu / steps / 10.0 * 100.0, worst_tick * 1e3, sum_tick / steps * 1e3,
	       worst_tick_cpu * 1e3, st.failed);
}

/* The same files updated by a bare rrd_update_r loop: what librrd alone
 * costs on this machine right now. */
static void bench_raw(const struct conf *c, long n, int steps, int first_step)
{
	double cpu0 = cpu_seconds(), wall0 = mono();
	for (int k = first_step; k < first_step + steps; k++) {
		for (long i = 0; i < n; i++) {
			char entity[32], line[128];
			snprintf(entity, sizeof entity, "ap:a%05ld", i);
			snprintf(line, sizeof line, "%ld:%ld:U:U:45:50:U", (long)(T0 + 10 * k), i % 50);
			char *path = store_path(c, entity);
			const char *argv[] = { line };
			if (rrd_update_r(path, NULL, 1, argv) != 0)
				fprintf(stderr, "%s\n", rrd_get_error());
			free(path);
		}
	}
	double wall = mono() - wall0, cpu = cpu_seconds() - cpu0;
	printf("raw librrd %ld entities x %d steps: %.0f updates/s, %.1f us/update, CPU %.3f s per "
	       "step (bare rrd_update_r loop, same files)\n", n, steps, n * steps / wall,
	       wall / (n * steps) * 1e6, cpu / steps);
}

static void bench_fetch(const char *dir)
{
	char *state_dir = xasprintf("%s/fetch", dir);
	struct conf *c = make_conf(state_dir, 1, NULL);
	char err[256];
	struct store *s = store_open(c, err, sizeof err);
	const long rows = 3 * 8640;
	for (long i = 0; i <= rows; i++) {
		double v[] = { (double)(i % 97), (double)(i % 13), (double)(i % 84), 45, 50 };
		struct store_batch *b = store_batch_new(T0 + 10 * i);
		store_batch_add(b, "ap:a00000", v, 5);
		store_write_batch(s, b);
		store_batch_free(b);
	}
	const int runs = 200;
	double best = 1e9, sum = 0;
	size_t n = 0;
	for (int r = 0; r < runs; r++) {
		struct store_series out;
		double t0 = mono();
		if (store_series(s, "ap:a00000", "clients", T0, T0 + 10 * rows, 10, "AVERAGE", &out,
				 err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			exit(1);
		}
		double dt = mono() - t0;
		n = out.n;
		store_series_free(&out);
		sum += dt;
		if (dt < best)
			best = dt;
	}
	printf("fetch      3 days at 10 s (%zu rows): mean %.3f ms, best %.3f ms over %d runs\n", n,
	       sum / runs * 1e3, best * 1e3, runs);
	store_close(s);
	conf_free(c);
	free(state_dir);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s DIR N STEPS [rrdcached-address]\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	log_init("store_bench", 0, LOG_LVL_WARN);
	const char *dir = argv[1], *daemon = argc > 4 ? argv[4] : NULL;
	long n = atol(argv[2]);
	int steps = atoi(argv[3]);
	char *state_dir = xasprintf("%s/%s", dir, daemon ? "cached" : "direct");
	struct conf *c = make_conf(state_dir, n, daemon);
	precreate(c, n);
	bench_writes(c, n, steps, daemon ? "rrdcached" : "direct");
	if (!daemon) {
		bench_raw(c, n, steps, steps + 10);
		bench_fetch(dir);
	}
	conf_free(c);
	free(state_dir);
	return 0;
}
