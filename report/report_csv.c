/* One CSV file per table (RFC 4180 quoting); unknown numbers are empty fields. */
#include "config.h"
#include "report/report.h"
#include "model/plan.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void report_csv_text(FILE *f, const char *s)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else if (s) {
		fputs(s, f);
	}
}

static void field_str(FILE *f, const char *s, bool last)
{
	report_csv_text(f, s);
	fputc(last ? '\n' : ',', f);
}

void report_csv_num(FILE *f, double x)
{
	if (!isnan(x) && !isinf(x))
		fprintf(f, "%.10g", x);
}

static void field_num(FILE *f, double x, bool last)
{
	report_csv_num(f, x);
	fputc(last ? '\n' : ',', f);
}

/* Numeric fields in a row, in order: FIELD_NUMS(f, last, a, b, ...). */
static void field_nums(FILE *f, const double *v, size_t n, bool last)
{
	for (size_t i = 0; i < n; i++)
		field_num(f, v[i], last && i + 1 == n);
}
#define FIELD_NUMS(f, last, ...)						\
	field_nums(f, (const double[]){ __VA_ARGS__ },				\
		   sizeof((const double[]){ __VA_ARGS__ }) / sizeof(double), last)

static void field_time(FILE *f, time_t t, bool last)
{
	char buf[40];
	report_format_iso(t, buf, sizeof buf);
	field_str(f, buf, last);
}

static void field_peak_time(FILE *f, const struct report_peak *p, bool last)
{
	field_time(f, isnan(p->value) ? 0 : p->at, last);
}

/* A peak's value and time, empty both when unknown. */
static void field_peak(FILE *f, const struct report_peak *p, bool last)
{
	field_num(f, p->value, false);
	field_peak_time(f, p, last);
}

static void write_summary(const struct report *r, FILE *f)
{
	const struct conf_event *e = &r->conf->event;
	fputs("field,value\n", f);
	field_str(f, "event", false);
	field_str(f, e->name, true);
	field_str(f, "attendees", false);
	field_num(f, (double)e->attendees, true);
	field_str(f, "planned_ratio", false);
	field_num(f, plan_devices_per_attendee(e), true);
	field_str(f, "projected_devices", false);
	field_num(f, (double)r->projected_devices, true);
	field_str(f, "capacity", false);
	field_num(f, (double)r->capacity, true);
	field_str(f, "peak_devices", false);
	field_num(f, r->peak_devices.value, true);
	field_str(f, "peak_devices_at", false);
	field_peak_time(f, &r->peak_devices, true);
	field_str(f, "peak_ratio", false);
	field_num(f, r->peak_ratio, true);
	field_str(f, "uplink_capacity_mbps", false);
	field_num(f, plan_uplink_capacity_mbps(r->conf), true);
	field_str(f, "uplink_projected_mbps", false);
	field_num(f, plan_venue_uplink_demand_mbps(r->conf), true);
	field_str(f, "uplink_peak_mbps", false);
	field_num(f, r->uplink_peak_mbps, true);
	field_str(f, "mbps_per_device", false);
	field_num(f, r->mbps_per_device, true);
	field_str(f, "recommended_uplink_mbps", false);
	field_num(f, r->recommend_uplink_mbps, true);
}

static void write_days(const struct report *r, FILE *f)
{
	fputs("date,peak_devices,peak_at,ratio,distinct_devices,distinct_global_macs,"
	      "distinct_random_macs,samples,unknown_samples\n", f);
	for (size_t i = 0; i < r->n_days; i++) {
		const struct report_day *d = &r->days[i];
		char day[16];
		report_format_day(d->start, day, sizeof day);
		field_str(f, day, false);
		field_peak(f, &d->devices, false);
		FIELD_NUMS(f, true, d->ratio, d->distinct_devices, d->distinct_global,
			   d->distinct_random, d->samples, d->unknown);
	}
}

static void write_uplinks(const struct report *r, FILE *f)
{
	fputs("uplink,capacity_mbps,projected_mbps,peak_in_mbps,peak_in_at,peak_out_mbps,"
	      "peak_out_at,p95_in_mbps,p95_out_mbps,p95_samples,p95_unknown,avg_in_mbps,"
	      "avg_out_mbps,minutes_above_warn,minutes_above_crit\n", f);
	for (size_t i = 0; i < r->n_uplinks; i++) {
		const struct report_uplink *u = &r->uplinks[i];
		field_str(f, u->conf->name, false);
		FIELD_NUMS(f, false, u->capacity_mbps, u->projected_mbps);
		field_peak(f, &u->peak_in, false);
		field_peak(f, &u->peak_out, false);
		FIELD_NUMS(f, true, u->p95_in, u->p95_out,
			   u->has_data ? (double)u->p95_samples : NAN,
			   u->has_data ? (double)u->p95_unknown : NAN,
			   u->avg_in, u->avg_out, u->minutes_warn, u->minutes_crit);
	}
}

static void write_uplink_days(const struct report *r, FILE *f)
{
	fputs("uplink,date,bytes_in,bytes_out,unknown_samples\n", f);
	for (size_t i = 0; i < r->n_uplinks; i++)
		for (size_t d = 0; d < r->n_days; d++) {
			const struct report_uplink *u = &r->uplinks[i];
			char day[16];
			report_format_day(r->days[d].start, day, sizeof day);
			field_str(f, u->conf->name, false);
			field_str(f, day, false);
			field_num(f, u->volume_in[d], false);
			field_num(f, u->volume_out[d], false);
			field_num(f, u->has_data ? (double)u->unknown_day[d] : NAN, true);
		}
}

static void write_rooms(const struct report *r, FILE *f)
{
	fputs("room,seats,capacity,projected,peak_clients,peak_at,p95_clients,"
	      "minutes_above_warn,minutes_above_crit,peak_session,recommend_add_clients\n", f);
	for (size_t i = 0; i < r->n_rooms; i++) {
		const struct report_room *room = &r->rooms[i];
		field_str(f, room->conf->name, false);
		FIELD_NUMS(f, false, room->conf->seats, room->capacity, room->projected);
		field_peak(f, &room->peak, false);
		FIELD_NUMS(f, false, room->p95, room->minutes_warn, room->minutes_crit);
		field_str(f, room->peak_session, false);
		field_num(f, (double)room->recommend_add, true);
	}
}

/* Empty (header only) without a schedule. */
static void write_sessions(const struct report *r, FILE *f)
{
	fputs("session,room,kind,start,end,projected_devices,capacity,"
	      "projected_over_capacity,peak_clients,peak_at,overloaded\n", f);
	for (size_t i = 0; i < r->n_sessions; i++) {
		const struct report_session *x = &r->sessions[i];
		field_str(f, x->title, false);
		field_str(f, x->room, false);
		field_str(f, x->kind, false);
		field_time(f, x->start, false);
		field_time(f, x->end, false);
		FIELD_NUMS(f, false, x->projected, x->capacity);
		field_str(f, x->projected_over ? "yes" : "no", false);
		field_peak(f, &x->observed, false);
		field_str(f, x->overloaded < 0 ? "" : x->overloaded ? "yes" : "no", true);
	}
}

static void write_aps(const struct report *r, FILE *f)
{
	fputs("ap,room,target,capacity,warn,peak_clients,peak_at,peak_clients_2g4,"
	      "peak_clients_5g,minutes_above_warn,minutes_above_crit,unknown_samples,"
	      "never_used\n", f);
	for (size_t i = 0; i < r->n_aps; i++) {
		const struct report_ap *ap = &r->aps[i];
		field_str(f, ap->conf->name, false);
		field_str(f, ap->conf->room, false);
		field_str(f, ap->conf->target, false);
		FIELD_NUMS(f, false, ap->capacity, ap->warn);
		field_peak(f, &ap->peak, false);
		FIELD_NUMS(f, false, ap->peak_2g4.value, ap->peak_5g.value, ap->minutes_warn,
			   ap->minutes_crit, ap->has_data ? (double)ap->unknown : NAN);
		field_str(f, !ap->has_data ? "" : ap->peak.value <= 0 ? "yes" : "no", true);
	}
}

static void write_heatmap(const struct report *r, FILE *f)
{
	fputs("room,hour,peak_clients,capacity\n", f);
	for (size_t i = 0; i < r->n_rooms; i++)
		for (size_t h = 0; h < r->n_hours; h++) {
			field_str(f, r->rooms[i].conf->name, false);
			field_time(f, r->hours_start + (time_t)h * 3600, false);
			field_num(f, r->rooms[i].hour_peak[h], false);
			field_num(f, (double)r->rooms[i].capacity, true);
		}
}

static void write_alerts(const struct report *r, FILE *f)
{
	fputs("id,rule,entity,severity,fired,acked,acked_by,resolved,duration_s,summary\n", f);
	for (size_t i = 0; i < r->n_alerts; i++) {
		const struct report_alert *a = &r->alerts[i];
		field_str(f, a->id, false);
		field_str(f, a->rule, false);
		field_str(f, a->entity, false);
		field_str(f, a->severity, false);
		field_time(f, a->fired, false);
		field_time(f, a->acked, false);
		field_str(f, a->acked_by, false);
		field_time(f, a->resolved, false);
		field_num(f, a->resolved ? (double)(a->resolved - a->fired) : NAN, false);
		field_str(f, a->summary, true);
	}
}

static void write_outages(const struct report *r, FILE *f)
{
	fputs("entity,start,end,duration_s\n", f);
	for (size_t i = 0; i < r->n_outages; i++) {
		const struct report_outage *g = &r->outages[i];
		field_str(f, g->entity, false);
		field_time(f, g->start, false);
		field_time(f, g->end, false);
		field_num(f, (double)(g->end - g->start), true);
	}
}

static void write_recos(const struct report *r, FILE *f)
{
	fputs("kind,entity,value,text\n", f);
	for (size_t i = 0; i < r->n_recos; i++) {
		field_str(f, r->recos[i].kind, false);
		field_str(f, r->recos[i].entity, false);
		field_num(f, r->recos[i].value, false);
		field_str(f, r->recos[i].text, true);
	}
}

/* Rooms (their busiest radio) and radios: channel utilisation, percent. */
static void airtime_row(FILE *f, const char *kind, const char *name, const char *room,
			const struct report_airtime *a, double clients_busy)
{
	field_str(f, kind, false);
	field_str(f, name, false);
	field_str(f, room, false);
	FIELD_NUMS(f, false, a->warn, a->crit);
	field_peak(f, &a->peak, false);
	FIELD_NUMS(f, false, a->p95, a->minutes_warn, a->minutes_crit);
	field_num(f, clients_busy, true);
}

static void write_airtime(const struct report *r, FILE *f)
{
	fputs("kind,name,room,warn,crit,peak_utilization,peak_at,p95_utilization,"
	      "minutes_above_warn,minutes_above_crit,clients_while_busy\n", f);
	for (size_t i = 0; i < r->n_rooms; i++)
		airtime_row(f, "room", r->rooms[i].conf->name, r->rooms[i].conf->name,
			    &r->rooms[i].air, NAN);
	for (size_t i = 0; i < r->n_radios; i++) {
		const struct report_radio *x = &r->radios[i];
		airtime_row(f, "radio", x->entity + 6,
			    x->room_idx >= 0 ? r->conf->rooms[x->room_idx].name : NULL, &x->air,
			    x->clients_busy);
	}
}

static const struct {
	const char *file;
	void (*write)(const struct report *r, FILE *f);
} tables[] = {
	{ "summary.csv", write_summary },
	{ "days.csv", write_days },
	{ "uplinks.csv", write_uplinks },
	{ "uplink_days.csv", write_uplink_days },
	{ "rooms.csv", write_rooms },
	{ "room_wired.csv", report_wired_csv },
	{ "aps.csv", write_aps },
	{ "airtime.csv", write_airtime },
	{ "sessions.csv", write_sessions },
	{ "heatmap.csv", write_heatmap },
	{ "alerts.csv", write_alerts },
	{ "outages.csv", write_outages },
	{ "recommendations.csv", write_recos },
};

int report_write_csv(const struct report *r, const char *dir, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (report_write_file(r, dir, tables[i].file, tables[i].write, err, errlen) != 0)
			return -1;
	return 0;
}

int report_write_file(const struct report *r, const char *dir, const char *name,
		      void (*write)(const struct report *r, FILE *f), char *err, size_t errlen)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	int rc = f ? 0 : -1;
	if (f) {
		write(r, f);
		/* a full disk shows in ferror() or only when fclose() flushes */
		int bad = ferror(f);
		rc = fclose(f) != 0 || bad ? -1 : 0;
	}
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	free(path);
	return rc;
}
