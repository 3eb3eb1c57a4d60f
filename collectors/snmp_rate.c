/* Octet counter rates across wraps, resets and reboots. */
#include "config.h"
#include "collectors/snmp_rate.h"

#define UNKNOWN_CAPACITY_BPS 1e12	/* nothing at a venue carries 1 Tbit/s */
#define CAPACITY_SLACK 1.5		/* counters run ahead of ifHighSpeed a little */

bool snmp_uptime_went_back(uint32_t a, uint32_t b, double elapsed)
{
	if (b >= a)
		return false;
	/* A TimeTicks wrap: a was near 2^32 and b is about elapsed later. */
	uint64_t wrapped = (uint64_t)b + 4294967296ULL - a;
	double expected = elapsed * 100.0;
	return !(elapsed > 0 && wrapped <= expected * 2 + 6000);
}

static void remember(struct snmp_counter *c, uint64_t value, bool hc, bool has_uptime,
		     uint32_t uptime, double now)
{
	c->valid = true;
	c->hc = hc;
	c->value = value;
	c->time = now;
	c->has_uptime = has_uptime;
	c->uptime = uptime;
}

enum snmp_rate_result snmp_rate_update(struct snmp_counter *c, uint64_t value, bool hc,
				       bool has_uptime, uint32_t uptime, double now,
				       double max_bps, double *bps)
{
	struct snmp_counter prev = *c;
	remember(c, value, hc, has_uptime, uptime, now);
	if (!prev.valid || prev.hc != hc)
		return SNMP_RATE_FIRST;
	double elapsed = now - prev.time;
	if (prev.has_uptime && has_uptime && snmp_uptime_went_back(prev.uptime, uptime, elapsed))
		return SNMP_RATE_REBOOT;
	if (!(elapsed > 0))
		return SNMP_RATE_NO_TIME;
	/* Unsigned arithmetic wraps modulo 2^64; a 32-bit counter wraps at 2^32. */
	uint64_t delta = value - prev.value;
	if (value < prev.value && !hc)
		delta &= 0xffffffffULL;
	/* Forward or wrapped, a delta the link cannot carry is not traffic:
	 * a failover between core switches jumps the counter ahead, and
	 * 1.5 GB in one poll read 6 Gbit/s on a 1 Gbit/s uplink. */
	double limit = max_bps > 0 ? max_bps * CAPACITY_SLACK : UNKNOWN_CAPACITY_BPS;
	if ((double)delta * 8.0 / elapsed > limit)
		return SNMP_RATE_RESET;
	*bps = (double)delta * 8.0 / elapsed;
	return SNMP_RATE_OK;
}

const char *snmp_rate_result_name(enum snmp_rate_result r)
{
	switch (r) {
	case SNMP_RATE_OK: return "ok";
	case SNMP_RATE_FIRST: return "first reading";
	case SNMP_RATE_REBOOT: return "device rebooted (sysUpTime went back)";
	case SNMP_RATE_RESET: return "counter reset";
	case SNMP_RATE_NO_TIME: return "no time elapsed";
	}
	return "?";
}
