/* report.json: every number of the report; unknown numbers are null. */
#include "config.h"
#include "report/report.h"
#include "model/plan.h"
#include "base/util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *report_json_num(double x)
{
	return isnan(x) || isinf(x) ? json_null() : json_real(x);
}

static json_t *when(time_t t)
{
	char buf[40];
	report_format_iso(t, buf, sizeof buf);
	return buf[0] ? json_string(buf) : json_null();
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void set_peak(json_t *o, const char *value_key, const char *at_key,
		     const struct report_peak *p)
{
	json_object_set_new(o, value_key, report_json_num(p->value));
	json_object_set_new(o, at_key, isnan(p->value) ? json_null() : when(p->at));
}

static json_t *event_json(const struct report *r)
{
	const struct conf_event *e = &r->conf->event;
	return json_pack("{s:o, s:I, s:f, s:f, s:f, s:o, s:o}", "name", str_or_null(e->name),
			 "attendees", (json_int_t)e->attendees, "online_ratio", e->online_ratio,
			 "devices_per_attendee", e->devices_per_attendee, "kbps_per_device",
			 e->kbps_per_device, "start", when(e->start), "end", when(e->end));
}

static json_t *summary_json(const struct report *r)
{
	const struct conf_event *e = &r->conf->event;
	json_t *o = json_object();
	json_object_set_new(o, "has_data", json_boolean(r->has_data));
	json_object_set_new(o, "attendees", json_integer(e->attendees));
	json_object_set_new(o, "planned_ratio", json_real(plan_devices_per_attendee(e)));
	json_object_set_new(o, "projected_devices", json_integer(r->projected_devices));
	json_object_set_new(o, "capacity", json_integer(r->capacity));
	set_peak(o, "peak_devices", "peak_devices_at", &r->peak_devices);
	json_object_set_new(o, "peak_ratio", report_json_num(r->peak_ratio));
	json_object_set_new(o, "uplink_capacity_mbps", report_json_num(plan_uplink_capacity_mbps(r->conf)));
	json_object_set_new(o, "uplink_projected_mbps", report_json_num(plan_venue_uplink_demand_mbps(r->conf)));
	json_object_set_new(o, "uplink_peak_mbps", report_json_num(r->uplink_peak_mbps));
	json_object_set_new(o, "mbps_per_device", report_json_num(r->mbps_per_device));
	json_object_set_new(o, "recommended_uplink_mbps", report_json_num(r->recommend_uplink_mbps));
	json_object_set_new(o, "sessions_overloaded", r->schedule_loaded ?
			    json_integer((json_int_t)r->sessions_overloaded) : json_null());
	return o;
}

static json_t *days_json(const struct report *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < r->n_days; i++) {
		const struct report_day *d = &r->days[i];
		char day[16];
		report_format_day(d->start, day, sizeof day);
		json_t *o = json_pack("{s:s, s:o, s:o}", "date", day, "start", when(d->start),
				      "end", when(d->end));
		set_peak(o, "peak_devices", "peak_at", &d->devices);
		json_object_set_new(o, "ratio", report_json_num(d->ratio));
		json_object_set_new(o, "distinct_devices", report_json_num(d->distinct_devices));
		json_object_set_new(o, "distinct_global_macs", report_json_num(d->distinct_global));
		json_object_set_new(o, "distinct_random_macs", report_json_num(d->distinct_random));
		json_object_set_new(o, "samples", json_integer((json_int_t)d->samples));
		json_object_set_new(o, "unknown_samples", json_integer((json_int_t)d->unknown));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *uplink_json(const struct report *r, const struct report_uplink *u)
{
	json_t *o = json_pack("{s:s, s:b}", "name", u->conf->name, "has_data", u->has_data);
	json_object_set_new(o, "capacity_mbps", report_json_num(u->capacity_mbps));
	json_object_set_new(o, "projected_mbps", report_json_num(u->projected_mbps));
	set_peak(o, "peak_in_mbps", "peak_in_at", &u->peak_in);
	set_peak(o, "peak_out_mbps", "peak_out_at", &u->peak_out);
	json_object_set_new(o, "p95_in_mbps", report_json_num(u->p95_in));
	json_object_set_new(o, "p95_out_mbps", report_json_num(u->p95_out));
	json_object_set_new(o, "p95_samples", json_integer((json_int_t)u->p95_samples));
	json_object_set_new(o, "p95_unknown", json_integer((json_int_t)u->p95_unknown));
	json_object_set_new(o, "avg_in_mbps", report_json_num(u->avg_in));
	json_object_set_new(o, "avg_out_mbps", report_json_num(u->avg_out));
	json_object_set_new(o, "minutes_above_warn", report_json_num(u->minutes_warn));
	json_object_set_new(o, "minutes_above_crit", report_json_num(u->minutes_crit));
	json_t *days = json_array();
	for (size_t d = 0; d < r->n_days; d++) {
		char day[16];
		report_format_day(r->days[d].start, day, sizeof day);
		json_array_append_new(days, json_pack("{s:s, s:o, s:o, s:I}", "date", day,
			"bytes_in", report_json_num(u->volume_in[d]), "bytes_out", report_json_num(u->volume_out[d]),
			"unknown_samples", (json_int_t)u->unknown_day[d]));
	}
	json_object_set_new(o, "days", days);
	return o;
}

/* ---- airtime ---- */

static json_t *airtime_json(const struct report_airtime *a)
{
	json_t *o = json_pack("{s:b, s:o, s:o}", "has_data", a->has_data, "warn", report_json_num(a->warn),
			      "crit", report_json_num(a->crit));
	set_peak(o, "peak", "peak_at", &a->peak);
	json_object_set_new(o, "p95", report_json_num(a->p95));
	json_object_set_new(o, "minutes_above_warn", report_json_num(a->minutes_warn));
	json_object_set_new(o, "minutes_above_crit", report_json_num(a->minutes_crit));
	return o;
}

static json_t *radios_json(const struct report *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < r->n_radios; i++) {
		const struct report_radio *x = &r->radios[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o}", "entity", x->entity, "ap", x->ap,
				      "band", x->band, "room", x->room_idx >= 0
				      ? json_string(r->conf->rooms[x->room_idx].name) : json_null(),
				      "utilization", airtime_json(&x->air));
		set_peak(o, "peak_clients", "peak_clients_at", &x->clients);
		json_object_set_new(o, "clients_warn", report_json_num(x->clients_warn));
		json_object_set_new(o, "clients_while_busy", report_json_num(x->clients_busy));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *room_json(const struct report *r, const struct report_room *room)
{
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:b}", "name", room->conf->name, "seats",
			      (json_int_t)room->conf->seats, "capacity", (json_int_t)room->capacity,
			      "projected", (json_int_t)room->projected, "has_data", room->has_data);
	set_peak(o, "peak_clients", "peak_at", &room->peak);
	json_object_set_new(o, "p95_clients", report_json_num(room->p95));
	json_object_set_new(o, "minutes_above_warn", report_json_num(room->minutes_warn));
	json_object_set_new(o, "minutes_above_crit", report_json_num(room->minutes_crit));
	json_object_set_new(o, "peak_session", str_or_null(room->peak_session));
	json_object_set_new(o, "recommend_add_clients", json_integer(room->recommend_add));
	json_object_set_new(o, "airtime", airtime_json(&room->air));
	json_object_set_new(o, "wired", report_wired_json(r, room));
	return o;
}

static json_t *overloaded_json(int overloaded)
{
	return overloaded < 0 ? json_null() : json_boolean(overloaded);
}

/* null without a schedule, so "no sessions" and "no schedule" differ. */
static json_t *sessions_json(const struct report *r)
{
	if (!r->schedule_loaded)
		return json_null();
	json_t *a = json_array();
	for (size_t i = 0; i < r->n_sessions; i++) {
		const struct report_session *x = &r->sessions[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:b}", "title", x->title,
				      "room", x->room, "kind", x->kind, "start", when(x->start),
				      "end", when(x->end), "projected_devices",
				      (json_int_t)x->projected, "capacity",
				      (json_int_t)x->capacity, "projected_over_capacity",
				      x->projected_over);
		if (!o)
			continue;	/* a title jansson refuses */
		set_peak(o, "peak_clients", "peak_at", &x->observed);
		json_object_set_new(o, "overloaded", overloaded_json(x->overloaded));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *ap_json(const struct report_ap *ap)
{
	const struct conf_ap *c = ap->conf;
	json_t *o = json_pack("{s:s, s:o, s:o, s:f, s:f, s:b}", "name", c->name, "room",
			      str_or_null(c->room), "target", str_or_null(c->target), "capacity",
			      ap->capacity, "warn", ap->warn, "has_data", ap->has_data);
	set_peak(o, "peak_clients", "peak_at", &ap->peak);
	json_object_set_new(o, "peak_clients_2g4", report_json_num(ap->peak_2g4.value));
	json_object_set_new(o, "peak_clients_5g", report_json_num(ap->peak_5g.value));
	json_object_set_new(o, "peak_clients_6g", report_json_num(ap->peak_6g.value));
	json_object_set_new(o, "minutes_above_warn", report_json_num(ap->minutes_warn));
	json_object_set_new(o, "minutes_above_crit", report_json_num(ap->minutes_crit));
	json_object_set_new(o, "unknown_samples", json_integer((json_int_t)ap->unknown));
	json_object_set_new(o, "never_used", json_boolean(ap->has_data && ap->peak.value <= 0));
	return o;
}

static json_t *heatmap_json(const struct report *r)
{
	json_t *rooms = json_object();
	for (size_t i = 0; i < r->n_rooms; i++) {
		json_t *a = json_array();
		for (size_t h = 0; h < r->n_hours; h++)
			json_array_append_new(a, report_json_num(r->rooms[i].hour_peak[h]));
		json_object_set_new(rooms, r->rooms[i].conf->name, a);
	}
	return json_pack("{s:o, s:I, s:o}", "start", when(r->hours_start), "hours",
			 (json_int_t)r->n_hours, "rooms", rooms);
}

static json_t *incidents_json(const struct report *r)
{
	json_t *alerts = json_array();
	for (size_t i = 0; i < r->n_alerts; i++) {
		const struct report_alert *a = &r->alerts[i];
		json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o}", "id", a->id, "rule",
				      str_or_null(a->rule), "entity", str_or_null(a->entity),
				      "severity", str_or_null(a->severity), "summary",
				      str_or_null(a->summary));
		json_object_set_new(o, "fired", when(a->fired));
		json_object_set_new(o, "acked", when(a->acked));
		json_object_set_new(o, "acked_by", str_or_null(a->acked_by));
		json_object_set_new(o, "resolved", when(a->resolved));
		json_object_set_new(o, "duration_s", a->resolved ?
				    json_integer((json_int_t)(a->resolved - a->fired)) : json_null());
		json_array_append_new(alerts, o);
	}
	json_t *outages = json_array();
	for (size_t i = 0; i < r->n_outages; i++) {
		const struct report_outage *g = &r->outages[i];
		json_array_append_new(outages, json_pack("{s:s, s:o, s:o, s:I}", "entity",
			g->entity, "start", when(g->start), "end", when(g->end), "duration_s",
			(json_int_t)(g->end - g->start)));
	}
	return json_pack("{s:b, s:I, s:o, s:o}", "alert_log_found", r->alert_log_found,
			 "alert_lines_skipped", (json_int_t)r->alert_lines_bad, "alerts", alerts,
			 "outages", outages);
}

static json_t *recos_json(const struct report *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < r->n_recos; i++) {
		const struct report_reco *x = &r->recos[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:s}", "kind", x->kind,
			"entity", x->entity, "value", report_json_num(x->value), "text", x->text));
	}
	return a;
}

static json_t *report_json(const struct report *r)
{
	json_t *root = json_object();
	json_object_set_new(root, "event", event_json(r));
	json_object_set_new(root, "window", json_pack("{s:o, s:o, s:b}", "from", when(r->from),
		"to", when(r->to), "from_data", r->window_from_data));
	json_object_set_new(root, "levels", json_pack("{s:f, s:f}", "warn_ratio",
		r->conf->warn_ratio, "crit_ratio", r->conf->crit_ratio));
	json_object_set_new(root, "summary", summary_json(r));
	json_object_set_new(root, "days", days_json(r));
	json_t *uplinks = json_array(), *rooms = json_array(), *aps = json_array();
	for (size_t i = 0; i < r->n_uplinks; i++)
		json_array_append_new(uplinks, uplink_json(r, &r->uplinks[i]));
	for (size_t i = 0; i < r->n_rooms; i++)
		json_array_append_new(rooms, room_json(r, &r->rooms[i]));
	for (size_t i = 0; i < r->n_aps; i++)
		json_array_append_new(aps, ap_json(&r->aps[i]));
	json_object_set_new(root, "uplinks", uplinks);
	json_object_set_new(root, "rooms", rooms);
	json_object_set_new(root, "aps", aps);
	json_object_set_new(root, "radios", radios_json(r));
	json_object_set_new(root, "sessions", sessions_json(r));
	json_object_set_new(root, "heatmap", heatmap_json(r));
	json_object_set_new(root, "incidents", incidents_json(r));
	json_object_set_new(root, "recommendations", recos_json(r));
	json_object_set_new(root, "generated", json_pack("{s:I, s:f}", "files_read",
		(json_int_t)r->files_read, "seconds", r->seconds));
	return root;
}

int report_write_json(const struct report *r, const char *dir, char *err, size_t errlen)
{
	json_t *root = report_json(r);
	char *path = xasprintf("%s/report.json", dir);
	int rc = json_dump_file(root, path, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	free(path);
	json_decref(root);
	return rc == 0 ? 0 : -1;
}
