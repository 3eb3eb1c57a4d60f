/* The venue model: samples in, the typed view of rooms, APs, uplinks and targets out. */
#include "config.h"
#include "model/venue.h"
#include "model/wired.h"
#include "base/log.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the metric table: open addressing, FNV-1a over "entity\0metric" ---- */

static uint64_t metric_hash(const char *entity, const char *metric)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = entity; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (const char *p = metric; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

static struct venue_metric *metric_slot(struct venue_metric *table, size_t cap,
					const char *entity, const char *metric)
{
	size_t i = (size_t)(metric_hash(entity, metric) & (cap - 1));
	for (;;) {
		struct venue_metric *m = &table[i];
		if (!m->used || (strcmp(m->entity, entity) == 0 && strcmp(m->metric, metric) == 0))
			return m;
		i = (i + 1) & (cap - 1);
	}
}

static void metrics_grow(struct venue *v)
{
	size_t cap = v->metrics_cap ? v->metrics_cap * 2 : 1024;
	struct venue_metric *table = xcalloc(cap, sizeof *table);
	for (size_t i = 0; i < v->metrics_cap; i++) {
		struct venue_metric *m = &v->metrics[i];
		if (m->used)
			*metric_slot(table, cap, m->entity, m->metric) = *m;
	}
	free(v->metrics);
	v->metrics = table;
	v->metrics_cap = cap;
}

const struct venue_metric *venue_metric_get(const struct venue *v, const char *entity,
					    const char *metric)
{
	if (!v->metrics_cap)
		return NULL;
	const struct venue_metric *m = metric_slot(v->metrics, v->metrics_cap, entity, metric);
	return m->used ? m : NULL;
}

double venue_value(const struct venue *v, const char *entity, const char *metric,
		   double now, double max_age)
{
	const struct venue_metric *m = venue_metric_get(v, entity, metric);
	if (!m)
		return NAN;
	if (max_age > 0 && now - m->time > max_age)
		return NAN;
	return m->value;
}

static void ap_add(struct venue *v, const char *name, bool planned, int conf_idx);
static void radio_add(struct venue *v, const char *entity);

/* Radios an AP has: configured, else the three bands the model knows. */
static long radios_of(const struct venue *v, const char *ap)
{
	int i = conf_ap_index(v->conf, ap);
	return i >= 0 ? v->conf->aps[i].radios : 3;
}

/* Radios in the whole venue, for an SSID's count across all APs. */
static long venue_radios(const struct venue *v)
{
	long n = 0;
	for (size_t i = 0; i < v->n_aps; i++)
		n += v->aps[i].planned ? v->conf->aps[v->aps[i].conf_idx].radios : 3;
	return n > 0 ? n : 1;
}

/*
 * A client count no radio can hold is a device's "no value" sentinel
 * (Counter32 4294967295, 2^64 - 1) or garbage, not a crowd: it would fire
 * criticals, then a client_drop, and stay in the store as a peak.
 * Bound: radio_plausible_clients per radio, the AP's radios for an AP
 * or one of its bands, every radio in the venue for an SSID.
 */
static bool implausible(const struct venue *v, const struct sample *s)
{
	if (strncmp(s->metric, "clients", 7) != 0 || isnan(s->value))
		return false;
	if (s->value < 0)
		return true;
	double radio = (double)v->conf->radio_plausible_clients;
	if (s->value <= radio)
		return false;	/* the common case: no lookup */
	if (strncmp(s->entity, "ap:", 3) == 0)
		return s->value > radio * (double)radios_of(v, s->entity + 3);
	if (strncmp(s->entity, "ssid:", 5) == 0)
		return s->value > radio * (double)venue_radios(v);
	return false;
}

void venue_ingest(struct venue *v, const struct sample *s)
{
	if (v->metrics_used * 4 >= v->metrics_cap * 3)
		metrics_grow(v);
	struct venue_metric *m = metric_slot(v->metrics, v->metrics_cap, s->entity, s->metric);
	if (!m->used) {
		strlcpy_hr(m->entity, s->entity, sizeof m->entity);
		strlcpy_hr(m->metric, s->metric, sizeof m->metric);
		m->used = true;
		v->metrics_used++;
		if (strncmp(s->entity, "radio:", 6) == 0)
			radio_add(v, s->entity);
	}
	bool bad = implausible(v, s);
	if (bad) {
		v->samples_malformed++;
		if (!m->implausible)
			log_warn("%s: %s = %.0f is not a client count any radio holds (radio_plausible_clients = %ld); taken as unknown",
				 s->entity, s->metric, s->value, v->conf->radio_plausible_clients);
	}
	m->implausible = bad;
	m->value = bad ? NAN : s->value;
	m->time = s->time;
	strlcpy_hr(m->text, s->text, sizeof m->text);
	v->samples_total++;

	/* A device row the config does not know becomes an unplanned AP so
	 * a volunteer notices the forgotten AP. */
	if (strncmp(s->entity, "ap:", 3) == 0 && strcmp(s->metric, "unplanned") == 0) {
		const char *name = s->entity + 3;
		for (size_t i = 0; i < v->n_aps; i++)
			if (strcmp(v->aps[i].name, name) == 0)
				return;
		ap_add(v, name, false, -1);
	}
}

void venue_each_metric(const struct venue *v,
		       void (*fn)(const struct venue_metric *m, void *arg), void *arg)
{
	for (size_t i = 0; i < v->metrics_cap; i++)
		if (v->metrics[i].used)
			fn(&v->metrics[i], arg);
}

/* ---- typed view ---- */

static void ap_add(struct venue *v, const char *name, bool planned, int conf_idx)
{
	if (v->n_aps == v->aps_cap) {
		v->aps_cap = v->aps_cap ? v->aps_cap * 2 : 16;
		v->aps = xrealloc(v->aps, v->aps_cap * sizeof *v->aps);
	}
	struct venue_ap *a = &v->aps[v->n_aps++];
	memset(a, 0, sizeof *a);
	strlcpy_hr(a->name, name, sizeof a->name);
	a->planned = planned;
	a->conf_idx = conf_idx;
	a->room_idx = planned ? v->conf->aps[conf_idx].room_idx : -1;
	a->target = planned ? v->conf->aps[conf_idx].target : NULL;
	a->clients = a->clients_2g4 = a->clients_5g = a->clients_6g = NAN;
	a->capacity = planned ? (double)v->conf->aps[conf_idx].max_clients : NAN;
	a->warn = planned ? (double)v->conf->aps[conf_idx].warn_clients : NAN;
	a->projected = planned ? (double)plan_ap_projected_devices(v->conf, conf_idx) : NAN;
	a->first_radio = -1;
}

struct venue *venue_new(const struct conf *conf)
{
	struct venue *v = xcalloc(1, sizeof *v);
	v->conf = conf;
	metrics_grow(v);
	for (size_t i = 0; i < conf->n_aps; i++)
		ap_add(v, conf->aps[i].name, true, (int)i);
	v->rooms = xcalloc(conf->n_rooms, sizeof *v->rooms);
	for (size_t i = 0; i < conf->n_rooms; i++) {
		v->rooms[i].conf = &conf->rooms[i];
		v->rooms[i].wifi_capacity = (double)plan_room_wifi_capacity(conf, (int)i);
		v->rooms[i].capacity = (double)plan_room_capacity(conf, (int)i);
		v->rooms[i].wired_devices = v->rooms[i].wired_ports = NAN;
		v->rooms[i].wired_ports_up = v->rooms[i].wired_ports_used = NAN;
		v->rooms[i].wired_ports_free = NAN;
		v->rooms[i].projected = (double)plan_room_projected_devices(&conf->event, &conf->rooms[i]);
		v->rooms[i].clients = NAN;
	}
	v->uplinks = xcalloc(conf->n_uplinks, sizeof *v->uplinks);
	for (size_t i = 0; i < conf->n_uplinks; i++) {
		v->uplinks[i].conf = &conf->uplinks[i];
		v->uplinks[i].bps_in = v->uplinks[i].bps_out = NAN;
		v->uplinks[i].capacity_mbps = conf->uplinks[i].capacity_mbps > 0
			? conf->uplinks[i].capacity_mbps : NAN;
		v->uplinks[i].projected_mbps = plan_uplink_projected_mbps(conf, (int)i);
	}
	v->targets = xcalloc(conf->n_targets, sizeof *v->targets);
	for (size_t i = 0; i < conf->n_targets; i++) {
		v->targets[i].conf = &conf->targets[i];
		v->targets[i].up = -1;
		v->targets[i].poll_ms = NAN;
	}
	v->pools = xcalloc(conf->n_pools, sizeof *v->pools);
	for (size_t i = 0; i < conf->n_pools; i++) {
		v->pools[i].conf = &conf->pools[i];
		v->pools[i].leases = NAN;
	}
	return v;
}

static int known_kind_removed(const struct conf *c, const char *entity)
{
	if (strncmp(entity, "room:", 5) == 0)
		return conf_room_index(c, entity + 5) < 0;
	if (strncmp(entity, "uplink:", 7) == 0)
		return conf_uplink_index(c, entity + 7) < 0;
	if (strncmp(entity, "target:", 7) == 0)
		return conf_target_index(c, entity + 7) < 0;
	return 0;
}

struct venue *venue_rebuild(const struct venue *old, const struct conf *conf)
{
	struct venue *v = venue_new(conf);
	/* Entities that stay keep their readings; removed rooms, uplinks and
	 * targets are forgotten. APs that leave the config but still report
	 * come back as unplanned on their next sample. */
	for (size_t i = 0; i < old->metrics_cap; i++) {
		const struct venue_metric *m = &old->metrics[i];
		if (!m->used || known_kind_removed(conf, m->entity))
			continue;
		if (strncmp(m->entity, "ap:", 3) == 0 && conf_ap_index(conf, m->entity + 3) < 0 &&
		    !venue_metric_get(old, m->entity, "unplanned"))
			continue;
		struct sample s;
		strlcpy_hr(s.entity, m->entity, sizeof s.entity);
		strlcpy_hr(s.metric, m->metric, sizeof s.metric);
		s.value = m->value;
		s.time = m->time;
		strlcpy_hr(s.text, m->text, sizeof s.text);
		venue_ingest(v, &s);
	}
	v->samples_total = old->samples_total;
	v->samples_malformed = old->samples_malformed;
	v->last_update = old->last_update;
	return v;
}

void venue_free(struct venue *v)
{
	if (!v)
		return;
	free(v->metrics);
	free(v->aps);
	free(v->radios);
	free(v->rooms);
	free(v->uplinks);
	free(v->targets);
	free(v->pools);
	free(v);
}

/* How old a reading may be before it counts as unknown. */
static double max_age_for_target(const struct venue *v, const char *target)
{
	double tick = (double)v->conf->tick;
	int t = target ? conf_target_index(v->conf, target) : -1;
	double interval = t >= 0 ? (double)v->conf->targets[t].interval : tick;
	return 3 * (interval > tick ? interval : tick) + 1;
}

/* A capture reports once per window, however short the tick. */
static double max_age_for_uplink(const struct venue *v, const struct conf_uplink *u)
{
	for (size_t i = 0; u->capture && i < v->conf->n_captures; i++) {
		const struct conf_capture *cc = &v->conf->captures[i];
		if (strcmp(cc->name, u->capture) == 0 && cc->window > 0)
			return 3 * fmax((double)cc->window, (double)v->conf->tick) + 1;
	}
	return max_age_for_target(v, u->target);
}

static int target_up(const struct venue *v, const char *target)
{
	int t = target ? conf_target_index(v->conf, target) : -1;
	return t >= 0 ? v->targets[t].up : 1;
}

/* The collector says "name: why" once per choice of profile. */
static void target_profile(struct venue_target *t, const struct venue_metric *m)
{
	if (!m)
		return;
	const char *colon = strstr(m->text, ": ");
	size_t n = colon ? (size_t)(colon - m->text) : strlen(m->text);
	snprintf(t->profile, sizeof t->profile, "%.*s", (int)n, m->text);
	strlcpy_hr(t->profile_reason, colon ? colon + 2 : "", sizeof t->profile_reason);
}

static void update_targets(struct venue *v, double now)
{
	for (size_t i = 0; i < v->conf->n_targets; i++) {
		struct venue_target *t = &v->targets[i];
		char entity[SAMPLE_ENTITY_MAX + 16];
		snprintf(entity, sizeof entity, "target:%s", t->conf->name);
		const struct venue_metric *m = venue_metric_get(v, entity, "up");
		if (m) {
			t->up = m->value > 0.5;
			t->updated = m->time;
			strlcpy_hr(t->last_error, m->text, sizeof t->last_error);
		}
		t->poll_ms = venue_value(v, entity, "poll_ms", now, 0);
		target_profile(t, venue_metric_get(v, entity, "profile"));
		const struct venue_metric *nd = venue_metric_get(v, entity, "no_data");
		t->no_data = nd && nd->value > 0.5;
		strlcpy_hr(t->no_data_reason, t->no_data ? nd->text : "", sizeof t->no_data_reason);
	}
}

/* A planned AP whose target answers but does not name it:
 * a wrong name or a profile that misses it, not a reading still to come. */
static bool listed_nothing_for(const struct venue *v, const struct venue_ap *a)
{
	int t = a->planned && a->target ? conf_target_index(v->conf, a->target) : -1;
	return t >= 0 && v->targets[t].up == 1 && v->targets[t].updated > 0;
}

static void update_aps(struct venue *v, double now)
{
	for (size_t i = 0; i < v->n_aps; i++) {
		struct venue_ap *a = &v->aps[i];
		char entity[SAMPLE_ENTITY_MAX + 16];
		snprintf(entity, sizeof entity, "ap:%s", a->name);
		double age = max_age_for_target(v, a->target);
		bool source_down = a->target && target_up(v, a->target) == 0;
		const struct venue_metric *m = venue_metric_get(v, entity, "clients");
		a->updated = m ? m->time : 0;
		if (m && m->text[0])
			strlcpy_hr(a->device_name, m->text, sizeof a->device_name);
		if (source_down) {
			a->clients = a->clients_2g4 = a->clients_5g = a->clients_6g = NAN;
		} else {
			a->clients = venue_value(v, entity, "clients", now, age);
			a->clients_2g4 = venue_value(v, entity, "clients_2g4", now, age);
			a->clients_5g = venue_value(v, entity, "clients_5g", now, age);
			a->clients_6g = venue_value(v, entity, "clients_6g", now, age);
		}
		a->status = a->planned ? plan_status_levels(a->clients, a->warn, a->capacity)
				       : (isnan(a->clients) ? PLAN_UNKNOWN : PLAN_OK);
		/* The collector says "not listed" with a NaN count (collectors/snmp.h). */
		a->unlisted = listed_nothing_for(v, a) && (a->updated == 0 || (m && isnan(m->value)));
	}
}

static void update_rooms(struct venue *v, double now)
{
	const struct conf *c = v->conf;
	wired_update_rooms(v, now);
	for (size_t r = 0; r < c->n_rooms; r++) {
		struct venue_room *room = &v->rooms[r];
		room->clients = 0;
		room->aps_total = room->aps_known = 0;
		for (size_t i = 0; i < v->n_aps; i++) {
			if (v->aps[i].room_idx != (int)r)
				continue;
			room->aps_total++;
			if (!isnan(v->aps[i].clients)) {
				room->aps_known++;
				room->clients += v->aps[i].clients;
			}
		}
		if (room->aps_known == 0)
			room->clients = NAN;
		/* devices on cables take seats of the capacity too */
		double devices = isnan(room->wired_devices) ? room->clients
			       : isnan(room->clients) ? room->wired_devices
			       : room->clients + room->wired_devices;
		double load = isnan(devices) ? room->projected : fmax(devices, room->projected);
		room->headroom = room->capacity - load;
		room->status = plan_status_of(devices, room->capacity, c->warn_ratio, c->crit_ratio);
		room->plan_status = plan_status_of(room->projected, room->capacity, c->warn_ratio,
						   c->crit_ratio);
	}
}

static void update_uplinks(struct venue *v, double now)
{
	const struct conf *c = v->conf;
	for (size_t i = 0; i < c->n_uplinks; i++) {
		struct venue_uplink *u = &v->uplinks[i];
		char entity[SAMPLE_ENTITY_MAX + 16];
		snprintf(entity, sizeof entity, "uplink:%s", u->conf->name);
		double age = max_age_for_uplink(v, u->conf);
		bool down = u->conf->target && target_up(v, u->conf->target) == 0;
		u->bps_in = down ? NAN : venue_value(v, entity, "bps_in", now, age);
		u->bps_out = down ? NAN : venue_value(v, entity, "bps_out", now, age);
		const struct venue_metric *m = venue_metric_get(v, entity, "bps_in");
		u->updated = m ? m->time : 0;
		if (!(u->conf->capacity_mbps > 0)) {
			double speed = venue_value(v, entity, "capacity_mbps", now, 0);
			u->capacity_mbps = speed > 0 ? speed : NAN;
		}
		double peak = fmax(u->bps_in, u->bps_out) / 1e6;	/* fmax skips one NAN */
		u->utilisation = u->capacity_mbps > 0 ? peak / u->capacity_mbps : NAN;
		u->status = plan_status_of(peak, u->capacity_mbps, c->warn_ratio, c->crit_ratio);
	}
}

static void update_pools(struct venue *v, double now)
{
	const struct conf *c = v->conf;
	for (size_t i = 0; i < c->n_pools; i++) {
		struct venue_pool *p = &v->pools[i];
		char entity[SAMPLE_ENTITY_MAX + 16];
		snprintf(entity, sizeof entity, "pool:%s", p->conf->name);
		p->leases = venue_value(v, entity, "leases", now, 0);
		const struct venue_metric *m = venue_metric_get(v, entity, "leases");
		p->updated = m ? m->time : 0;
		p->status = plan_status_of(p->leases, (double)p->conf->size, c->warn_ratio,
					   c->crit_ratio);
	}
}

/* The venue's uplink as one link, decided here once per tick so every
 * reader (dashboard, verdict, API) shows the same status. */
static void update_uplink_totals(struct venue_totals *t, const struct conf *c)
{
	double peak = fmax(t->uplink_mbps_in, t->uplink_mbps_out);	/* fmax skips one NAN */
	t->uplink_utilisation = t->uplink_capacity_mbps > 0 && isfinite(peak)
		? peak / t->uplink_capacity_mbps : NAN;
	t->uplink_status = plan_status_of(peak, t->uplink_capacity_mbps, c->warn_ratio,
					  c->crit_ratio);
}

static void update_totals(struct venue *v)
{
	const struct conf *c = v->conf;
	struct venue_totals *t = &v->totals;
	memset(t, 0, sizeof *t);
	t->projected = plan_venue_projected_devices(&c->event);
	t->capacity = plan_venue_capacity(c);
	t->uplink_projected_mbps = plan_venue_uplink_demand_mbps(c);
	bool any = false;
	for (size_t i = 0; i < v->n_aps; i++) {
		struct venue_ap *a = &v->aps[i];
		if (a->planned)
			t->aps_total++;
		else
			t->aps_unplanned++;
		if (!isnan(a->clients)) {
			any = true;
			t->devices += a->clients;
			if (a->planned)
				t->aps_known++;
		}
		if (a->updated > t->updated)
			t->updated = a->updated;
	}
	for (size_t r = 0; r < c->n_rooms; r++)
		if (isfinite(v->rooms[r].wired_devices)) {	/* on cables */
			t->devices = (any ? t->devices : 0) + v->rooms[r].wired_devices;
			any = true;
		}
	if (!any)
		t->devices = NAN;
	bool any_in = false, any_out = false, any_cap = false;
	for (size_t i = 0; i < c->n_uplinks; i++) {
		struct venue_uplink *u = &v->uplinks[i];
		if (!isnan(u->bps_in)) { t->uplink_mbps_in += u->bps_in / 1e6; any_in = true; }
		if (!isnan(u->bps_out)) { t->uplink_mbps_out += u->bps_out / 1e6; any_out = true; }
		if (u->capacity_mbps > 0) { t->uplink_capacity_mbps += u->capacity_mbps; any_cap = true; }
		if (u->updated > t->updated)
			t->updated = u->updated;
	}
	if (!any_in) t->uplink_mbps_in = NAN;
	if (!any_out) t->uplink_mbps_out = NAN;
	if (!any_cap) t->uplink_capacity_mbps = NAN;
	update_uplink_totals(t, c);
	for (size_t i = 0; i < c->n_targets; i++) {
		if (v->targets[i].up == 1) t->targets_up++;
		if (v->targets[i].up == 0) t->targets_down++;
	}
	for (size_t r = 0; r < c->n_rooms; r++) {
		const struct venue_room *room = &v->rooms[r];
		if (room->clients > room->projected)	/* false for NAN */
			t->beyond += room->clients - room->projected;
	}
	double load = (double)t->projected + t->beyond;
	if (!isnan(t->devices))
		load = fmax(t->devices, load);
	t->headroom = (double)t->capacity - load;
	t->status = plan_status_of(t->devices, (double)t->capacity, c->warn_ratio, c->crit_ratio);
}

/* ---- radios: airtime beside clients ---- */

static const char *const radio_bands[] = { "2g4", "5g", "6g", "3g5", "60g", "unk" };

static bool is_band(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof radio_bands / sizeof *radio_bands; i++)
		if (strlen(radio_bands[i]) == n && strncmp(s, radio_bands[i], n) == 0)
			return true;
	return false;
}

/* "radio:AP/BAND[/RADIO]": the AP's name may hold a '/', the band never
 * is the first part, so the band is the last part that names one. */
static void radio_add(struct venue *v, const char *entity)
{
	for (size_t i = 0; i < v->n_radios; i++)
		if (strcmp(v->radios[i].entity, entity) == 0)
			return;
	const char *name = entity + 6, *band = NULL;
	for (const char *p = strchr(name, '/'); p; p = strchr(p + 1, '/')) {
		const char *end = strchr(p + 1, '/');
		size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
		if (p > name && is_band(p + 1, n))
			band = p;
	}
	if (!band)
		return;		/* not a radio this model can place */
	if (v->n_radios == v->radios_cap) {
		v->radios_cap = v->radios_cap ? v->radios_cap * 2 : 16;
		v->radios = xrealloc(v->radios, v->radios_cap * sizeof *v->radios);
	}
	struct venue_radio *r = &v->radios[v->n_radios++];
	memset(r, 0, sizeof *r);
	strlcpy_hr(r->entity, entity, sizeof r->entity);
	snprintf(r->ap, sizeof r->ap, "%.*s", (int)(band - name), name);
	const char *rest = strchr(band + 1, '/');
	snprintf(r->band, sizeof r->band, "%.*s", (int)(rest ? rest - band - 1 : (long)strlen(band + 1)),
		 band + 1);
	strlcpy_hr(r->radio, rest ? rest + 1 : "", sizeof r->radio);
	r->ap_idx = r->room_idx = -1;
	r->clients = r->utilization = r->noise = r->channel = NAN;
}

enum plan_status venue_status_worse(enum plan_status a, enum plan_status b)
{
	return a > b ? a : b;	/* unknown < ok < warn < crit */
}

enum plan_status venue_radio_status(double clients, double warn, double capacity,
				    double utilization, double airtime_warn, double airtime_crit)
{
	return venue_status_worse(plan_status_levels(clients, warn, capacity),
				  plan_status_levels(utilization, airtime_warn, airtime_crit));
}

static int ap_index(const struct venue *v, const char *name)
{
	for (size_t i = 0; i < v->n_aps; i++)
		if (strcmp(v->aps[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The busy figure a radio is held to: the plain one, else the device's
 * total, else its airtime; never a part such as #self-rx. */
static double radio_utilization(const struct venue *v, struct venue_radio *r, double now,
				double age)
{
	const char *entity = r->entity;
	static const char *const names[] = { "utilization", "utilization#total",
					     "utilization#airtime" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (venue_metric_get(v, entity, names[i])) {
			r->states_utilization = true;
			return venue_value(v, entity, names[i], now, age);
		}
	}
	return NAN;
}

/* A radio's client levels are the per-radio ones ap_over_capacity holds
 * each band to (radio_warn_clients, radio_max_clients), never above its
 * AP's own; its airtime levels are its room's. */
static void radio_levels(const struct venue *v, struct venue_radio *r)
{
	const struct conf *c = v->conf;
	const struct venue_ap *a = r->ap_idx >= 0 ? &v->aps[r->ap_idx] : NULL;
	r->capacity = (double)c->radio_max_clients;
	r->warn = (double)c->radio_warn_clients;
	if (a && a->planned) {
		r->capacity = fmin(r->capacity, a->capacity);
		r->warn = fmin(r->warn, a->warn);
	}
	const struct conf_room *room = r->room_idx >= 0 ? &c->rooms[r->room_idx] : NULL;
	r->airtime_warn = room ? room->airtime_warn : c->airtime_warn;
	r->airtime_crit = room ? room->airtime_crit : c->airtime_crit;
}

static void update_radio(struct venue *v, struct venue_radio *r, double now)
{
	/* APs are only ever appended: a found AP stays where it is */
	if (r->ap_idx < 0 || (size_t)r->ap_idx >= v->n_aps || strcmp(v->aps[r->ap_idx].name, r->ap) != 0)
		r->ap_idx = ap_index(v, r->ap);
	struct venue_ap *a = r->ap_idx >= 0 ? &v->aps[r->ap_idx] : NULL;
	r->room_idx = a ? a->room_idx : -1;
	const char *target = a ? a->target : NULL;
	double age = max_age_for_target(v, target);
	bool down = target && target_up(v, target) == 0;
	const struct venue_metric *m = venue_metric_get(v, r->entity, "clients");
	if (!m)
		m = venue_metric_get(v, r->entity, "utilization");
	r->updated = m ? m->time : r->updated;
	r->clients = down ? NAN : venue_value(v, r->entity, "clients", now, age);
	r->utilization = down ? NAN : radio_utilization(v, r, now, age);
	r->noise = down ? NAN : venue_value(v, r->entity, "noise", now, age);
	r->channel = venue_value(v, r->entity, "channel", now, 0);
	radio_levels(v, r);
	r->clients_status = plan_status_levels(r->clients, r->warn, r->capacity);
	r->airtime_status = plan_status_levels(r->utilization, r->airtime_warn, r->airtime_crit);
	r->status = venue_status_worse(r->clients_status, r->airtime_status);
	/* The AP's and room's clients have their own levels; what a radio
	 * adds to them is its air (its crowding shows on the radio, and per
	 * band in ap_over_capacity). */
	if (a)
		a->status = venue_status_worse(a->status, r->airtime_status);
}

/* A room's airtime: its busiest radio, the mean over radios with a figure,
 * and its status no better than any of its radios' airtime. */
static void room_airtime(struct venue *v, struct venue_room *room, int r)
{
	room->clients_status = room->status;
	room->radios_total = room->radios_known = 0;
	room->airtime_max = NAN;
	room->airtime_status = PLAN_UNKNOWN;
	double sum = 0;
	for (size_t i = 0; i < v->n_radios; i++) {
		const struct venue_radio *x = &v->radios[i];
		if (x->room_idx != r)
			continue;
		room->radios_total++;
		room->status = venue_status_worse(room->status, x->airtime_status);
		if (isnan(x->utilization))
			continue;
		room->radios_known++;
		sum += x->utilization;
		room->airtime_max = isnan(room->airtime_max) ? x->utilization
							     : fmax(room->airtime_max, x->utilization);
		room->airtime_status = venue_status_worse(room->airtime_status, x->airtime_status);
	}
	room->airtime_mean = room->radios_known ? sum / room->radios_known : NAN;
}

static void update_radios(struct venue *v, double now)
{
	for (size_t i = 0; i < v->n_aps; i++)
		v->aps[i].first_radio = -1;
	for (size_t i = v->n_radios; i-- > 0;) {	/* each AP's list in radio order */
		struct venue_radio *r = &v->radios[i];
		update_radio(v, r, now);
		r->next_of_ap = r->ap_idx >= 0 ? v->aps[r->ap_idx].first_radio : -1;
		if (r->ap_idx >= 0)
			v->aps[r->ap_idx].first_radio = (int)i;
	}
	for (size_t r = 0; r < v->conf->n_rooms; r++)
		room_airtime(v, &v->rooms[r], (int)r);
}

void venue_update(struct venue *v, double now)
{
	update_targets(v, now);
	update_aps(v, now);
	update_rooms(v, now);
	update_radios(v, now);
	update_uplinks(v, now);
	update_pools(v, now);
	update_totals(v);
	v->last_update = now;
}
