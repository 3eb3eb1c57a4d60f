#include "config.h"
#include "web.h"
#include "daemon.h"

/* Not built yet: see the tracker. */
const struct module_ops web_module_ops = {
	.name = "web",
};
