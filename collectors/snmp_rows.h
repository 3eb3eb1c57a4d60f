/*
 * snmp_rows: what one poll read, turned into the venue's rows by a
 * compiled profile (snmp_profile.h): APs, their radios by band, virtual
 * APs of unknown band, SSIDs, the device total and AP counts. Pure data
 * in, data out: no session, no samples; snmp.c emits the result and
 * headroomd --probe prints it.
 *
 * Rows of different scopes are never added to one another: a controller
 * total stays the device's statement even when the radio rows disagree.
 */
#ifndef HEADROOM_SNMP_ROWS_H
#define HEADROOM_SNMP_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/snmp_profile.h"

#define SNMP_MAX_INDEX 40		/* index arcs kept per cell */
#define SNMP_TEXT_MAX 128
#define SNMP_MAX_VARIANTS 8		/* utilization figures per radio */

/* One varbind as read: the index under its column and the value. */
struct snmp_cell {
	oid idx[SNMP_MAX_INDEX];
	size_t idx_len;
	u_char type;			/* ASN type or SNMP exception */
	bool negative;
	uint64_t num;
	char *text;			/* OCTET STRING, printable, NUL-terminated */
};

/* A walked column: cells sorted by index. */
struct snmp_walk {
	const struct snmp_cell *cells;
	size_t n;
};

struct snmp_values {
	const struct snmp_profile *p;
	const struct snmp_walk *columns;	/* p->n_columns */
	const struct snmp_cell *const *scalars;	/* p->n_scalars: the answer or NULL */
	const struct snmp_walk *ifmib;		/* ifName, ifDescr, ifAlias; NULL: not read */
	const bool *table_read;			/* p->n_tables */
	bool device_ap;
};

struct snmp_util {
	const char *variant;		/* NULL: the plain figure; owned by the profile */
	double value;
};

struct snmp_ap_row {
	char name[SNMP_TEXT_MAX];	/* the device's name for it */
	bool self;			/* the polled device itself */
	bool has_clients;
	double clients;
	bool has_band[SNMP_BANDS];
	double band[SNMP_BANDS];
};

struct snmp_radio_row {
	size_t ap;
	enum snmp_band band;
	char name[SNMP_TEXT_MAX];	/* set when the AP has several radios in the band */
	bool vap;			/* a virtual AP whose radio is unknown */
	bool has_clients;
	double clients;
	struct snmp_util util[SNMP_MAX_VARIANTS];
	size_t n_util;
	bool has_noise, has_channel, has_frequency;
	double noise;			/* dBm, negative */
	double channel;
	double frequency;		/* MHz */
};

struct snmp_ssid_row {
	char name[SNMP_TEXT_MAX];	/* NAME, or NAME[index] for WLANs sharing it */
	bool has_clients;
	double clients;
	bool has_band[SNMP_BANDS];
	double band[SNMP_BANDS];
};

struct snmp_count {
	const char *variant;		/* aps#VARIANT; NULL for plain */
	double value;
};

struct snmp_result {
	struct snmp_ap_row *aps;
	size_t n_aps;
	struct snmp_radio_row *radios;
	size_t n_radios;
	struct snmp_ssid_row *ssids;
	size_t n_ssids;
	bool has_total;
	double total;
	struct snmp_count aps_counts[8];
	size_t n_aps_counts;
	size_t client_values;		/* every clients figure found: 0 = no data */
};

/* An unexpected value; the poll goes on. */
typedef void (*snmp_rows_error_fn)(void *ctx, const char *msg);

/* Build r from v; self_name names the device's own AP. */
void snmp_rows_build(const struct snmp_values *v, const char *self_name, struct snmp_result *r,
		     snmp_rows_error_fn error, void *ctx);
void snmp_result_free(struct snmp_result *r);

/* A number from a cell (numbers, or text holding one); false otherwise. */
bool snmp_cell_number(const struct snmp_cell *c, double *out);
void snmp_cell_text(const struct snmp_cell *c, char *buf, size_t size);
bool snmp_cell_missing(const struct snmp_cell *c);

/* The cell with exactly this index, or NULL. */
const struct snmp_cell *snmp_walk_find(const struct snmp_walk *w, const oid *idx, size_t len);

#endif
