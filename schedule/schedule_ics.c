/*
 * iCalendar (RFC 5545), the subset a conference export uses: VEVENTs with
 * UID, SUMMARY, LOCATION, CATEGORIES, DTSTART and DTEND or DURATION. Lines
 * are unfolded as bytes (CRLF or LF) before anything is decoded. A TZID
 * naming an IANA zone is resolved through the system tz database, never
 * through the file's VTIMEZONE (exports get those wrong), even when the
 * file has no VTIMEZONE at all; floating times are read in the schedule's
 * zone: the config's, else X-WR-TIMEZONE, else the first TZID's.
 */
#include "config.h"
#include "schedule/schedule_parse.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define ICS_MAX_DEPTH 16

struct ics_line {
	char *text;
	size_t len;
	int line;
};

struct ics_lines {
	struct ics_line *v;
	size_t n, cap;
};

static void lines_push(struct ics_lines *l, const char *p, size_t n, int line)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	char *t = xmalloc(n + 1);
	memcpy(t, p, n);
	t[n] = '\0';
	l->v[l->n++] = (struct ics_line){ t, n, line };
}

static void lines_append(struct ics_lines *l, const char *p, size_t n)
{
	struct ics_line *last = &l->v[l->n - 1];
	last->text = xrealloc(last->text, last->len + n + 1);
	memcpy(last->text + last->len, p, n);
	last->len += n;
	last->text[last->len] = '\0';
}

static void lines_free(struct ics_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
}

/* Physical lines end in CRLF, LF or CR; one leading space or tab continues
 * the previous line. */
static void unfold(const char *buf, size_t len, struct ics_lines *out)
{
	size_t i = 0;
	int line = 0;
	while (i < len) {
		size_t start = i;
		while (i < len && buf[i] != '\n' && buf[i] != '\r')
			i++;
		size_t end = i;
		if (i < len && buf[i] == '\r')
			i++;
		if (i < len && buf[i] == '\n' && (i == end || buf[i - 1] == '\r'))
			i++;
		line++;
		if ((buf[start] == ' ' || buf[start] == '\t') && out->n && end > start)
			lines_append(out, buf + start + 1, end - start - 1);
		else if (end > start)
			lines_push(out, buf + start, end - start, line);
	}
}

struct ics_prop {
	char name[32];
	char tzid[128];
	bool value_date;
	const char *value;
};

/* NAME *(;PARAM=VALUE) : VALUE, with quoted parameter values. */
static int split_prop(char *text, struct ics_prop *p)
{
	memset(p, 0, sizeof *p);
	size_t n = strcspn(text, ";:");
	if (text[n] == '\0' || n == 0)
		return -1;
	snprintf(p->name, sizeof p->name, "%.*s", (int)n, text);
	char *s = text + n;
	while (*s == ';') {
		char *key = ++s;
		char *eq = NULL;
		bool quoted = false;
		for (; *s && (quoted || (*s != ';' && *s != ':')); s++) {
			if (*s == '"')
				quoted = !quoted;
			else if (*s == '=' && !eq && !quoted)
				eq = s;
		}
		if (!*s)
			return -1;
		if (!eq)
			continue;
		const char *val = eq + 1;
		size_t vlen = (size_t)(s - val);
		if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
			val++;
			vlen -= 2;
		}
		size_t klen = (size_t)(eq - key);
		if (klen == 4 && strncasecmp(key, "TZID", 4) == 0)
			snprintf(p->tzid, sizeof p->tzid, "%.*s", (int)vlen, val);
		else if (klen == 5 && strncasecmp(key, "VALUE", 5) == 0 && vlen == 4 &&
			 strncasecmp(val, "DATE", 4) == 0)
			p->value_date = true;
	}
	if (*s != ':')
		return -1;
	p->value = s + 1;
	return 0;
}

/* Text values escape \, \; \n and \\; surrounding white space goes. */
static char *unescape(const char *v)
{
	char *out = xmalloc(strlen(v) + 1), *o = out;
	for (const char *p = v; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			*o++ = (*p == 'n' || *p == 'N') ? '\n' : *p;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	char *t = sb_trimmed(out);
	free(out);
	return t;
}

struct ics_time {
	char *value;
	char tzid[128];
	bool value_date;
	int line;
};

struct ics_event {
	int line;
	char *uid, *summary, *location, *categories, *duration;
	int duration_line;
	struct ics_time dtstart, dtend;
};

static void event_clear(struct ics_event *e)
{
	free(e->uid); free(e->summary); free(e->location); free(e->categories);
	free(e->duration); free(e->dtstart.value); free(e->dtend.value);
	memset(e, 0, sizeof *e);
}

static void set_text(char **field, const char *value)
{
	free(*field);
	*field = unescape(value);
}

static void set_time(struct ics_time *t, const struct ics_prop *p, int line)
{
	free(t->value);
	t->value = xstrdup(p->value);
	snprintf(t->tzid, sizeof t->tzid, "%s", p->tzid);
	t->value_date = p->value_date;
	t->line = line;
}

static void event_property(struct ics_event *e, const struct ics_prop *p, int line)
{
	if (strcasecmp(p->name, "UID") == 0)
		set_text(&e->uid, p->value);
	else if (strcasecmp(p->name, "SUMMARY") == 0)
		set_text(&e->summary, p->value);
	else if (strcasecmp(p->name, "LOCATION") == 0)
		set_text(&e->location, p->value);
	else if (strcasecmp(p->name, "CATEGORIES") == 0)
		set_text(&e->categories, p->value);
	else if (strcasecmp(p->name, "DTSTART") == 0)
		set_time(&e->dtstart, p, line);
	else if (strcasecmp(p->name, "DTEND") == 0)
		set_time(&e->dtend, p, line);
	else if (strcasecmp(p->name, "DURATION") == 0) {
		free(e->duration);
		e->duration = xstrdup(p->value);
		e->duration_line = line;
	}
}

/* "/mozilla.org/20070129_1/Europe/Berlin" names Europe/Berlin too. */
static const char *known_zone_in(const char *tzid)
{
	for (const char *p = tzid; p && *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if (schedule_zone_known(p))
			return p;
	return NULL;
}

/* YYYYMMDD or YYYYMMDDTHHMMSS[Z] */
static int parse_ics_civil(const char *v, struct schedule_civil *c, bool *date_only, bool *utc)
{
	memset(c, 0, sizeof *c);
	*utc = false;
	size_t n = strlen(v);
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	for (size_t i = 0; i < 8; i++)
		if (i >= n || !isdigit((unsigned char)v[i]))
			return -1;
	c->year = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
	c->month = (v[4] - '0') * 10 + (v[5] - '0');
	c->day = (v[6] - '0') * 10 + (v[7] - '0');
	*date_only = n == 8;
	if (!*date_only) {
		if (n != 15 && !(n == 16 && (v[15] == 'Z' || v[15] == 'z')))
			return -1;
		if (v[8] != 'T' && v[8] != 't')
			return -1;
		for (size_t i = 9; i < 15; i++)
			if (!isdigit((unsigned char)v[i]))
				return -1;
		c->hour = (v[9] - '0') * 10 + (v[10] - '0');
		c->min = (v[11] - '0') * 10 + (v[12] - '0');
		c->sec = (v[13] - '0') * 10 + (v[14] - '0');
		*utc = n == 16;
	}
	return schedule_civil_valid(c) && c->sec < 60 ? 0 : -1;
}

static int resolve_time(struct schedule_builder *b, const struct ics_time *t, const char *prop,
			const char *element, time_t *out, int *offset, bool *date_only)
{
	struct schedule_civil c;
	bool utc;
	if (parse_ics_civil(t->value, &c, date_only, &utc) != 0) {
		sb_warn(b, t->line, prop, "\"%s\" in %s is not YYYYMMDD[THHMMSS[Z]]", t->value, element);
		return -1;
	}
	if (utc) {
		*out = schedule_civil_to_utc(&c);
		return 0;
	}
	const char *zone = sb_local_zone(b);
	if (t->tzid[0]) {
		const char *known = known_zone_in(t->tzid);
		if (known)
			zone = known;
		else
			sb_oddity(b, SCHEDULE_ODD_UNKNOWN_TZID, t->line, prop,
				  "TZID \"%s\" is not in the tz database; read as %s", t->tzid,
				  zone ? zone : "the local zone");
	}
	if (sb_local_to_utc(b, zone, &c, out, offset) != 0) {
		sb_warn(b, t->line, prop, "cannot place \"%s\" in a time zone", t->value);
		return -1;
	}
	return 0;
}

/* [+-]P[nW][nD][T[nH][nM][nS]] into seconds. */
static int parse_ics_duration(const char *v, long *secs)
{
	long sign = 1, total = 0;
	if (*v == '+' || *v == '-')
		sign = *v++ == '-' ? -1 : 1;
	if (*v != 'P' && *v != 'p')
		return -1;
	v++;
	bool in_time = false, any = false;
	while (*v && !isspace((unsigned char)*v)) {
		if (*v == 'T' || *v == 't') {
			in_time = true;
			v++;
			continue;
		}
		if (!isdigit((unsigned char)*v))
			return -1;
		long n = 0;
		for (; isdigit((unsigned char)*v); v++) {
			if (n > 10000000)
				return -1;
			n = n * 10 + (*v - '0');
		}
		char unit = (char)toupper((unsigned char)*v++);
		if (!in_time && unit == 'W')
			total += n * 7 * 86400;
		else if (!in_time && unit == 'D')
			total += n * 86400;
		else if (in_time && unit == 'H')
			total += n * 3600;
		else if (in_time && unit == 'M')
			total += n * 60;
		else if (in_time && unit == 'S')
			total += n;
		else
			return -1;
		any = true;
	}
	if (!any)
		return -1;
	*secs = sign * total;
	return 0;
}

/* The length: DTEND - DTSTART, else DURATION, else a whole day for a
 * date, else none (RFC 5545: the event takes no time). */
static void event_length(struct schedule_builder *b, const struct ics_event *e,
			 struct schedule_session *s, bool date_only)
{
	if (e->dtend.value) {
		time_t end;
		int off;
		bool end_date;
		if (resolve_time(b, &e->dtend, "DTEND", s->element, &end, &off, &end_date) == 0)
			s->duration = (long)(end - s->start);
		else
			sb_oddity(b, SCHEDULE_ODD_BAD_LENGTH, e->dtend.line, s->element,
				  "unreadable DTEND: read as zero length");
	} else if (e->duration) {
		if (parse_ics_duration(e->duration, &s->duration) != 0)
			sb_oddity(b, SCHEDULE_ODD_BAD_LENGTH, e->duration_line, "DURATION",
				  "\"%s\" in %s is not PnDTnHnMnS: read as zero length",
				  e->duration, s->element);
	} else if (date_only) {
		s->duration = 86400;
	} else {
		sb_oddity(b, SCHEDULE_ODD_OPEN_ENDED, e->line, s->element,
			  "neither DTEND nor DURATION: zero length (RFC 5545)");
	}
}

static void finish_event(struct schedule_builder *b, struct ics_event *e)
{
	struct schedule_session *s = sb_add_session(b);
	s->line = e->line;
	s->id = e->uid ? xstrdup(e->uid) : NULL;
	s->element = e->uid ? xasprintf("VEVENT %s", e->uid) : xstrdup("VEVENT");
	s->title = e->summary ? xstrdup(e->summary) : NULL;
	s->room = e->location ? xstrdup(e->location) : NULL;
	s->type = e->categories ? xstrdup(e->categories) : NULL;
	bool date_only;
	if (!e->dtstart.value) {
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, e->line, s->element, "no DTSTART: left out");
		sb_drop_session(b);
	} else if (resolve_time(b, &e->dtstart, "DTSTART", s->element, &s->start, &s->utc_offset,
				&date_only) != 0) {
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, e->dtstart.line, s->element,
			  "unreadable DTSTART: left out");
		sb_drop_session(b);
	} else {
		event_length(b, e, s, date_only);
	}
}

struct ics_state {
	char stack[ICS_MAX_DEPTH][32];
	int stack_line[ICS_MAX_DEPTH];
	int depth;
	bool in_event;
	struct ics_event ev;
};

static bool top_is(const struct ics_state *st, const char *name)
{
	return st->depth > 0 && strcasecmp(st->stack[st->depth - 1], name) == 0;
}

static int begin_component(struct schedule_builder *b, struct ics_state *st,
			   const char *name, int line)
{
	if (st->depth == ICS_MAX_DEPTH) {
		sb_error(b, line, "BEGIN", "components nest deeper than %d", ICS_MAX_DEPTH);
		return -1;
	}
	if (st->depth == 0 && strcasecmp(name, "VCALENDAR") != 0) {
		sb_error(b, line, "BEGIN", "BEGIN:%s outside BEGIN:VCALENDAR", name);
		return -1;
	}
	snprintf(st->stack[st->depth], sizeof st->stack[0], "%s", name);
	st->stack_line[st->depth++] = line;
	if (strcasecmp(name, "VEVENT") == 0) {
		event_clear(&st->ev);
		st->ev.line = line;
		st->in_event = true;
	}
	return 0;
}

static int end_component(struct schedule_builder *b, struct ics_state *st,
			 const char *name, int line)
{
	if (st->depth == 0) {
		sb_error(b, line, "END", "END:%s without a BEGIN", name);
		return -1;
	}
	if (!top_is(st, name)) {
		sb_error(b, line, "END", "END:%s does not close BEGIN:%s at line %d", name,
			 st->stack[st->depth - 1], st->stack_line[st->depth - 1]);
		return -1;
	}
	st->depth--;
	if (strcasecmp(name, "VEVENT") == 0) {
		finish_event(b, &st->ev);
		event_clear(&st->ev);
		st->in_event = false;
	}
	return 0;
}

static int handle_line(struct schedule_builder *b, struct ics_state *st, struct ics_line *l)
{
	struct ics_prop p;
	if (split_prop(l->text, &p) != 0) {
		sb_warn(b, l->line, NULL, "not an iCalendar content line (NAME:VALUE); ignored");
		return 0;
	}
	if (strcasecmp(p.name, "BEGIN") == 0)
		return begin_component(b, st, p.value, l->line);
	if (strcasecmp(p.name, "END") == 0)
		return end_component(b, st, p.value, l->line);
	if (st->depth == 0) {
		sb_error(b, l->line, p.name, "property outside BEGIN:VCALENDAR");
		return -1;
	}
	if (top_is(st, "VEVENT"))
		event_property(&st->ev, &p, l->line);
	return 0;
}

/* The file's zone, before any time is read: X-WR-TIMEZONE, else the
 * first TZID naming a zone of the tz database (exports without either
 * name none). Floating times are read in it when the config names none. */
static void find_file_zone(struct schedule_builder *b, const struct ics_lines *lines)
{
	char tzid_zone[128] = "";
	int tzid_line = 0;
	for (size_t i = 0; i < lines->n && !b->file_zone; i++) {
		bool wr = strncasecmp(lines->v[i].text, "X-WR-TIMEZONE", 13) == 0;
		bool start = strncasecmp(lines->v[i].text, "DTSTART;", 8) == 0;
		if (!wr && !(start && !tzid_zone[0]))
			continue;
		char *copy = xstrdup(lines->v[i].text);
		struct ics_prop p;
		if (split_prop(copy, &p) == 0 && wr) {
			char *zone = unescape(p.value);
			sb_set_file_zone(b, zone, lines->v[i].line);
			free(zone);
		} else if (split_prop(copy, &p) == 0 && known_zone_in(p.tzid)) {
			snprintf(tzid_zone, sizeof tzid_zone, "%s", known_zone_in(p.tzid));
			tzid_line = lines->v[i].line;
		}
		free(copy);
	}
	if (!b->file_zone && tzid_zone[0])
		sb_set_file_zone(b, tzid_zone, tzid_line);
}

int schedule_parse_ics(struct schedule_builder *b, const char *buf, size_t len)
{
	struct ics_lines lines = { 0 };
	struct ics_state st = { 0 };
	unfold(buf, len, &lines);
	find_file_zone(b, &lines);
	int rc = 0;
	for (size_t i = 0; i < lines.n && rc == 0; i++)
		rc = handle_line(b, &st, &lines.v[i]);
	if (rc == 0 && st.depth > 0)
		sb_error(b, st.stack_line[st.depth - 1], "BEGIN",
			 "BEGIN:%s is never closed: the file is truncated", st.stack[st.depth - 1]);
	event_clear(&st.ev);
	lines_free(&lines);
	return rc;
}
