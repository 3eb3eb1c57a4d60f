/*
 * web: HTTP dashboard, JSON API, SSE and /metrics (not built yet).
 */
#ifndef HEADROOM_WEB_H
#define HEADROOM_WEB_H

#include "module.h"

extern const struct module_ops web_module_ops;

#endif
