/*
 * schedule: the conference programme and the per-room projection it
 * implies. schedule_load() reads frab/pentabarf/pretalx schedule XML, its
 * JSON variant (frab and pretalx shapes), iCalendar or a Sessionize API
 * export (JSON with startsAt and no conference), detecting the format by
 * content, and returns a complete, immutable schedule or NULL
 * with every problem as a "FILE:LINE: element: why" line (JSON, which has
 * no line numbers, names the element's path instead).
 *
 * Times are UTC instants. An event's own date with offset wins; a bare
 * local time (pentabarf day@date + start, iCalendar floating time,
 * Sessionize) is read in the schedule's zone: conf->event.timezone, else
 * the file's (<time_zone_name>, X-WR-TIMEZONE, the TZID its events use),
 * else the process zone. An iCalendar TZID is resolved through the system
 * tz database. Every start is shown in the schedule's zone, whatever
 * offset the source wrote (utc_offset is that zone's at the start).
 *
 * Expected attendance of a session in venue room R (bounded by R's seats
 * and by the event's attendees):
 *   the first `session "glob"` block matching its title or id: attendance x seats
 *   keynote, plenary, opening, closing (type or title):        all seats
 *   break, lunch, coffee, dinner:  its room empties; every common_area room fills
 *   anything else (a talk):        SCHEDULE_TALK_FILL x seats
 *   (`session "*" { attendance = 0.5 }` changes the talk fill rate.)
 * Projected devices = plan_devices_for_people(attendance). The timeline
 * holds that for every venue room and every minute from the first start
 * to the last end. Room indexes are those of the conf the schedule was
 * loaded with: load a new schedule with every new conf.
 *
 * Hooks for other modules (d->schedule, NULL without a schedule):
 *   dashboard now/next: schedule_now_next(s, room_idx, now, &cur, &next);
 *     show cur/next->title, ->start, ->devices against
 *     plan_room_capacity(conf, room_idx).
 *   alert session_over_capacity: for every session with room_idx >= 0,
 *     schedule_session_over_capacity(s, conf, sess) tells whether its
 *     projection exceeds its room's AP capacity; fire when
 *     sess->start - lead <= now < sess->start + sess->duration
 *     (schedule_upcoming() lists those sessions for a lead time).
 */
#ifndef HEADROOM_SCHEDULE_H
#define HEADROOM_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "base/conf.h"

#define SCHEDULE_TALK_FILL 0.7
/* Longest schedule accepted: a longer span means a wrong date. */
#define SCHEDULE_MAX_DAYS 62

enum schedule_format { SCHEDULE_AUTO = 0, SCHEDULE_XML, SCHEDULE_JSON, SCHEDULE_ICS,
		       SCHEDULE_SESSIONIZE };

enum schedule_kind { SCHEDULE_TALK = 0, SCHEDULE_PLENARY, SCHEDULE_BREAK };

/*
 * What real exporters do, kept and counted rather than refused: each is
 * a warning ("FILE:LINE: element: why", the first few of each kind) and
 * a count in schedule->oddities. Only a file that is not a schedule at
 * all fails to load.
 */
enum schedule_oddity {
	SCHEDULE_ODD_OPEN_ENDED,	/* no end or duration: zero length (RFC 5545) */
	SCHEDULE_ODD_BAD_LENGTH,	/* negative or unreadable length: zero length */
	SCHEDULE_ODD_ZERO_LENGTH,	/* sessions lasting no time, whatever the cause */
	SCHEDULE_ODD_OVERLAP,		/* same-room pairs overlapping: both kept */
	SCHEDULE_ODD_DUPLICATE_ID,	/* ids or UIDs several sessions use: kept apart */
	SCHEDULE_ODD_NO_ROOM,		/* sessions naming no room */
	SCHEDULE_ODD_EMPTY_ROOM,	/* room containers holding no session */
	SCHEDULE_ODD_UNUSED_ROOM,	/* declared rooms no session uses */
	SCHEDULE_ODD_OTHER_ROOM,	/* a session's room is not its container's */
	SCHEDULE_ODD_OUTSIDE_DAY,	/* starts on another date than its day's */
	SCHEDULE_ODD_PSEUDO_ROOM,	/* rooms that are no place: breaks, "Elsewhere" */
	SCHEDULE_ODD_START_MISMATCH,	/* <start> disagrees with <date>; <date> wins */
	SCHEDULE_ODD_UNKNOWN_TZID,	/* TZID outside the tz database */
	SCHEDULE_ODD_SKIPPED,		/* sessions without a readable start: left out */
	SCHEDULE_ODD_COUNT
};

/* "overlaps": the oddity's key in JSON. */
const char *schedule_oddity_key(enum schedule_oddity k);
/* "same-room overlaps (both kept)": what -t and the log print after the count. */
const char *schedule_oddity_text(enum schedule_oddity k);

struct schedule_session {
	char *id;			/* event id or iCalendar UID */
	char *title;			/* trimmed */
	char *type;			/* as given, "" when absent */
	char *room;			/* room name in the schedule */
	time_t start;
	long duration;			/* seconds, > 0 */
	int utc_offset;			/* seconds east of UTC in the schedule's zone */
	int line;			/* 0 when the format has no lines (JSON) */
	char *element;			/* what to name in messages */
	enum schedule_kind kind;
	int room_idx;			/* venue room, -1 when unmapped */
	double attendance;		/* expected people in room_idx */
	long devices;			/* projected devices for the session */
};

struct schedule_room {
	char *name;			/* as spelled in the schedule */
	int room_idx;			/* venue room, -1 when unmapped */
	size_t n_sessions;		/* 0: declared, never used */
	time_t first_start, last_start;
	int first_offset, last_offset;
	int line;
};

/* How current a schedule is. A schedule fetched from a URL is fetched
 * again every schedule_refresh; the loop updates this after each try,
 * everything else only reads it. */
struct schedule_status {
	bool live;			/* the source is an http(s) URL */
	double loaded;			/* when this copy was taken in (loop clock) */
	double confirmed;		/* the source last delivered or confirmed it */
	long stale_after;		/* seconds unconfirmed before it is stale */
	char error[256];		/* why the last fetch failed; "" after a success */
	char note[256];			/* "schedule changed: 3 sessions moved"; "" */
	double noted;			/* when note was written */
};

struct schedule {
	char *path;
	enum schedule_format format;
	char *zone;			/* the schedule's zone, NULL = process zone */
	const char *zone_source;	/* "config", "file" or "system" */
	size_t n_days;			/* day containers, else distinct local dates */
	size_t n_local_dates;		/* distinct local dates of session starts */
	size_t n_day_containers;	/* <day> / days[]; 0 for other formats */
	size_t oddities[SCHEDULE_ODD_COUNT];
	struct schedule_session *sessions;	size_t n_sessions;	/* by start, room */
	struct schedule_room *rooms;	size_t n_rooms;		/* by name */
	char *warnings;			/* "FILE:LINE: ..." lines or NULL */
	char *source;			/* the bytes it was built from */
	size_t source_len;
	struct schedule_status status;

	/* the timeline: devices[room * n_minutes + minute] */
	time_t begin;			/* start of minute 0 */
	size_t n_minutes;
	size_t n_venue_rooms;
	long *devices;
	int *cause;			/* session index behind each minute, -1 none */
};

/* Load PATH (relative paths are taken from the config file's folder);
 * for conf's schedule URL, the copy the daemon keeps in the state dir
 * (no network: headroom report reads it after the event). */
struct schedule *schedule_load(const struct conf *conf, const char *path, char **err_out);
/* Parse a buffer; NAME is used in messages. */
struct schedule *schedule_parse(const struct conf *conf, enum schedule_format fmt,
				const char *buf, size_t len, const char *name, char **err_out);
void schedule_free(struct schedule *s);
/* old's bytes built again for conf (a reload may change rooms and zone);
 * the status is carried over. NULL and *err_out when they do not load. */
struct schedule *schedule_rebuild(const struct conf *conf, const struct schedule *old,
				  char **err_out);
/* A schedule without sessions (a URL not fetched yet): it carries the
 * status, so a source that never answers still turns stale. */
struct schedule *schedule_empty(const struct conf *conf, const char *source);
/* Is its source a URL that has not confirmed it for stale_after seconds? */
bool schedule_is_stale(const struct schedule *s, double now);
/* The sessions moved, resized, added and removed from old to new, as a
 * note: "schedule changed: 3 sessions moved, 1 added"; the count of
 * changed sessions (0: "schedule updated: no session moved"). */
size_t schedule_diff(const struct schedule *old, const struct schedule *new, char *note,
		     size_t size);
enum schedule_format schedule_detect(const char *buf, size_t len);
const char *schedule_format_name(enum schedule_format f);

/* Projected devices in a venue room during the minute holding t. */
long schedule_room_projection(const struct schedule *s, int room_idx, time_t t);

/* The session running in a venue room at now and the next one to start;
 * either may be NULL. Returns 0, or -1 for a bad room index. */
int schedule_now_next(const struct schedule *s, int room_idx, time_t now,
		      const struct schedule_session **cur,
		      const struct schedule_session **next);

/* The worst projected minute of a session's room while it runs (a break
 * elsewhere can fill a common area beyond the session's own share). */
long schedule_session_peak(const struct schedule *s, const struct schedule_session *sess);
bool schedule_session_over_capacity(const struct schedule *s, const struct conf *c,
				    const struct schedule_session *sess);
/* Sessions running at now or starting within lead seconds, in start
 * order; returns the count written (at most max). */
size_t schedule_upcoming(const struct schedule *s, time_t now, long lead,
			 const struct schedule_session **out, size_t max);

/* A stretch where a venue room's projection exceeds its AP capacity. */
struct schedule_overload {
	int room_idx;
	time_t start, end;
	long peak;			/* projected devices at the worst minute */
	long capacity;
	const struct schedule_session *session;	/* the session behind it */
};

/* Overloads by start, then room; *out is malloc'd (caller frees). */
size_t schedule_overloads(const struct schedule *s, const struct conf *c,
			  struct schedule_overload **out);

/* "2024-11-22T09:20+11:00" */
void schedule_format_time(time_t t, int utc_offset, char *buf, size_t size);

/* Load conf->event.schedule, a path (relative: to the config file).
 * *err_out may hold lines even on success (what was worked around). */
struct schedule *schedule_load_source(const struct conf *conf, char **err_out);

/* ---- schedules at a URL (schedule_live.c) ---- */

/* "http://..." or "https://...": fetched, not read from disk. */
bool schedule_is_url(const char *source);
/* The copy of conf's URL kept in the state dir, or NULL and why. */
struct schedule *schedule_load_kept(const struct conf *conf, char **err_out);
/* headroomd -t and --dump-schedule: fetch conf's URL now (blocking);
 * when that fails, the copy kept in the state dir, with a line in
 * *err_out saying so. */
struct schedule *schedule_fetch_once(const struct conf *conf, char **err_out);
/* The daemon's schedule for conf's URL before the first fetch answers:
 * last built again when it is a copy of the same URL, else the copy in
 * the state dir, else an empty schedule. Never NULL. */
struct schedule *schedule_live_initial(const struct conf *conf, const struct schedule *last,
				       double now);

/* The fetcher on the daemon's loop: fetches a URL conf->event.schedule at
 * once and every schedule_refresh, updates m->schedule's status, and
 * hands a changed copy (built for m->conf, with a note) to apply, which
 * takes it over (swap, recompute, free the old one). A schedule file is
 * looked at every schedule_refresh and handed over when it changed. */
struct module_ctx;
struct schedule_live;
typedef void (*schedule_live_apply)(void *ctx, struct schedule *fresh);
struct schedule_live *schedule_live_start(struct module_ctx *m, schedule_live_apply apply,
					  void *ctx);
/* After a reload: a new source, a new refresh; a URL is fetched at once. */
void schedule_live_reconfigure(struct schedule_live *l);
void schedule_live_stop(struct schedule_live *l);

/* headroomd -t: load conf->event.schedule, print a summary (days, rooms,
 * sessions, first and last start, the zone, the oddities' counts), the
 * warnings, the schedule rooms no venue room takes with their sessions,
 * and the overloads; errors go to stderr. Returns 0, or -1 when the
 * schedule does not load. Nothing when there is no schedule. */
int schedule_print_check(const struct conf *conf, FILE *out);
void schedule_print(const struct schedule *s, const struct conf *conf, FILE *out);
/* The same for the log: a summary line, the warnings, the unmapped rooms. */
void schedule_log(const struct schedule *s);
/* "261 same-room overlaps (both kept), ..." or "none"; the kinds seen. */
size_t schedule_oddities_text(const struct schedule *s, char *buf, size_t size);
/* Schedule rooms with sessions that map to no venue room; *sessions
 * their sessions. */
size_t schedule_unmapped(const struct schedule *s, size_t *sessions);

/* Everything tests compare, as JSON: counts, zone, per-room sessions,
 * first/last start (local and UTC), every session, the oddities. */
struct json_t;
struct json_t *schedule_json(const struct schedule *s);
/* Where volunteers look (the API's venue, the dashboard's stream): the
 * source, sessions, whether it is live or stale, the last fetch error,
 * the note of the last change ("schedule changed: 3 sessions moved");
 * JSON null without a schedule. */
struct json_t *schedule_status_json(const struct schedule *s, double now);
/* headroomd --dump-schedule: schedule_json() of conf's schedule on out;
 * 0, or -1 (errors on stderr). */
int schedule_dump(const struct conf *conf, FILE *out);

#endif
