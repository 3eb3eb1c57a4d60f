/*
 * venue: the latest state of every room, AP, uplink, target, capture and
 * DHCP pool. Only the event-loop thread reads or writes it; the web side
 * gets immutable snapshots built from it.
 *
 * Samples land in a metric table keyed by (entity, metric); venue_update()
 * then derives the typed view below (AP clients, room sums, uplink rates),
 * marking values "unknown" (NAN) when their source is down or stale.
 * Entity and metric names collectors use:
 *   ap:NAME       clients clients_2g4 clients_5g clients_6g  (text: name on the device)
 *                 (a count above radios x radio_plausible_clients, or below
 *                 zero, is unknown and counted in samples_malformed)
 *                 unplanned=1 for rows the config does not know
 *   ssid:NAME     clients
 *   uplink:NAME   bps_in bps_out capacity_mbps octets_in_total octets_out_total
 *   target:NAME   up (1/0; text: last error) poll_ms, profile (text "name: why
 *                 it was chosen"), no_data, clients, aps (collectors/snmp.h)
 *   capture:NAME  up active_clients devices_day_global devices_day_random drops_total
 *   pool:NAME     leases
 *   wired:ROOM    devices ports ports_up ports_used ports_free (model/wired.h)
 *   radio:AP/BAND[/RADIO]  clients utilization (or utilization#total,
 *                 #airtime: percent busy) noise (dBm) channel
 *   channel:CAPTURE/CHANNEL, bssid:CAPTURE/BSSID  utilization retry_ratio
 *                 ...: kept in the metric table as they come
 *
 * A radio's status is the worse of its clients against radio_warn_clients
 * and radio_max_clients (at most its AP's levels) and its utilisation
 * against the room's airtime_warn and airtime_crit (percent). An AP's and
 * a room's status are the worse of their own clients' and their radios'
 * airtime.
 */
#ifndef HEADROOM_VENUE_H
#define HEADROOM_VENUE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/conf.h"
#include "model/plan.h"
#include "base/sample.h"

struct venue_metric {
	char entity[SAMPLE_ENTITY_MAX];
	char metric[SAMPLE_METRIC_MAX];
	double value;
	double time;
	char text[SAMPLE_TEXT_MAX];
	bool used;
	bool implausible;		/* the last sample was dropped as not data */
};

struct venue_ap {
	char name[SAMPLE_ENTITY_MAX];	/* config name, or the device's name */
	bool planned;
	int conf_idx;			/* -1 when unplanned */
	int room_idx;			/* -1 when unplanned */
	const char *target;		/* may be NULL */
	char device_name[SAMPLE_TEXT_MAX];
	double clients;			/* NAN = unknown */
	double clients_2g4, clients_5g, clients_6g;
	double capacity, warn;
	double projected;
	double updated;			/* time of the last sample, 0 = never */
	bool unlisted;			/* its target answered but never listed it */
	enum plan_status status;
	int first_radio;		/* into venue.radios, then next_of_ap; -1: none */
};

struct venue_radio {
	char entity[SAMPLE_ENTITY_MAX];	/* radio:AP/BAND[/RADIO] */
	char ap[SAMPLE_ENTITY_MAX];	/* the AP's name, as in venue_ap */
	char band[8];			/* 2g4 5g 6g 3g5 60g unk */
	char radio[SAMPLE_ENTITY_MAX];	/* "" unless the AP has several in the band */
	int ap_idx;			/* into venue.aps; -1 when no AP has the name */
	int next_of_ap;			/* the AP's next radio, -1: the last */
	int room_idx;			/* -1 when its AP is in no room */
	double clients;			/* NAN = unknown */
	double utilization;		/* percent busy, the plain or #total figure */
	bool states_utilization;	/* its device gives a figure (maybe stale) */
	double noise;			/* dBm */
	double channel;
	double capacity, warn;		/* radio_max/warn_clients, at most the AP's */
	double airtime_warn, airtime_crit;	/* percent, the room's levels */
	double updated;
	enum plan_status clients_status, airtime_status;
	enum plan_status status;	/* the worse of the two */
};

struct venue_room {
	const struct conf_room *conf;
	double clients;			/* sum over its APs with data; NAN when none */
	int aps_total, aps_known;
	/* on cables (model/wired.h); NAN when no switch serves the room */
	double wired_devices, wired_ports, wired_ports_up, wired_ports_used, wired_ports_free;
	double wifi_capacity;		/* its APs' */
	double wired_capacity;		/* wired_ports, else the mapped ports seen */
	double capacity;		/* both: load is Wi-Fi clients plus wired devices */
	double projected;
	double headroom;		/* capacity - max(observed, projected) */
	enum plan_status status;	/* observed clients against capacity */
	enum plan_status plan_status;	/* projection against capacity */
	/* airtime: over its radios with a utilisation figure */
	int radios_total, radios_known;
	double airtime_max, airtime_mean;	/* percent; NAN when none */
	enum plan_status airtime_status;	/* the worst of its radios' */
	enum plan_status clients_status;	/* observed clients only */
};

struct venue_uplink {
	const struct conf_uplink *conf;
	double bps_in, bps_out;		/* NAN = unknown */
	double capacity_mbps;		/* config, else ifHighSpeed */
	double projected_mbps;
	double utilisation;		/* max(in, out) / capacity, 0..1+ */
	double updated;
	enum plan_status status;
};

struct venue_target {
	const struct conf_target *conf;
	int up;				/* 1 up, 0 down, -1 not polled yet */
	char last_error[SAMPLE_TEXT_MAX];
	char profile[SAMPLE_METRIC_MAX];	/* the profile in use; "" until known */
	char profile_reason[SAMPLE_TEXT_MAX];	/* why: "configured", the sysObjectID... */
	bool no_data;			/* answers, but its profile finds no client figure */
	char no_data_reason[SAMPLE_TEXT_MAX];
	double updated;
	double poll_ms;
};

struct venue_pool {
	const struct conf_dhcp_pool *conf;
	double leases;
	double updated;
	enum plan_status status;
};

struct venue_totals {
	double devices;			/* observed now: sum of AP clients */
	long projected;			/* 90% rule */
	long capacity;			/* sum of AP max_clients */
	/* capacity - max(observed, projected + beyond): beyond is what rooms
	 * draw over their own projection, load the venue's plan did not put
	 * there. Equals the plan's headroom while every room keeps to it. */
	double headroom;
	double beyond;			/* sum over rooms of max(0, clients - projected) */
	double uplink_mbps_in, uplink_mbps_out, uplink_capacity_mbps;
	double uplink_projected_mbps;
	double uplink_utilisation;	/* max(in, out) / capacity; NAN when unknown */
	enum plan_status uplink_status;	/* that peak against the levels */
	int aps_known, aps_total, aps_unplanned;
	int targets_up, targets_down;
	enum plan_status status;
	double updated;			/* newest sample time */
};

struct venue {
	const struct conf *conf;
	struct venue_metric *metrics;	/* open-addressing hash table */
	size_t metrics_cap, metrics_used;

	struct venue_ap *aps;		/* configured first, then unplanned */
	size_t n_aps, aps_cap;
	struct venue_radio *radios;	/* in order of their first sample */
	size_t n_radios, radios_cap;
	struct venue_room *rooms;	/* parallel to conf->rooms */
	struct venue_uplink *uplinks;	/* parallel to conf->uplinks */
	struct venue_target *targets;	/* parallel to conf->targets */
	struct venue_pool *pools;	/* parallel to conf->pools */
	struct venue_totals totals;
	double last_update;
	unsigned long samples_total;
	unsigned long samples_malformed;	/* values no device can mean, taken as unknown */
};

struct venue *venue_new(const struct conf *conf);
/* A venue for a new config that keeps the readings of the old one. */
struct venue *venue_rebuild(const struct venue *old, const struct conf *conf);
void venue_free(struct venue *v);

void venue_ingest(struct venue *v, const struct sample *s);
const struct venue_metric *venue_metric_get(const struct venue *v, const char *entity,
					    const char *metric);
/* The value of (entity, metric), or NAN when absent or older than max_age
 * seconds (max_age <= 0: any age). */
double venue_value(const struct venue *v, const char *entity, const char *metric,
		   double now, double max_age);

/* Recompute the typed view from the metric table at time now. */
void venue_update(struct venue *v, double now);

/* The worse of two statuses; unknown only when both are. */
enum plan_status venue_status_worse(enum plan_status a, enum plan_status b);
/* A radio's status from its clients and utilisation (percent). */
enum plan_status venue_radio_status(double clients, double warn, double capacity,
				    double utilization, double airtime_warn, double airtime_crit);

/* Call fn for every metric entry (for stores and exporters). */
void venue_each_metric(const struct venue *v,
		       void (*fn)(const struct venue_metric *m, void *arg), void *arg);

#endif
