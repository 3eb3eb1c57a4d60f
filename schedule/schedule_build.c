/* The schedule builder: what a format parser reads a file into. */
#include "config.h"
#include "schedule/schedule_parse.h"
#include "base/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
const char *sb_local_zone(const struct schedule_builder *b)
{
	return b->venue_zone ? b->venue_zone : b->file_zone;
}

void sb_free_sessions(struct schedule_session *sessions, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct schedule_session *s = &sessions[i];
		free(s->id); free(s->title); free(s->type); free(s->room); free(s->element);
	}
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

char *sb_trimmed(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	char *out = xmalloc(n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}
