/* headroom: the after-event tools; "headroom report" writes the report from the store. */
#include "config.h"
#include "base/conf.h"
#include "base/log.h"
#include "report/report.h"
#include "store/store.h"
#include "base/util.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: headroom report [-c FILE] [--from TIME] [--to TIME] [-o DIR]\n"
		"                       [--format html,csv,json] [--rrdcached ADDR] [-q]\n"
		"  -c FILE          config file (default %s)\n"
		"  --from, --to     window, \"YYYY-MM-DD HH:MM[:SS]\" local time or @EPOCH\n"
		"                   (default: the event's start and end, else the data's extent)\n"
		"  -o DIR           output folder (default ./report-<event>)\n"
		"  --format LIST    any of html, csv, json (default all)\n"
		"  --rrdcached ADDR read the store through this rrdcached, unix:/PATH or\n"
		"                   HOST:PORT (default: the config's rrdcached, else the files)\n"
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

static int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "rrdcached", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_options o = { .progress = stderr };
	const char *config = conf_default_path();
	int ch;
	while ((ch = getopt_long(argc, argv, "c:o:f:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'F': if (parse_time_arg("--from", optarg, &o.from) != 0) return 2; break;
		case 'T': if (parse_time_arg("--to", optarg, &o.to) != 0) return 2; break;
		case 'o': o.outdir = optarg; break;
		case 'f': if (parse_formats(optarg, &o.formats) != 0) return 2; break;
		case 'R': if (check_rrdcached(optarg) != 0) return 2; o.rrdcached = optarg; break;
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
	char err[512];
	struct report *r = report_build(conf, &o, err, sizeof err);
	if (!r) {
		fprintf(stderr, "headroom report: %s\n", err);
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
