#include "config.h"
#include "notify.h"
#include "daemon.h"

/* Not built yet: see the tracker. */
const struct module_ops notify_module_ops = {
	.name = "notify",
};

#include "log.h"

int notify_test_send(const struct conf *conf, const char *name);
int notify_test_send(const struct conf *conf, const char *name)
{
	log_err("notifier \"%s\": notifications are not built yet", name);
	return -1;
}
