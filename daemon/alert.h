/*
 * alert: rule evaluation and alert state machine (not built yet).
 */
#ifndef HEADROOM_ALERT_H
#define HEADROOM_ALERT_H

#include "module.h"

extern const struct module_ops alert_module_ops;

#endif
