/*
 * store_layout: what an RRD file of each entity kind holds and where it
 * lives (internal to the store).
 *
 * Every data source is a GAUGE with min 0, heartbeat 3 x step. Uplink
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

#define STORE_MAX_DS 6
#define STORE_MAX_RRA 6

enum store_kind { STORE_AP, STORE_ROOM, STORE_UPLINK, STORE_POOL, STORE_CAPTURE, STORE_VENUE,
		  STORE_KINDS };

struct store_kind_info {
	const char *prefix;		/* entity prefix: "ap" ("venue" has no name) */
	const char *dir;		/* subfolder, NULL for the top */
	const char *ds[STORE_MAX_DS];
	size_t n_ds;
};

const struct store_kind_info *store_kind_info(enum store_kind kind);

/* Split "ap:NAME" / "venue" into kind and name; -1 when malformed. */
int store_parse_entity(const char *entity, enum store_kind *kind, const char **name);

/* Index of a data source in a kind, or -1. */
int store_ds_index(enum store_kind kind, const char *metric);

/* Percent-encode an entity name into a file name stem. Returns the length,
 * or -1 when it does not fit. */
int store_encode_name(const char *name, char *out, size_t outlen);

/* The file of (kind, name) under base ("state_dir" or the remote instance
 * prefix); malloc'd. */
char *store_file_path(const char *base, enum store_kind kind, const char *name);

/* The create arguments (DS and RRA lines) of a kind at a step, as a
 * NULL-terminated malloc'd argv; free with store_free_argv(). */
char **store_create_argv(enum store_kind kind, long step, int *argc);
void store_free_argv(char **argv);

/* About how many bytes a new file of this kind takes on disk. */
unsigned long long store_file_bytes(enum store_kind kind, long step);

/* The RRA resolutions (seconds per row) a file at this step keeps. */
size_t store_resolutions(long step, long *res, size_t max);

#endif
