/* report_graph: the report's graphs (devices per day, each uplink), drawn as SVG by the store. */
#include "config.h"
#include "report/report.h"
#include "store/store.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRAPH_WIDTH 860
#define GRAPH_HEIGHT 200

/* The SVG document as text, or NULL when it is not one (a PNG). */
static char *svg_text(const unsigned char *data, size_t len)
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

/* An entity's graph over [from, to]; NULL when it could not be drawn,
 * with the first such reason kept for the report. */
static char *graph(struct report *r, const char *entity, time_t from, time_t to)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char err[512];
	if (store_graph(r->store, entity, "svg", from, to, GRAPH_WIDTH, GRAPH_HEIGHT, &data, &len,
			err, sizeof err) != 0) {
		if (!r->graph_error)
			r->graph_error = xstrdup(err);
		return NULL;
	}
	char *svg = svg_text(data, len);
	free(data);
	if (!svg && !r->graph_error)
		r->graph_error = xasprintf("the graph of %s is not an SVG document", entity);
	return svg;
}

void report_draw_graphs(struct report *r)
{
	r->day_graphs = xcalloc(r->n_days ? r->n_days : 1, sizeof *r->day_graphs);
	r->uplink_graphs = xcalloc(r->n_uplinks ? r->n_uplinks : 1, sizeof *r->uplink_graphs);
	if (!r->store)
		return;
	/* a known peak means the venue's file was read */
	for (size_t d = 0; !isnan(r->peak_devices.value) && d < r->n_days; d++)
		if (!isnan(r->days[d].devices.value))
			r->day_graphs[d] = graph(r, "venue", r->days[d].start, r->days[d].end);
	for (size_t i = 0; i < r->n_uplinks; i++) {
		if (!r->uplinks[i].has_data)
			continue;
		char *entity = xasprintf("uplink:%s", r->uplinks[i].conf->name);
		r->uplink_graphs[i] = graph(r, entity, r->from, r->to);
		free(entity);
	}
}
