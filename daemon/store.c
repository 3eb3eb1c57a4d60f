#include "config.h"
#include "store.h"
#include "daemon.h"

/* Not built yet: see the tracker. */
const struct module_ops store_module_ops = {
	.name = "store",
};
