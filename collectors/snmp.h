/*
 * snmp collector (not built yet).
 */
#ifndef HEADROOM_SNMP_H
#define HEADROOM_SNMP_H

#include "collector.h"

extern const struct collector_ops snmp_collector_ops;

#endif
