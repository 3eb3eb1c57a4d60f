/*
 * store: RRD time series for every entity (not built yet).
 */
#ifndef HEADROOM_STORE_H
#define HEADROOM_STORE_H

#include "module.h"

extern const struct module_ops store_module_ops;

#endif
