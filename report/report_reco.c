/* Recommendations for next year, each one derived from the report's numbers. */
#include "config.h"
#include "report/report.h"
#include "model/plan.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(struct report *r, const char *kind, char *entity, double value, char *text)
{
	r->recos = xrealloc(r->recos, (r->n_recos + 1) * sizeof *r->recos);
	r->recos[r->n_recos++] = (struct report_reco){ kind, entity, value, text };
}

static void recommend_ratio(struct report *r)
{
	const struct conf_event *e = &r->conf->event;
	double planned = plan_devices_per_attendee(e);
	if (isnan(r->peak_devices.value)) {
		add(r, "plan", xstrdup("venue"), NAN,
		    xasprintf("No device counts were recorded, so the plan cannot be checked: "
			      "keep %.2f devices per attendee.", planned));
		return;
	}
	add(r, "plan", xstrdup("venue"), r->peak_ratio,
	    xasprintf("Plan next year with %.2f concurrent devices per attendee (observed peak "
		      "%.0f devices for %ld attendees); this year's plan assumed %.2f.",
		      r->peak_ratio, r->peak_devices.value, e->attendees, planned));
}

/* Typical AP size in a room, to turn clients into a number of APs. */
static long room_ap_size(const struct conf *c, int room_idx)
{
	long sum = 0, n = 0;
	for (size_t i = 0; i < c->n_aps; i++)
		if (c->aps[i].room_idx == room_idx) {
			sum += c->aps[i].max_clients;
			n++;
		}
	return n ? sum / n : c->radio_max_clients * 2;
}

static void recommend_rooms(struct report *r)
{
	for (size_t i = 0; i < r->n_rooms; i++) {
		const struct report_room *room = &r->rooms[i];
		if (room->recommend_add <= 0)
			continue;
		long size = room_ap_size(r->conf, room->idx);
		long aps = size > 0 ? (room->recommend_add + size - 1) / size : 0;
		char seen[96], rule[48];
		plan_rule_name(&r->conf->event, rule, sizeof rule);
		if (room->has_data)
			snprintf(seen, sizeof seen, "observed peak %.0f", room->peak.value);
		else
			snprintf(seen, sizeof seen, "no samples were recorded");
		add(r, "room", xasprintf("room:%s", room->conf->name), (double)room->recommend_add,
		    xasprintf("%s: add AP capacity for %ld clients (about %ld AP%s of %ld): "
			      "the %s projects %ld devices for %ld seats, capacity is %ld, %s.",
			      room->conf->name, room->recommend_add, aps, aps == 1 ? "" : "s", size,
			      rule, room->projected, room->conf->seats, room->capacity, seen));
	}
}

static void recommend_uplink(struct report *r)
{
	double have = plan_uplink_capacity_mbps(r->conf);
	double asked = plan_venue_uplink_demand_mbps(r->conf);
	char rule[48];
	plan_rule_name(&r->conf->event, rule, sizeof rule);
	if (isnan(r->uplink_peak_mbps)) {
		add(r, "uplink", xstrdup("venue"), r->recommend_uplink_mbps,
		    xasprintf("No uplink traffic was recorded; the %s asks for %.0f Mbit/s, "
			      "so provision %.0f Mbit/s.", rule, asked, r->recommend_uplink_mbps));
		return;
	}
	char per[64] = "";
	if (!isnan(r->mbps_per_device))
		snprintf(per, sizeof per, " (%.2f Mbit/s of peak uplink per peak device)",
			 r->mbps_per_device);
	add(r, "uplink", xstrdup("venue"), r->recommend_uplink_mbps,
	    xasprintf("Provision %.0f Mbit/s of uplink: the observed peak of %.1f Mbit/s%s stays "
		      "below %.0f%% of it; the %s asked for %.0f Mbit/s and %.0f Mbit/s "
		      "was provided.", r->recommend_uplink_mbps, r->uplink_peak_mbps, per,
		      r->conf->warn_ratio * 100, rule, asked, have));
}

static void recommend_aps(struct report *r)
{
	for (size_t i = 0; i < r->n_aps; i++) {
		const struct report_ap *ap = &r->aps[i];
		if (!ap->has_data)
			add(r, "ap", xasprintf("ap:%s", ap->conf->name), NAN,
			    xasprintf("%s sent no data during the event: check how it is polled "
				      "before relying on it.", ap->conf->name));
		else if (ap->peak.value <= 0)
			add(r, "ap", xasprintf("ap:%s", ap->conf->name), 0,
			    xasprintf("%s never had a client: move it to a busier room or leave "
				      "it out.", ap->conf->name));
	}
}

/* ---- airtime: a busy channel is not always a crowd ---- */

/* The radios of room (-1: in no room) whose channel reached warn, split
 * by whether their clients were within the plan then (few) or not. */
static size_t busy_radios(const struct report *r, int room, bool few, char *list, size_t len,
			  double *peak, double *minutes, double *clients)
{
	size_t n = 0, o = 0;
	*peak = *minutes = *clients = NAN;
	list[0] = '\0';
	for (size_t i = 0; i < r->n_radios; i++) {
		const struct report_radio *x = &r->radios[i];
		if (x->room_idx != room || !x->air.has_data || !(x->air.minutes_warn > 0))
			continue;
		bool is_few = isnan(x->clients_busy) || x->clients_busy < x->clients_warn;
		if (is_few != few)
			continue;
		n++;
		*peak = isnan(*peak) ? x->air.peak.value : fmax(*peak, x->air.peak.value);
		*minutes = isnan(*minutes) ? x->air.minutes_warn : fmax(*minutes, x->air.minutes_warn);
		if (!isnan(x->clients_busy))
			*clients = isnan(*clients) ? x->clients_busy : fmax(*clients, x->clients_busy);
		if (o + 1 < len)
			o += (size_t)snprintf(list + o, len - o, "%s%s", n > 1 ? ", " : "", x->entity + 6);
	}
	if (o >= len && len > 4)
		strcpy(list + len - 4, "...");
	return n;
}

static void recommend_busy(struct report *r, int room, const char *name, double warn)
{
	char list[240];
	double peak, minutes, clients;
	size_t n = busy_radios(r, room, true, list, sizeof list, &peak, &minutes, &clients);
	char *entity = room >= 0 ? xasprintf("room:%s", name) : xstrdup("venue");
	if (n)
		add(r, "airtime", xstrdup(entity), peak,
		    xasprintf("%s: channel busy up to %.0f%% (%.0f min at or above %.0f%%) on %s "
			      "with at most %.0f clients, within what a radio is planned for: "
			      "interference or the channel plan (neighbouring networks, channel "
			      "width, APs sharing a channel), not a lack of APs; more APs on the "
			      "same channels would only add to it.", name, peak, minutes, warn, list,
			      isnan(clients) ? 0 : clients));
	n = busy_radios(r, room, false, list, sizeof list, &peak, &minutes, &clients);
	if (n)
		add(r, "airtime", xstrdup(entity), peak,
		    xasprintf("%s: channel busy up to %.0f%% (%.0f min at or above %.0f%%) on %s "
			      "with up to %.0f clients: the crowd used up the airtime; add APs on "
			      "other channels or move clients to 5 and 6 GHz.", name, peak, minutes,
			      warn, list, clients));
	free(entity);
}

/* Many clients and a quiet channel: the radios carried them. */
static void recommend_fine(struct report *r, const struct report_room *room)
{
	if (!(room->minutes_warn > 0) || !room->air.has_data ||
	    !(room->air.peak.value < room->air.warn))
		return;
	add(r, "airtime", xasprintf("room:%s", room->conf->name), room->air.peak.value,
	    xasprintf("%s: many clients (peak %.0f of %ld) with airtime at most %.0f%% "
		      "(warn %.0f%%): the channels carried them; fine.", room->conf->name,
		      room->peak.value, room->capacity, room->air.peak.value, room->air.warn));
}

static void recommend_airtime(struct report *r)
{
	for (size_t i = 0; i < r->n_rooms; i++) {
		recommend_busy(r, (int)i, r->rooms[i].conf->name, r->rooms[i].conf->airtime_warn);
		recommend_fine(r, &r->rooms[i]);
	}
	recommend_busy(r, -1, "radios in no room", r->conf->airtime_warn);
}

void report_recommend(struct report *r)
{
	recommend_ratio(r);
	recommend_rooms(r);
	report_recommend_wired(r);
	recommend_uplink(r);
	recommend_aps(r);
	recommend_airtime(r);
}
