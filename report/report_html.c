/* report.html: the whole report as one self-contained page, on screen and on paper.
 * Inline CSS and SVG graphs as data: URIs (no external requests); the page
 * size is left to the printer and everything scales to the width, so it
 * prints on A4 and Letter alike. */
#include "config.h"
#include "report/report.h"
#include "model/plan.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NO_DATA "<span class=\"nd\">no data</span>"

void report_html_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void num(FILE *f, double x, int decimals)
{
	if (isnan(x))
		fputs(NO_DATA, f);
	else
		fprintf(f, "%.*f", decimals, x);
}

static void td_num(FILE *f, double x, int decimals)
{
	fputs("<td class=\"n\">", f);
	num(f, x, decimals);
	fputs("</td>", f);
}

static void td_time(FILE *f, time_t t, bool known)
{
	char buf[32];
	report_format_time(known ? t : 0, buf, sizeof buf);
	fprintf(f, "<td>%s</td>", buf[0] ? buf : "");
}

static void td_bytes(FILE *f, double bytes)
{
	fputs("<td class=\"n\">", f);
	if (isnan(bytes))
		fputs(NO_DATA, f);
	else if (bytes >= 1e12)
		fprintf(f, "%.2f TB", bytes / 1e12);
	else
		fprintf(f, "%.2f GB", bytes / 1e9);
	fputs("</td>", f);
}

static void duration(FILE *f, long s)
{
	if (s >= 3600)
		fprintf(f, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
	else if (s >= 60)
		fprintf(f, "%ld min %02ld s", s / 60, s % 60);
	else
		fprintf(f, "%ld s", s);
}

static const char css[] =
	"*{box-sizing:border-box}"
	"body{font:14px/1.45 'DejaVu Sans',Helvetica,Arial,sans-serif;color:#222;margin:0;"
	"background:#f4f5f7}"
	"main{max-width:1100px;margin:0 auto;padding:24px 28px;background:#fff}"
	/* wide tables scroll inside their own box, never the page */
	".tw{overflow-x:auto;margin:6px 0 12px;max-width:100%}.tw table{margin:0}"
	".glance{border:2px solid #4e79a7;border-radius:8px;padding:8px 14px;margin:12px 0}"
	".glance ul{margin:4px 0;padding-left:1.2em}.glance li{margin:3px 0}"
	"h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 10px;"
	"border-bottom:2px solid #4e79a7;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}"
	".sub{color:#666;margin:0 0 18px}"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;"
	"margin:12px 0}"
	".card{border:1px solid #dde1e6;border-radius:6px;padding:10px 12px}"
	".card .v{font-size:24px;font-weight:bold;color:#1f3b5a}.card .l{font-size:12px;color:#555}"
	"table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:12.5px}"
	"th,td{border-bottom:1px solid #e3e6ea;padding:4px 6px;text-align:left;vertical-align:top}"
	"th{background:#eef1f5;font-weight:600}td.n,th.n{text-align:right;"
	"font-variant-numeric:tabular-nums}"
	"tr.crit td{background:#fdecea}tr.warn td{background:#fff6e0}"
	".nd{color:#999;font-style:italic}"
	"figure{margin:8px 0 14px}figure img{width:100%;height:auto;display:block}"
	"figcaption{font-size:12px;color:#555}"
	".heat td{text-align:center;font-size:11px;padding:3px 2px;min-width:26px}"
	".heat th{font-size:11px;text-align:center;padding:3px 2px}.heat th.r,.heat td.r"
	"{text-align:left;white-space:nowrap}"
	".reco li{margin:4px 0}.note{font-size:12px;color:#555}"
	".legend span{display:inline-block;padding:1px 8px;margin-right:4px;font-size:11px}"
	"@media (max-width:600px){main{padding:12px 10px}h1{font-size:21px}"
	".cards{grid-template-columns:repeat(2,1fr)}.card .v{font-size:20px}}"
	"@media print{body{background:#fff;font-size:10.5pt}main{max-width:none;padding:0}"
	"h2{break-after:avoid}h3{break-after:avoid}figure,tr,.card{break-inside:avoid}"
	"thead{display:table-header-group}.cards{grid-template-columns:repeat(4,1fr)}"
	"table{font-size:8.5pt}}"
	"@page{margin:14mm 12mm}";

static void card(FILE *f, const char *label, double v, int decimals, const char *extra)
{
	fputs("<div class=\"card\"><div class=\"v\">", f);
	num(f, v, decimals);
	fputs("</div><div class=\"l\">", f);
	report_html_text(f, label);
	if (extra) {
		fputs("<br>", f);
		report_html_text(f, extra);
	}
	fputs("</div></div>\n", f);
}

static const struct report_room *busiest_room(const struct report *r)
{
	const struct report_room *best = NULL;
	for (size_t i = 0; i < r->n_rooms; i++) {
		const struct report_room *x = &r->rooms[i];
		if (!x->has_data || x->capacity <= 0)
			continue;
		if (!best || x->peak.value / (double)x->capacity >
			     best->peak.value / (double)best->capacity)
			best = x;
	}
	return best;
}

static const struct report_ap *busiest_ap(const struct report *r)
{
	const struct report_ap *best = NULL;
	for (size_t i = 0; i < r->n_aps; i++) {
		const struct report_ap *x = &r->aps[i];
		if (!x->has_data || x->capacity <= 0)
			continue;
		if (!best || x->peak.value / x->capacity > best->peak.value / best->capacity)
			best = x;
	}
	return best;
}

static size_t alerts_at(const struct report *r, const char *sev)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_alerts; i++)
		n += r->alerts[i].severity && strcmp(r->alerts[i].severity, sev) == 0;
	return n;
}

/* "10:41" of a time in a one-day report, "2027-05-15 10:41" else. */
static void clock_time(const struct report *r, time_t t, char *buf, size_t len)
{
	char full[32];
	report_format_time(t, full, sizeof full);
	if (r->n_days > 1)
		snprintf(buf, len, "%.16s", full);
	else
		snprintf(buf, len, "%.5s", full[0] ? full + 11 : "");
}

/* The day in a few lines, before any table: what a reader on a phone
 * needs first. */
static void section_glance(const struct report *r, FILE *f)
{
	char at[24];
	fputs("<section class=\"glance\" id=\"glance\"><strong>At a glance</strong><ul>\n", f);
	if (!isnan(r->peak_devices.value)) {
		clock_time(r, r->peak_devices.at, at, sizeof at);
		fprintf(f, "<li>Peak: <strong>%.0f devices</strong> at once (%s), %.2f per "
			"attendee; the plan projected %ld against %ld of AP capacity.</li>\n",
			r->peak_devices.value, at, r->peak_ratio, r->projected_devices, r->capacity);
	} else
		fputs("<li>Peak devices: " NO_DATA ".</li>\n", f);
	const struct report_room *room = busiest_room(r);
	if (room) {
		clock_time(r, room->peak.at, at, sizeof at);
		fputs("<li>Busiest room: <strong>", f);
		report_html_text(f, room->conf->name);
		fprintf(f, "</strong>, %.0f of %ld clients (%.0f%%) at %s", room->peak.value,
			room->capacity, 100 * room->peak.value / (double)room->capacity, at);
		if (room->peak_session) {
			fputs(", during &ldquo;", f);
			report_html_text(f, room->peak_session);
			fputs("&rdquo;", f);
		}
		fputs(".</li>\n", f);
	}
	for (size_t i = 0; i < r->n_uplinks; i++) {
		const struct report_uplink *u = &r->uplinks[i];
		if (!u->has_data)
			continue;
		fputs("<li>Uplink ", f);
		report_html_text(f, u->conf->name);
		fprintf(f, ": peak %.0f of %.0f Mbit/s", fmax(u->peak_in.value, u->peak_out.value),
			u->capacity_mbps);
		if (u->minutes_warn > 0)
			fprintf(f, ", %.0f min at or above %.0f%%", u->minutes_warn,
				r->conf->warn_ratio * 100);
		fputs(".</li>\n", f);
	}
	if (r->alert_log_found)
		fprintf(f, "<li>Alerts: %zu critical, %zu warning%s.</li>\n", alerts_at(r, "crit"),
			alerts_at(r, "warn"), alerts_at(r, "warn") == 1 ? "" : "s");
	if (r->n_recos) {
		fputs("<li>First for next year: ", f);
		report_html_text(f, r->recos[0].text);
		fputs("</li>\n", f);
	}
	fputs("</ul></section>\n", f);
}

static void section_summary(const struct report *r, FILE *f)
{
	const struct conf_event *e = &r->conf->event;
	char at[32] = "", plan[96];
	report_format_time(isnan(r->peak_devices.value) ? 0 : r->peak_devices.at, at, sizeof at);
	snprintf(plan, sizeof plan, "plan: %.0f%% online x %.2f devices", e->online_ratio * 100,
		 e->devices_per_attendee);
	fputs("<h2 id=\"summary\">Summary against the plan</h2>\n<div class=\"cards\">\n", f);
	card(f, "attendees", (double)e->attendees, 0, NULL);
	card(f, "projected devices", (double)r->projected_devices, 0, plan);
	card(f, "observed peak concurrent devices", r->peak_devices.value, 0, at[0] ? at : NULL);
	card(f, "observed peak devices per attendee", r->peak_ratio, 2, "the number to plan with");
	fputs("</div>\n", f);
	if (!r->has_data)
		fputs("<p><strong>No samples were recorded in this window:</strong> the store has "
		      "no data for it, so every measured number below reads \"no data\".</p>\n", f);
	fputs("<div class=\"tw\"><table><tr><th>Plan input</th><th class=\"n\">Value</th></tr>\n", f);
	fprintf(f, "<tr><td>Attendees</td><td class=\"n\">%ld</td></tr>\n", e->attendees);
	fprintf(f, "<tr><td>Online at once</td><td class=\"n\">%.0f%%</td></tr>\n",
		e->online_ratio * 100);
	fprintf(f, "<tr><td>Devices per attendee</td><td class=\"n\">%.2f</td></tr>\n",
		e->devices_per_attendee);
	fprintf(f, "<tr><td>Projected devices</td><td class=\"n\">%ld</td></tr>\n",
		r->projected_devices);
	fprintf(f, "<tr><td>AP capacity (sum of max clients)</td><td class=\"n\">%ld</td></tr>\n",
		r->capacity);
	fprintf(f, "<tr><td>Uplink budget per device</td><td class=\"n\">%.0f kbit/s</td></tr>\n",
		e->kbps_per_device);
	fputs("</table></div>\n", f);

	fputs("<h3>Per day</h3><div class=\"tw\"><table><tr><th>Day</th><th class=\"n\">Peak concurrent devices</th>"
	      "<th>At</th><th class=\"n\">Peak devices / attendees</th>"
	      "<th class=\"n\">Distinct devices</th><th class=\"n\">Random MACs</th>"
	      "<th class=\"n\">Samples missing</th></tr>\n", f);
	for (size_t i = 0; i < r->n_days; i++) {
		const struct report_day *d = &r->days[i];
		char day[16];
		report_format_day(d->start, day, sizeof day);
		fprintf(f, "<tr><td>%s</td>", day);
		td_num(f, d->devices.value, 0);
		td_time(f, d->devices.at, !isnan(d->devices.value));
		td_num(f, d->ratio, 2);
		if (isnan(d->distinct_devices))
			fputs("<td class=\"n\"><span class=\"nd\">not captured</span></td>", f);
		else
			td_num(f, d->distinct_devices, 0);
		if (isnan(d->distinct_random))
			fputs("<td class=\"n\"><span class=\"nd\">not captured</span></td>", f);
		else
			td_num(f, d->distinct_random, 0);
		if (d->samples)
			fprintf(f, "<td class=\"n\">%zu of %zu</td></tr>\n", d->unknown, d->samples);
		else
			fputs("<td class=\"n\">" NO_DATA "</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
	if (r->conf->n_captures)
		fputs("<p class=\"legend\">Distinct devices: the globally administered MAC "
		      "addresses a capture saw that day, about one per device. Random MACs are "
		      "locally administered addresses; phones rotate them, so one device can count "
		      "many times: they are not people.</p>\n", f);
	const struct report_room *room = busiest_room(r);
	const struct report_ap *ap = busiest_ap(r);
	if (room || ap) {
		fputs("<p>", f);
		if (room) {
			fputs("Busiest room: <strong>", f);
			report_html_text(f, room->conf->name);
			fprintf(f, "</strong> (%.0f of %ld). ", room->peak.value, room->capacity);
		}
		if (ap) {
			fputs("Busiest AP: <strong>", f);
			report_html_text(f, ap->conf->name);
			fprintf(f, "</strong> (%.0f of %.0f).", ap->peak.value, ap->capacity);
		}
		fputs("</p>\n", f);
	}
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		fputc(a[v >> 18 & 63], f);
		fputc(a[v >> 12 & 63], f);
		fputc(i + 1 < n ? a[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? a[v & 63] : '=', f);
	}
}

/*
 * Each graph is its own SVG document in a data: URI. Inlined side by
 * side, rrd_graph's SVGs would share glyph ids ("glyph0-1") and every
 * graph would draw its text with the first graph's glyphs.
 */
static void figure(FILE *f, const char *svg, const char *caption)
{
	fputs("<figure>", f);
	if (svg) {
		fputs("<img class=\"graph\" alt=\"", f);
		report_html_text(f, caption);
		fputs("\" src=\"data:image/svg+xml;base64,", f);
		base64(f, (const unsigned char *)svg, strlen(svg));
		fputs("\">", f);
	} else
		fputs("<p>" NO_DATA "</p>", f);
	fputs("<figcaption>", f);
	report_html_text(f, caption);
	fputs("</figcaption></figure>\n", f);
}

static void section_timeline(const struct report *r, FILE *f)
{
	fputs("<h2 id=\"devices\">Devices over each day</h2>\n", f);
	for (size_t i = 0; i < r->n_days; i++) {
		char day[16], cap[128];
		report_format_day(r->days[i].start, day, sizeof day);
		snprintf(cap, sizeof cap, "%s: concurrent devices (peak per step), projection and "
			 "AP capacity", day);
		if (r->day_graphs && r->day_graphs[i])
			figure(f, r->day_graphs[i], cap);
		else
			fprintf(f, "<p>%s: " NO_DATA " (no device counts were recorded).</p>\n", day);
	}
}

static void section_uplinks(const struct report *r, FILE *f)
{
	fputs("<h2 id=\"uplinks\">Uplinks</h2>\n", f);
	if (r->n_uplinks == 0) {
		fputs("<p>No uplinks are configured.</p>\n", f);
		return;
	}
	char rule[48];
	plan_rule_name(&r->conf->event, rule, sizeof rule);
	fprintf(f, "<div class=\"tw\"><table><tr><th>Uplink</th><th class=\"n\">Capacity</th>"
		"<th class=\"n\">%s asked</th><th class=\"n\">Peak in</th>"
		"<th class=\"n\">Peak out</th><th class=\"n\">p95 in</th><th class=\"n\">p95 out</th>"
		"<th class=\"n\">Avg in</th><th class=\"n\">Avg out</th>"
		"<th class=\"n\">Min &ge; %.0f%%</th><th class=\"n\">Min &ge; %.0f%%</th></tr>\n",
		rule, r->conf->warn_ratio * 100, r->conf->crit_ratio * 100);
	for (size_t i = 0; i < r->n_uplinks; i++) {
		const struct report_uplink *u = &r->uplinks[i];
		fprintf(f, "<tr class=\"%s\"><td>", u->minutes_crit > 0 ? "crit" :
			u->minutes_warn > 0 ? "warn" : "");
		report_html_text(f, u->conf->name);
		fputs("</td>", f);
		td_num(f, u->capacity_mbps, 0);
		td_num(f, u->projected_mbps, 1);
		td_num(f, u->peak_in.value, 1);
		td_num(f, u->peak_out.value, 1);
		td_num(f, u->p95_in, 1);
		td_num(f, u->p95_out, 1);
		td_num(f, u->avg_in, 1);
		td_num(f, u->avg_out, 1);
		td_num(f, u->minutes_warn, 1);
		td_num(f, u->minutes_crit, 1);
		fputs("</tr>\n", f);
	}
	fputs("</table></div><p class=\"note\">Rates in Mbit/s. Peaks at the finest resolution; p95 is "
	      "the nearest-rank 95th percentile of 5-minute averages (unknown intervals "
	      "excluded).</p>\n", f);
	fputs("<h3>Volume per day</h3><div class=\"tw\"><table><tr><th>Uplink</th><th>Day</th><th class=\"n\">In</th>"
	      "<th class=\"n\">Out</th><th class=\"n\">Samples missing</th></tr>\n", f);
	for (size_t i = 0; i < r->n_uplinks; i++)
		for (size_t d = 0; d < r->n_days; d++) {
			const struct report_uplink *u = &r->uplinks[i];
			char day[16];
			report_format_day(r->days[d].start, day, sizeof day);
			fputs("<tr><td>", f);
			report_html_text(f, u->conf->name);
			fprintf(f, "</td><td>%s</td>", day);
			td_bytes(f, u->volume_in[d]);
			td_bytes(f, u->volume_out[d]);
			if (u->has_data)
				fprintf(f, "<td class=\"n\">%zu</td></tr>\n", u->unknown_day[d]);
			else
				fputs("<td class=\"n\">" NO_DATA "</td></tr>\n", f);
		}
	fputs("</table></div>\n", f);
	for (size_t i = 0; i < r->n_uplinks; i++) {
		char cap[160];
		snprintf(cap, sizeof cap, "Uplink %s: in and out with capacity",
			 r->uplinks[i].conf->name);
		if (r->uplink_graphs && r->uplink_graphs[i])
			figure(f, r->uplink_graphs[i], cap);
	}
}

static void section_rooms(const struct report *r, FILE *f)
{
	fprintf(f, "<h2 id=\"rooms\">Rooms</h2>\n<div class=\"tw\"><table><tr><th>Room</th><th class=\"n\">Seats</th>"
		"<th class=\"n\">Projected</th><th class=\"n\">AP capacity</th>"
		"<th class=\"n\">Peak clients</th><th>At</th><th class=\"n\">p95</th>"
		"<th class=\"n\">Min &ge; %.0f%%</th><th class=\"n\">Min &ge; %.0f%%</th>"
		"<th>Session at the peak</th></tr>\n",
		r->conf->warn_ratio * 100, r->conf->crit_ratio * 100);
	for (size_t i = 0; i < r->n_rooms; i++) {
		const struct report_room *room = &r->rooms[i];
		fprintf(f, "<tr class=\"%s\"><td>", room->minutes_crit > 0 ? "crit" :
			room->minutes_warn > 0 ? "warn" : "");
		report_html_text(f, room->conf->name);
		fprintf(f, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
			"<td class=\"n\">%ld</td>", room->conf->seats, room->projected,
			room->capacity);
		if (!room->has_data) {
			fputs("<td colspan=\"6\"><span class=\"nd\">no data: no samples were "
			      "recorded for this room</span></td></tr>\n", f);
			continue;
		}
		td_num(f, room->peak.value, 0);
		if (room->peak.value <= 0)
			fputs("<td>no client all along</td>", f);
		else
			td_time(f, room->peak.at, true);
		td_num(f, room->p95, 0);
		td_num(f, room->minutes_warn, 1);
		td_num(f, room->minutes_crit, 1);
		fputs("<td>", f);
		if (room->peak_session)
			report_html_text(f, room->peak_session);
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

static void section_sessions(const struct report *r, FILE *f)
{
	if (!r->schedule_loaded)
		return;
	fprintf(f, "<h2 id=\"sessions\">Sessions</h2>\n<p class=\"legend\">Projected devices "
		"from the schedule against the peak clients seen in the room while the session "
		"ran. %zu session%s overloaded the Wi-Fi (peak at or above the room's AP "
		"capacity).</p>\n", r->sessions_overloaded, r->sessions_overloaded == 1 ? "" : "s");
	if (!r->n_sessions) {
		fputs("<p><span class=\"nd\">no session of the schedule ran in a venue room in "
		      "this window</span></p>\n", f);
		return;
	}
	fputs("<div class=\"tw\"><table><tr><th>Session</th><th>Room</th><th>Start</th><th>End</th>"
	      "<th class=\"n\">Projected</th><th class=\"n\">AP capacity</th>"
	      "<th class=\"n\">Peak clients</th><th>At</th><th>Wi-Fi</th></tr>\n", f);
	for (size_t i = 0; i < r->n_sessions; i++) {
		const struct report_session *x = &r->sessions[i];
		fprintf(f, "<tr class=\"%s\"><td>", x->overloaded > 0 ? "crit" : "");
		report_html_text(f, x->title);
		fputs("</td><td>", f);
		report_html_text(f, x->room);
		fputs("</td>", f);
		td_time(f, x->start, true);
		td_time(f, x->end, true);
		fprintf(f, "<td class=\"n\">%ld%s</td><td class=\"n\">%ld</td>", x->projected,
			x->projected_over ? " (over)" : "", x->capacity);
		if (x->overloaded < 0) {
			fputs("<td colspan=\"3\"><span class=\"nd\">no data: no samples for this "
			      "room during the session</span></td></tr>\n", f);
			continue;
		}
		td_num(f, x->observed.value, 0);
		td_time(f, x->observed.at, true);
		fputs(x->overloaded ? "<td><strong>overloaded</strong></td></tr>\n" :
		      "<td>within capacity</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

/* Load colour: white through amber to red as the room fills. */
static void heat_colour(double share, char *buf, size_t len)
{
	if (share < 0)
		share = 0;
	if (share > 1.2)
		share = 1.2;
	int rr, g, b;
	if (share < 0.8) {
		double t = share / 0.8;
		rr = 255;
		g = (int)(255 - t * 45);
		b = (int)(255 - t * 155);
	} else {
		double t = (share - 0.8) / 0.4;
		rr = (int)(255 - t * 30);
		g = (int)(210 - t * 150);
		b = (int)(100 - t * 50);
	}
	snprintf(buf, len, "#%02x%02x%02x", rr, g, b);
}

static void heat_day(const struct report *r, FILE *f, const struct report_day *day)
{
	size_t h0 = (size_t)((day->start - r->hours_start) / 3600);
	size_t h1 = (size_t)((day->end - r->hours_start + 3599) / 3600);
	if (h1 > r->n_hours)
		h1 = r->n_hours;
	/* only the hours in which some room reported */
	size_t lo = h1, hi = h0;
	for (size_t h = h0; h < h1; h++)
		for (size_t i = 0; i < r->n_rooms; i++)
			if (!isnan(r->rooms[i].hour_peak[h])) {
				lo = h < lo ? h : lo;
				hi = h + 1 > hi ? h + 1 : hi;
			}
	char date[16];
	report_format_day(day->start, date, sizeof date);
	fprintf(f, "<h3>%s</h3>\n", date);
	if (lo >= hi) {
		fputs("<p>" NO_DATA ": no room reported clients on this day.</p>\n", f);
		return;
	}
	fputs("<div class=\"tw\"><table class=\"heat\"><tr><th class=\"r\">Room</th>", f);
	for (size_t h = lo; h < hi; h++) {
		struct tm tm;
		time_t t = r->hours_start + (time_t)h * 3600;
		localtime_r(&t, &tm);
		fprintf(f, "<th>%02d</th>", tm.tm_hour);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < r->n_rooms; i++) {
		const struct report_room *room = &r->rooms[i];
		fputs("<tr><td class=\"r\">", f);
		report_html_text(f, room->conf->name);
		fputs("</td>", f);
		for (size_t h = lo; h < hi; h++) {
			double v = room->hour_peak[h];
			if (isnan(v)) {
				fputs("<td style=\"background:#f0f0f0;color:#aaa\">&ndash;</td>", f);
				continue;
			}
			char colour[8];
			heat_colour(room->capacity > 0 ? v / (double)room->capacity : 0, colour,
				    sizeof colour);
			fprintf(f, "<td style=\"background:%s\">%.0f</td>", colour, v);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

static void section_heatmap(const struct report *r, FILE *f)
{
	char c1[8], c2[8], c3[8];
	heat_colour(0.4, c1, sizeof c1);
	heat_colour(0.8, c2, sizeof c2);
	heat_colour(1.0, c3, sizeof c3);
	fprintf(f, "<h2 id=\"heatmap\">Rooms by hour</h2>\n<p class=\"legend\">Peak clients per "
		"hour, coloured by the share of the room's AP capacity: <span style=\"background:"
		"%s\">40%%</span><span style=\"background:%s\">80%%</span><span style=\"background:"
		"%s\">100%%</span><span style=\"background:#f0f0f0\">no data</span></p>\n",
		c1, c2, c3);
	for (size_t d = 0; d < r->n_days; d++)
		heat_day(r, f, &r->days[d]);
}

static void section_aps(const struct report *r, FILE *f)
{
	fprintf(f, "<h2 id=\"aps\">Access points</h2>\n<div class=\"tw\"><table><tr><th>AP</th><th>Room</th>"
		"<th class=\"n\">Capacity</th><th class=\"n\">Peak clients</th><th>At</th>"
		"<th class=\"n\">2.4 GHz</th><th class=\"n\">5 GHz</th>"
		"<th class=\"n\">Min &ge; warn</th><th class=\"n\">Min &ge; capacity</th></tr>\n");
	for (size_t i = 0; i < r->n_aps; i++) {
		const struct report_ap *ap = &r->aps[i];
		fprintf(f, "<tr class=\"%s\"><td>", ap->minutes_crit > 0 ? "crit" :
			ap->minutes_warn > 0 ? "warn" : "");
		report_html_text(f, ap->conf->name);
		fputs("</td><td>", f);
		report_html_text(f, ap->conf->room);
		fputs("</td>", f);
		td_num(f, ap->capacity, 0);
		if (!ap->has_data) {
			fputs("<td colspan=\"6\"><span class=\"nd\">no data</span></td></tr>\n", f);
			continue;
		}
		td_num(f, ap->peak.value, 0);
		if (ap->peak.value <= 0)
			fputs("<td>never used</td>", f);
		else
			td_time(f, ap->peak.at, true);
		td_num(f, ap->peak_2g4.value, 0);
		td_num(f, ap->peak_5g.value, 0);
		td_num(f, ap->minutes_warn, 1);
		td_num(f, ap->minutes_crit, 1);
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

static void section_incidents(const struct report *r, FILE *f)
{
	fputs("<h2 id=\"incidents\">Incidents</h2>\n<h3>Alerts</h3>\n", f);
	if (!r->alert_log_found)
		fputs("<p>No alert log was found, so no alert timeline can be shown.</p>\n", f);
	else if (r->n_alerts == 0)
		fputs("<p>No alert fired in this window (the alert log has no firing alert).</p>\n", f);
	else {
		fputs("<div class=\"tw\"><table><tr><th>Fired</th><th>Rule</th><th>Entity</th><th>Severity</th>"
		      "<th>Acked</th><th>Resolved</th><th class=\"n\">Duration</th><th>Summary</th>"
		      "</tr>\n", f);
		for (size_t i = 0; i < r->n_alerts; i++) {
			const struct report_alert *a = &r->alerts[i];
			if (a->severity && strcmp(a->severity, "info") == 0)
				continue;	/* the watchdog's heartbeat */
			fprintf(f, "<tr class=\"%s\">", a->severity && !strncmp(a->severity, "crit", 4)
				? "crit" : "warn");
			td_time(f, a->fired, true);
			fputs("<td>", f);
			report_html_text(f, a->rule);
			fputs("</td><td>", f);
			report_html_text(f, a->entity);
			fputs("</td><td>", f);
			report_html_text(f, a->severity);
			fputs("</td>", f);
			char buf[32];
			report_format_time(a->acked, buf, sizeof buf);
			fprintf(f, "<td>%s", buf);
			if (a->acked_by) {
				fputs(" by ", f);
				report_html_text(f, a->acked_by);
			}
			fputs("</td>", f);
			if (a->resolved)
				td_time(f, a->resolved, true);
			else
				fputs("<td>still firing</td>", f);
			fputs("<td class=\"n\">", f);
			if (a->resolved)
				duration(f, (long)(a->resolved - a->fired));
			fputs("</td><td>", f);
			report_html_text(f, a->summary);
			fputs("</td></tr>\n", f);
		}
		fputs("</table></div>\n", f);
	}
	if (r->alert_log_found) {
		fprintf(f, "<p class=\"note\">The alert log: %zu line%s about alerts (a severity "
			"is the worst the alert fired or escalated to; the watchdog's heartbeat is "
			"not listed), %zu about notifications and silences", r->alert_lines_alerts,
			r->alert_lines_alerts == 1 ? "" : "s", r->alert_lines_records);
		if (r->alert_lines_bad)
			fprintf(f, "; %zu malformed line%s skipped", r->alert_lines_bad,
				r->alert_lines_bad == 1 ? " was" : "s were");
		fputs(".</p>\n", f);
	}
	fputs("<h3>Data gaps and target outages</h3>\n", f);
	if (r->n_outages == 0) {
		fputs(r->has_data ? "<p>No gap of a minute or more in the recorded data.</p>\n" :
		      "<p>" NO_DATA ": nothing was recorded, so outages cannot be told apart.</p>\n",
		      f);
		return;
	}
	fputs("<div class=\"tw\"><table><tr><th>Source</th><th>From</th><th>To</th><th class=\"n\">Duration</th>"
	      "</tr>\n", f);
	for (size_t i = 0; i < r->n_outages; i++) {
		const struct report_outage *g = &r->outages[i];
		fputs("<tr><td>", f);
		report_html_text(f, g->entity);
		fputs("</td>", f);
		td_time(f, g->start, true);
		td_time(f, g->end, true);
		fputs("<td class=\"n\">", f);
		duration(f, (long)(g->end - g->start));
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

/* ---- airtime: how busy the channels were, beside the clients ---- */

static void airtime_cells(FILE *f, const struct report_airtime *a)
{
	if (!a->has_data) {
		fputs("<td colspan=\"5\"><span class=\"nd\">no data</span></td>", f);
		return;
	}
	td_num(f, a->peak.value, 0);
	td_time(f, a->peak.at, true);
	td_num(f, a->p95, 0);
	td_num(f, a->minutes_warn, 1);
	td_num(f, a->minutes_crit, 1);
}

static const char *airtime_class(const struct report_airtime *a)
{
	return a->minutes_crit > 0 ? "crit" : a->minutes_warn > 0 ? "warn" : "";
}

/* The radios of room idx (-1: of no room), indented under it. */
static void airtime_radio_rows(const struct report *r, FILE *f, int idx)
{
	for (size_t k = 0; k < r->n_radios; k++) {
		const struct report_radio *x = &r->radios[k];
		if (x->room_idx != idx)
			continue;
		fprintf(f, "<tr class=\"%s\"><td>&nbsp;&nbsp;", airtime_class(&x->air));
		report_html_text(f, x->entity + 6);
		fprintf(f, "</td><td class=\"n\">%.0f/%.0f</td>", x->air.warn, x->air.crit);
		airtime_cells(f, &x->air);
		if (x->air.minutes_warn > 0)
			td_num(f, x->clients_busy, 0);
		else
			fputs("<td class=\"n\">never busy</td>", f);
		fputs("</tr>\n", f);
	}
}

static void section_airtime(const struct report *r, FILE *f)
{
	if (!r->n_radios)
		return;
	fputs("<h2 id=\"airtime\">Airtime</h2>\n<p class=\"legend\">Channel utilisation: the "
	      "share of the time a radio's channel was busy, as its device states it; a room's is "
	      "its busiest radio at each sample. Minutes count samples at or above the room's "
	      "airtime_warn and airtime_crit.</p>\n<div class=\"tw\"><table><tr><th>Room or radio</th>"
	      "<th class=\"n\">Levels</th><th class=\"n\">Peak %</th><th>At</th>"
	      "<th class=\"n\">p95 %</th><th class=\"n\">Min &ge; warn</th>"
	      "<th class=\"n\">Min &ge; crit</th><th class=\"n\">Clients while busy</th></tr>\n", f);
	for (size_t i = 0; i < r->n_rooms; i++) {
		const struct report_room *room = &r->rooms[i];
		fprintf(f, "<tr class=\"%s\"><td><b>", airtime_class(&room->air));
		report_html_text(f, room->conf->name);
		fprintf(f, "</b></td><td class=\"n\">%.0f/%.0f</td>", room->air.warn, room->air.crit);
		airtime_cells(f, &room->air);
		fputs("<td></td></tr>\n", f);
		airtime_radio_rows(r, f, (int)i);
	}
	bool homeless = false;
	for (size_t k = 0; k < r->n_radios; k++)
		homeless |= r->radios[k].room_idx < 0;
	if (homeless) {
		fputs("<tr><td colspan=\"8\"><b>Radios of APs in no room</b></td></tr>\n", f);
		airtime_radio_rows(r, f, -1);
	}
	fputs("</table></div>\n", f);
}

static void section_recos(const struct report *r, FILE *f)
{
	fputs("<h2 id=\"next-year\">Recommendations for next year</h2>\n<ul class=\"reco\">\n", f);
	for (size_t i = 0; i < r->n_recos; i++) {
		fputs("<li>", f);
		report_html_text(f, r->recos[i].text);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

static void write_page(const struct report *r, FILE *f)
{
	const char *name = r->conf->event.name ? r->conf->event.name : "event";
	char from[32], to[32];
	report_format_time(r->from, from, sizeof from);
	report_format_time(r->to, to, sizeof to);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>", f);
	report_html_text(f, name);
	fprintf(f, " network capacity report</title>\n<style>%s</style></head>\n<body><main>\n"
		"<h1>Network capacity report: ", css);
	report_html_text(f, name);
	fprintf(f, "</h1>\n<p class=\"sub\">%s to %s%s &middot; headroom %s</p>\n", from, to,
		r->window_from_data ? " (the extent of the recorded data)" : "",
		PACKAGE_VERSION);
	section_glance(r, f);
	section_summary(r, f);
	section_timeline(r, f);
	section_uplinks(r, f);
	section_rooms(r, f);
	report_wired_html(r, f);
	section_sessions(r, f);
	section_heatmap(r, f);
	section_aps(r, f);
	section_airtime(r, f);
	section_incidents(r, f);
	section_recos(r, f);
	fputs("<p class=\"note\">Minutes above a level count the recorded samples at or above it; "
	      "missing samples are never counted as zero. Volumes add up the recorded rates and "
	      "are a lower bound when samples are missing.</p>\n</main></body></html>\n", f);
}

int report_write_html(const struct report *r, const char *dir, char *err, size_t errlen)
{
	return report_write_file(r, dir, "report.html", write_page, err, errlen);
}
