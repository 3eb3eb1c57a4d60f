/*
 * Graphs for the report, as SVG documents for the HTML:
 * venue devices per day with the projection and capacity lines, and each
 * uplink's in/out with its capacity. The store draws them (store_graph)
 * when it can; otherwise they are drawn here with rrd_graph_v from the
 * same files. The report runs on one thread, so rrd_graph's lack of
 * thread safety does not matter here.
 */
#include "config.h"
#include "report/report.h"
#include "model/plan.h"
#include "store/store.h"
#include "base/util.h"

#include <math.h>
#include <rrd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GRAPH_WIDTH 860
#define GRAPH_HEIGHT 200

/* rrd_graph reads ':' as a separator: escape it in paths. */
static char *escape_path(const char *p)
{
	char *out = xmalloc(strlen(p) * 2 + 1), *o = out;
	for (; *p; p++) {
		if (*p == ':')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* The SVG document as text, or NULL when it is not one (a PNG). */
static char *svg_element(const char *data, size_t len)
{
	char *text = xmalloc(len + 1);
	memcpy(text, data, len);
	text[len] = '\0';
	if (!strstr(text, "<svg")) {
		free(text);
		return NULL;
	}
	return text;
}

static char *run_graph(int argc, char **argv, char **err)
{
	rrd_clear_error();
	rrd_info_t *info = rrd_graph_v(argc, argv);
	char *svg = NULL;
	for (rrd_info_t *i = info; i; i = i->next)
		if (strcmp(i->key, "image") == 0 && i->type == RD_I_BLO)
			svg = svg_element((const char *)i->value.u_blo.ptr, i->value.u_blo.size);
	if (!svg && !*err)
		*err = xasprintf("rrd_graph: %s", rrd_test_error() ? rrd_get_error() : "no image");
	rrd_info_free(info);
	return svg;
}

static const char *const style[] = {
	"--imgformat", "SVG", "--lower-limit", "0", "--border", "0",
	"--color", "BACK#ffffff", "--color", "CANVAS#ffffff", "--color", "SHADEA#ffffff",
	"--color", "SHADEB#ffffff", "--color", "GRID#dddddd", "--color", "MGRID#bbbbbb",
	"--color", "FONT#333333", "--color", "ARROW#999999", "--color", "FRAME#ffffff",
	"--font", "DEFAULT:8:DejaVu Sans",
};

struct argv_buf {
	char *v[64];
	int n;
};

static void arg(struct argv_buf *a, char *s)
{
	if (a->n < 63)
		a->v[a->n++] = s;
	else
		free(s);
}

static void args_start(struct argv_buf *a, time_t from, time_t to, const char *title,
		       const char *label)
{
	a->n = 0;
	arg(a, xstrdup("graphv"));
	arg(a, xstrdup("-"));
	for (size_t i = 0; i < sizeof style / sizeof style[0]; i++)
		arg(a, xstrdup(style[i]));
	arg(a, xasprintf("--start=%lld", (long long)from));
	arg(a, xasprintf("--end=%lld", (long long)to));
	arg(a, xasprintf("--width=%d", GRAPH_WIDTH));
	arg(a, xasprintf("--height=%d", GRAPH_HEIGHT));
	arg(a, xasprintf("--title=%s", title));
	arg(a, xasprintf("--vertical-label=%s", label));
}

static void args_free(struct argv_buf *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

static char *venue_day_graph(const struct report *r, const struct report_day *d,
			     const char *path, char **err)
{
	char day[16], title[64];
	report_format_day(d->start, day, sizeof day);
	snprintf(title, sizeof title, "Concurrent devices, %s", day);
	char *p = escape_path(path);
	struct argv_buf a;
	args_start(&a, d->start, d->end, title, "devices");
	arg(&a, xasprintf("DEF:dev=%s:devices:MAX", p));
	arg(&a, xstrdup("AREA:dev#4e79a7:Devices"));
	arg(&a, xasprintf("HRULE:%ld#e15759:Projection (%.0f%% rule) %ld:dashes",
			  r->projected_devices, r->conf->event.online_ratio * 100,
			  r->projected_devices));
	arg(&a, xasprintf("HRULE:%ld#59a14f:AP capacity %ld", r->capacity, r->capacity));
	char *svg = run_graph(a.n, a.v, err);
	args_free(&a);
	free(p);
	return svg;
}

static char *uplink_graph(const struct report *r, const struct report_uplink *u,
			  const char *path, char **err)
{
	char title[128];
	snprintf(title, sizeof title, "Uplink %s", u->conf->name);
	char *p = escape_path(path);
	struct argv_buf a;
	args_start(&a, r->from, r->to, title, "bit/s");
	arg(&a, xasprintf("DEF:in=%s:bps_in:MAX", p));
	arg(&a, xasprintf("DEF:out=%s:bps_out:MAX", p));
	arg(&a, xstrdup("AREA:in#4e79a7:In"));
	arg(&a, xstrdup("LINE1:out#f28e2b:Out"));
	if (!isnan(u->capacity_mbps))
		arg(&a, xasprintf("HRULE:%.0f#e15759:Capacity %.0f Mbit/s:dashes",
				  u->capacity_mbps * 1e6, u->capacity_mbps));
	char *svg = run_graph(a.n, a.v, err);
	args_free(&a);
	free(p);
	return svg;
}

/* The store's own rendering, when it has one. */
static char *store_svg(struct store *s, const char *entity, time_t from, time_t to)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char err[256];
	if (!s || store_graph(s, entity, "svg", from, to, GRAPH_WIDTH, GRAPH_HEIGHT, &data,
			      &len, err, sizeof err) != 0)
		return NULL;
	char *svg = svg_element((const char *)data, len);
	free(data);
	return svg;
}

void report_draw_graphs(struct report *r)
{
	const struct conf *c = r->conf;
	char serr[256];
	struct store *s = store_open(c, serr, sizeof serr);
	char *err = NULL;
	r->day_graphs = xcalloc(r->n_days ? r->n_days : 1, sizeof *r->day_graphs);
	r->uplink_graphs = xcalloc(r->n_uplinks ? r->n_uplinks : 1, sizeof *r->uplink_graphs);
	char *venue = xasprintf("%s/venue.rrd", c->state_dir);
	bool have_venue = access(venue, R_OK) == 0 && !isnan(r->peak_devices.value);
	for (size_t d = 0; have_venue && d < r->n_days; d++) {
		if (isnan(r->days[d].devices.value))
			continue;
		r->day_graphs[d] = store_svg(s, "venue", r->days[d].start, r->days[d].end);
		if (!r->day_graphs[d])
			r->day_graphs[d] = venue_day_graph(r, &r->days[d], venue, &err);
	}
	free(venue);
	for (size_t i = 0; i < r->n_uplinks; i++) {
		const struct report_uplink *u = &r->uplinks[i];
		if (!u->has_data)
			continue;
		char *path = xasprintf("%s/uplink/%s.rrd", c->state_dir, u->conf->name);
		char *entity = xasprintf("uplink:%s", u->conf->name);
		r->uplink_graphs[i] = store_svg(s, entity, r->from, r->to);
		if (!r->uplink_graphs[i])
			r->uplink_graphs[i] = uplink_graph(r, u, path, &err);
		free(entity);
		free(path);
	}
	if (s)
		store_close(s);
	r->graph_error = err;
}
