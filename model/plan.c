/* The capacity plan: projections, capacities and status from the config, and its printed form. */
#include "config.h"
#include "model/plan.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const char *plan_status_name(enum plan_status s)
{
	switch (s) {
	case PLAN_OK: return "ok";
	case PLAN_WARN: return "warn";
	case PLAN_CRIT: return "crit";
	default: return "unknown";
	}
}

long plan_ceil(double x)
{
	/* the config bounds keep projections far below; never overflow */
	double c = ceil(x - 1e-9);
	return c >= (double)LONG_MAX ? LONG_MAX : c <= (double)LONG_MIN ? LONG_MIN : (long)c;
}

long plan_devices_for_people(double people, const struct conf_event *e)
{
	if (people <= 0)
		return 0;
	return plan_ceil(people * e->online_ratio * e->devices_per_attendee);
}

double plan_devices_per_attendee(const struct conf_event *e)
{
	return e->online_ratio * e->devices_per_attendee;
}

void plan_rule_name(const struct conf_event *e, char *buf, size_t len)
{
	/* %.4g: 0.9 x 100 is 90.00000000000001 in binary, and reads 90 */
	snprintf(buf, len, "%.4g%% rule", e->online_ratio * 100);
}

long plan_venue_projected_devices(const struct conf_event *e)
{
	return plan_devices_for_people((double)e->attendees, e);
}

long plan_room_projected_devices(const struct conf_event *e, const struct conf_room *r)
{
	return plan_devices_for_people((double)r->seats, e);
}

/* Summed once by the config: callers ask per AP and per session. */
long plan_room_wifi_capacity(const struct conf *c, int room_idx)
{
	return room_idx >= 0 && (size_t)room_idx < c->n_rooms ? c->rooms[room_idx].ap_capacity : 0;
}

long plan_room_wired_ports(const struct conf *c, int room_idx)
{
	if (room_idx < 0 || (size_t)room_idx >= c->n_rooms)
		return 0;
	long ports = c->rooms[room_idx].wired_ports;
	return ports > 0 ? ports : 0;
}

long plan_room_capacity(const struct conf *c, int room_idx)
{
	return plan_room_wifi_capacity(c, room_idx) + plan_room_wired_ports(c, room_idx);
}

long plan_ap_projected_devices(const struct conf *c, int ap_idx)
{
	const struct conf_ap *a = &c->aps[ap_idx];
	if (a->room_idx < 0)
		return 0;
	long cap = plan_room_capacity(c, a->room_idx);
	if (cap <= 0)
		return 0;
	long room = plan_room_projected_devices(&c->event, &c->rooms[a->room_idx]);
	return plan_ceil((double)room * (double)a->max_clients / (double)cap);
}

long plan_venue_capacity(const struct conf *c)
{
	long sum = 0;
	for (size_t i = 0; i < c->n_aps; i++)
		sum += c->aps[i].max_clients;
	for (size_t i = 0; i < c->n_rooms; i++)
		sum += plan_room_wired_ports(c, (int)i);
	return sum;
}

double plan_demand_mbps(long devices, const struct conf_event *e)
{
	return (double)devices * e->kbps_per_device / 1000.0;
}

double plan_venue_uplink_demand_mbps(const struct conf *c)
{
	return plan_demand_mbps(plan_venue_projected_devices(&c->event), &c->event);
}

double plan_uplink_capacity_mbps(const struct conf *c)
{
	double sum = 0;
	for (size_t i = 0; i < c->n_uplinks; i++)
		sum += c->uplinks[i].capacity_mbps;
	return sum;
}

double plan_uplink_projected_mbps(const struct conf *c, int uplink_idx)
{
	double total = plan_uplink_capacity_mbps(c);
	double demand = plan_venue_uplink_demand_mbps(c);
	if (total <= 0)
		return c->n_uplinks ? demand / (double)c->n_uplinks : demand;
	return demand * c->uplinks[uplink_idx].capacity_mbps / total;
}

enum plan_status plan_status_levels(double load, double warn, double crit)
{
	if (isnan(load) || isnan(crit) || crit <= 0)
		return PLAN_UNKNOWN;
	if (load >= crit)
		return PLAN_CRIT;
	if (!isnan(warn) && load >= warn)
		return PLAN_WARN;
	return PLAN_OK;
}

enum plan_status plan_status_of(double load, double capacity, double warn_ratio,
				double crit_ratio)
{
	if (isnan(capacity) || capacity <= 0)
		return PLAN_UNKNOWN;
	return plan_status_levels(load, capacity * warn_ratio, capacity * crit_ratio);
}

/* How the plan prints each kind of row. A crit venue or room is a
 * device shortfall, worded with people and aps; crit uplinks together are
 * a bandwidth shortfall; one crit uplink is not counted again. */
static const struct {
	const char *name;
	const char *unit;		/* after the status */
	const char *people, *aps;	/* a device shortfall's words */
	bool shortfall;
} kinds[] = {
	[PLAN_VENUE] = { "venue", "", "the attendees", "all APs", true },
	[PLAN_ROOM] = { "room", "", "its seats", "its APs", true },
	[PLAN_UPLINKS] = { "uplinks", " (Mbit/s)", NULL, NULL, true },
	[PLAN_UPLINK] = { "uplink", " (Mbit/s)", NULL, NULL, false },
};

const char *plan_kind_name(enum plan_kind k)
{
	return kinds[k].name;
}

static struct plan_row row(const struct conf *c, enum plan_kind kind, const char *name,
			   long seats, double projected, double capacity)
{
	struct plan_row r = { kind, name, seats, projected, capacity, capacity - projected,
			      plan_status_of(projected, capacity, c->warn_ratio, c->crit_ratio) };
	/* Devices with no AP to hold them are a shortfall, not "unknown". */
	if ((kind == PLAN_VENUE || kind == PLAN_ROOM) && capacity == 0 && projected > 0)
		r.status = PLAN_CRIT;
	return r;
}

size_t plan_rows(const struct conf *c, struct plan_row *rows, size_t max)
{
	size_t n = 0;
	if (n < max)
		rows[n++] = row(c, PLAN_VENUE, c->event.name, c->event.attendees,
				(double)plan_venue_projected_devices(&c->event),
				(double)plan_venue_capacity(c));
	for (size_t i = 0; i < c->n_rooms && n < max; i++)
		rows[n++] = row(c, PLAN_ROOM, c->rooms[i].name, c->rooms[i].seats,
				(double)plan_room_projected_devices(&c->event, &c->rooms[i]),
				(double)plan_room_capacity(c, (int)i));
	if (c->n_uplinks && n < max)
		rows[n++] = row(c, PLAN_UPLINKS, "all", -1, plan_venue_uplink_demand_mbps(c),
				plan_uplink_capacity_mbps(c));
	for (size_t i = 0; i < c->n_uplinks && n < max; i++)
		rows[n++] = row(c, PLAN_UPLINK, c->uplinks[i].name, -1,
				plan_uplink_projected_mbps(c, (int)i),
				c->uplinks[i].capacity_mbps > 0 ? c->uplinks[i].capacity_mbps : NAN);
	return n;
}

static void print_shortfall(FILE *out, const struct plan_row *r)
{
	if (kinds[r->kind].people && r->capacity == 0)
		fprintf(out, "SHORTFALL: %s \"%s\": %s project %.0f devices but no AP serves it\n",
			kinds[r->kind].name, r->name, kinds[r->kind].people, r->projected);
	else if (kinds[r->kind].people)
		fprintf(out, "SHORTFALL: %s \"%s\": %s project %.0f devices but %s hold %.0f (%.0f short)\n",
			kinds[r->kind].name, r->name, kinds[r->kind].people, r->projected,
			kinds[r->kind].aps, r->capacity, -r->headroom);
	else
		fprintf(out, "SHORTFALL: uplinks: projected demand %.0f Mbit/s exceeds capacity %.0f Mbit/s\n",
			r->projected, r->capacity);
}

/* Rooms whose projection fits only because wired ports are counted:
 * the verdict says so, so nobody forgets to bring the switches. */
static int print_cables(const struct conf *c, FILE *out)
{
	int n = 0;
	for (size_t i = 0; i < c->n_rooms; i++) {
		long wired = plan_room_wired_ports(c, (int)i);
		long wifi = plan_room_wifi_capacity(c, (int)i);
		double projected = (double)plan_room_projected_devices(&c->event, &c->rooms[i]);
		if (wired <= 0 || projected < (double)wifi * c->crit_ratio ||
		    projected >= (double)(wifi + wired) * c->crit_ratio)
			continue;
		fprintf(out, "CABLES: room \"%s\" holds its %.0f projected devices only with its %ld wired ports counted (its APs hold %ld)\n",
			c->rooms[i].name, projected, wired, wifi);
		n++;
	}
	return n;
}

int plan_print(const struct conf *c, FILE *out)
{
	const struct conf_event *e = &c->event;
	size_t max = c->n_rooms + 2 * c->n_uplinks + 3;
	struct plan_row rows[max];
	size_t n = plan_rows(c, rows, max);
	int shortfalls = 0;

	fprintf(out, "Capacity plan for %s: %ld attendees x %.2f online x %.2f devices each"
		" = %ld devices, %.0f kbit/s per device\n\n",
		e->name, e->attendees, e->online_ratio, e->devices_per_attendee,
		plan_venue_projected_devices(e), e->kbps_per_device);
	fprintf(out, "%-8s %-24s %8s %12s %12s %12s  %s\n", "kind", "name", "seats",
		"projected", "capacity", "headroom", "status");
	for (size_t i = 0; i < n; i++) {
		struct plan_row *r = &rows[i];
		char seats[24] = "-";
		if (r->seats >= 0)
			snprintf(seats, sizeof seats, "%ld", r->seats);
		char cap[24], head[24];
		if (isnan(r->capacity)) {
			strcpy(cap, "from SNMP");
			strcpy(head, "-");
		} else {
			snprintf(cap, sizeof cap, "%.0f", r->capacity);
			snprintf(head, sizeof head, "%+.0f", r->headroom);
		}
		fprintf(out, "%-8s %-24s %8s %12.0f %12s %12s  %s%s\n", kinds[r->kind].name,
			r->name, seats, r->projected, cap, head, plan_status_name(r->status),
			kinds[r->kind].unit);
	}
	fputc('\n', out);
	for (size_t i = 0; i < n; i++) {
		struct plan_row *r = &rows[i];
		if (r->status != PLAN_CRIT || !kinds[r->kind].shortfall)
			continue;
		shortfalls++;
		print_shortfall(out, r);
	}
	for (size_t i = 0; i < n; i++)
		if (rows[i].status == PLAN_WARN)
			fprintf(out, "TIGHT: %s \"%s\" is at %.0f%% of capacity\n", kinds[rows[i].kind].name,
				rows[i].name, 100.0 * rows[i].projected / rows[i].capacity);
	int cables = print_cables(c, out);
	if (shortfalls)
		fprintf(out, "Verdict: %d shortfall%s before the doors open; fix them or accept the risk.\n",
			shortfalls, shortfalls == 1 ? "" : "s");
	else if (cables)
		fprintf(out, "Verdict: the plan holds only with the cables counted in %d room%s (above): every room and uplink has headroom for the projected load.\n",
			cables, cables == 1 ? "" : "s");
	else
		fprintf(out, "Verdict: the plan holds: every room and uplink has headroom for the projected load.\n");
	return shortfalls;
}
