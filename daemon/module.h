/*
 * module: the daemon's internal stages after the venue model (store,
 * alerts, notify, web), each with the same small lifecycle so the loop
 * reads as a list. Modules keep their state in struct daemon, never in
 * globals.
 *
 * start()   after the config is loaded; modules flagged before_privdrop
 *           start while the daemon still has root (to bind ports).
 * tick()    once per tick, after venue_update(), in registry order.
 * reload()  after a new config was swapped in; old is still valid.
 * stop()    at shutdown, in reverse order; flush what must not be lost.
 */
#ifndef HEADROOM_MODULE_H
#define HEADROOM_MODULE_H

#include <stdbool.h>

#include "conf.h"

struct daemon;

struct module_ops {
	const char *name;
	bool before_privdrop;
	int (*start)(struct daemon *d);
	void (*tick)(struct daemon *d, double now);
	int (*reload)(struct daemon *d, const struct conf *old);
	void (*stop)(struct daemon *d);
};

extern const struct module_ops *const module_registry[];

#endif
