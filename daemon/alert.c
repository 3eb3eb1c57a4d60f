#include "config.h"
#include "alert.h"
#include "daemon.h"

/* Not built yet: see the tracker. */
const struct module_ops alert_module_ops = {
	.name = "alert",
};
