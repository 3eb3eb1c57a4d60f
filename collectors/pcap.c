#include "config.h"
#include "pcap.h"

static int pcap_start(struct collector *c)
{
	if (c->once)
		c->sink->cycle_done(c->sink, "pcap");
	return 0;
}

static int pcap_reconfigure(struct collector *c, const struct conf *conf)
{
	return 0;
}

static void pcap_stop(struct collector *c)
{
}

const struct collector_ops pcap_collector_ops = {
	.name = "pcap",
	.start = pcap_start,
	.reconfigure = pcap_reconfigure,
	.stop = pcap_stop,
};
