#include "config.h"
#include "snmp.h"

static int snmp_start(struct collector *c)
{
	if (c->once)
		c->sink->cycle_done(c->sink, "snmp");
	return 0;
}

static int snmp_reconfigure(struct collector *c, const struct conf *conf)
{
	return 0;
}

static void snmp_stop(struct collector *c)
{
}

const struct collector_ops snmp_collector_ops = {
	.name = "snmp",
	.start = snmp_start,
	.reconfigure = snmp_reconfigure,
	.stop = snmp_stop,
};
