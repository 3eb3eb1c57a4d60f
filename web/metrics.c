/* /metrics: the venue, its alerts and the web counters as Prometheus text. */
#include "config.h"
#include "web/server.h"

#include "base/module.h"
#include "model/plan.h"
#include "base/util.h"
#include "model/venue.h"

#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prometheus text exposition format 0.0.4. Unknown values are left out
 * rather than exported as NaN, so absent() and alerting on staleness
 * work the usual way. */

struct text {
	char *buf;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + (n > 0 ? (size_t)n : 0);
		t->buf = xrealloc(t->buf, t->cap);
	}
}

/* A label value with \, " and newline escaped, in a rotating buffer so a
 * line may hold a few of them. */
struct label {
	char s[2 * SAMPLE_ENTITY_MAX + 2];
};

static const char *esc(struct label *l, const char *v)
{
	size_t o = 0;
	for (const char *p = v ? v : ""; *p && o + 2 < sizeof l->s; p++) {
		if (*p == '\\' || *p == '"') {
			l->s[o++] = '\\';
			l->s[o++] = *p;
		} else if (*p == '\n') {
			l->s[o++] = '\\';
			l->s[o++] = 'n';
		} else {
			l->s[o++] = *p;
		}
	}
	l->s[o] = '\0';
	return l->s;
}

static void head(struct text *t, const char *name, const char *type, const char *help)
{
	put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void value(struct text *t, double x)
{
	if (x == floor(x) && fabs(x) < 1e15)
		put(t, " %.0f\n", x);
	else
		put(t, " %.6g\n", x);
}

static void venue_metrics(struct text *t, const struct venue *v)
{
	const struct venue_totals *vt = &v->totals;
	head(t, "headroom_venue_devices", "gauge", "Devices associated to the venue's APs now.");
	if (!isnan(vt->devices)) {
		put(t, "headroom_venue_devices");
		value(t, vt->devices);
	}
	head(t, "headroom_venue_projected_devices", "gauge",
	     "Devices the plan projects at the peak (attendees x online ratio x devices each).");
	put(t, "headroom_venue_projected_devices");
	value(t, (double)vt->projected);
	head(t, "headroom_venue_capacity_devices", "gauge", "Sum of the planned APs' max_clients.");
	put(t, "headroom_venue_capacity_devices");
	value(t, (double)vt->capacity);
	head(t, "headroom_venue_headroom_devices", "gauge",
	     "Capacity minus the larger of observed devices and the projection plus what "
	     "rooms draw beyond their own.");
	put(t, "headroom_venue_headroom_devices");
	value(t, vt->headroom);
	head(t, "headroom_venue_status", "gauge", "Venue status: 0 unknown, 1 ok, 2 warn, 3 crit.");
	put(t, "headroom_venue_status");
	value(t, vt->status);
	head(t, "headroom_venue_aps", "gauge", "APs by state (reporting, planned, unplanned).");
	put(t, "headroom_venue_aps{state=\"reporting\"} %d\n", vt->aps_known);
	put(t, "headroom_venue_aps{state=\"planned\"} %d\n", vt->aps_total);
	put(t, "headroom_venue_aps{state=\"unplanned\"} %d\n", vt->aps_unplanned);
}

static void room_metrics(struct text *t, const struct venue *v)
{
	const struct conf *c = v->conf;
	struct label l;
	head(t, "headroom_room_clients", "gauge", "Clients on a room's APs now.");
	for (size_t i = 0; i < c->n_rooms; i++)
		if (!isnan(v->rooms[i].clients)) {
			put(t, "headroom_room_clients{room=\"%s\"}", esc(&l, c->rooms[i].name));
			value(t, v->rooms[i].clients);
		}
	head(t, "headroom_room_capacity", "gauge",
	     "Devices a room holds: its APs' max_clients plus its wired ports.");
	for (size_t i = 0; i < c->n_rooms; i++) {
		put(t, "headroom_room_capacity{room=\"%s\"}", esc(&l, c->rooms[i].name));
		value(t, v->rooms[i].capacity);
	}
	head(t, "headroom_room_projected_devices", "gauge", "Devices the plan projects in a room.");
	for (size_t i = 0; i < c->n_rooms; i++) {
		put(t, "headroom_room_projected_devices{room=\"%s\"}", esc(&l, c->rooms[i].name));
		value(t, v->rooms[i].projected);
	}
	head(t, "headroom_room_status", "gauge", "Room status: 0 unknown, 1 ok, 2 warn, 3 crit.");
	for (size_t i = 0; i < c->n_rooms; i++) {
		put(t, "headroom_room_status{room=\"%s\"}", esc(&l, c->rooms[i].name));
		value(t, v->rooms[i].status);
	}
}

/* The wired side of the rooms a switch serves; rooms without one have none. */
static void wired_metric(struct text *t, const struct venue *v, const char *name, size_t off)
{
	struct label l;
	for (size_t i = 0; i < v->conf->n_rooms; i++) {
		double x = *(const double *)(const void *)((const char *)&v->rooms[i] + off);
		if (isnan(x))
			continue;
		put(t, "%s{room=\"%s\"}", name, esc(&l, v->conf->rooms[i].name));
		value(t, x);
	}
}

static void wired_metrics(struct text *t, const struct venue *v)
{
	head(t, "headroom_room_wired_devices", "gauge",
	     "Devices on a room's switch ports now (distinct learned MACs).");
	wired_metric(t, v, "headroom_room_wired_devices", offsetof(struct venue_room, wired_devices));
	head(t, "headroom_room_wired_ports", "gauge", "Access ports switches map to a room.");
	wired_metric(t, v, "headroom_room_wired_ports", offsetof(struct venue_room, wired_ports));
	head(t, "headroom_room_wired_ports_up", "gauge", "A room's access ports with a link.");
	wired_metric(t, v, "headroom_room_wired_ports_up", offsetof(struct venue_room, wired_ports_up));
	head(t, "headroom_room_wired_ports_free", "gauge", "A room's access ports without a link.");
	wired_metric(t, v, "headroom_room_wired_ports_free",
		     offsetof(struct venue_room, wired_ports_free));
	head(t, "headroom_room_wifi_capacity", "gauge", "Sum of max_clients of a room's APs.");
	wired_metric(t, v, "headroom_room_wifi_capacity", offsetof(struct venue_room, wifi_capacity));
}

static const char *ap_room(const struct venue *v, const struct venue_ap *a)
{
	return a->room_idx >= 0 ? v->conf->rooms[a->room_idx].name : "";
}

static void ap_metrics(struct text *t, const struct venue *v)
{
	struct label la, lr;
	head(t, "headroom_ap_clients", "gauge", "Clients associated to an AP now.");
	for (size_t i = 0; i < v->n_aps; i++) {
		const struct venue_ap *a = &v->aps[i];
		if (isnan(a->clients))
			continue;
		put(t, "headroom_ap_clients{ap=\"%s\",room=\"%s\"}", esc(&la, a->name),
		    esc(&lr, ap_room(v, a)));
		value(t, a->clients);
	}
	head(t, "headroom_ap_no_data", "gauge",
	     "1 when a planned AP's target answers but never lists it.");
	for (size_t i = 0; i < v->n_aps; i++) {
		const struct venue_ap *a = &v->aps[i];
		if (!a->planned || !a->target)
			continue;
		put(t, "headroom_ap_no_data{ap=\"%s\",room=\"%s\"}", esc(&la, a->name),
		    esc(&lr, ap_room(v, a)));
		value(t, a->unlisted);
	}
	head(t, "headroom_ap_band_clients", "gauge", "Clients of an AP per band.");
	for (size_t i = 0; i < v->n_aps; i++) {
		const struct venue_ap *a = &v->aps[i];
		const double bands[3] = { a->clients_2g4, a->clients_5g, a->clients_6g };
		static const char *const names[3] = { "2.4GHz", "5GHz", "6GHz" };
		for (int b = 0; b < 3; b++) {
			if (isnan(bands[b]))
				continue;
			put(t, "headroom_ap_band_clients{ap=\"%s\",room=\"%s\",band=\"%s\"}",
			    esc(&la, a->name), esc(&lr, ap_room(v, a)), names[b]);
			value(t, bands[b]);
		}
	}
	head(t, "headroom_ap_capacity", "gauge", "An AP's max_clients from the config.");
	for (size_t i = 0; i < v->n_aps; i++) {
		const struct venue_ap *a = &v->aps[i];
		if (isnan(a->capacity))
			continue;
		put(t, "headroom_ap_capacity{ap=\"%s\",room=\"%s\"}", esc(&la, a->name),
		    esc(&lr, ap_room(v, a)));
		value(t, a->capacity);
	}
	head(t, "headroom_ap_planned", "gauge", "1 for APs in the config, 0 for APs found unplanned.");
	for (size_t i = 0; i < v->n_aps; i++) {
		const struct venue_ap *a = &v->aps[i];
		put(t, "headroom_ap_planned{ap=\"%s\",room=\"%s\"}", esc(&la, a->name),
		    esc(&lr, ap_room(v, a)));
		value(t, a->planned);
	}
}

/* ---- airtime: radios, rooms, and what monitor captures measure ---- */

static void radio_labels(struct text *t, const char *name, const struct venue *v,
			 const struct venue_radio *r)
{
	struct label la, lr, lx;
	put(t, "%s{ap=\"%s\",room=\"%s\",band=\"%s\",radio=\"%s\"}", name, esc(&la, r->ap),
	    esc(&lr, r->room_idx >= 0 ? v->conf->rooms[r->room_idx].name : ""), r->band,
	    esc(&lx, r->radio));
}

/* One gauge over every radio; scale turns percent into a ratio. */
static void radio_series(struct text *t, const struct venue *v, const char *name,
			 const char *help, size_t offset, double scale)
{
	head(t, name, "gauge", help);
	for (size_t i = 0; i < v->n_radios; i++) {
		const struct venue_radio *r = &v->radios[i];
		double x = *(const double *)(const void *)((const char *)r + offset);
		if (!isfinite(x))
			continue;
		radio_labels(t, name, v, r);
		value(t, x * scale);
	}
}

static void radio_metrics(struct text *t, const struct venue *v)
{
	radio_series(t, v, "headroom_radio_clients", "Clients on a radio now.",
		     offsetof(struct venue_radio, clients), 1);
	radio_series(t, v, "headroom_radio_utilization_ratio",
		     "Share of time a radio's channel is busy, as its device states it.",
		     offsetof(struct venue_radio, utilization), 0.01);
	radio_series(t, v, "headroom_radio_noise_dbm", "A radio's noise floor.",
		     offsetof(struct venue_radio, noise), 1);
	radio_series(t, v, "headroom_radio_channel", "A radio's operating channel.",
		     offsetof(struct venue_radio, channel), 1);
	head(t, "headroom_radio_retry_ratio", "gauge", "Share of a radio's frames sent again.");
	for (size_t i = 0; i < v->n_radios; i++) {
		const struct venue_metric *m = venue_metric_get(v, v->radios[i].entity, "retry_ratio");
		if (!m || !isfinite(m->value))
			continue;
		radio_labels(t, "headroom_radio_retry_ratio", v, &v->radios[i]);
		value(t, m->value);
	}
	head(t, "headroom_radio_status", "gauge",
	     "Radio status, the worse of clients and airtime: 0 unknown, 1 ok, 2 warn, 3 crit.");
	for (size_t i = 0; i < v->n_radios; i++) {
		radio_labels(t, "headroom_radio_status", v, &v->radios[i]);
		value(t, v->radios[i].status);
	}
}

static void room_airtime_metrics(struct text *t, const struct venue *v)
{
	const struct conf *c = v->conf;
	struct label l;
	head(t, "headroom_room_airtime_ratio", "gauge",
	     "Channel busy share over a room's radios: the busiest (max) and the mean.");
	for (size_t i = 0; i < c->n_rooms; i++) {
		const struct venue_room *r = &v->rooms[i];
		if (isnan(r->airtime_max))
			continue;
		put(t, "headroom_room_airtime_ratio{room=\"%s\",stat=\"max\"}", esc(&l, c->rooms[i].name));
		value(t, r->airtime_max / 100);
		put(t, "headroom_room_airtime_ratio{room=\"%s\",stat=\"mean\"}", esc(&l, c->rooms[i].name));
		value(t, r->airtime_mean / 100);
	}
}

/* channel:CAPTURE/CHANNEL and bssid:CAPTURE/BSSID from 802.11 monitor
 * captures, as they come: name the metric, split the entity into labels. */
struct capture_airtime {
	struct text *t;
	const char *prefix, *label, *metric, *series;
	double scale;
};

static void capture_airtime_one(const struct venue_metric *m, void *arg)
{
	const struct capture_airtime *x = arg;
	size_t n = strlen(x->prefix);
	if (strncmp(m->entity, x->prefix, n) != 0 || strcmp(m->metric, x->metric) != 0 ||
	    !isfinite(m->value))
		return;
	const char *name = m->entity + n, *slash = strrchr(name, '/');
	if (!slash)
		return;
	char capture[SAMPLE_ENTITY_MAX];
	snprintf(capture, sizeof capture, "%.*s", (int)(slash - name), name);
	struct label lc, lk;
	put(x->t, "%s{capture=\"%s\",%s=\"%s\"}", x->series, esc(&lc, capture), x->label,
	    esc(&lk, slash + 1));
	value(x->t, m->value * x->scale);
}

static void capture_airtime_metrics(struct text *t, const struct venue *v)
{
	static const struct {
		const char *prefix, *label, *metric, *series, *help;
		double scale;
	} series[] = {
		{ "channel:", "channel", "utilization", "headroom_channel_utilization_ratio",
		  "Share of time a channel is busy, from a monitor capture's frames.", 0.01 },
		{ "channel:", "channel", "retry_ratio", "headroom_channel_retry_ratio",
		  "Share of a channel's frames with the Retry bit.", 1 },
		{ "channel:", "channel", "frames_no_rate", "headroom_channel_frames_no_rate",
		  "Frames of a capture window without rate information (not timed).", 1 },
		{ "bssid:", "bssid", "utilization", "headroom_bssid_utilization_ratio",
		  "Share of time a BSSID's frames take on its channel.", 0.01 },
		{ "bssid:", "bssid", "retry_ratio", "headroom_bssid_retry_ratio",
		  "Share of a BSSID's frames with the Retry bit.", 1 },
		{ "bssid:", "bssid", "channel", "headroom_bssid_channel", "A BSSID's channel.", 1 },
	};
	for (size_t i = 0; i < sizeof series / sizeof *series; i++) {
		head(t, series[i].series, "gauge", series[i].help);
		struct capture_airtime x = { t, series[i].prefix, series[i].label, series[i].metric,
					     series[i].series, series[i].scale };
		venue_each_metric(v, capture_airtime_one, &x);
	}
}

static void uplink_metrics(struct text *t, const struct venue *v)
{
	const struct conf *c = v->conf;
	struct label l;
	/* Prometheus' base unit for data is the byte: rates are bytes per
	 * second (promtool check metrics rejects "bits"). */
	head(t, "headroom_uplink_bytes_per_second", "gauge", "Uplink traffic rate.");
	for (size_t i = 0; i < c->n_uplinks; i++) {
		const struct venue_uplink *u = &v->uplinks[i];
		if (!isnan(u->bps_in)) {
			put(t, "headroom_uplink_bytes_per_second{uplink=\"%s\",direction=\"in\"}",
			    esc(&l, u->conf->name));
			value(t, u->bps_in / 8);
		}
		if (!isnan(u->bps_out)) {
			put(t, "headroom_uplink_bytes_per_second{uplink=\"%s\",direction=\"out\"}",
			    esc(&l, u->conf->name));
			value(t, u->bps_out / 8);
		}
	}
	head(t, "headroom_uplink_capacity_bytes_per_second", "gauge", "Uplink capacity.");
	for (size_t i = 0; i < c->n_uplinks; i++)
		if (v->uplinks[i].capacity_mbps > 0) {
			put(t, "headroom_uplink_capacity_bytes_per_second{uplink=\"%s\"}",
			    esc(&l, c->uplinks[i].name));
			value(t, v->uplinks[i].capacity_mbps * 1e6 / 8);
		}
	head(t, "headroom_uplink_projected_bytes_per_second", "gauge",
	     "An uplink's share of the projected demand.");
	for (size_t i = 0; i < c->n_uplinks; i++) {
		put(t, "headroom_uplink_projected_bytes_per_second{uplink=\"%s\"}",
		    esc(&l, c->uplinks[i].name));
		value(t, v->uplinks[i].projected_mbps * 1e6 / 8);
	}
	head(t, "headroom_uplink_octets_total", "counter", "Octets through an uplink (interface counter).");
	static const char *const dirs[2][2] = { { "octets_in_total", "in" }, { "octets_out_total", "out" } };
	for (size_t i = 0; i < c->n_uplinks; i++) {
		char entity[SAMPLE_ENTITY_MAX];
		snprintf(entity, sizeof entity, "uplink:%s", c->uplinks[i].name);
		for (int d = 0; d < 2; d++) {
			const struct venue_metric *m = venue_metric_get(v, entity, dirs[d][0]);
			if (!m || !isfinite(m->value))
				continue;
			put(t, "headroom_uplink_octets_total{uplink=\"%s\",direction=\"%s\"}",
			    esc(&l, c->uplinks[i].name), dirs[d][1]);
			value(t, m->value);
		}
	}
}

/* What a capture saw and what it lost: drops make its counts lower bounds. */
static void capture_metrics(struct text *t, const struct venue *v)
{
	static const struct { const char *metric, *name, *type, *help; } m[] = {
		{ "packets_total", "headroom_capture_packets_total", "counter", "Packets a capture counted." },
		{ "bytes_total", "headroom_capture_bytes_total", "counter", "Bytes on the wire of those packets." },
		{ "drops_total", "headroom_capture_drops_total", "counter",
		  "Packets a live capture lost: the kernel's ring was full or the interface dropped them." },
		{ "active_clients", "headroom_capture_active_clients", "gauge",
		  "Distinct clients a capture saw in its last window." },
		{ "devices_day_global", "headroom_capture_devices_day", "gauge",
		  "Distinct client devices today, by kind of MAC address." },
		{ "devices_day_random", "headroom_capture_devices_day", NULL, NULL },
	};
	const struct conf *c = v->conf;
	struct label l;
	for (size_t k = 0; k < sizeof m / sizeof *m; k++) {
		if (m[k].type)
			head(t, m[k].name, m[k].type, m[k].help);
		const char *mac = strstr(m[k].metric, "_day_") ? strstr(m[k].metric, "_day_") + 5 : NULL;
		for (size_t i = 0; i < c->n_captures; i++) {
			char entity[SAMPLE_ENTITY_MAX];
			snprintf(entity, sizeof entity, "capture:%s", c->captures[i].name);
			const struct venue_metric *vm = venue_metric_get(v, entity, m[k].metric);
			if (!vm || isnan(vm->value))
				continue;
			if (mac)
				put(t, "%s{capture=\"%s\",mac=\"%s\"}", m[k].name, esc(&l, c->captures[i].name), mac);
			else
				put(t, "%s{capture=\"%s\"}", m[k].name, esc(&l, c->captures[i].name));
			value(t, vm->value);
		}
	}
}

static void target_metrics(struct text *t, const struct venue *v)
{
	const struct conf *c = v->conf;
	struct label l;
	head(t, "headroom_target_up", "gauge", "1 when the SNMP target answered its last poll.");
	for (size_t i = 0; i < c->n_targets; i++) {
		if (v->targets[i].up < 0)
			continue;
		put(t, "headroom_target_up{target=\"%s\"}", esc(&l, c->targets[i].name));
		value(t, v->targets[i].up);
	}
	head(t, "headroom_target_no_data", "gauge",
	     "1 when the target answers but its profile finds no client figure.");
	for (size_t i = 0; i < c->n_targets; i++) {
		if (v->targets[i].up != 1)
			continue;
		put(t, "headroom_target_no_data{target=\"%s\"}", esc(&l, c->targets[i].name));
		value(t, v->targets[i].no_data);
	}
	head(t, "headroom_target_poll_seconds", "gauge", "Duration of the target's last poll.");
	for (size_t i = 0; i < c->n_targets; i++) {
		if (isnan(v->targets[i].poll_ms))
			continue;
		put(t, "headroom_target_poll_seconds{target=\"%s\"}", esc(&l, c->targets[i].name));
		value(t, v->targets[i].poll_ms / 1000);
	}
	head(t, "headroom_pool_leases", "gauge", "DHCP leases in use in a pool.");
	for (size_t i = 0; i < c->n_pools; i++) {
		if (isnan(v->pools[i].leases))
			continue;
		put(t, "headroom_pool_leases{pool=\"%s\"}", esc(&l, c->pools[i].name));
		value(t, v->pools[i].leases);
	}
	head(t, "headroom_pool_size", "gauge", "Addresses in a DHCP pool.");
	for (size_t i = 0; i < c->n_pools; i++) {
		put(t, "headroom_pool_size{pool=\"%s\"}", esc(&l, c->pools[i].name));
		value(t, (double)c->pools[i].size);
	}
	capture_metrics(t, v);
}

static void alert_metrics(struct text *t, const json_t *alerts)
{
	static const char *const sev[] = { "info", "warn", "crit" };
	head(t, "headroom_alerts", "gauge", "Active alerts by severity and state.");
	for (size_t s = 0; s < 3; s++) {
		size_t pending = 0, firing = 0, i;
		json_t *a;
		json_array_foreach(alerts, i, a) {
			const char *as = json_string_value(json_object_get(a, "severity"));
			const char *st = json_string_value(json_object_get(a, "state"));
			if (!as || !st || strcmp(as, sev[s]) != 0)
				continue;
			pending += strcmp(st, "pending") == 0;
			firing += strcmp(st, "firing") == 0;
		}
		put(t, "headroom_alerts{severity=\"%s\",state=\"pending\"} %zu\n", sev[s], pending);
		put(t, "headroom_alerts{severity=\"%s\",state=\"firing\"} %zu\n", sev[s], firing);
	}
}

static unsigned long counter(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void self_metrics(struct text *t, const struct module_ctx *d, const struct web_counters *k,
			 size_t sse_clients)
{
	head(t, "headroom_build_info", "gauge", "The running version.");
	put(t, "headroom_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	head(t, "headroom_samples_total", "counter", "Samples collectors delivered.");
	put(t, "headroom_samples_total %lu\n", d->venue->samples_total);
	head(t, "headroom_samples_malformed_total", "counter", "Samples no device can mean, taken as unknown.");
	put(t, "headroom_samples_malformed_total %lu\n", d->venue->samples_malformed);
	head(t, "headroom_store_failing", "gauge", "1 while RRD writes fail.");
	put(t, "headroom_store_failing %d\n", d->store_health.failing);
	head(t, "headroom_store_updates_failed_total", "counter", "RRD updates that failed.");
	put(t, "headroom_store_updates_failed_total %lu\n", d->store_health.failed_total);
	head(t, "headroom_store_batches_dropped_total", "counter", "Ticks of RRD rows dropped unwritten.");
	put(t, "headroom_store_batches_dropped_total %lu\n", d->store_health.dropped_total);
	head(t, "headroom_ticks_total", "counter", "Evaluation ticks run.");
	put(t, "headroom_ticks_total %lu\n", d->ticks);
	head(t, "headroom_http_requests_total", "counter", "HTTP requests received.");
	put(t, "headroom_http_requests_total %lu\n", counter(&k->requests_total));
	head(t, "headroom_http_responses_total", "counter", "HTTP responses by status class.");
	for (int c = 1; c <= 5; c++)
		put(t, "headroom_http_responses_total{code=\"%dxx\"} %lu\n", c,
		    counter(&k->responses[c]));
	head(t, "headroom_http_auth_failures_total", "counter", "Requests with wrong credentials.");
	put(t, "headroom_http_auth_failures_total %lu\n", counter(&k->auth_failures_total));
	head(t, "headroom_sse_events_total", "counter", "Server-sent events delivered.");
	put(t, "headroom_sse_events_total %lu\n", counter(&k->sse_events_total));
	head(t, "headroom_sse_clients", "gauge", "Dashboards connected for live updates.");
	put(t, "headroom_sse_clients %zu\n", sse_clients);
}

char *web_metrics_render(const struct module_ctx *d, const json_t *alerts,
			 const struct web_counters *counters, size_t sse_clients, size_t *len)
{
	struct text t = { .cap = 16384 };
	t.buf = xmalloc(t.cap);
	t.buf[0] = '\0';
	venue_metrics(&t, d->venue);
	room_metrics(&t, d->venue);
	wired_metrics(&t, d->venue);
	ap_metrics(&t, d->venue);
	radio_metrics(&t, d->venue);
	room_airtime_metrics(&t, d->venue);
	capture_airtime_metrics(&t, d->venue);
	uplink_metrics(&t, d->venue);
	target_metrics(&t, d->venue);
	alert_metrics(&t, alerts);
	self_metrics(&t, d, counters, sse_clients);
	*len = t.len;
	return t.buf;
}
