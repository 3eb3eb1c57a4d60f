/* registry: the collectors and modules compiled into headroomd, in order. */
#include "config.h"
#include "daemon/daemon.h"

#include "collectors/pcap.h"
#include "collectors/snmp.h"
#include "alerts/alert.h"
#include "notify/notify.h"
#include "store/store.h"
#include "web/web.h"

const struct collector_ops *const collector_registry[] = {
	&snmp_collector_ops,
	&pcap_collector_ops,
	NULL
};

/* Order matters: the store records the tick, alerts evaluate it, notify
 * delivers what alerts decided, and web publishes the result. */
const struct module_ops *const module_registry[] = {
	&store_module_ops,
	&alert_module_ops,
	&notify_module_ops,
	&web_module_ops,
	NULL
};
