/*
 * plan: the capacity plan. Pure functions of the config (and, for the
 * observed side, of numbers the caller passes in); no I/O, no state.
 *
 *   projected devices, venue = ceil(attendees x online_ratio x devices_per_attendee)
 *   projected devices, room  = ceil(seats x online_ratio x devices_per_attendee)
 *   room capacity            = its APs' max_clients + its wired_ports (cables)
 *   projected devices, AP    = ceil(room projection x max_clients / room capacity)
 *   projected uplink demand  = projected devices x kbps_per_device / 1000 Mbit/s
 *   headroom                 = capacity - projected (or - observed)
 *   status                   = crit at >= crit_ratio of capacity, warn at >= warn_ratio
 */
#ifndef HEADROOM_PLAN_H
#define HEADROOM_PLAN_H

#include <stdio.h>

#include "base/conf.h"

enum plan_status { PLAN_UNKNOWN = 0, PLAN_OK, PLAN_WARN, PLAN_CRIT };

const char *plan_status_name(enum plan_status s);

/* ceil() that forgives binary floating point: 1200 x 0.9 is 1080, not 1081. */
long plan_ceil(double x);

long plan_devices_for_people(double people, const struct conf_event *e);
/* Concurrent devices per attendee the plan assumes:
 * online_ratio x devices_per_attendee. */
double plan_devices_per_attendee(const struct conf_event *e);
/* What texts call the plan's assumption, from the configured
 * online_ratio: "90% rule", "85% rule", "87.5% rule". */
void plan_rule_name(const struct conf_event *e, char *buf, size_t len);
long plan_venue_projected_devices(const struct conf_event *e);
long plan_room_projected_devices(const struct conf_event *e, const struct conf_room *r);
/* A room's capacity: its APs' max_clients plus its configured wired_ports. */
long plan_room_capacity(const struct conf *c, int room_idx);
long plan_room_wifi_capacity(const struct conf *c, int room_idx);
long plan_room_wired_ports(const struct conf *c, int room_idx);
long plan_ap_projected_devices(const struct conf *c, int ap_idx);
long plan_venue_capacity(const struct conf *c);
double plan_demand_mbps(long devices, const struct conf_event *e);
double plan_venue_uplink_demand_mbps(const struct conf *c);
double plan_uplink_capacity_mbps(const struct conf *c);
/* An uplink's share of the venue demand, weighted by capacity. */
double plan_uplink_projected_mbps(const struct conf *c, int uplink_idx);

/* Status of a load against a capacity; unknown when either is unknown
 * (NaN) or the capacity is not positive. */
enum plan_status plan_status_of(double load, double capacity, double warn_ratio,
				double crit_ratio);
/* Status against explicit warn and crit levels (an AP's warn_clients). */
enum plan_status plan_status_levels(double load, double warn, double crit);

/* What a row of the plan measures: devices (venue, room) or Mbit/s
 * (all uplinks together, one uplink). */
enum plan_kind { PLAN_VENUE, PLAN_ROOM, PLAN_UPLINKS, PLAN_UPLINK };

/* "venue", "room", "uplinks", "uplink" */
const char *plan_kind_name(enum plan_kind k);

/* One row of the printed plan. */
struct plan_row {
	enum plan_kind kind;
	const char *name;
	long seats;		/* -1 for uplinks */
	double projected;
	double capacity;
	double headroom;
	enum plan_status status;
};

/* Fill rows for the venue, each room and each uplink. Returns the count
 * written (at most max). */
size_t plan_rows(const struct conf *c, struct plan_row *rows, size_t max);

/* Print the plan table and the verdict line; returns the number of
 * shortfalls (entities whose projection is at or above crit). */
int plan_print(const struct conf *c, FILE *out);

#endif
