/*
 * wired: the rooms' wired side, from the wired:<room> samples the snmp
 * collector's switch targets send (collectors/snmp_switch.h): devices on
 * cables (distinct hashed MACs on the room's access ports), ports, ports
 * up, used and free. A room's capacity is its APs' plus its wired ports:
 * the configured wired_ports, else the access ports the switches map to
 * it. Readings older than three switch intervals are unknown.
 */
#ifndef HEADROOM_WIRED_H
#define HEADROOM_WIRED_H

#include <stdbool.h>

struct venue;
struct venue_room;

/* The wired fields of every room, and its capacity with them (call
 * before the room's load and status are worked out). */
void wired_update_rooms(struct venue *v, double now);

/* The share of a room's devices on cables, 0..1; NAN when unknown. */
double wired_share(const struct venue_room *r);

/* Whether the room's projection holds only with its wired ports counted
 * (crit against the APs alone, not against APs and ports). */
bool wired_cables_needed(const struct venue_room *r, double crit_ratio);

#endif
