/* wired: each room's devices and ports on switches, and its capacity with the cables counted. */
#include "config.h"
#include "model/wired.h"
#include "model/venue.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Three polls of the slowest switch serving the room, at least three ticks. */
static double max_age(const struct venue *v, int room)
{
	const struct conf *c = v->conf;
	double interval = (double)c->tick;
	for (size_t i = 0; i < c->n_wired; i++) {
		int t = c->wired[i].target_idx;
		if (c->wired[i].room_idx == room && t >= 0 && c->targets[t].interval > interval)
			interval = (double)c->targets[t].interval;
	}
	return 3 * interval + 1;
}

static bool room_has_switch(const struct conf *c, int room)
{
	for (size_t i = 0; i < c->n_wired; i++)
		if (c->wired[i].room_idx == room)
			return true;
	return false;
}

static void update_room(struct venue *v, int r, double now)
{
	struct venue_room *room = &v->rooms[r];
	const struct conf_room *cr = room->conf;
	char entity[SAMPLE_ENTITY_MAX + 16];
	snprintf(entity, sizeof entity, "wired:%s", cr->name);
	double age = max_age(v, r);
	bool any = room_has_switch(v->conf, r);
	room->wired_devices = any ? venue_value(v, entity, "devices", now, age) : NAN;
	room->wired_ports = any ? venue_value(v, entity, "ports", now, age) : NAN;
	room->wired_ports_up = any ? venue_value(v, entity, "ports_up", now, age) : NAN;
	room->wired_ports_used = any ? venue_value(v, entity, "ports_used", now, age) : NAN;
	room->wired_ports_free = any ? venue_value(v, entity, "ports_free", now, age) : NAN;
	double cables = cr->wired_ports >= 0 ? (double)cr->wired_ports
		      : isfinite(room->wired_ports) ? room->wired_ports : 0;
	room->wired_capacity = cables;
	room->capacity = room->wifi_capacity + cables;
}

void wired_update_rooms(struct venue *v, double now)
{
	for (size_t r = 0; r < v->conf->n_rooms; r++)
		update_room(v, (int)r, now);
}

double wired_share(const struct venue_room *r)
{
	if (!isfinite(r->wired_devices))
		return NAN;
	double wifi = isfinite(r->clients) ? r->clients : 0;
	double all = wifi + r->wired_devices;
	return all > 0 ? r->wired_devices / all : NAN;
}

bool wired_cables_needed(const struct venue_room *r, double crit_ratio)
{
	if (!(r->wired_capacity > 0))
		return false;
	return r->projected >= r->wifi_capacity * crit_ratio &&
	       r->projected < r->capacity * crit_ratio;
}
