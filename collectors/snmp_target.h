/*
 * snmp_target: the snmp collector's per-target state, shared by the poll
 * state machine (snmp.c) and what turns a finished poll into samples and
 * probe reports (snmp_emit.c). Internal to collectors/.
 */
#ifndef HEADROOM_SNMP_TARGET_H
#define HEADROOM_SNMP_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "base/collector.h"
#include "collectors/snmp_probe.h"
#include "collectors/snmp_profile.h"
#include "collectors/snmp_rate.h"
#include "collectors/snmp_rows.h"
#include "collectors/siphash.h"

/* net-snmp spells GETBULK's fields as macros over errstat/errindex; they
 * would rewrite struct conf_target's max_repetitions too. */
#undef max_repetitions
#undef non_repeaters

#define MAX_COLS 8		/* columns walked side by side in one request */
#define MAX_PROBES 32		/* detect probes sent in one GETNEXT */
#define SYSDESCR_MAX 256
#define ERRORS_LOGGED_PER_POLL 5

struct column {
	struct snmp_oid root;
	struct snmp_cell *cells;
	size_t n, cap;
	oid cursor[MAX_OID_LEN];
	size_t cursor_len;
	bool done;
	bool walked;			/* read this poll */
	bool unordered;			/* a whole table entry from an unsorted agent */
	size_t answers;			/* varbinds taken: a runaway agent is stopped */
};

enum step {
	STEP_IDLE = 0, STEP_BASE, STEP_DETECT, STEP_SCALARS, STEP_IFNAMES, STEP_UPLINK,
	STEP_PROBE_IF, STEP_TABLES, STEP_SWITCH, STEP_DONE
};

/* IF-MIB columns: the order an interface is looked up in, then what only
 * the probe reads (kept apart: a target is small, there may be thousands). */
enum if_col { IF_NAME, IF_DESCR, IF_ALIAS, IF_LOOKUP_COLS };
enum if_probe_col { IF_HC_IN, IF_HC_OUT, IF_HIGH_SPEED, IF_OPER, IF_PROBE_COLS };

struct uplink_state {
	char *name;
	long ifindex;			/* 0: not resolved yet */
	struct snmp_counter in, out;
	bool configured;
};

struct snmp_state;

struct target {
	struct snmp_state *st;
	struct collector *c;
	const struct conf_target *conf;
	char *name;
	void *sessp;
	int fd;
	netsnmp_large_fd_set fdset, scratch;
	bool fdsets;
	struct event *read_ev, *timer_ev, *poll_ev;
	bool v3_ready;			/* engine discovered, keys localized */

	/* the profile: configured, or chosen from the device (profile = "auto") */
	bool auto_profile;
	struct snmp_profile *profile;	/* NULL: not chosen yet, or none */
	bool device_ap;
	char profile_reason[SAMPLE_TEXT_MAX];
	bool profile_announced;
	bool profile_configured;	/* named in the config, not chosen */
	struct column *pcols;		/* per profile column */
	struct snmp_oid *scalar_oids;	/* every scalar alternative, resolved */
	size_t n_scalar_oids;
	struct snmp_cell *scalar_cells;	/* their answers this poll */
	bool *table_read;		/* per table, this poll */
	bool *table_skip;		/* an earlier alternative answered */
	bool *table_entry;		/* the agent returns this table out of order:
					 * walk its whole entry (kept across polls) */
	size_t table_cursor, column_cursor;
	int entry_phase;		/* 0 columns, 1 entry walk sent */
	bool unsorted;			/* this table's walk went backwards */
	struct column *entry;		/* the entry walk, made when first needed */

	/* what the device is */
	bool have_sysinfo;
	oid sysoid[MAX_OID_LEN];
	size_t sysoid_len;
	char sysdescr[SYSDESCR_MAX];
	struct snmp_oid *probes;	/* detect probes, while choosing */
	bool *probe_ok;
	size_t n_probes;

	/* the poll in progress */
	enum step step;
	bool waiting;			/* a request is outstanding */
	double poll_started;
	size_t uplink_cursor;
	unsigned poll_errors;
	char fail_reason[SAMPLE_TEXT_MAX];
	bool base_sysinfo;		/* the base GET asked for sysDescr, sysObjectID */
	bool base_scalars;		/* ... and for the profile's scalars */
	struct column get;		/* GET answers in varbind order */
	struct column *walk[MAX_COLS];
	size_t n_walk;
	size_t active[MAX_COLS], n_active;
	struct column ifcols[IF_LOOKUP_COLS];
	struct column *ifprobe;		/* IF_PROBE_COLS, for --probe only */
	bool has_uptime;
	uint32_t uptime;
	char sysname[SNMP_TEXT_MAX];

	/* across polls */
	struct uplink_state *uplinks;
	size_t n_uplinks;
	int failures;			/* consecutive failed polls */
	int up;				/* -1 unknown, 0 down, 1 up */
	int no_data;			/* -1 not said yet, else the last no_data sample */
	unsigned long errors_total;
	bool polled_once;
	bool counted_once;

	struct switch_state *sw;	/* kind = "switch": its walks and last counts */
	long bulk_reps;			/* GETBULK rows asked now; 0: max_repetitions */
	long reps_cap;			/* after an answer too big to come: at most this */
};

/* Profiles are immutable once loaded: targets of one config share them. */
struct shared_profile {
	struct snmp_profile *profile;
	unsigned generation;		/* the config it was loaded for */
	int refs;
};

struct snmp_state {
	struct collector *c;
	struct shared_profile *profiles;
	size_t n_profiles;
	unsigned generation;
	struct snmp_profile **catalog;	/* every profile, for profile = "auto" */
	size_t n_catalog;
	bool catalog_loaded;
	struct target **targets;
	size_t n_targets;
	size_t once_pending;
	bool once_reported;
	bool library;			/* init_snmp done */
	const struct conf_target *probe_target;	/* --probe: only this one */
	snmp_probe_report_fn probe_fn;
	void *probe_ctx;
	struct sipkey key;		/* hashes switches' learned MACs */
	bool have_key;
};

/* snmp.c */
void column_init(struct column *col, const oid *root, size_t len);
void column_free(struct column *col);
/* GETBULK max-repetitions of the next request. */
long target_bulk_reps(const struct target *t);
/* Walk columns side by side with GETBULK; false when nothing was sent. */
bool target_walk(struct target *t, struct column *const *cols, size_t n);
void target_error(struct target *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double target_now(const struct target *t);
void entity_of(char *buf, size_t size, const char *kind, const char *name);

/* snmp_emit.c: the finished poll's rows as samples (and the probe report). */
void snmp_emit_poll(struct target *t);
/* The profile's choice as a sample, once per choice. */
void snmp_emit_profile(struct target *t);
/* --probe: the report of a poll that got no answer. */
void snmp_emit_probe_failed(struct target *t);

#endif
