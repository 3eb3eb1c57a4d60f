/*
 * alert_core: the alert engine's decisions as a pure function of
 * (state, observations, now). No clock, no I/O: the caller passes time in
 * and collects what the evaluation decided (log events, notifications,
 * transitions) from the out_* arrays, which every evaluation replaces.
 *
 *  - identity: fingerprint = FNV-1a 64 of rule and sorted labels (hex)
 *  - levels: netdata-style hysteresis, crit enters at crit and leaves
 *    below clear_crit, warn likewise; severity is the highest level whose
 *    condition held for its for-duration (crit mutes warn of the alert)
 *  - flapping: last 21 levels, weighted state change 0.75..1.25 (Nagios);
 *    starts above flap_high percent, stops below flap_low; one notice each
 *  - grouping: rule + area (room, uplink, pool, target, capture, notifier
 *    or "venue"); group_wait before the first notice, then at most one
 *    notice per group_interval, reminders after the alert's repeat
 *  - inhibition: a firing target_down or collector_stalled mutes every
 *    other alert carrying the same target label
 *  - silences and acks mute notifications only; state still changes
 */
#ifndef HEADROOM_ALERT_CORE_H
#define HEADROOM_ALERT_CORE_H

#include <jansson.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts/alert.h"
#include "base/conf.h"

/* ---- observations: what a rule saw for one entity in one evaluation ---- */

#define ALERT_RULE_MAX 32
#define ALERT_LABELS_MAX 6
#define ALERT_LABEL_NAME_MAX 16
#define ALERT_LABEL_VALUE_MAX 96
#define ALERT_SUMMARY_MAX 200

struct alert_label {
	char name[ALERT_LABEL_NAME_MAX];
	char value[ALERT_LABEL_VALUE_MAX];
};

struct alert_obs {
	char rule[ALERT_RULE_MAX];
	struct alert_label labels[ALERT_LABELS_MAX];	/* identity, with rule */
	size_t n_labels;
	double value;			/* NAN: no data; the alert holds its state */
	double warn, crit;		/* enter levels; NAN: level not used */
	double clear_warn, clear_crit;	/* leave levels (hysteresis) */
	bool below;			/* fires when value <= level (forecasts) */
	bool info;			/* a warn-level condition is "info" (watchdog) */
	long for_warn, for_crit;	/* seconds the condition must hold */
	long repeat;			/* seconds between reminders; 0 never */
	long group_wait;		/* -1: the configured default */
	char summary[ALERT_SUMMARY_MAX];
};

/* Add a label to an observation (ignored when full). */
void alert_obs_label(struct alert_obs *o, const char *name, const char *value);

enum alert_sev { SEV_NONE = 0, SEV_INFO, SEV_WARN, SEV_CRIT };
enum alert_state { AS_INACTIVE = 0, AS_PENDING, AS_FIRING, AS_RESOLVED };

#define ALERT_FP_LEN 17
#define ALERT_FLAP_WINDOW 21
#define ALERT_SILENCE_ID_LEN 37
#define ALERT_MATCHERS_MAX 8

struct alert_rec {
	char fp[ALERT_FP_LEN];
	char rule[ALERT_RULE_MAX];
	struct alert_label labels[ALERT_LABELS_MAX];
	size_t n_labels;
	enum alert_sev level;		/* condition now, after hysteresis */
	enum alert_sev sev;		/* firing severity */
	enum alert_state state;
	double since_warn, since_crit;	/* condition start; 0 = not holding */
	double started, ended;		/* startsAt, endsAt */
	double value;
	char summary[ALERT_SUMMARY_MAX];
	long repeat, group_wait;
	enum alert_sev notified;	/* last severity told; NONE: none open */
	unsigned char hist[ALERT_FLAP_WINDOW];
	int hist_n;
	bool flapping;
	double flap_pct;
	bool acked;
	char ack_by[64];
	char muted_by[ALERT_SILENCE_ID_LEN + 16];	/* last logged mute reason */
	bool seen;
	char group[ALERT_RULE_MAX + ALERT_LABEL_VALUE_MAX + 2];	/* rule/area, when known */
};

struct alert_group {
	char key[ALERT_RULE_MAX + ALERT_LABEL_VALUE_MAX + 2];
	double next_flush;
	double last_sent;
};

/* Silences are made over HTTP by anyone with the token and matched on
 * the loop: their number and each regex's cost are bounded. */
#define ALERT_SILENCES_MAX 1000
/* Counted repetitions ({m,n}) above this are refused. */
#define ALERT_REGEX_REPEAT_MAX 100
/* Positions the expanded pattern may have: glibc copies a{1,100} into
 * 100 states, and nesting multiplies, which made one silence cost
 * seconds and gigabytes. */
#define ALERT_REGEX_COST_MAX 1000

struct alert_matcher {
	char name[ALERT_LABEL_NAME_MAX];
	char value[ALERT_LABEL_VALUE_MAX];
	bool regex, equal;
	regex_t *rx;			/* compiled "^(value)$", owned by the core's copy */
};

struct alert_silence {
	char id[ALERT_SILENCE_ID_LEN];
	struct alert_matcher matchers[ALERT_MATCHERS_MAX];
	size_t n_matchers;
	double starts, ends, created;
	char created_by[64];
	char comment[256];
};

struct alert_core {
	struct alert_rec *recs;
	size_t n_recs, cap_recs;
	struct alert_group *groups;
	size_t n_groups, cap_groups;
	struct alert_silence *silences;
	size_t n_silences, cap_silences;
	unsigned long regex_compiles;	/* silences' regexes compiled so far */
	double group_wait, group_interval;	/* seconds */
	double flap_high, flap_low;		/* percent */
	unsigned long next_notification;
	/* outputs of the last evaluation or request */
	json_t *out_log;		/* log events (see alert.h) without ts */
	json_t *out_notifications;	/* for notify (alert_engine_take_notifications) */
	json_t *out_transitions;
	bool changed;			/* state worth persisting changed */
	/* fingerprint -> record: an open-addressing table over recs[] */
	uint32_t *rec_slots;		/* record index + 1; 0 = empty */
	size_t rec_mask;		/* slots - 1 */
	size_t rec_indexed;		/* recs[0..rec_indexed) are in the table */
};

void alert_core_init(struct alert_core *c, double group_wait, double group_interval);
void alert_core_free(struct alert_core *c);
/* Start a new output batch (the caller took the previous one). */
void alert_core_clear_out(struct alert_core *c);

void alert_core_evaluate(struct alert_core *c, const struct alert_obs *obs, size_t n,
			 double now);

void alert_fingerprint(const char *rule, const struct alert_label *labels, size_t n,
		       char out[ALERT_FP_LEN]);
struct alert_rec *alert_core_find(struct alert_core *c, const char *fp);
const char *alert_sev_name(enum alert_sev s);
const char *alert_state_name(enum alert_state s);
/* The group area of a label set: room, uplink, pool, target, capture,
 * notifier, else "venue". */
const char *alert_area(const struct alert_label *labels, size_t n);

/* NULL when a regex matcher's value is cheap enough to match on the
 * loop, else why not (no backreferences, no quantifier on a quantified
 * group, {m,n} up to ALERT_REGEX_REPEAT_MAX, expanded size up to
 * ALERT_REGEX_COST_MAX). */
const char *alert_regex_too_costly(const char *pattern);

/* Validate a silence request body (see alert.h); fills out (without id
 * and without compiled regexes: the core compiles its own copy once). */
int alert_silence_parse(const json_t *body, double now, struct alert_silence *out,
			char *err, size_t errlen);
/* Validate an ack request body; fills author. */
int alert_ack_parse(const char *alert_id, const json_t *body, char *author, size_t authorlen,
		    char *err, size_t errlen);

void alert_core_add_silence(struct alert_core *c, const struct alert_silence *s, double now);
/* Keep a copy of s in the core, its regexes compiled (for load and add). */
void alert_core_keep_silence(struct alert_core *c, const struct alert_silence *s);
int alert_core_unsilence(struct alert_core *c, const char *id, double now);
int alert_core_ack(struct alert_core *c, const char *fp, const char *author, double now);

/* Persistence: everything needed to resume without re-paging. */
json_t *alert_core_save(const struct alert_core *c);
int alert_core_load(struct alert_core *c, const json_t *state, char *err, size_t errlen);

/* Web snapshots. */
json_t *alert_core_alerts_json(const struct alert_core *c, double now);
json_t *alert_core_silences_json(const struct alert_core *c, double now);

/* The built-in rules: observations from the venue (alert_rules.c). The
 * rules keep short histories (client drops, trends) between calls. */
struct alert_rules;
struct venue;
struct alert_rules *alert_rules_new(void);
void alert_rules_free(struct alert_rules *rs);
size_t alert_rules_observe(struct alert_rules *rs, const struct conf *c, const struct venue *v,
			   double started, double now, struct alert_obs **obs, size_t *cap);
/* session_over_capacity from the schedule (NULL: none): appends to the n
 * observations already in *obs and returns the new count. */
struct schedule;
size_t alert_rules_sessions(struct alert_rules *rs, const struct conf *c,
			    const struct schedule *s, double now, struct alert_obs **obs,
			    size_t *cap, size_t n);
/* What notify last said of a notifier (see alert_engine_set_delivery);
 * notifier_failing observes it. */
void alert_rules_set_store(struct alert_rules *rs, bool failing, const char *why);
void alert_rules_set_delivery(struct alert_rules *rs, const char *notifier, bool failing,
			      const char *why);

/* An index over an array of named entries (records, groups, histories):
 * an open-addressing table whose slots hold the entry's index + 1, 0 when
 * empty. alert_index_size(n) is a table size for n entries (a power of
 * two, at least 2n); key_at(ctx, i) names entry i. Returns the slot that
 * holds key, or the empty slot where it belongs. */
typedef const char *(*alert_key_fn)(const void *ctx, size_t i);
size_t alert_index_size(size_t n);
uint32_t *alert_index_probe(uint32_t *slots, size_t mask, const char *key, alert_key_fn key_at,
			    const void *ctx);

#endif
