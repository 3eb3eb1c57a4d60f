/*
 * schedule_parse: what the format parsers (schedule_xml.c, schedule_json.c,
 * schedule_ics.c, schedule_sessionize.c) share with schedule.c. Calls run one way: schedule.c
 * calls a parser, the parser fills a builder (schedule_build.c) with
 * sessions with UTC starts and durations as given, declared rooms and day
 * containers, and errors/warnings naming the element; schedule.c then
 * validates, maps rooms and builds the timeline from the builder. A
 * parser sees the builder only, never the config.
 *
 * Local times go through sb_local_to_utc(), which switches TZ for the
 * duration of the load (process-wide: call only while loading, from the
 * thread that owns the schedule); schedule.c restores it afterwards.
 */
#ifndef HEADROOM_SCHEDULE_PARSE_H
#define HEADROOM_SCHEDULE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "schedule/schedule.h"

struct schedule_civil;

struct sb_text {
	char *buf;
	size_t len, cap;
};

struct schedule_builder {
	const char *name;		/* file name for messages */
	const char *venue_zone;		/* conf->event.timezone or NULL */
	char *file_zone;		/* the file's own zone name, or NULL */
	struct schedule_session *sessions;
	size_t n_sessions, cap_sessions;
	struct schedule_room *declared;	/* rooms listed by the file */
	size_t n_declared, cap_declared;
	size_t n_day_containers;
	struct sb_text errors, warnings;
	size_t n_errors;
	size_t oddities[SCHEDULE_ODD_COUNT];

	/* TZ switching */
	bool tz_saved;
	char *tz_orig;			/* TZ before the load, NULL when unset */
	char *tz_current;		/* zone TZ is set to now; NULL = original */
	bool tz_switched;
};

void sb_error(struct schedule_builder *b, int line, const char *element, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void sb_warn(struct schedule_builder *b, int line, const char *element, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Something real exporters do: counted, and a warning for the first
 * SB_EXAMPLES of its kind (sb_oddity_totals() notes the rest). */
#define SB_EXAMPLES 3
void sb_oddity(struct schedule_builder *b, enum schedule_oddity k, int line, const char *element,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void sb_oddity_totals(struct schedule_builder *b);

/* Count a session whose local start date (before day_change seconds
 * past midnight: the previous date) is not its day container's. */
void sb_check_day(struct schedule_builder *b, const struct schedule_session *s,
		  const struct schedule_civil *day, long day_change);

/* The builder's sessions, rooms and texts; restores TZ too. */
void sb_free(struct schedule_builder *b);
/* n sessions with their strings: the builder's, or a built schedule's,
 * which took them over from the builder. */
void sb_free_sessions(struct schedule_session *sessions, size_t n);
/* One session's strings (the session itself is zeroed, not freed). */
void sb_free_session(struct schedule_session *s);
/* A zeroed session appended to the builder; the parser fills it with
 * malloc'd strings (NULL ones are set to "" by schedule.c). */
struct schedule_session *sb_add_session(struct schedule_builder *b);
/* Forget the session sb_add_session() returned last (it cannot be placed). */
void sb_drop_session(struct schedule_builder *b);
void sb_declare_room(struct schedule_builder *b, const char *name, int line);
/* The file's zone name; ignored (with a warning) when not in the tz database. */
void sb_set_file_zone(struct schedule_builder *b, const char *zone, int line);
/* The zone bare local times are read and every start shown in: the
 * config's, else the file's; NULL: the process zone. */
const char *sb_local_zone(const struct schedule_builder *b);
/* A malloc'd copy of s without its leading and trailing white space. */
char *sb_trimmed(const char *s);

/* A schedule path as schedule_load() opens it: relative to the config
 * file's folder. Malloc'd. */
char *schedule_resolve_path(const struct conf *conf, const char *path);

/* ---- time helpers (schedule_time.c) ---- */

/* A calendar wall-clock time; validated by schedule_civil_valid(). */
struct schedule_civil {
	int year, month, day, hour, min, sec;
};

bool schedule_civil_valid(const struct schedule_civil *c);
/* Seconds since the epoch of a UTC civil time (no TZ involved). */
time_t schedule_civil_to_utc(const struct schedule_civil *c);
void schedule_utc_to_civil(time_t t, struct schedule_civil *c);
/* Add days to a date (month and year roll over). */
void schedule_civil_add_days(struct schedule_civil *c, int days);

/* Is zone a name in the tz database ("UTC" included)? */
bool schedule_zone_known(const char *zone);
/* Local wall time in zone (NULL: the process zone) to UTC and the offset
 * in force then. 0, or -1 when the zone is unusable. */
int sb_local_to_utc(struct schedule_builder *b, const char *zone,
		    const struct schedule_civil *local, time_t *out, int *offset);
/* The offset in force in zone (NULL: the process zone) at t. */
int sb_offset_at(struct schedule_builder *b, const char *zone, time_t t);
/* Put TZ back as it was before the load. */
void sb_tz_restore(struct schedule_builder *b);

/*
 * "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z" or "+HH:MM"/"+HHMM" or nothing;
 * "YYYY-MM-DD HH:MM" too. has_offset tells whether an offset was given.
 * 0 or -1 on a bad date.
 */
int schedule_parse_iso(const char *s, struct schedule_civil *c, bool *has_offset, int *offset);
/* "H:MM", "HH:MM", "HH:MM:SS" into seconds; negative values rejected. */
int schedule_parse_hms(const char *s, long *secs);
/* "YYYY-MM-DD" */
int schedule_parse_date(const char *s, struct schedule_civil *c);

/* ---- format parsers: 0, or -1 when the file cannot be read at all ---- */
int schedule_parse_xml(struct schedule_builder *b, const char *buf, size_t len);
int schedule_parse_json(struct schedule_builder *b, const char *buf, size_t len);
int schedule_parse_ics(struct schedule_builder *b, const char *buf, size_t len);
int schedule_parse_sessionize(struct schedule_builder *b, const char *buf, size_t len);

#endif
