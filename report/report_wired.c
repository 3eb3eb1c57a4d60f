/* report_wired: per room and day, the devices on cables at the peak, the ports in use, and what to bring next year. */
#include "config.h"
#include "report/report.h"
#include "base/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Wired use is high from this share of a peak on, and a room's Wi-Fi ran
 * hot when its clients reached the warn level. */
#define SHARE_HIGH 0.2		/* a fifth of the devices on cables */
#define PORTS_FULL 0.8		/* ports up at the peak, of the ports mapped */

/* The day's peak of all devices (Wi-Fi clients plus cables), and the
 * cables' part of it. Points where the wired count is unknown are not
 * peaks of this kind. */
static void wired_day(struct report_wired_day *d, const struct report_series *clients,
		      const struct report_series *wired, const struct report_series *up,
		      const struct report_series *ports)
{
	d->devices = (struct report_peak){ NAN, 0 };
	d->wired = d->wifi = d->share = d->ports_up = d->ports = d->max_wired = NAN;
	for (size_t i = 0; i < wired->n; i++) {
		double w = wired->v[i];
		if (isnan(w))
			continue;
		if (isnan(d->max_wired) || w > d->max_wired)
			d->max_wired = w;
		double c = i < clients->n && !isnan(clients->v[i]) ? clients->v[i] : 0;
		if (!isnan(d->devices.value) && c + w <= d->devices.value)
			continue;
		d->devices = (struct report_peak){ c + w, report_point_time(wired, i) };
		d->wired = w;
		d->wifi = c;
		d->share = c + w > 0 ? w / (c + w) : NAN;
		d->ports_up = i < up->n ? up->v[i] : NAN;
		d->ports = i < ports->n ? ports->v[i] : NAN;
	}
}

void report_wired_room(struct report *r, struct report_room *room,
		       const struct report_series *clients, const struct report_series *wired,
		       const struct report_series *up, const struct report_series *ports)
{
	if (!wired || report_known(wired->v, wired->n) == 0)
		return;
	struct report_wired *w = xcalloc(1, sizeof *w);
	w->days = xcalloc(r->n_days ? r->n_days : 1, sizeof *w->days);
	w->max_share = w->max_wired = NAN;
	struct report_series none = { 0, 1, 0, NULL };
	for (size_t d = 0; d < r->n_days; d++) {
		struct report_series c = clients ? report_slice(clients, r->days[d].start, r->days[d].end) : none;
		struct report_series x = report_slice(wired, r->days[d].start, r->days[d].end);
		struct report_series u = up ? report_slice(up, r->days[d].start, r->days[d].end) : none;
		struct report_series p = ports ? report_slice(ports, r->days[d].start, r->days[d].end) : none;
		struct report_wired_day *day = &w->days[d];
		wired_day(day, &c, &x, &u, &p);
		day->start = r->days[d].start;
		if (!isnan(day->share) && (isnan(w->max_share) || day->share > w->max_share))
			w->max_share = day->share;
		if (!isnan(day->max_wired) && (isnan(w->max_wired) || day->max_wired > w->max_wired))
			w->max_wired = day->max_wired;
		if (!isnan(day->ports) && !(day->ports <= w->ports))
			w->ports = day->ports;
	}
	room->wired = w;
}

void report_wired_free(struct report_wired *w)
{
	if (!w)
		return;
	free(w->days);
	free(w);
}

/* ---- recommendations ---- */

static void add(struct report *r, char *entity, double value, char *text)
{
	r->recos = xrealloc(r->recos, (r->n_recos + 1) * sizeof *r->recos);
	r->recos[r->n_recos++] = (struct report_reco){ "wired", entity, value, text };
}

/* The day whose peak had the largest share on cables. */
static const struct report_wired_day *busiest_day(const struct report *r,
						  const struct report_wired *w)
{
	const struct report_wired_day *best = NULL;
	for (size_t d = 0; d < r->n_days; d++)
		if (!isnan(w->days[d].share) && (!best || w->days[d].share > best->share))
			best = &w->days[d];
	return best;
}

void report_recommend_wired(struct report *r)
{
	for (size_t i = 0; i < r->n_rooms; i++) {
		const struct report_room *room = &r->rooms[i];
		const struct report_wired *w = room->wired;
		if (!w)
			continue;
		const char *name = room->conf->name;
		if (w->max_wired == 0) {
			add(r, xasprintf("room:%s", name), 0,
			    xasprintf("%s: nobody plugged in (no device on its %.0f ports all "
				      "event): bring fewer switches next year.", name, w->ports));
			continue;
		}
		const struct report_wired_day *d = busiest_day(r, w);
		if (!d || d->share < SHARE_HIGH)
			continue;
		char day[16];
		report_format_day(d->start, day, sizeof day);
		bool hot = room->minutes_warn > 0;
		bool full = d->ports > 0 && d->ports_up >= PORTS_FULL * d->ports;
		if (!hot && !full)
			continue;
		double more = d->ports > 0 ? ceil(d->ports / 2) : ceil(d->wired / 2);
		add(r, xasprintf("room:%s", name), more,
		    xasprintf("%s: %.0f%% of devices were on cables at the peak of %s (%.0f of "
			      "%.0f devices, %.0f of %.0f ports up)%s: bring about %.0f more ports "
			      "next year.", name, 100 * d->share, day, d->wired, d->devices.value,
			      d->ports_up, d->ports,
			      hot ? " and its Wi-Fi still ran hot" : ", nearly every port taken",
			      more));
	}
}

/* ---- writers ---- */

json_t *report_wired_json(const struct report *r, const struct report_room *room)
{
	const struct report_wired *w = room->wired;
	if (!w)
		return json_null();
	json_t *days = json_array();
	for (size_t d = 0; d < r->n_days; d++) {
		const struct report_wired_day *x = &w->days[d];
		char day[16], at[40];
		report_format_day(x->start, day, sizeof day);
		report_format_iso(isnan(x->devices.value) ? 0 : x->devices.at, at, sizeof at);
		json_array_append_new(days, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			"day", day, "peak_devices", report_json_num(x->devices.value),
			"peak_at", at[0] ? json_string(at) : json_null(),
			"wired_at_peak", report_json_num(x->wired), "wifi_at_peak", report_json_num(x->wifi),
			"wired_share", report_json_num(x->share), "ports_up_at_peak", report_json_num(x->ports_up),
			"ports", report_json_num(x->ports), "peak_wired", report_json_num(x->max_wired)));
	}
	return json_pack("{s:o, s:o, s:o, s:o}", "max_share", report_json_num(w->max_share),
			 "peak_wired", report_json_num(w->max_wired), "ports", report_json_num(w->ports), "days", days);
}

static void csv_num(FILE *f, double x, char end)
{
	report_csv_num(f, x);
	fputc(end, f);
}

/* A day row's day and the time of its peak ("" when none), as the CSV
 * and the HTML print them. */
static void day_labels(const struct report_wired_day *x, char day[16], char at[32])
{
	report_format_day(x->start, day, 16);
	at[0] = '\0';
	if (!isnan(x->devices.value))
		report_format_time(x->devices.at, at, 32);
}

void report_wired_csv(const struct report *r, FILE *f)
{
	fputs("room,day,peak_devices,peak_at,wired_at_peak,wifi_at_peak,wired_share,"
	      "ports_up_at_peak,ports,peak_wired\n", f);
	for (size_t i = 0; i < r->n_rooms; i++) {
		const struct report_wired *w = r->rooms[i].wired;
		for (size_t d = 0; w && d < r->n_days; d++) {
			const struct report_wired_day *x = &w->days[d];
			char day[16], at[32];
			day_labels(x, day, at);
			report_csv_text(f, r->rooms[i].conf->name);
			fprintf(f, ",%s,", day);
			csv_num(f, x->devices.value, ',');
			fprintf(f, "%s,", at);
			csv_num(f, x->wired, ',');
			csv_num(f, x->wifi, ',');
			csv_num(f, x->share, ',');
			csv_num(f, x->ports_up, ',');
			csv_num(f, x->ports, ',');
			csv_num(f, x->max_wired, '\n');
		}
	}
}

static void html_num(FILE *f, double x, const char *fmt)
{
	fputs("<td class=\"n\">", f);
	if (isnan(x))
		fputs("<span class=\"nd\">no data</span>", f);
	else
		fprintf(f, fmt, x);
	fputs("</td>", f);
}

void report_wired_html(const struct report *r, FILE *f)
{
	bool any = false;
	for (size_t i = 0; i < r->n_rooms; i++)
		any |= r->rooms[i].wired != NULL;
	if (!any)
		return;
	fputs("<h2 id=\"wired\">Devices on cables</h2>\n<p class=\"legend\">At each day's peak of "
	      "all devices in the room (Wi-Fi clients plus devices on its switch ports): the "
	      "share on cables and the ports in use.</p>\n<div class=\"tw\"><table><tr><th>Room"
	      "</th><th>Day</th><th class=\"n\">Devices at the peak</th><th>At</th>"
	      "<th class=\"n\">On cables</th><th class=\"n\">Share</th><th class=\"n\">Ports up"
	      "</th><th class=\"n\">Ports</th></tr>\n", f);
	for (size_t i = 0; i < r->n_rooms; i++) {
		const struct report_wired *w = r->rooms[i].wired;
		for (size_t d = 0; w && d < r->n_days; d++) {
			const struct report_wired_day *x = &w->days[d];
			char day[16], at[32];
			day_labels(x, day, at);
			fputs("<tr><td>", f);
			report_html_text(f, r->rooms[i].conf->name);
			fprintf(f, "</td><td>%s</td>", day);
			html_num(f, x->devices.value, "%.0f");
			fprintf(f, "<td>%s</td>", at);
			html_num(f, x->wired, "%.0f");
			html_num(f, isnan(x->share) ? NAN : 100 * x->share, "%.0f%%");
			html_num(f, x->ports_up, "%.0f");
			html_num(f, x->ports, "%.0f");
			fputs("</tr>\n", f);
		}
	}
	fputs("</table></div>\n", f);
}
