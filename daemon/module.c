#include "config.h"
#include "module.h"

#include "alert.h"
#include "notify.h"
#include "store.h"
#include "web.h"

/* Order matters: the store records the tick, alerts evaluate it, notify
 * delivers what alerts decided, and web publishes the result. */
const struct module_ops *const module_registry[] = {
	&store_module_ops,
	&alert_module_ops,
	&notify_module_ops,
	&web_module_ops,
	NULL
};
