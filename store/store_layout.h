/*
 * store_layout: what an RRD file of each entity kind holds, where each
 * value comes from in the venue model, and where the file lives
 * (internal to the store).
 *
 * One table per kind names every data source once, in file order, with
 * the accessor that reads its value from the venue: the file's layout
 * and the values written into it cannot drift apart. A data source added
 * later goes at the end of its kind's table: files written before it
 * have the kind's first data sources in the same order, and the writer
 * adds the missing ones in place (store_writer.h).
 *
 * Every data source is a GAUGE with min 0 (noise floors: no minimum),
 * heartbeat 3 x step. Uplink
 * bits per second are stored as GAUGE of the rates the collectors
 * computed, not as DERIVE/COUNTER of octets: the collectors already turn
 * counter wraps and device reboots into unknown intervals, and a rate
 * can come from sources without counters (pcap windows). RRAs keep
 * 10 s rows for 4 days, 1 min rows for 30 days and 1 h rows for 2 years,
 * each as AVERAGE and MAX, with row counts scaled to the step.
 *
 * Entity names become file names percent-encoded ([A-Za-z0-9_-] and
 * non-leading, non-repeated '.' stay as they are), so no name can hold a
 * '/' or a ".." component and two names never share a file.
 */
#ifndef HEADROOM_STORE_LAYOUT_H
#define HEADROOM_STORE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "store/store.h"

#define STORE_MAX_DS STORE_METRICS_MAX
#define STORE_MAX_RRA 6

enum store_kind { STORE_AP, STORE_ROOM, STORE_UPLINK, STORE_POOL, STORE_CAPTURE, STORE_VENUE,
		  STORE_RADIO, STORE_KINDS };

struct venue;

/* One entity as the venue model holds it at a batch's time. */
struct store_source {
	const struct venue *v;
	const void *obj;	/* the kind's struct: venue_ap, venue_room, venue_uplink,
				 * venue_pool, conf_capture, venue_totals or venue_radio */
	const char *name;	/* the entity's name ("" for the venue) */
	time_t t;
};

struct store_ds;
/* A data source's value (NAN = unknown) for one entity. */
typedef double store_value_fn(const struct store_source *src, const struct store_ds *ds);

struct store_ds {
	const char *name;		/* the RRD data source (at most 19 characters) */
	store_value_fn *value;
	size_t offset;			/* of its field in the kind's struct, for value */
	bool negative;			/* may go below 0 (a noise floor in dBm) */
};

struct store_kind_info {
	const char *prefix;		/* entity prefix: "ap" ("venue" has no name) */
	const char *dir;		/* subfolder, NULL for the top */
	const struct store_ds *ds;	/* in file order */
	size_t n_ds;
};

const struct store_kind_info *store_kind_info(enum store_kind kind);

/* Split "ap:NAME" / "venue" into kind and name; -1 when malformed. */
int store_parse_entity(const char *entity, enum store_kind *kind, const char **name);

/* The values of an entity's data sources, in file order, into v. */
void store_values(enum store_kind kind, const struct store_source *src, double *v);

/* Index of a data source in a kind, or -1. */
int store_ds_index(enum store_kind kind, const char *metric);

/* Percent-encode an entity name into a file name stem. Returns the length,
 * or -1 when it does not fit. */
int store_encode_name(const char *name, char *out, size_t outlen);

/* The name a file name stem stands for (store_encode_name() undone).
 * Returns its length, or -1 when it does not fit or a '%' is not
 * followed by two hex digits. */
int store_decode_name(const char *stem, char *out, size_t outlen);

/* The file of (kind, name) under base ("state_dir" or the remote instance
 * prefix); malloc'd. */
char *store_file_path(const char *base, enum store_kind kind, const char *name);

/* The DS line of a kind's i-th data source at a step; malloc'd. */
char *store_ds_spec(enum store_kind kind, size_t i, long step);

/* The create arguments (DS and RRA lines) of a kind at a step, as a
 * NULL-terminated malloc'd argv; free with store_free_argv(). */
char **store_create_argv(enum store_kind kind, long step, int *argc);
void store_free_argv(char **argv);

/* About how many bytes a new file of this kind takes on disk. */
unsigned long long store_file_bytes(enum store_kind kind, long step);

/* The RRA resolutions (seconds per row) a file at this step keeps. */
size_t store_resolutions(long step, long *res, size_t max);

#endif
