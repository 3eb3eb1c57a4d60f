/*
 * notify: chat webhook delivery with an on-disk spool (not built yet).
 */
#ifndef HEADROOM_NOTIFY_H
#define HEADROOM_NOTIFY_H

#include "module.h"

extern const struct module_ops notify_module_ops;

#endif
