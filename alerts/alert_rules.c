/* The built-in rules: each turns the venue into observations for the alert core. */
/*
 * An observation is a value per entity against warn/crit levels. Capacity
 * rules measure a ratio (load / capacity), so `alert "rule" { warn = 0.7
 * crit = 0.9 }` reads the same for every entity kind; clear levels default
 * to 90% of the enter level.
 *
 *   ap_over_capacity      clients / max_clients per AP, and per band when
 *                         known: band clients / radio_max_clients; it warns
 *                         near capacity (warn_clients, radio_warn_clients)
 *                         and is critical at capacity, and its summary
 *                         says which ("near capacity", "over capacity")
 *   radio_airtime_high    a radio's channel utilisation as a share of the
 *                         time (busy % / 100) against its room's
 *                         airtime_warn and airtime_crit (0.5, 0.7);
 *                         entity radio:AP/BAND[/RADIO], grouped by room
 *   room_over_capacity    room clients / its APs' capacity (likewise)
 *   room_over_projection  room clients / its projected devices (1.0, 1.25)
 *   uplink_utilisation    Mbit/s / capacity, per direction (0.8, 0.95)
 *   dhcp_pool_exhaustion  leases / pool size (0.8, 0.95)
 *   plan_shortfall        projection / capacity for rooms, uplinks, venue
 *   target_down           1 while a target reports itself down (crit)
 *   target_no_data        1 while a target answers but its profile finds no
 *                         client figure, or never lists a planned AP (warn)
 *   client_drop           share of an AP's clients lost at once (warn 0.6)
 *   forecast_saturation   minutes until the trend of the last 15 minutes
 *                         reaches capacity (warn lead, crit lead / 3)
 *   collector_stalled     age of a source's newest sample / its interval (3)
 *   capture_drops         packets a capture lost (kernel ring or interface)
 *                         in its last window (warn 1, at once)
 *   watchdog              always firing, severity info
 *   notifier_failing      1 while notify says a notifier fails permanently
 *                         (alert_engine_set_delivery)
 *   store_failing         1 while RRD writes fail (the store's word on its
 *                         tick, alert_engine_set_store); warn after 60 s
 *   session_over_capacity a scheduled session's projected devices / its
 *                         room's AP capacity, from lead_minutes (15) before
 *                         it starts until it ends (warn 1.0); see
 *                         alert_rules_sessions()
 *   schedule_stale        time a schedule URL went unconfirmed (failed
 *                         fetches) / schedule_stale_after (warn 1.0)
 * Entities for `match`: ap:NAME radio:AP/BAND[/RADIO] room:NAME uplink:NAME pool:NAME
 * target:NAME capture:NAME notifier:NAME venue schedule.
 */
#include "config.h"
#include "alerts/alert_core.h"
#include "model/plan.h"
#include "schedule/schedule.h"
#include "base/util.h"
#include "model/venue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A forecast's history keeps at most TREND_POINTS points, spaced so
 * that half of them span its window whatever the tick. */
#define TREND_POINTS 256
#define TREND_MINUTES 15.0	/* default window a forecast looks at */
#define NO_FORECAST 1e6		/* minutes: "not in sight" */
#define DROP_MIN_CLIENTS 10
#define DROP_HOLD 900.0

/* A forecast's points: only rooms and uplinks forecast, so only their
 * histories carry one. */
struct trend {
	double t[TREND_POINTS], v[TREND_POINTS];
	int n, head;
};

/* What a rule remembers of one entity between evaluations. */
struct history {
	char key[SAMPLE_ENTITY_MAX + 16];
	struct trend *trend;			/* forecast_saturation; NULL else */
	double prev, prev_t, baseline, drop_at;	/* client_drop */
	double drop_from, drop_low;		/* the last drop, for its summary */
};

/* notify's last word on a notifier's delivery */
struct delivery {
	char *notifier;
	bool failing;
	char why[128];
};

struct alert_rules {
	struct history *h;
	size_t n, cap;
	uint32_t *slots;	/* key -> history (alert_index_probe) */
	size_t mask;
	struct delivery *dl;
	size_t n_dl;
	struct delivery store;	/* the store's word on its writes */
};

struct defaults {
	double warn, crit;
	double clear;			/* clear level = enter level x clear */
	long for_warn, for_crit;	/* -1: the engine's defaults (60 s, 20 s) */
	long repeat;			/* -1: 1 h during the event, 4 h outside */
	bool below, info;
	long group_wait;		/* -1: configured default */
};

struct alert_rules *alert_rules_new(void)
{
	return xcalloc(1, sizeof(struct alert_rules));
}

void alert_rules_free(struct alert_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		free(rs->h[i].trend);
	for (size_t i = 0; i < rs->n_dl; i++)
		free(rs->dl[i].notifier);
	free(rs->h);
	free(rs->slots);
	free(rs->dl);
	free(rs);
}

static const char *history_key_at(const void *rs, size_t i)
{
	return ((const struct alert_rules *)rs)->h[i].key;
}

static void history_reindex(struct alert_rules *rs)
{
	size_t size = alert_index_size(rs->n);
	free(rs->slots);
	rs->slots = xcalloc(size, sizeof *rs->slots);
	rs->mask = size - 1;
	for (size_t i = 0; i < rs->n; i++)
		*alert_index_probe(rs->slots, rs->mask, rs->h[i].key, history_key_at, rs) =
			(uint32_t)i + 1;
}

/* Every AP asks every tick: a hashed lookup, never a scan. The result is
 * valid until the next call (the array may move). */
static struct history *history(struct alert_rules *rs, const char *key)
{
	if (!rs->slots)
		history_reindex(rs);
	uint32_t *slot = alert_index_probe(rs->slots, rs->mask, key, history_key_at, rs);
	if (*slot)
		return &rs->h[*slot - 1];
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 32;
		rs->h = xrealloc(rs->h, rs->cap * sizeof *rs->h);
	}
	struct history *h = &rs->h[rs->n++];
	memset(h, 0, sizeof *h);
	strlcpy_hr(h->key, key, sizeof h->key);
	h->prev = NAN;
	*slot = (uint32_t)rs->n;
	if (2 * rs->n > rs->mask + 1)
		history_reindex(rs);
	return h;
}

static struct delivery *delivery_of(const struct alert_rules *rs, const char *notifier)
{
	for (size_t i = 0; i < rs->n_dl; i++)
		if (strcmp(rs->dl[i].notifier, notifier) == 0)
			return &rs->dl[i];
	return NULL;
}

void alert_rules_set_delivery(struct alert_rules *rs, const char *notifier, bool failing,
			      const char *why)
{
	struct delivery *d = delivery_of(rs, notifier);
	if (!d) {
		rs->dl = xrealloc(rs->dl, (rs->n_dl + 1) * sizeof *rs->dl);
		d = &rs->dl[rs->n_dl++];
		d->notifier = xstrdup(notifier);
	}
	d->failing = failing;
	strlcpy_hr(d->why, failing && why ? why : "", sizeof d->why);
}

void alert_rules_set_store(struct alert_rules *rs, bool failing, const char *why)
{
	rs->store.failing = failing;
	strlcpy_hr(rs->store.why, failing && why ? why : "", sizeof rs->store.why);
}

/* ---- building observations ---- */

struct ctx {
	struct alert_rules *rs;
	const struct conf *c;
	const struct venue *v;
	double now, started;
	struct alert_obs **obs;
	size_t *cap, n;
};

static long default_repeat(const struct ctx *x)
{
	const struct conf_event *e = &x->c->event;
	bool show = e->start > 0 && e->end > 0 && x->now >= (double)e->start && x->now <= (double)e->end;
	return show || e->start == 0 ? 3600 : 4 * 3600;
}

/* A new observation for rule on entity, thresholds resolved from the
 * defaults and every matching alert block (later blocks win); NULL when
 * the rule is disabled for it. */
static struct alert_obs *observe(struct ctx *x, const char *rule, const char *entity,
				 const struct defaults *d, double value)
{
	double warn = d->warn, crit = d->crit, clear_warn = NAN, clear_crit = NAN;
	long for_s = -1, repeat = d->repeat;
	bool enabled = true;
	for (size_t i = 0; i < x->c->n_rules; i++) {
		const struct conf_rule *r = &x->c->rules[i];
		if (strcmp(r->name, rule) != 0 || (r->match && !glob_match(r->match, entity)))
			continue;
		enabled = r->enabled;
		if (!isnan(r->warn)) warn = r->warn;
		if (!isnan(r->crit)) crit = r->crit;
		if (!isnan(r->clear_warn)) clear_warn = r->clear_warn;
		if (!isnan(r->clear_crit)) clear_crit = r->clear_crit;
		if (r->for_seconds >= 0) for_s = r->for_seconds;
		if (r->repeat_seconds >= 0) repeat = r->repeat_seconds;
	}
	if (!enabled)
		return NULL;
	if (*x->cap == x->n) {
		*x->cap = *x->cap ? *x->cap * 2 : 64;
		*x->obs = xrealloc(*x->obs, *x->cap * sizeof **x->obs);
	}
	struct alert_obs *o = &(*x->obs)[x->n++];
	memset(o, 0, sizeof *o);
	strlcpy_hr(o->rule, rule, sizeof o->rule);
	o->value = value;
	o->warn = warn;
	o->crit = crit;
	o->clear_warn = isnan(clear_warn) ? warn * d->clear : clear_warn;
	o->clear_crit = isnan(clear_crit) ? crit * d->clear : clear_crit;
	o->below = d->below;
	o->info = d->info;
	o->for_warn = for_s >= 0 ? for_s : d->for_warn >= 0 ? d->for_warn : 60;
	o->for_crit = for_s >= 0 ? for_s : d->for_crit >= 0 ? d->for_crit : 20;
	o->repeat = repeat >= 0 ? repeat : default_repeat(x);
	o->group_wait = d->group_wait;
	return o;
}

static double lead_minutes(const struct ctx *x, const char *rule, const char *entity,
			   double lead)
{
	for (size_t i = 0; i < x->c->n_rules; i++) {
		const struct conf_rule *r = &x->c->rules[i];
		if (strcmp(r->name, rule) == 0 && !isnan(r->lead_minutes) &&
		    (!r->match || glob_match(r->match, entity)))
			lead = r->lead_minutes;
	}
	return lead;
}

static double trend_minutes(const struct ctx *x, const char *entity)
{
	double minutes = TREND_MINUTES;
	for (size_t i = 0; i < x->c->n_rules; i++) {
		const struct conf_rule *r = &x->c->rules[i];
		if (strcmp(r->name, "forecast_saturation") == 0 && !isnan(r->trend_minutes) &&
		    (!r->match || glob_match(r->match, entity)))
			minutes = r->trend_minutes;
	}
	return minutes;
}

static double ratio(double load, double capacity)
{
	return isnan(load) || !(capacity > 0) ? NAN : load / capacity;
}

static const char *room_name(const struct conf *c, int idx)
{
	return idx >= 0 && (size_t)idx < c->n_rooms ? c->rooms[idx].name : NULL;
}

/* A capacity rule fires from its warn level, below capacity: its summary
 * says how near, so a warning never reads as "over", and says nothing
 * below the warn level (the words a resolved alert keeps). */
static const char *how_full(double load, double capacity, double warn_ratio)
{
	if (load > capacity)
		return " over capacity";
	if (load == capacity)
		return " at capacity";
	return load >= warn_ratio * capacity ? " near capacity" : "";
}

/* ---- rules ---- */

static void rule_ap(struct ctx *x)
{
	const struct conf *c = x->c;
	static const char *const bands[] = { "2.4", "5", "6" };
	for (size_t i = 0; i < x->v->n_aps; i++) {
		const struct venue_ap *a = &x->v->aps[i];
		if (!a->planned || !(a->capacity > 0))
			continue;
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "ap:%s", a->name);
		struct defaults d = { .warn = a->warn > 0 ? a->warn / a->capacity : c->warn_ratio,
				      .crit = c->crit_ratio, .clear = 0.9, .for_warn = -1,
				      .for_crit = -1, .repeat = -1, .group_wait = -1 };
		struct alert_obs *o = observe(x, "ap_over_capacity", entity, &d,
					      ratio(a->clients, a->capacity));
		if (o) {
			alert_obs_label(o, "ap", a->name);
			alert_obs_label(o, "room", room_name(c, a->room_idx));
			alert_obs_label(o, "target", a->target);
			snprintf(o->summary, sizeof o->summary, "AP %s%s: %.0f of %.0f clients",
				 a->name, how_full(a->clients, a->capacity, o->warn), a->clients,
				 a->capacity);
		}
		const double band_clients[] = { a->clients_2g4, a->clients_5g, a->clients_6g };
		double radio_max = (double)c->radio_max_clients;
		struct defaults bd = d;
		bd.warn = (double)c->radio_warn_clients / radio_max;
		for (size_t b = 0; b < 3; b++) {
			if (isnan(band_clients[b]))
				continue;
			o = observe(x, "ap_over_capacity", entity, &bd, band_clients[b] / radio_max);
			if (!o)
				continue;
			alert_obs_label(o, "ap", a->name);
			alert_obs_label(o, "band", bands[b]);
			alert_obs_label(o, "room", room_name(c, a->room_idx));
			alert_obs_label(o, "target", a->target);
			snprintf(o->summary, sizeof o->summary,
				 "AP %s %s GHz radio%s: %.0f of %.0f clients", a->name, bands[b],
				 how_full(band_clients[b], radio_max, o->warn), band_clients[b],
				 radio_max);
		}
	}
}

/* ---- radio_airtime_high: a channel too busy to serve its clients ---- */

static void radio_airtime_labels(struct alert_obs *o, const struct ctx *x,
				 const struct venue_radio *r)
{
	const struct venue_ap *a = r->ap_idx >= 0 ? &x->v->aps[r->ap_idx] : NULL;
	alert_obs_label(o, "ap", r->ap);
	alert_obs_label(o, "band", r->band);
	if (r->radio[0])
		alert_obs_label(o, "radio", r->radio);
	alert_obs_label(o, "room", room_name(x->c, r->room_idx));
	alert_obs_label(o, "target", a ? a->target : NULL);
}

static void rule_radio_airtime(struct ctx *x)
{
	for (size_t i = 0; i < x->v->n_radios; i++) {
		const struct venue_radio *r = &x->v->radios[i];
		if (!r->states_utilization)
			continue;
		struct defaults d = { .warn = r->airtime_warn / 100, .crit = r->airtime_crit / 100,
				      .clear = 0.9, .for_warn = -1, .for_crit = -1, .repeat = -1,
				      .group_wait = -1 };
		struct alert_obs *o = observe(x, "radio_airtime_high", r->entity, &d,
					      r->utilization / 100);
		if (!o)
			continue;
		radio_airtime_labels(o, x, r);
		snprintf(o->summary, sizeof o->summary,
			 "radio %.60s %s: channel busy %.0f%% (warn %.0f%%, crit %.0f%%), %.0f clients",
			 r->ap, r->band, r->utilization, o->warn * 100, o->crit * 100, r->clients);
	}
}

static void rule_rooms(struct ctx *x)
{
	const struct conf *c = x->c;
	for (size_t i = 0; i < c->n_rooms; i++) {
		const struct venue_room *r = &x->v->rooms[i];
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "room:%s", r->conf->name);
		struct defaults d = { .warn = c->warn_ratio, .crit = c->crit_ratio, .clear = 0.9,
				      .for_warn = -1, .for_crit = -1, .repeat = -1, .group_wait = -1 };
		/* Wi-Fi clients fill the APs; devices on cables take ports */
		struct alert_obs *o = observe(x, "room_over_capacity", entity, &d,
					      ratio(r->clients, r->wifi_capacity));
		if (o) {
			alert_obs_label(o, "room", r->conf->name);
			snprintf(o->summary, sizeof o->summary,
				 "room %s%s: %.0f clients, its APs hold %.0f (%d of %d APs reporting)",
				 r->conf->name, how_full(r->clients, r->wifi_capacity, o->warn), r->clients,
				 r->wifi_capacity, r->aps_known, r->aps_total);
		}
		struct defaults p = d;
		p.warn = 1.0;
		p.crit = 1.25;
		o = observe(x, "room_over_projection", entity, &p, ratio(r->clients, r->projected));
		if (o) {
			alert_obs_label(o, "room", r->conf->name);
			snprintf(o->summary, sizeof o->summary,
				 "room %s: %.0f clients, %.0f were projected", r->conf->name,
				 r->clients, r->projected);
		}
	}
}

static void rule_uplinks(struct ctx *x)
{
	for (size_t i = 0; i < x->c->n_uplinks; i++) {
		const struct venue_uplink *u = &x->v->uplinks[i];
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "uplink:%s", u->conf->name);
		struct defaults d = { .warn = 0.8, .crit = 0.95, .clear = 0.9, .for_warn = -1,
				      .for_crit = -1, .repeat = -1, .group_wait = -1 };
		const double bps[] = { u->bps_in, u->bps_out };
		static const char *const dirs[] = { "in", "out" };
		for (size_t k = 0; k < 2; k++) {
			struct alert_obs *o = observe(x, "uplink_utilisation", entity, &d,
						      ratio(bps[k] / 1e6, u->capacity_mbps));
			if (!o)
				continue;
			alert_obs_label(o, "uplink", u->conf->name);
			alert_obs_label(o, "direction", dirs[k]);
			alert_obs_label(o, "target", u->conf->target);
			snprintf(o->summary, sizeof o->summary, "uplink %s %s: %.1f of %.0f Mbit/s",
				 u->conf->name, dirs[k], bps[k] / 1e6, u->capacity_mbps);
		}
	}
}

static void rule_pools(struct ctx *x)
{
	for (size_t i = 0; i < x->c->n_pools; i++) {
		const struct venue_pool *p = &x->v->pools[i];
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "pool:%s", p->conf->name);
		struct defaults d = { .warn = 0.8, .crit = 0.95, .clear = 0.9, .for_warn = -1,
				      .for_crit = -1, .repeat = -1, .group_wait = -1 };
		struct alert_obs *o = observe(x, "dhcp_pool_exhaustion", entity, &d,
					      ratio(p->leases, (double)p->conf->size));
		if (!o)
			continue;
		alert_obs_label(o, "pool", p->conf->name);
		snprintf(o->summary, sizeof o->summary, "DHCP pool %s: %.0f of %ld leases",
			 p->conf->name, p->leases, p->conf->size);
	}
}

static void shortfall(struct ctx *x, const char *entity, const char *label, const char *name,
		      double projected, double capacity, const char *unit)
{
	struct defaults d = { .warn = x->c->warn_ratio, .crit = x->c->crit_ratio, .clear = 0.9,
			      .for_warn = 0, .for_crit = 0, .repeat = -1, .group_wait = -1 };
	struct alert_obs *o = observe(x, "plan_shortfall", entity, &d, ratio(projected, capacity));
	if (!o)
		return;
	alert_obs_label(o, label, name);
	snprintf(o->summary, sizeof o->summary, "%s %s: projected %.0f %s, capacity %.0f",
		 label, name, projected, unit, capacity);
}

static void rule_plan(struct ctx *x)
{
	const struct conf *c = x->c;
	for (size_t i = 0; i < c->n_rooms; i++) {
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "room:%s", c->rooms[i].name);
		shortfall(x, entity, "room", c->rooms[i].name, x->v->rooms[i].projected,
			  x->v->rooms[i].capacity, "devices");
	}
	for (size_t i = 0; i < c->n_uplinks; i++) {
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "uplink:%s", c->uplinks[i].name);
		shortfall(x, entity, "uplink", c->uplinks[i].name, x->v->uplinks[i].projected_mbps,
			  x->v->uplinks[i].capacity_mbps, "Mbit/s");
	}
	if (c->n_aps)
		shortfall(x, "venue", "scope", "venue", (double)x->v->totals.projected,
			  (double)x->v->totals.capacity, "devices");
}

static void rule_targets(struct ctx *x)
{
	for (size_t i = 0; i < x->c->n_targets; i++) {
		const struct venue_target *t = &x->v->targets[i];
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "target:%s", t->conf->name);
		struct defaults down = { .warn = NAN, .crit = 1, .clear = 1, .for_warn = 0,
					 .for_crit = 0, .repeat = -1, .group_wait = -1 };
		double v = t->up == 0 ? 1 : t->up == 1 ? 0 : NAN;
		struct alert_obs *o = observe(x, "target_down", entity, &down, v);
		if (o) {
			alert_obs_label(o, "target", t->conf->name);
			snprintf(o->summary, sizeof o->summary, "target %s is not answering%s%s",
				 t->conf->name, t->last_error[0] ? ": " : "", t->last_error);
		}
		/* Answering with nothing to count is a setup fault, not an outage:
		 * a warning that names what the profile missed. */
		struct defaults nd = { .warn = 1, .crit = NAN, .clear = 1, .for_warn = -1,
				       .for_crit = -1, .repeat = -1, .group_wait = -1 };
		o = observe(x, "target_no_data", entity, &nd,
			    t->up == 1 ? (t->no_data ? 1 : 0) : NAN);
		if (o) {
			alert_obs_label(o, "target", t->conf->name);
			snprintf(o->summary, sizeof o->summary, "target %s answers but gives no client "
				 "counts: %.100s", t->conf->name, t->no_data_reason);
		}
		/* No sample at all for three intervals is a state of its own. */
		double interval = (double)(t->conf->interval > x->c->tick ? t->conf->interval : x->c->tick);
		double last = t->updated > 0 ? t->updated : x->started;
		struct defaults st = { .warn = 3, .crit = NAN, .clear = 2.0 / 3, .for_warn = 0,
				       .for_crit = 0, .repeat = -1, .group_wait = -1 };
		o = observe(x, "collector_stalled", entity, &st, (x->now - last) / interval);
		if (o) {
			alert_obs_label(o, "target", t->conf->name);
			snprintf(o->summary, sizeof o->summary, "target %s: no data for %.0f s",
				 t->conf->name, x->now - last);
		}
	}
}

/* A planned AP its target never lists (a wrong name, or a profile that
 * misses it) is the same setup fault, per AP. */
static void rule_unlisted_aps(struct ctx *x)
{
	for (size_t i = 0; i < x->v->n_aps; i++) {
		const struct venue_ap *a = &x->v->aps[i];
		if (!a->planned || !a->target)
			continue;
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "ap:%s", a->name);
		struct defaults nd = { .warn = 1, .crit = NAN, .clear = 1, .for_warn = -1,
				       .for_crit = -1, .repeat = -1, .group_wait = -1 };
		struct alert_obs *o = observe(x, "target_no_data", entity, &nd, a->unlisted ? 1 : 0);
		if (o) {
			alert_obs_label(o, "ap", a->name);
			alert_obs_label(o, "target", a->target);
			snprintf(o->summary, sizeof o->summary, "AP %s: target %s answers but never "
				 "lists it", a->name, a->target);
		}
	}
}

/* Drops grow only when a window reports: its growth holds until the
 * next window, so the alert clears after a window without drops. */
static void rule_capture_drops(struct ctx *x, const char *name, const char *entity)
{
	const struct venue_metric *m = venue_metric_get(x->v, entity, "drops_total");
	char key[SAMPLE_ENTITY_MAX + 16];
	snprintf(key, sizeof key, "drops|%s", entity);
	struct history *h = history(x->rs, key);
	if (m && !isnan(m->value) && m->time > h->prev_t) {
		double grown = m->value - (isnan(h->prev) ? 0 : h->prev);
		h->baseline = grown < 0 ? m->value : grown;	/* < 0: the capture restarted */
		h->prev = m->value;
		h->prev_t = m->time;
	}
	struct defaults d = { .warn = 1, .crit = NAN, .clear = 0.5, .for_warn = 0,
			      .for_crit = 0, .repeat = -1, .group_wait = -1 };
	struct alert_obs *o = observe(x, "capture_drops", entity, &d, m ? h->baseline : NAN);
	if (!o)
		return;
	alert_obs_label(o, "capture", name);
	snprintf(o->summary, sizeof o->summary, "capture %s dropped %.0f packets in its last window "
		 "(%.0f in all): the counts are low", name, h->baseline, h->prev);
}

static void rule_captures(struct ctx *x)
{
	for (size_t i = 0; i < x->c->n_captures; i++) {
		const struct conf_capture *cap = &x->c->captures[i];
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "capture:%s", cap->name);
		const struct venue_metric *m = venue_metric_get(x->v, entity, "up");
		struct defaults down = { .warn = NAN, .crit = 1, .clear = 1, .for_warn = 0,
					 .for_crit = 0, .repeat = -1, .group_wait = -1 };
		struct alert_obs *o = observe(x, "target_down", entity, &down,
					      m ? (m->value > 0.5 ? 0 : 1) : NAN);
		if (o) {
			alert_obs_label(o, "capture", cap->name);
			snprintf(o->summary, sizeof o->summary, "capture %s is down%s%s", cap->name,
				 m && m->text[0] ? ": " : "", m ? m->text : "");
		}
		double window = (double)(cap->window > x->c->tick ? cap->window : x->c->tick);
		double last = m ? m->time : x->started;
		struct defaults st = { .warn = 3, .crit = NAN, .clear = 2.0 / 3, .for_warn = 0,
				       .for_crit = 0, .repeat = -1, .group_wait = -1 };
		o = observe(x, "collector_stalled", entity, &st, (x->now - last) / window);
		if (o) {
			alert_obs_label(o, "capture", cap->name);
			snprintf(o->summary, sizeof o->summary, "capture %s: no data for %.0f s",
				 cap->name, x->now - last);
		}
		rule_capture_drops(x, cap->name, entity);
	}
}

/* The summary a resolved alert keeps must not read "dropped from 200 to
 * 200": past the drop it says the AP recovered, or that the hold ran out. */
static void drop_summary(struct alert_obs *o, const char *ap, const struct history *h,
			 double clients)
{
	if (h->baseline > 0)
		snprintf(o->summary, sizeof o->summary, "AP %s dropped from %.0f to %.0f clients",
			 ap, h->baseline, clients);
	else if (h->drop_from > 0 && clients >= h->drop_from * 0.5)
		snprintf(o->summary, sizeof o->summary,
			 "AP %s recovered: %.0f clients (%.0f before the drop, %.0f at its lowest)",
			 ap, clients, h->drop_from, h->drop_low);
	else if (h->drop_from > 0)
		snprintf(o->summary, sizeof o->summary,
			 "AP %s: %.0f clients, %.0f min after dropping from %.0f; no longer held as a drop",
			 ap, clients, DROP_HOLD / 60, h->drop_from);
	else
		snprintf(o->summary, sizeof o->summary, "AP %s: %.0f clients", ap, clients);
}

/* An AP that loses most of its clients between two polls rebooted or
 * lost a radio; the alert holds until half of them are back (or 15 min). */
static void rule_client_drop(struct ctx *x)
{
	for (size_t i = 0; i < x->v->n_aps; i++) {
		const struct venue_ap *a = &x->v->aps[i];
		if (!a->planned)
			continue;
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "ap:%s", a->name);
		struct history *h = history(x->rs, entity);
		double lost = NAN;
		if (!isnan(a->clients) && a->updated > h->prev_t) {
			if (h->baseline == 0 && h->prev >= DROP_MIN_CLIENTS && a->clients < h->prev * 0.4) {
				h->baseline = h->drop_from = h->drop_low = h->prev;
				h->drop_at = x->now;
			}
			if (h->baseline > 0 && a->clients < h->drop_low)
				h->drop_low = a->clients;
			h->prev = a->clients;
			h->prev_t = a->updated;
		}
		if (h->baseline > 0 && !isnan(a->clients)) {
			lost = 1 - a->clients / h->baseline;
			if (lost < 0.5 || x->now - h->drop_at > DROP_HOLD)
				h->baseline = 0;
		}
		if (h->baseline == 0 && !isnan(a->clients))
			lost = 0;
		struct defaults d = { .warn = 0.6, .crit = NAN, .clear = 0.5 / 0.6, .for_warn = 0,
				      .for_crit = 0, .repeat = -1, .group_wait = -1 };
		struct alert_obs *o = observe(x, "client_drop", entity, &d, lost);
		if (!o)
			continue;
		alert_obs_label(o, "ap", a->name);
		alert_obs_label(o, "room", room_name(x->c, a->room_idx));
		alert_obs_label(o, "target", a->target);
		drop_summary(o, a->name, h, a->clients);
	}
}

static void trend_add(struct trend *h, double now, double v, double window)
{
	if (isnan(v))
		return;
	int last = (h->head + TREND_POINTS - 1) % TREND_POINTS;
	if (h->n > 0 && now - h->t[last] < window / (TREND_POINTS / 2))
		return;
	h->t[h->head] = now;
	h->v[h->head] = v;
	h->head = (h->head + 1) % TREND_POINTS;
	if (h->n < TREND_POINTS)
		h->n++;
}

/* Minutes until the least-squares line through the recent points meets
 * capacity; NO_FORECAST when flat, falling, already there or too little data. */
static double eta_minutes(const struct trend *h, double now, double current, double capacity,
			  double window)
{
	double st = 0, sv = 0, stt = 0, stv = 0, first = now;
	int n = 0;
	for (int i = 0; i < h->n; i++) {
		double t = h->t[i] - now, v = h->v[i];
		if (-t > window)
			continue;
		st += t; sv += v; stt += t * t; stv += t * v;
		first = fmin(first, h->t[i]);
		n++;
	}
	if (n < 5 || now - first < window / 3 || !(capacity > 0) || current >= capacity)
		return NO_FORECAST;
	double den = n * stt - st * st;
	if (den <= 0)
		return NO_FORECAST;
	double slope = (n * stv - st * sv) / den;	/* per second */
	if (slope <= 0)
		return NO_FORECAST;
	return (capacity - current) / slope / 60;
}

static void forecast(struct ctx *x, const char *entity, const char *label, const char *name,
		     double current, double capacity, const char *unit)
{
	struct history *h = history(x->rs, entity);
	if (!h->trend)
		h->trend = xcalloc(1, sizeof *h->trend);
	double window = trend_minutes(x, entity) * 60;
	trend_add(h->trend, x->now, current, window);
	double lead = lead_minutes(x, "forecast_saturation", entity, 30);
	struct defaults d = { .warn = lead, .crit = lead / 3, .clear = 1.2, .below = true,
			      .for_warn = -1, .for_crit = -1, .repeat = -1, .group_wait = -1 };
	double eta = isnan(current) ? NAN : eta_minutes(h->trend, x->now, current, capacity, window);
	struct alert_obs *o = observe(x, "forecast_saturation", entity, &d, eta);
	if (!o)
		return;
	alert_obs_label(o, label, name);
	/* The summary stays with the alert when it resolves: past the clear
	 * level it says the trend no longer reaches capacity in time. */
	if (eta > o->clear_warn)
		snprintf(o->summary, sizeof o->summary,
			 "%s %s: resolved, the trend no longer reaches capacity %.0f within "
			 "%.0f min (%.0f %s now)", label, name, capacity, o->warn, current, unit);
	else
		snprintf(o->summary, sizeof o->summary,
			 "%s %s: at the current trend %.0f %s reaches capacity %.0f in %.0f min",
			 label, name, current, unit, capacity, eta);
}

static void rule_forecast(struct ctx *x)
{
	for (size_t i = 0; i < x->c->n_rooms; i++) {
		const struct venue_room *r = &x->v->rooms[i];
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "room:%s", r->conf->name);
		forecast(x, entity, "room", r->conf->name, r->clients, r->wifi_capacity, "clients");
	}
	for (size_t i = 0; i < x->c->n_uplinks; i++) {
		const struct venue_uplink *u = &x->v->uplinks[i];
		char entity[SAMPLE_ENTITY_MAX + 8];
		snprintf(entity, sizeof entity, "uplink:%s", u->conf->name);
		forecast(x, entity, "uplink", u->conf->name, fmax(u->bps_in, u->bps_out) / 1e6,
			 u->capacity_mbps, "Mbit/s");
	}
}

static void rule_watchdog(struct ctx *x)
{
	struct defaults d = { .warn = 1, .crit = NAN, .clear = 1, .info = true, .for_warn = 0,
			      .for_crit = 0, .repeat = 300, .group_wait = 0 };
	struct alert_obs *o = observe(x, "watchdog", "venue", &d, 1);
	if (o)
		snprintf(o->summary, sizeof o->summary,
			 "headroom is alive; this heartbeat repeats while monitoring works");
}

static void rule_notifiers(struct ctx *x)
{
	for (size_t i = 0; i < x->c->n_notifiers; i++) {
		const char *name = x->c->notifiers[i].name;
		char entity[SAMPLE_ENTITY_MAX + 16];
		snprintf(entity, sizeof entity, "notifier:%s", name);
		struct defaults d = { .warn = 1, .crit = NAN, .clear = 1, .for_warn = 0,
				      .for_crit = 0, .repeat = -1, .group_wait = 0 };
		const struct delivery *dl = delivery_of(x->rs, name);
		bool failing = dl && dl->failing;
		const char *why = failing ? dl->why : "";
		struct alert_obs *o = observe(x, "notifier_failing", entity, &d, failing ? 1 : 0);
		if (!o)
			continue;
		alert_obs_label(o, "notifier", name);
		snprintf(o->summary, sizeof o->summary, "notifier %s fails: %s", name,
			 why[0] ? why : "ok");
	}
}

/* History lost while it fails: RRD files root-owned from an earlier run,
 * a full or read-only state dir. */
static void rule_store(struct ctx *x)
{
	struct defaults d = { .warn = 1, .crit = NAN, .clear = 1, .for_warn = -1,
			      .for_crit = -1, .repeat = -1, .group_wait = 0 };
	const struct delivery *st = &x->rs->store;
	struct alert_obs *o = observe(x, "store_failing", "store", &d, st->failing ? 1 : 0);
	if (o)
		snprintf(o->summary, sizeof o->summary, "store: RRD writes fail: %s",
			 st->failing ? st->why : "ok");
}

size_t alert_rules_observe(struct alert_rules *rs, const struct conf *c, const struct venue *v,
			   double started, double now, struct alert_obs **obs, size_t *cap)
{
	struct ctx x = { .rs = rs, .c = c, .v = v, .now = now, .started = started, .obs = obs,
			 .cap = cap, .n = 0 };
	rule_ap(&x);
	rule_radio_airtime(&x);
	rule_rooms(&x);
	rule_uplinks(&x);
	rule_pools(&x);
	rule_plan(&x);
	rule_targets(&x);
	rule_unlisted_aps(&x);
	rule_captures(&x);
	rule_client_drop(&x);
	rule_forecast(&x);
	rule_watchdog(&x);
	rule_notifiers(&x);
	rule_store(&x);
	return x.n;
}

/* ---- session_over_capacity: the schedule warns before the hall fills ---- */

static void session_rule(struct ctx *x, const struct schedule *s,
			 const struct schedule_session *sess)
{
	const struct conf *c = x->c;
	const char *room = c->rooms[sess->room_idx].name;
	char entity[SAMPLE_ENTITY_MAX + 8];
	snprintf(entity, sizeof entity, "room:%s", room);
	double lead = lead_minutes(x, "session_over_capacity", entity, 15) * 60;
	if (!(x->now >= (double)sess->start - lead && x->now < (double)(sess->start + sess->duration)))
		return;
	if (!schedule_session_over_capacity(s, c, sess))
		return;
	double capacity = plan_room_capacity(c, sess->room_idx);
	long projected = schedule_session_peak(s, sess);
	struct defaults d = { .warn = 1.0, .crit = NAN, .clear = 1.0, .for_warn = 0,
			      .for_crit = 0, .repeat = -1, .group_wait = -1 };
	struct alert_obs *o = observe(x, "session_over_capacity", entity, &d,
				      ratio((double)projected, capacity));
	if (!o)
		return;
	char start[40];
	schedule_format_time(sess->start, sess->utc_offset, start, sizeof start);
	alert_obs_label(o, "room", room);
	alert_obs_label(o, "session", sess->title);
	alert_obs_label(o, "start", start);
	snprintf(o->summary, sizeof o->summary,
		 "room %s: \"%.80s\" at %s is projected at %ld devices, its APs hold %.0f",
		 room, sess->title, start, projected, capacity);
}

/* ---- schedule_stale: the programme online no longer answers ---- */

static void stale_rule(struct ctx *x, const struct schedule *s)
{
	const struct schedule_status *st = &s->status;
	if (!st->live || st->stale_after <= 0)
		return;
	double age = x->now - st->confirmed;
	struct defaults d = { .warn = 1.0, .crit = NAN, .clear = 1.0, .for_warn = 0,
			      .for_crit = 0, .repeat = -1, .group_wait = -1 };
	struct alert_obs *o = observe(x, "schedule_stale", "schedule", &d,
				      age / (double)st->stale_after);
	if (!o)
		return;
	alert_obs_label(o, "source", s->path);
	snprintf(o->summary, sizeof o->summary,
		 "schedule %.60s unconfirmed for %ld min (%.50s); %s", s->path, (long)(age / 60),
		 st->error[0] ? st->error : "no answer yet",
		 s->n_sessions ? "the last copy stays in force" : "no copy of it yet");
}

size_t alert_rules_sessions(struct alert_rules *rs, const struct conf *c,
			    const struct schedule *s, double now, struct alert_obs **obs,
			    size_t *cap, size_t n)
{
	struct ctx x = { .rs = rs, .c = c, .now = now, .started = now, .obs = obs, .cap = cap,
			 .n = n };
	if (s)
		stale_rule(&x, s);
	for (size_t i = 0; s && i < s->n_sessions; i++) {
		const struct schedule_session *sess = &s->sessions[i];
		if (sess->room_idx >= 0 && (size_t)sess->room_idx < c->n_rooms)
			session_rule(&x, s, sess);
	}
	return x.n;
}
