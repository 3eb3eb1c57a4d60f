/* The schedule: load and validate a file, map its rooms, project the timeline, answer queries. */
#include "config.h"
#include "schedule/schedule.h"
#include "schedule/schedule_parse.h"
#include "model/plan.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A schedule file larger than this is not a conference programme. */
#define SCHEDULE_MAX_BYTES (64L * 1024 * 1024)

/* ---- classification and attendance ---- */

/* Does text hold word as a whole word, ignoring case? */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; *p; p++) {
		if ((p == text || !isalnum((unsigned char)p[-1])) && strncasecmp(p, word, n) == 0 &&
		    !isalnum((unsigned char)p[n]))
			return true;
	}
	return false;
}

static bool has_any_word(const char *text, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (has_word(text, words[i]))
			return true;
	return false;
}

static enum schedule_kind classify(const struct schedule_session *s)
{
	static const char *const plenary[] = { "keynote", "keynotes", "plenary", "opening",
					       "closing", NULL };
	static const char *const pause[] = { "break", "lunch", "coffee", "dinner", "breakfast",
					     "tea", NULL };
	if (has_any_word(s->type, plenary))
		return SCHEDULE_PLENARY;
	if (has_any_word(s->type, pause))
		return SCHEDULE_BREAK;
	if (has_any_word(s->title, plenary))
		return SCHEDULE_PLENARY;
	if (has_any_word(s->title, pause))
		return SCHEDULE_BREAK;
	return SCHEDULE_TALK;
}

static const struct conf_session *session_override(const struct conf *c,
						   const struct schedule_session *s)
{
	for (size_t i = 0; i < c->n_sessions; i++)
		if (glob_match(c->sessions[i].pattern, s->title) ||
		    glob_match(c->sessions[i].pattern, s->id))
			return &c->sessions[i];
	return NULL;
}

static double bounded_people(const struct conf *c, int room_idx, double people)
{
	double seats = (double)c->rooms[room_idx].seats;
	if (people > seats)
		people = seats;
	if (c->event.attendees > 0 && people > (double)c->event.attendees)
		people = (double)c->event.attendees;
	return people < 0 ? 0 : people;
}

static void assign_attendance(const struct conf *c, struct schedule_session *s)
{
	const struct conf_session *o = session_override(c, s);
	if (o && o->room)
		s->room_idx = conf_room_index(c, o->room);
	if (s->room_idx < 0)
		return;
	double seats = (double)c->rooms[s->room_idx].seats;
	double people;
	if (o)
		people = o->attendance * seats;
	else if (s->kind == SCHEDULE_PLENARY)
		people = seats;
	else if (s->kind == SCHEDULE_BREAK)
		people = c->rooms[s->room_idx].common_area ? seats : 0;
	else
		people = SCHEDULE_TALK_FILL * seats;
	s->attendance = bounded_people(c, s->room_idx, people);
	s->devices = plan_devices_for_people(s->attendance, &c->event);
}

/* ---- room mapping ---- */

/* "Hall C (Plenary)" -> "hall-c-plenary" */
static void slug(const char *in, char *out, size_t size)
{
	size_t n = 0;
	bool dash = false;
	for (const unsigned char *p = (const unsigned char *)in; *p && n + 2 < size; p++) {
		if (isalnum(*p) || *p >= 0x80) {
			if (dash && n)
				out[n++] = '-';
			out[n++] = (char)tolower(*p);
			dash = false;
		} else {
			dash = true;
		}
	}
	out[n] = '\0';
}

/* Does a room's schedule_room list name this schedule room: exactly
 * (patterns false) or by a glob pattern (patterns true)? Both ignore case. */
static bool listed(const struct conf_room *r, const char *name, bool patterns)
{
	for (size_t k = 0; k < r->n_schedule_rooms; k++) {
		const char *p = r->schedule_rooms[k];
		if (!patterns && strcasecmp(p, name) == 0)
			return true;
		if (patterns && is_glob(p) && fnmatch(p, name, FNM_CASEFOLD) == 0)
			return true;
	}
	return false;
}

/* The slug of a room's own name and of its schedule_room names. */
static bool same_slug(const struct conf_room *r, const char *want)
{
	char have[256];
	slug(r->name, have, sizeof have);
	if (r->n_schedule_rooms == 0 && strcmp(want, have) == 0)
		return true;
	for (size_t k = 0; k < r->n_schedule_rooms; k++) {
		if (is_glob(r->schedule_rooms[k]))
			continue;
		slug(r->schedule_rooms[k], have, sizeof have);
		if (strcmp(want, have) == 0)
			return true;
	}
	return false;
}

/* Exact schedule_room names first, then its patterns, then the names of
 * rooms without a list, then the same ignoring punctuation; the first
 * room in the config wins at each step. */
static int map_room(const struct conf *c, const char *name)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < c->n_rooms; i++)
			if (listed(&c->rooms[i], name, pass == 1))
				return (int)i;
	for (size_t i = 0; i < c->n_rooms; i++)
		if (c->rooms[i].n_schedule_rooms == 0 && strcasecmp(c->rooms[i].name, name) == 0)
			return (int)i;
	char want[256];
	slug(name, want, sizeof want);
	for (size_t i = 0; *want && i < c->n_rooms; i++)
		if (same_slug(&c->rooms[i], want))
			return (int)i;
	return -1;
}

/* ---- validation ---- */

static int by_room_then_start(const void *a, const void *b)
{
	const struct schedule_session *x = a, *y = b;
	int r = strcmp(x->room, y->room);
	if (r)
		return r;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int by_start_then_room(const void *a, const void *b)
{
	const struct schedule_session *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	int r = strcmp(x->room, y->room);
	return r ? r : strcmp(x->title, y->title);
}

static void fill_missing_strings(struct schedule_session *s)
{
	char **fields[] = { &s->id, &s->title, &s->type, &s->room, &s->element };
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (!*fields[i])
			*fields[i] = xstrdup("");
}

/* A session ending before it starts is read as lasting no time, like
 * one without an end (RFC 5545); both are counted. */
static void check_durations(struct schedule_builder *b)
{
	for (size_t i = 0; i < b->n_sessions; i++) {
		struct schedule_session *s = &b->sessions[i];
		if (s->duration < 0) {
			sb_oddity(b, SCHEDULE_ODD_BAD_LENGTH, s->line, s->element,
				  "negative duration (%ld min): read as zero length", s->duration / 60);
			s->duration = 0;
		}
		if (s->duration == 0)
			sb_oddity(b, SCHEDULE_ODD_ZERO_LENGTH, s->line, s->element,
				  "\"%s\" lasts no time", s->title);
	}
}

/* Overlaps in one room are real (a lightning-talk block and its talks,
 * merged sources): kept, counted, and projected once (build_timeline). */
static void check_overlaps(struct schedule_builder *b)
{
	if (b->n_sessions < 2)
		return;
	qsort(b->sessions, b->n_sessions, sizeof *b->sessions, by_room_then_start);
	for (size_t i = 0; i < b->n_sessions; i++) {
		struct schedule_session *s = &b->sessions[i];
		for (size_t j = i + 1; j < b->n_sessions && *s->room; j++) {
			struct schedule_session *t = &b->sessions[j];
			if (strcmp(s->room, t->room) != 0 ||
			    (t->start != s->start && t->start >= s->start + s->duration))
				break;
			char at[32] = "";
			if (s->line > 0)
				snprintf(at, sizeof at, " at line %d", s->line);
			sb_oddity(b, SCHEDULE_ODD_OVERLAP, t->line, t->element,
				  "overlaps \"%s\" (%s%s) in room \"%s\"; both kept", s->title,
				  s->element, at, t->room);
		}
	}
}

static int by_id(const void *a, const void *b)
{
	const struct schedule_session *const *x = a, *const *y = b;
	return strcmp((*x)->id, (*y)->id);
}

/* Merged sources reuse ids: nothing here keys sessions by id. */
static void check_ids(struct schedule_builder *b)
{
	size_t n = b->n_sessions;
	if (n < 2)
		return;
	const struct schedule_session **v = xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = &b->sessions[i];
	qsort(v, n, sizeof *v, by_id);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(v[i]->id, v[j]->id) == 0; j++)
			;
		if (j - i >= 2 && *v[i]->id)
			sb_oddity(b, SCHEDULE_ODD_DUPLICATE_ID, v[i + 1]->line, v[i + 1]->element,
				  "id \"%s\" is used by %zu sessions; kept apart", v[i]->id, j - i);
	}
	free(v);
}

static void check_rooms_named(struct schedule_builder *b)
{
	for (size_t i = 0; i < b->n_sessions; i++)
		if (!*b->sessions[i].room)
			sb_oddity(b, SCHEDULE_ODD_NO_ROOM, b->sessions[i].line, b->sessions[i].element,
				  "the session \"%s\" names no room; it is not projected",
				  b->sessions[i].title);
}

static int by_time(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;
	return x < y ? -1 : x > y;
}

static time_t median_start(const struct schedule_builder *b)
{
	time_t *t = xcalloc(b->n_sessions, sizeof *t);
	for (size_t i = 0; i < b->n_sessions; i++)
		t[i] = b->sessions[i].start;
	qsort(t, b->n_sessions, sizeof *t, by_time);
	time_t m = t[b->n_sessions / 2];
	free(t);
	return m;
}

/* A wrong year in one session would stretch the timeline over decades:
 * sessions more than half the longest schedule away from the median
 * start are left out, and a length longer than that is not believed. */
static void check_span(struct schedule_builder *b)
{
	if (b->n_sessions == 0) {
		sb_error(b, 0, NULL, "no sessions found: not a schedule, or every session was left "
			 "out (see below)");
		return;
	}
	const long half = SCHEDULE_MAX_DAYS / 2 * 86400L;
	time_t mid = median_start(b);
	size_t kept = 0;
	for (size_t i = 0; i < b->n_sessions; i++) {
		struct schedule_session *s = &b->sessions[i];
		char at[40];
		schedule_format_time(s->start, 0, at, sizeof at);
		if (s->start < mid - half || s->start > mid + half) {
			sb_oddity(b, SCHEDULE_ODD_SKIPPED, s->line, s->element, "starts %s, more than "
				  "%d days from the other sessions (a wrong date?): left out", at,
				  SCHEDULE_MAX_DAYS / 2);
			sb_free_session(s);
			continue;
		}
		if (s->duration > half) {
			sb_oddity(b, SCHEDULE_ODD_BAD_LENGTH, s->line, s->element, "lasts %ld days: "
				  "read as zero length", s->duration / 86400);
			s->duration = 0;
		}
		b->sessions[kept++] = *s;
	}
	b->n_sessions = kept;
}

/* ---- the schedule ---- */

static int room_by_name(const void *a, const void *b)
{
	return strcmp(((const struct schedule_room *)a)->name, ((const struct schedule_room *)b)->name);
}

static struct schedule_room *find_room(struct schedule *s, const char *name)
{
	struct schedule_room key = { .name = (char *)name };
	return bsearch(&key, s->rooms, s->n_rooms, sizeof *s->rooms, room_by_name);
}

struct room_seen {
	const char *name;
	int line;
	size_t order;			/* declared rooms first */
};

static int seen_order(const void *a, const void *b)
{
	const struct room_seen *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Rooms: every declared room and every room a session names, once, by
 * name; a declared room keeps the line it was declared on. */
static void collect_rooms(struct schedule *s, const struct schedule_builder *b)
{
	size_t n = 0;
	struct room_seen *seen = xcalloc(b->n_declared + s->n_sessions + 1, sizeof *seen);
	for (size_t i = 0; i < b->n_declared; i++, n++)
		seen[n] = (struct room_seen){ b->declared[i].name, b->declared[i].line, n };
	for (size_t i = 0; i < s->n_sessions; i++)
		if (*s->sessions[i].room)
			seen[n++] = (struct room_seen){ s->sessions[i].room, s->sessions[i].line, n };
	qsort(seen, n, sizeof *seen, seen_order);
	s->rooms = xcalloc(n + 1, sizeof *s->rooms);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(seen[i].name, seen[i - 1].name) == 0)
			continue;
		s->rooms[s->n_rooms++] = (struct schedule_room){ .name = xstrdup(seen[i].name),
			.line = seen[i].line, .room_idx = -1 };
	}
	free(seen);
	for (size_t i = 0; i < s->n_sessions; i++) {
		const struct schedule_session *x = &s->sessions[i];
		struct schedule_room *r = find_room(s, x->room);
		if (!r)
			continue;
		if (r->n_sessions == 0 || x->start < r->first_start) {
			r->first_start = x->start;
			r->first_offset = x->utc_offset;
		}
		if (r->n_sessions == 0 || x->start >= r->last_start) {
			r->last_start = x->start;
			r->last_offset = x->utc_offset;
		}
		r->n_sessions++;
	}
}

static int by_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

static size_t count_local_dates(const struct schedule *s)
{
	if (!s->n_sessions)
		return 0;
	long *days = xcalloc(s->n_sessions, sizeof *days);
	for (size_t i = 0; i < s->n_sessions; i++) {
		time_t local = s->sessions[i].start + s->sessions[i].utc_offset;
		days[i] = (long)(local / 86400 - (local % 86400 < 0));
	}
	qsort(days, s->n_sessions, sizeof *days, by_long);
	size_t n = 1;
	for (size_t i = 1; i < s->n_sessions; i++)
		n += days[i] != days[i - 1];
	free(days);
	return n;
}

/* "Lunch", "Social Event", "Elsewhere": rooms that name a moment or no
 * place; their sessions are real, their room rarely is a venue room. */
static bool pseudo_room(const char *name)
{
	static const char *const words[] = { "break", "breaks", "lunch", "coffee", "pause",
		"pauses", "mittag", "kaffee", "elsewhere", "outside", "everywhere", "social",
		"dinner", "breakfast", "registration", "accueil", "restauration", "buffet",
		"party", "online", "virtual", "tbd", "tba", "hallway", NULL };
	return has_any_word(name, words);
}

static void check_rooms(struct schedule *s, struct schedule_builder *b)
{
	for (size_t i = 0; i < s->n_rooms; i++) {
		const struct schedule_room *r = &s->rooms[i];
		if (r->n_sessions == 0)
			sb_oddity(b, SCHEDULE_ODD_UNUSED_ROOM, r->line, NULL,
				  "room \"%s\" is declared but holds no session", r->name);
		else if (pseudo_room(r->name))
			sb_oddity(b, SCHEDULE_ODD_PSEUDO_ROOM, r->line, NULL,
				  "room \"%s\" looks like no place (a break, a meal, elsewhere); "
				  "give it a venue room's schedule_room if it is one", r->name);
	}
}

static void map_rooms(struct schedule *s, const struct conf *c)
{
	for (size_t i = 0; i < s->n_rooms; i++)
		s->rooms[i].room_idx = map_room(c, s->rooms[i].name);
	for (size_t i = 0; i < s->n_sessions; i++) {
		struct schedule_session *x = &s->sessions[i];
		const struct schedule_room *r = find_room(s, x->room);
		x->kind = classify(x);
		x->room_idx = r ? r->room_idx : -1;
		assign_attendance(c, x);
	}
}

static long minute_of(const struct schedule *s, time_t t)
{
	return (long)((t - s->begin) / 60);
}

/* Sessions overlapping in one room share its people: a lightning-talk
 * block and its talks, or two schedule rooms mapped to one venue room,
 * count the busiest of them, not their sum. */
static void add_session_load(struct schedule *s, double *people, int idx)
{
	const struct schedule_session *x = &s->sessions[idx];
	long m0 = minute_of(s, x->start), m1 = minute_of(s, x->start + x->duration + 59);
	size_t base = (size_t)x->room_idx * s->n_minutes;
	for (long m = m0; m < m1; m++) {
		if (people[base + (size_t)m] >= x->attendance)
			continue;
		people[base + (size_t)m] = x->attendance;
		s->cause[base + (size_t)m] = idx;
	}
}

/* During a break every common area fills to its seats. */
static void add_break_fill(struct schedule *s, const struct conf *c, double *people, int idx)
{
	const struct schedule_session *x = &s->sessions[idx];
	long m0 = minute_of(s, x->start), m1 = minute_of(s, x->start + x->duration + 59);
	for (size_t r = 0; r < c->n_rooms; r++) {
		if (!c->rooms[r].common_area)
			continue;
		size_t base = r * s->n_minutes;
		double fill = bounded_people(c, (int)r, (double)c->rooms[r].seats);
		for (long m = m0; m < m1; m++) {
			if (people[base + (size_t)m] < fill)
				people[base + (size_t)m] = fill;
			if (s->cause[base + (size_t)m] < 0)
				s->cause[base + (size_t)m] = idx;
		}
	}
}

static void build_timeline(struct schedule *s, const struct conf *c)
{
	time_t first = s->sessions[0].start, last_end = first;
	for (size_t i = 0; i < s->n_sessions; i++)
		if (s->sessions[i].start + s->sessions[i].duration > last_end)
			last_end = s->sessions[i].start + s->sessions[i].duration;
	s->begin = first - ((first % 60) + 60) % 60;
	s->n_minutes = (size_t)((last_end - s->begin + 59) / 60);
	s->n_venue_rooms = c->n_rooms;
	size_t cells = s->n_venue_rooms * s->n_minutes;
	s->devices = xcalloc(cells ? cells : 1, sizeof *s->devices);
	s->cause = xmalloc((cells ? cells : 1) * sizeof *s->cause);
	for (size_t i = 0; i < cells; i++)
		s->cause[i] = -1;
	double *people = xcalloc(cells ? cells : 1, sizeof *people);
	for (size_t i = 0; i < s->n_sessions; i++)
		if (s->sessions[i].room_idx >= 0 && s->sessions[i].attendance > 0)
			add_session_load(s, people, (int)i);
	for (size_t i = 0; i < s->n_sessions; i++)
		if (s->sessions[i].kind == SCHEDULE_BREAK)
			add_break_fill(s, c, people, (int)i);
	for (size_t r = 0; r < s->n_venue_rooms; r++)
		for (size_t m = 0; m < s->n_minutes; m++) {
			size_t k = r * s->n_minutes + m;
			s->devices[k] = plan_devices_for_people(bounded_people(c, (int)r, people[k]),
								&c->event);
		}
	free(people);
}

/* Exporters write UTC, the venue's offset or their server's: the wall
 * clock shown is the schedule's zone's, whatever the source said. */
static void show_in_zone(struct schedule *s, struct schedule_builder *b)
{
	s->zone = sb_local_zone(b) ? xstrdup(sb_local_zone(b)) : NULL;
	s->zone_source = b->venue_zone ? "config" : b->file_zone ? "file" : "system";
	for (size_t i = 0; i < s->n_sessions; i++)
		s->sessions[i].utc_offset = sb_offset_at(b, s->zone, s->sessions[i].start);
	sb_tz_restore(b);
	if (!s->zone)
		sb_warn(b, 0, NULL, "no time zone in the config or the file: starts are shown "
			"in the system's zone (set timezone in the event block)");
}

static struct schedule *build(const struct conf *c, struct schedule_builder *b,
			      enum schedule_format fmt)
{
	struct schedule *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(b->name);
	s->format = fmt;
	s->sessions = b->sessions;
	s->n_sessions = b->n_sessions;
	b->sessions = NULL;
	b->n_sessions = 0;
	show_in_zone(s, b);
	qsort(s->sessions, s->n_sessions, sizeof *s->sessions, by_start_then_room);
	collect_rooms(s, b);
	check_rooms(s, b);
	s->n_local_dates = count_local_dates(s);
	s->n_day_containers = b->n_day_containers;
	s->n_days = b->n_day_containers ? b->n_day_containers : s->n_local_dates;
	map_rooms(s, c);
	build_timeline(s, c);
	sb_oddity_totals(b);
	memcpy(s->oddities, b->oddities, sizeof s->oddities);
	s->warnings = b->warnings.buf;
	b->warnings.buf = NULL;
	return s;
}

/* Sessionize's sessions carry "startsAt"; frab and pretalx JSON always
 * has a "conference" and never that key. */
static bool is_sessionize(const char *buf, size_t len)
{
	return memmem(buf, len, "\"startsAt\"", 10) && !memmem(buf, len, "\"conference\"", 12);
}

enum schedule_format schedule_detect(const char *buf, size_t len)
{
	size_t i = 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i < len && buf[i] == '<')
		return SCHEDULE_XML;
	if (i < len && (buf[i] == '{' || buf[i] == '['))
		return is_sessionize(buf + i, len - i) ? SCHEDULE_SESSIONIZE : SCHEDULE_JSON;
	if (len - i >= 15 && strncasecmp(buf + i, "BEGIN:VCALENDAR", 15) == 0)
		return SCHEDULE_ICS;
	return SCHEDULE_AUTO;
}

const char *schedule_format_name(enum schedule_format f)
{
	switch (f) {
	case SCHEDULE_XML: return "schedule XML";
	case SCHEDULE_JSON: return "schedule JSON";
	case SCHEDULE_ICS: return "iCalendar";
	case SCHEDULE_SESSIONIZE: return "Sessionize JSON";
	default: return "unknown";
	}
}

struct schedule *schedule_parse(const struct conf *conf, enum schedule_format fmt,
				const char *buf, size_t len, const char *name, char **err_out)
{
	struct schedule_builder b = { .name = name, .venue_zone = conf->event.timezone };
	struct schedule *s = NULL;
	if (err_out)
		*err_out = NULL;
	if (b.venue_zone && !schedule_zone_known(b.venue_zone)) {
		sb_error(&b, 0, "timezone", "\"%s\" is not in the tz database", b.venue_zone);
		goto out;
	}
	if (fmt == SCHEDULE_AUTO)
		fmt = schedule_detect(buf, len);
	int rc = -1;
	switch (fmt) {
	case SCHEDULE_XML: rc = schedule_parse_xml(&b, buf, len); break;
	case SCHEDULE_JSON: rc = schedule_parse_json(&b, buf, len); break;
	case SCHEDULE_ICS: rc = schedule_parse_ics(&b, buf, len); break;
	case SCHEDULE_SESSIONIZE: rc = schedule_parse_sessionize(&b, buf, len); break;
	default:
		sb_error(&b, 1, NULL, "not a schedule: expected schedule XML, JSON, iCalendar or Sessionize JSON");
		break;
	}
	sb_tz_restore(&b);
	if (rc != 0 && b.n_errors == 0)
		sb_error(&b, 0, NULL, "cannot read the schedule");
	if (b.n_errors)
		goto out;
	for (size_t i = 0; i < b.n_sessions; i++)
		fill_missing_strings(&b.sessions[i]);
	check_span(&b);
	if (b.n_errors)
		goto out;
	check_rooms_named(&b);
	check_durations(&b);
	check_overlaps(&b);
	check_ids(&b);
	s = build(conf, &b, fmt);
	s->source = xmalloc(len + 1);
	memcpy(s->source, buf, len);
	s->source[len] = '\0';
	s->source_len = len;
out:
	/* The warnings tell why nothing was left (every start unreadable). */
	if (!s && err_out)
		*err_out = xasprintf("%s%s", b.errors.buf ? b.errors.buf : "schedule: unknown error\n",
				     b.warnings.buf ? b.warnings.buf : "");
	sb_free(&b);
	return s;
}

char *schedule_resolve_path(const struct conf *conf, const char *path)
{
	const char *slash = conf->path ? strrchr(conf->path, '/') : NULL;
	if (path[0] == '/' || !slash)
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - conf->path), conf->path, path);
}

static char *read_file(const char *path, size_t *len, char **err_out)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err_out = xasprintf("%s: cannot open the schedule: %s\n", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size > SCHEDULE_MAX_BYTES) {
		*err_out = xasprintf("%s: not a schedule: larger than %ld bytes\n", path,
				     SCHEDULE_MAX_BYTES);
		fclose(f);
		return NULL;
	}
	char *buf = xmalloc((size_t)st.st_size + 1);
	*len = fread(buf, 1, (size_t)st.st_size, f);
	buf[*len] = '\0';
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		*err_out = xasprintf("%s: cannot read the schedule\n", path);
		free(buf);
		return NULL;
	}
	return buf;
}

struct schedule *schedule_load(const struct conf *conf, const char *path, char **err_out)
{
	char *err = NULL;
	struct schedule *s = NULL;
	if (schedule_is_url(path) && same_string(path, conf->event.schedule)) {
		s = schedule_load_kept(conf, &err);
	} else {
		char *full = schedule_resolve_path(conf, path);
		size_t len = 0;
		char *buf = read_file(full, &len, &err);
		if (buf)
			s = schedule_parse(conf, SCHEDULE_AUTO, buf, len, full, &err);
		free(buf);
		free(full);
	}
	if (err_out)
		*err_out = err;
	else
		free(err);
	return s;
}

struct schedule *schedule_load_source(const struct conf *conf, char **err_out)
{
	if (schedule_is_url(conf->event.schedule))
		return schedule_fetch_once(conf, err_out);
	return schedule_load(conf, conf->event.schedule, err_out);
}

void schedule_free(struct schedule *s)
{
	if (!s)
		return;
	sb_free_sessions(s->sessions, s->n_sessions);
	for (size_t i = 0; i < s->n_rooms; i++)
		free(s->rooms[i].name);
	free(s->rooms);
	free(s->devices);
	free(s->cause);
	free(s->warnings);
	free(s->source);
	free(s->zone);
	free(s->path);
	free(s);
}

struct schedule *schedule_rebuild(const struct conf *conf, const struct schedule *old,
				  char **err_out)
{
	struct schedule *s = schedule_parse(conf, old->format, old->source, old->source_len,
					    old->path, err_out);
	if (s)
		s->status = old->status;
	return s;
}

struct schedule *schedule_empty(const struct conf *conf, const char *source)
{
	struct schedule *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(source);
	s->zone = conf->event.timezone ? xstrdup(conf->event.timezone) : NULL;
	s->zone_source = conf->event.timezone ? "config" : "system";
	s->n_venue_rooms = conf->n_rooms;
	s->rooms = xcalloc(1, sizeof *s->rooms);
	s->sessions = xcalloc(1, sizeof *s->sessions);
	return s;
}

bool schedule_is_stale(const struct schedule *s, double now)
{
	return s && s->status.live && s->status.stale_after > 0 &&
	       now - s->status.confirmed > (double)s->status.stale_after;
}

/* ---- queries ---- */

long schedule_room_projection(const struct schedule *s, int room_idx, time_t t)
{
	if (!s || room_idx < 0 || (size_t)room_idx >= s->n_venue_rooms || t < s->begin)
		return 0;
	size_t m = (size_t)((t - s->begin) / 60);
	if (m >= s->n_minutes)
		return 0;
	return s->devices[(size_t)room_idx * s->n_minutes + m];
}

int schedule_now_next(const struct schedule *s, int room_idx, time_t now,
		      const struct schedule_session **cur,
		      const struct schedule_session **next)
{
	*cur = *next = NULL;
	if (!s || room_idx < 0 || (size_t)room_idx >= s->n_venue_rooms)
		return -1;
	for (size_t i = 0; i < s->n_sessions; i++) {
		const struct schedule_session *x = &s->sessions[i];
		if (x->room_idx != room_idx)
			continue;
		if (x->start <= now && now < x->start + x->duration && !*cur)
			*cur = x;
		else if (x->start > now) {
			*next = x;
			break;
		}
	}
	return 0;
}

long schedule_session_peak(const struct schedule *s, const struct schedule_session *x)
{
	long peak = x->devices;
	for (time_t t = x->start; t < x->start + x->duration; t += 60) {
		long v = schedule_room_projection(s, x->room_idx, t);
		if (v > peak)
			peak = v;
	}
	return peak;
}

bool schedule_session_over_capacity(const struct schedule *s, const struct conf *c,
				    const struct schedule_session *sess)
{
	if (!s || !sess || sess->room_idx < 0 || (size_t)sess->room_idx >= c->n_rooms)
		return false;
	return schedule_session_peak(s, sess) > plan_room_capacity(c, sess->room_idx);
}

size_t schedule_upcoming(const struct schedule *s, time_t now, long lead,
			 const struct schedule_session **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; s && i < s->n_sessions && n < max; i++) {
		const struct schedule_session *x = &s->sessions[i];
		if (x->start > now + lead)
			break;
		if (x->start + x->duration > now)
			out[n++] = x;
	}
	return n;
}

static int overload_order(const void *a, const void *b)
{
	const struct schedule_overload *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->room_idx - y->room_idx;
}

size_t schedule_overloads(const struct schedule *s, const struct conf *c,
			  struct schedule_overload **out)
{
	size_t n = 0, cap = 0;
	*out = NULL;
	for (size_t r = 0; s && r < s->n_venue_rooms && r < c->n_rooms; r++) {
		long capacity = plan_room_capacity(c, (int)r);
		const long *dev = s->devices + r * s->n_minutes;
		const int *cause = s->cause + r * s->n_minutes;
		struct schedule_overload *open = NULL;
		int open_cause = -1;
		for (size_t m = 0; m < s->n_minutes; m++) {
			bool over = dev[m] > capacity;
			if (open && (!over || cause[m] != open_cause)) {
				open->end = s->begin + (time_t)m * 60;
				open = NULL;
			}
			if (!over || open)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				*out = xrealloc(*out, cap * sizeof **out);
			}
			open = &(*out)[n++];
			open_cause = cause[m];
			*open = (struct schedule_overload){ .room_idx = (int)r,
				.start = s->begin + (time_t)m * 60, .peak = dev[m],
				.capacity = capacity,
				.session = cause[m] >= 0 ? &s->sessions[cause[m]] : NULL };
		}
		if (open)
			open->end = s->begin + (time_t)s->n_minutes * 60;
	}
	for (size_t i = 0; i < n; i++) {
		struct schedule_overload *o = &(*out)[i];
		const long *dev = s->devices + (size_t)o->room_idx * s->n_minutes;
		for (time_t t = o->start; t < o->end; t += 60) {
			long v = dev[(t - s->begin) / 60];
			if (v > o->peak)
				o->peak = v;
		}
	}
	if (n)
		qsort(*out, n, sizeof **out, overload_order);
	return n;
}

void schedule_format_time(time_t t, int utc_offset, char *buf, size_t size)
{
	struct schedule_civil c;
	schedule_utc_to_civil(t + utc_offset, &c);
	int off = utc_offset < 0 ? -utc_offset : utc_offset;
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d%c%02d:%02d", c.year, c.month, c.day,
		 c.hour, c.min, utc_offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
}
