/* headroom: the after-event tools; "headroom report" writes the report from the store. */
#include "config.h"
#include "base/conf.h"
#include "base/eventlog.h"
#include "base/log.h"
#include "report/report.h"
#include "store/store.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <libgen.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATE_DIRS_MAX 64

static void usage(FILE *out)
{
	fprintf(out,
		"usage: headroom report [-c FILE] [--from TIME] [--to TIME] [-o DIR]\n"
		"                       [--format html,csv,json] [--rrdcached ADDR]\n"
		"                       [--state-dir DIR]... [-q]\n"
		"  -c FILE          config file (default %s)\n"
		"  --from, --to     window, \"YYYY-MM-DD HH:MM[:SS]\" local time or @EPOCH\n"
		"                   (default: the event's start and end, else the data's extent)\n"
		"  -o DIR           output folder (default ./report-<event>)\n"
		"  --format LIST    any of html, csv, json (default all)\n"
		"  --rrdcached ADDR read the store through this rrdcached, unix:/PATH or\n"
		"                   HOST:PORT (default: the config's rrdcached, else the files)\n"
		"  --state-dir DIR  read this state directory instead of the config's; given\n"
		"                   more than once (one headroomd per building), one report\n"
		"                   covers them all: the config lists every building's rooms\n"
		"  -q               no progress on stderr\n",
		conf_default_path());
}

static int parse_formats(const char *list, unsigned *out)
{
	char *copy = xstrdup(list), *save = NULL;
	*out = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "html") == 0)
			*out |= REPORT_HTML;
		else if (strcmp(t, "csv") == 0)
			*out |= REPORT_CSV;
		else if (strcmp(t, "json") == 0)
			*out |= REPORT_JSON;
		else {
			fprintf(stderr, "headroom report: unknown format \"%s\" (html, csv, json)\n", t);
			free(copy);
			return -1;
		}
	}
	free(copy);
	return *out ? 0 : -1;
}

static int parse_time_arg(const char *what, const char *s, time_t *out)
{
	if (parse_local_time(s, out) == 0)
		return 0;
	fprintf(stderr, "headroom report: %s: cannot read \"%s\" (YYYY-MM-DD HH:MM[:SS] or @EPOCH)\n",
		what, s);
	return -1;
}

/* The same forms the config's rrdcached takes. */
static int check_rrdcached(const char *addr)
{
	if (strncmp(addr, "unix:/", 6) == 0 || (strncmp(addr, "unix:", 5) != 0 && strchr(addr, ':')))
		return 0;
	fprintf(stderr, "headroom report: --rrdcached: \"%s\" is neither \"unix:/path\" nor "
		"\"host:port\"\n", addr);
	return -1;
}

static char *default_outdir(const struct conf *c)
{
	const char *name = c->event.name && c->event.name[0] ? c->event.name : "event";
	char *dir = xasprintf("report-%s", name);
	for (char *p = dir; *p; p++)
		if (*p == '/' || *p == ' ')
			*p = '-';
	return dir;
}

static int write_all(const struct report *r, const char *dir, unsigned formats)
{
	char err[512];
	if (mkdir_p(dir, 0755) != 0) {
		fprintf(stderr, "headroom report: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (((formats & REPORT_JSON) && report_write_json(r, dir, err, sizeof err) != 0) ||
	    ((formats & REPORT_CSV) && report_write_csv(r, dir, err, sizeof err) != 0) ||
	    ((formats & REPORT_HTML) && report_write_html(r, dir, err, sizeof err) != 0)) {
		fprintf(stderr, "headroom report: %s\n", err);
		return -1;
	}
	return 0;
}

/* ---- several state directories, one report ---- */

/* One headroomd per building: the report reads a merged view in a
 * temporary directory. Every building's files are linked in under their
 * own names (a name in two buildings is an error: the report could not
 * tell them apart), the venue's file is written afresh as the sum of the
 * buildings' (each of its data sources is a count or a rate, so they
 * add), and the alert logs follow one another. Through a "unix:"
 * rrdcached each file is flushed before it is linked. */
struct merge {
	const struct conf *conf;
	char *dir;			/* the merged view */
	struct store_table venues[STATE_DIRS_MAX];
	size_t n_venues;
	char err[512];
};

static int link_entity(struct merge *m, const char *state_dir, const char *entity)
{
	struct conf from = *m->conf, to = *m->conf;
	from.state_dir = (char *)state_dir;
	to.state_dir = m->dir;
	from.rrdcached = to.rrdcached = NULL;
	char *src = store_path(&from, entity), *dst = store_path(&to, entity);
	int rc = -1;
	if (src && dst) {
		char *parent = xstrdup(dst);
		mkdir_p(dirname(parent), 0755);
		free(parent);
		if (symlink(src, dst) == 0)
			rc = 0;
		else if (errno == EEXIST)
			snprintf(m->err, sizeof m->err, "%s is in more than one state directory "
				 "(%s and another): give it a name of its own in each building",
				 entity, state_dir);
		else
			snprintf(m->err, sizeof m->err, "cannot link %s: %s", dst, strerror(errno));
	}
	free(src);
	free(dst);
	return rc;
}

static int merge_one(struct merge *m, const char *state_dir, const char *daemon)
{
	struct store *st = store_open_reader(state_dir, daemon, m->err, sizeof m->err);
	char **entities = NULL;
	size_t n = 0;
	if (!st || store_list(st, &entities, &n, m->err, sizeof m->err) != 0) {
		store_close(st);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		time_t first, last;
		/* through rrdcached this flushes what it still holds */
		if (store_extent(st, entities[i], &first, &last, m->err, sizeof m->err) != 0)
			continue;
		if (strcmp(entities[i], "venue") != 0)
			rc = link_entity(m, state_dir, entities[i]);
		else if (store_fetch(st, "venue", first, last, 0, "AVERAGE",
				     &m->venues[m->n_venues], m->err, sizeof m->err) == 0)
			m->n_venues++;
	}
	if (n == 0)
		fprintf(stderr, "headroom report: warning: no RRD file under %s\n", state_dir);
	store_list_free(entities, n);
	store_close(st);
	return rc;
}

/* The value of column c of table t for the row whose interval holds
 * time at, NAN when the table has none. */
static double row_value(const struct store_table *t, size_t c, time_t at)
{
	if (at <= t->start - t->step || t->step <= 0)
		return NAN;
	size_t row = (size_t)((at - t->start + t->step - 1) / t->step);
	if (row >= t->n || c >= t->n_ds)
		return NAN;
	return t->values[row * t->n_ds + c];
}

/* The venue's file as the sum of the buildings', on the finest step. */
static int merge_venue(struct merge *m)
{
	if (m->n_venues == 0)
		return 0;
	long step = 0;
	time_t from = 0, to = 0;
	for (size_t i = 0; i < m->n_venues; i++) {
		const struct store_table *t = &m->venues[i];
		time_t end = t->start + (time_t)(t->n ? t->n - 1 : 0) * t->step;
		step = step && step < t->step ? step : t->step;
		from = from && from < t->start ? from : t->start;
		to = to > end ? to : end;
	}
	struct conf mc = *m->conf;
	mc.state_dir = m->dir;
	mc.rrdcached = NULL;
	mc.tick = step;
	struct store *st = store_open(&mc, m->err, sizeof m->err);
	if (!st)
		return -1;
	const char *names[STORE_METRICS_MAX];
	int n_ds = store_metrics("venue", names, STORE_METRICS_MAX);
	int failed = 0;
	for (time_t at = from - from % step + step; at <= to && n_ds > 0; at += step) {
		double sum[STORE_METRICS_MAX];
		for (int d = 0; d < n_ds; d++) {
			sum[d] = NAN;
			for (size_t i = 0; i < m->n_venues; i++) {
				int c = store_table_column(&m->venues[i], names[d]);
				double v = c >= 0 ? row_value(&m->venues[i], (size_t)c, at) : NAN;
				if (!isnan(v))
					sum[d] = isnan(sum[d]) ? v : sum[d] + v;
			}
		}
		bool known = false;
		for (int d = 0; d < n_ds; d++)
			known = known || !isnan(sum[d]);
		if (!known)
			continue;	/* rows of a file's pre-filled past: a gap anyway */
		struct store_batch *b = store_batch_new(at);
		store_batch_add(b, "venue", sum, (size_t)n_ds);
		failed += store_write_batch(st, b);
		store_batch_free(b);
	}
	store_close(st);
	if (failed)
		fprintf(stderr, "headroom report: warning: %d rows of the summed venue not written\n",
			failed);
	return 0;
}

static void merge_logs(struct merge *m, char **dirs, size_t n)
{
	char *to = eventlog_path(m->dir);
	FILE *out = fopen(to, "w");
	for (size_t i = 0; out && i < n; i++) {
		char *from = eventlog_path(dirs[i]);
		FILE *in = fopen(from, "r");
		char buf[65536];
		size_t len;
		while (in && (len = fread(buf, 1, sizeof buf, in)) > 0)
			fwrite(buf, 1, len, out);
		if (in)
			fclose(in);
		free(from);
	}
	if (out)
		fclose(out);
	free(to);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The merged view's directory (caller removes it), or NULL. */
static char *merge_state_dirs(const struct conf *conf, char **dirs, size_t n, const char *daemon)
{
	if (daemon && strncmp(daemon, "unix:", 5) != 0) {
		fprintf(stderr, "headroom report: several --state-dir read the files on this host; "
			"run the report where rrdcached %s keeps them (its -b directory) and name "
			"each building's directory there\n", daemon);
		return NULL;
	}
	const char *tmp = getenv("TMPDIR");
	struct merge m = { .conf = conf };
	m.dir = xasprintf("%s/headroom-report.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(m.dir)) {
		fprintf(stderr, "headroom report: cannot create %s: %s\n", m.dir, strerror(errno));
		free(m.dir);
		return NULL;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		/* links name their targets: absolute, wherever the report runs */
		char *abs = realpath(dirs[i], NULL);
		if (!abs) {
			snprintf(m.err, sizeof m.err, "--state-dir %s: %s", dirs[i], strerror(errno));
			rc = -1;
			break;
		}
		rc = merge_one(&m, abs, daemon);
		free(abs);
	}
	if (rc == 0)
		rc = merge_venue(&m);
	for (size_t i = 0; i < m.n_venues; i++)
		store_table_free(&m.venues[i]);
	if (rc != 0) {
		fprintf(stderr, "headroom report: %s\n", m.err);
		remove_tree(m.dir);
		free(m.dir);
		return NULL;
	}
	merge_logs(&m, dirs, n);
	return m.dir;
}

static int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "rrdcached", required_argument, NULL, 'R' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_options o = { .progress = stderr };
	const char *config = conf_default_path();
	char *dirs[STATE_DIRS_MAX];
	size_t n_dirs = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "c:o:f:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'F': if (parse_time_arg("--from", optarg, &o.from) != 0) return 2; break;
		case 'T': if (parse_time_arg("--to", optarg, &o.to) != 0) return 2; break;
		case 'o': o.outdir = optarg; break;
		case 'f': if (parse_formats(optarg, &o.formats) != 0) return 2; break;
		case 'R': if (check_rrdcached(optarg) != 0) return 2; o.rrdcached = optarg; break;
		case 'S':
			if (n_dirs == STATE_DIRS_MAX) {
				fprintf(stderr, "headroom report: at most %d --state-dir\n", STATE_DIRS_MAX);
				return 2;
			}
			dirs[n_dirs++] = optarg;
			break;
		case 'q': o.progress = NULL; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!o.formats)
		o.formats = REPORT_HTML | REPORT_CSV | REPORT_JSON;
	char *errors = NULL;
	struct conf *conf = conf_load(config, &errors);
	if (!conf) {
		fputs(errors ? errors : "unknown config error\n", stderr);
		free(errors);
		return 1;
	}
	/* Every RRD file yields buffers of the same few hundred kilobytes:
	 * keep freed ones in the heap for the next file instead of mapping
	 * and faulting in fresh pages a thousand times. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	char *merged = NULL;
	if (n_dirs == 1) {
		free(conf->state_dir);
		conf->state_dir = xstrdup(dirs[0]);
	} else if (n_dirs > 1) {
		merged = merge_state_dirs(conf, dirs, n_dirs, o.rrdcached ? o.rrdcached
									 : conf->rrdcached);
		if (!merged) {
			conf_free(conf);
			return 1;
		}
		free(conf->state_dir);
		conf->state_dir = xstrdup(merged);
		free(conf->rrdcached);
		conf->rrdcached = NULL;
		o.rrdcached = NULL;
	}
	char err[512];
	struct report *r = report_build(conf, &o, err, sizeof err);
	if (!r) {
		fprintf(stderr, "headroom report: %s\n", err);
		if (merged)
			remove_tree(merged);
		free(merged);
		conf_free(conf);
		return 1;
	}
	if (o.formats & REPORT_HTML) {
		if (o.progress)
			fputs("headroom report: drawing graphs\n", o.progress);
		report_draw_graphs(r);
		if (r->graph_error && o.progress)
			fprintf(o.progress, "headroom report: %s\n", r->graph_error);
	}
	char *dir = o.outdir ? xstrdup(o.outdir) : default_outdir(conf);
	int rc = write_all(r, dir, o.formats) == 0 ? 0 : 1;
	if (rc == 0 && o.progress)
		fprintf(o.progress, "headroom report: wrote %s\n", dir);
	free(dir);
	report_free(r);
	if (merged)
		remove_tree(merged);
	free(merged);
	conf_free(conf);
	return rc;
}

int main(int argc, char **argv)
{
	/* a graph renderer started by the store (store.h) */
	if (argc >= 2 && strcmp(argv[1], STORE_GRAPH_CHILD_ARG) == 0)
		store_graph_child_main(argc - 2, argv + 2);
	/* the store's warnings (an rrdcached that does not answer) */
	log_init("headroom", 0, LOG_LVL_WARN);
	if (argc >= 2 && strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)) {
		printf("headroom %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
