/*
 * snmp_probe: headroomd --probe. One poll of one target, printed for the
 * volunteer setting up a venue: the device, the profile and why, the APs
 * with their radios, the SSIDs, the totals, the interfaces and every
 * object the profile expected that the device did not answer. snmp.c
 * fills the report at the end of the poll; snmp_probe.c prints it.
 */
#ifndef HEADROOM_SNMP_PROBE_H
#define HEADROOM_SNMP_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/collector.h"
#include "collectors/snmp_rows.h"

struct snmp_probe_iface {
	long ifindex;
	char name[SNMP_TEXT_MAX];
	bool has_octets, hc;
	uint64_t in, out;
	double speed_mbps;		/* 0: unknown */
	int oper;			/* ifOperStatus, 0: unknown */
};

struct snmp_probe_report {
	const char *target;
	const char *address;
	bool answered;
	const char *fail_reason;
	const char *sysname;
	const char *sysdescr;
	const char *sysobjectid;
	const char *profile;		/* NULL: none chosen */
	const char *profile_reason;
	bool device_ap;
	const struct snmp_result *result;	/* NULL without a profile */
	const char *no_data_reason;	/* why no client figure came back, or "" */
	const char *const *missing;	/* "OID (what)" */
	size_t n_missing;
	const struct snmp_probe_iface *ifaces;
	size_t n_ifaces;
	const char *switch_text;	/* kind = "switch": its ports, or NULL */
};

typedef void (*snmp_probe_report_fn)(void *ctx, const struct snmp_probe_report *r);

/* Poll target ct once in the collector c (once mode) and hand the report
 * to fn before the poll's samples are emitted. */
int snmp_probe_start(struct collector *c, const struct conf_target *ct, snmp_probe_report_fn fn,
		     void *ctx);

void snmp_probe_print(FILE *out, const struct snmp_probe_report *r);

#endif
