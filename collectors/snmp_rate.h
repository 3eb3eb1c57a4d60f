/*
 * snmp_rate: octet counter deltas that survive counter wraps and never
 * turn a device reboot, a counter reset or a jump into a spike. A delta,
 * forward or wrapped, counts only when it is a rate the link can carry
 * (at most 1.5 x max_bps, or 1 Tbit/s when the capacity is unknown);
 * otherwise it is a reset or a jump and the interval is discarded. sysUpTime going back is a reboot:
 * the interval is discarded too. The first reading only primes the state.
 */
#ifndef HEADROOM_SNMP_RATE_H
#define HEADROOM_SNMP_RATE_H

#include <stdbool.h>
#include <stdint.h>

enum snmp_rate_result {
	SNMP_RATE_OK = 0,	/* *bps holds the rate */
	SNMP_RATE_FIRST,	/* first reading (or counter width changed): no rate yet */
	SNMP_RATE_REBOOT,	/* sysUpTime went back: interval discarded */
	SNMP_RATE_RESET,	/* counter went back or jumped beyond the link: discarded */
	SNMP_RATE_NO_TIME,	/* no time passed since the last reading */
};

struct snmp_counter {
	bool valid;
	bool hc;		/* 64-bit counter */
	uint64_t value;
	double time;		/* local clock, seconds */
	uint32_t uptime;	/* sysUpTime, 1/100 s */
	bool has_uptime;
};

/* Feed one reading. max_bps <= 0 means the link capacity is unknown. */
enum snmp_rate_result snmp_rate_update(struct snmp_counter *c, uint64_t value, bool hc,
				       bool has_uptime, uint32_t uptime, double now,
				       double max_bps, double *bps);

/* True when sysUpTime b is earlier than a, allowing for the 497-day wrap
 * of the 32-bit TimeTicks between polls elapsed seconds apart. */
bool snmp_uptime_went_back(uint32_t a, uint32_t b, double elapsed);

const char *snmp_rate_result_name(enum snmp_rate_result r);

#endif
