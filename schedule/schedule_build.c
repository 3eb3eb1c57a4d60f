/* The schedule builder: what a format parser reads a file into. */
#include "config.h"
#include "schedule/schedule_parse.h"
#include "base/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_free_session(struct schedule_session *s)
{
	free(s->id); free(s->title); free(s->type); free(s->room); free(s->element);
	memset(s, 0, sizeof *s);
}

static void text_vadd(struct sb_text *t, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if (t->len + (size_t)n + 2 > t->cap) {
		t->cap = (t->len + (size_t)n + 2) * 2;
		t->buf = xrealloc(t->buf, t->cap);
	}
	vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	t->len += (size_t)n;
	t->buf[t->len++] = '\n';
	t->buf[t->len] = '\0';
}

static void text_add(struct sb_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_vadd(t, fmt, ap);
	va_end(ap);
}

/* "FILE:LINE: element: why", the line left out when unknown. */
static void note(struct sb_text *t, const char *name, int line, const char *element,
		 const char *fmt, va_list ap)
{
	char *why = NULL;
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	why = xmalloc((size_t)(n > 0 ? n : 0) + 1);
	vsnprintf(why, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	char at[32] = "";
	if (line > 0)
		snprintf(at, sizeof at, ":%d", line);
	if (element && *element)
		text_add(t, "%s%s: %s: %s", name, at, element, why);
	else
		text_add(t, "%s%s: %s", name, at, why);
	free(why);
}

void sb_error(struct schedule_builder *b, int line, const char *element, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note(&b->errors, b->name, line, element, fmt, ap);
	va_end(ap);
	b->n_errors++;
}

void sb_warn(struct schedule_builder *b, int line, const char *element, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note(&b->warnings, b->name, line, element, fmt, ap);
	va_end(ap);
}

static const struct {
	const char *key, *text;
} oddities[SCHEDULE_ODD_COUNT] = {
	[SCHEDULE_ODD_OPEN_ENDED] = { "open_ended", "open-ended (no end or duration: zero length)" },
	[SCHEDULE_ODD_BAD_LENGTH] = { "bad_length", "negative or unreadable lengths (zero length)" },
	[SCHEDULE_ODD_ZERO_LENGTH] = { "zero_length", "zero-length sessions" },
	[SCHEDULE_ODD_OVERLAP] = { "overlaps", "same-room overlaps (both kept)" },
	[SCHEDULE_ODD_DUPLICATE_ID] = { "duplicate_ids", "ids shared by sessions (kept apart)" },
	[SCHEDULE_ODD_NO_ROOM] = { "no_room", "sessions without a room" },
	[SCHEDULE_ODD_EMPTY_ROOM] = { "empty_room_containers", "empty room containers" },
	[SCHEDULE_ODD_UNUSED_ROOM] = { "unused_rooms", "declared rooms without sessions" },
	[SCHEDULE_ODD_OTHER_ROOM] = { "room_not_container", "sessions in another room than their container" },
	[SCHEDULE_ODD_OUTSIDE_DAY] = { "outside_day", "sessions outside their day" },
	[SCHEDULE_ODD_PSEUDO_ROOM] = { "pseudo_rooms", "pseudo-rooms (breaks, lunch, elsewhere)" },
	[SCHEDULE_ODD_START_MISMATCH] = { "start_mismatch", "<start> disagreeing with <date> (<date> used)" },
	[SCHEDULE_ODD_UNKNOWN_TZID] = { "unknown_tzid", "TZIDs outside the tz database" },
	[SCHEDULE_ODD_SKIPPED] = { "skipped", "sessions without a readable start (left out)" },
};

const char *schedule_oddity_key(enum schedule_oddity k)
{
	return k < SCHEDULE_ODD_COUNT ? oddities[k].key : "unknown";
}

const char *schedule_oddity_text(enum schedule_oddity k)
{
	return k < SCHEDULE_ODD_COUNT ? oddities[k].text : "unknown";
}

void sb_oddity(struct schedule_builder *b, enum schedule_oddity k, int line, const char *element,
	       const char *fmt, ...)
{
	if (++b->oddities[k] > SB_EXAMPLES)
		return;
	va_list ap;
	va_start(ap, fmt);
	note(&b->warnings, b->name, line, element, fmt, ap);
	va_end(ap);
}

/* A 261-pair overlap list would bury every other warning: the examples
 * stand for their kind, one line tells how many more there are. */
void sb_oddity_totals(struct schedule_builder *b)
{
	for (int k = 0; k < SCHEDULE_ODD_COUNT; k++)
		if (b->oddities[k] > SB_EXAMPLES)
			text_add(&b->warnings, "%s: %zu more %s not listed", b->name,
				 b->oddities[k] - SB_EXAMPLES, oddities[k].text);
}

struct schedule_session *sb_add_session(struct schedule_builder *b)
{
	if (b->n_sessions == b->cap_sessions) {
		b->cap_sessions = b->cap_sessions ? b->cap_sessions * 2 : 64;
		b->sessions = xrealloc(b->sessions, b->cap_sessions * sizeof *b->sessions);
	}
	struct schedule_session *s = &b->sessions[b->n_sessions++];
	memset(s, 0, sizeof *s);
	s->room_idx = -1;
	return s;
}

void sb_drop_session(struct schedule_builder *b)
{
	if (b->n_sessions == 0)
		return;
	b->n_sessions--;
	sb_free_session(&b->sessions[b->n_sessions]);
}

void sb_declare_room(struct schedule_builder *b, const char *name, int line)
{
	if (!name || !*name)
		return;
	for (size_t i = 0; i < b->n_declared; i++)
		if (strcmp(b->declared[i].name, name) == 0)
			return;
	if (b->n_declared == b->cap_declared) {
		b->cap_declared = b->cap_declared ? b->cap_declared * 2 : 16;
		b->declared = xrealloc(b->declared, b->cap_declared * sizeof *b->declared);
	}
	struct schedule_room *r = &b->declared[b->n_declared++];
	memset(r, 0, sizeof *r);
	r->name = xstrdup(name);
	r->line = line;
	r->room_idx = -1;
}

void sb_set_file_zone(struct schedule_builder *b, const char *zone, int line)
{
	if (!zone || !*zone)
		return;
	if (!schedule_zone_known(zone)) {
		sb_warn(b, line, "time_zone_name", "\"%s\" is not in the tz database; ignored", zone);
		return;
	}
	free(b->file_zone);
	b->file_zone = xstrdup(zone);
}

/* The venue's clock is what volunteers read: the config's zone wins over
 * whatever the exporter wrote. */
/* Congresses list after-midnight talks in the previous day and merged
 * files misplace some: counted, never used to drop a session. */
void sb_check_day(struct schedule_builder *b, const struct schedule_session *s,
		  const struct schedule_civil *day, long day_change)
{
	int offset = sb_offset_at(b, sb_local_zone(b), s->start);
	struct schedule_civil c;
	schedule_utc_to_civil(s->start + offset - day_change, &c);
	if (c.year == day->year && c.month == day->month && c.day == day->day)
		return;
	char at[40];
	schedule_format_time(s->start, offset, at, sizeof at);
	sb_oddity(b, SCHEDULE_ODD_OUTSIDE_DAY, s->line, s->element,
		  "starts %s, outside its day %04d-%02d-%02d", at, day->year, day->month, day->day);
}

const char *sb_local_zone(const struct schedule_builder *b)
{
	return b->venue_zone ? b->venue_zone : b->file_zone;
}

void sb_free_sessions(struct schedule_session *sessions, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_free_session(&sessions[i]);
	free(sessions);
}

void sb_free(struct schedule_builder *b)
{
	sb_free_sessions(b->sessions, b->n_sessions);
	for (size_t i = 0; i < b->n_declared; i++)
		free(b->declared[i].name);
	free(b->declared);
	free(b->file_zone);
	free(b->errors.buf);
	free(b->warnings.buf);
	sb_tz_restore(b);
}

/* Bytes of the white space character starting at p, Unicode's too
 * (exporters pad titles with no-break spaces); 0 for anything else. */
static size_t space_at(const unsigned char *p)
{
	if (*p < 0x80)
		return isspace(*p) ? 1 : 0;
	if (p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;
	if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
		return 3;			/* U+1680 */
	if (p[0] == 0xe2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 ||
					      p[2] == 0xa9 || p[2] == 0xaf))
		return 3;			/* U+2000-200A, 2028, 2029, 202F */
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
		return 3;			/* U+205F */
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;			/* U+3000 */
	return 0;
}

/* The bytes of a white space character ending just before end, or 0. */
static size_t space_before(const unsigned char *start, const unsigned char *end)
{
	for (size_t n = 1; n <= 3 && (size_t)(end - start) >= n; n++)
		if (space_at(end - n) == n)
			return n;
	return 0;
}

char *sb_trimmed(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t n; (n = space_at(p)) > 0;)
		p += n;
	const unsigned char *end = p + strlen((const char *)p);
	for (size_t n; (n = space_before(p, end)) > 0;)
		end -= n;
	size_t len = (size_t)(end - p);
	char *out = xmalloc(len + 1);
	memcpy(out, p, len);
	out[len] = '\0';
	return out;
}
