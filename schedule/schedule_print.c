/* What headroomd shows of a schedule: the -t summary and the JSON dump tests compare. */
#include "config.h"
#include "schedule/schedule.h"
#include "base/log.h"
#include "base/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void print_lines(FILE *out, const char *prefix, const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		fprintf(out, "%s%.*s\n", prefix, len, p);
		p = nl ? nl + 1 : NULL;
	}
}

static void print_overload(FILE *out, const struct conf *c, const struct schedule_overload *o)
{
	int off = o->session ? o->session->utc_offset : 0;
	char from[40], to[40];
	schedule_format_time(o->start, off, from, sizeof from);
	schedule_format_time(o->end, off, to, sizeof to);
	const char *why = "";
	if (o->session && o->session->room_idx != o->room_idx)
		why = " (common area filling during a break)";
	fprintf(out, "OVERLOAD: %s..%s room \"%s\": ", from, to, c->rooms[o->room_idx].name);
	if (o->session)
		fprintf(out, "\"%s\" (id %s)%s: ", o->session->title, o->session->id, why);
	fprintf(out, "projected %ld devices, its APs hold %ld (%ld short)\n", o->peak,
		o->capacity, o->peak - o->capacity);
}

size_t schedule_oddities_text(const struct schedule *s, char *buf, size_t size)
{
	size_t kinds = 0, n = 0;
	buf[0] = '\0';
	for (int k = 0; k < SCHEDULE_ODD_COUNT; k++) {
		if (!s->oddities[k])
			continue;
		int w = snprintf(buf + n, size - n, "%s%zu %s", kinds++ ? ", " : "", s->oddities[k],
				 schedule_oddity_text((enum schedule_oddity)k));
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	if (!kinds)
		snprintf(buf, size, "none");
	return kinds;
}

size_t schedule_unmapped(const struct schedule *s, size_t *sessions)
{
	size_t rooms = 0;
	*sessions = 0;
	for (size_t i = 0; i < s->n_rooms; i++)
		if (s->rooms[i].room_idx < 0 && s->rooms[i].n_sessions > 0) {
			rooms++;
			*sessions += s->rooms[i].n_sessions;
		}
	return rooms;
}

static void print_summary(FILE *out, const struct schedule *s)
{
	char first[40] = "-", last[40] = "-";
	if (s->n_sessions) {
		const struct schedule_session *a = &s->sessions[0], *z = &s->sessions[s->n_sessions - 1];
		schedule_format_time(a->start, a->utc_offset, first, sizeof first);
		schedule_format_time(z->start, z->utc_offset, last, sizeof last);
	}
	size_t used = 0, mapped = 0;
	for (size_t i = 0; i < s->n_rooms; i++) {
		used += s->rooms[i].n_sessions > 0;
		mapped += s->rooms[i].n_sessions > 0 && s->rooms[i].room_idx >= 0;
	}
	char days[48];
	snprintf(days, sizeof days, "%zu days", s->n_local_dates);
	if (s->n_day_containers && s->n_day_containers != s->n_local_dates)
		snprintf(days, sizeof days, "%zu days (%zu in the file)", s->n_local_dates,
			 s->n_day_containers);
	fprintf(out, "\nSchedule %s (%s): %s, %zu rooms (%zu mapped), %zu sessions, "
		"first %s, last %s\n", s->path, schedule_format_name(s->format), days, used,
		mapped, s->n_sessions, first, last);
	fprintf(out, "Schedule zone: %s (%s)\n", s->zone ? s->zone : "the system's",
		s->zone_source);
	char odd[1024];
	schedule_oddities_text(s, odd, sizeof odd);
	fprintf(out, "Schedule oddities: %s\n", odd);
}

/* The rooms the venue does not know, so the operator can map them with
 * schedule_room names or patterns. */
static void print_unmapped(FILE *out, const struct schedule *s)
{
	size_t sessions, rooms = schedule_unmapped(s, &sessions);
	if (!rooms)
		return;
	fprintf(out, "Schedule rooms mapped to no venue room: %zu, holding %zu sessions that are "
		"not projected (add them to a room's schedule_room)\n", rooms, sessions);
	for (size_t i = 0; i < s->n_rooms; i++) {
		const struct schedule_room *r = &s->rooms[i];
		if (r->room_idx >= 0 || r->n_sessions == 0)
			continue;
		fprintf(out, "UNMAPPED: room \"%s\"", r->name);
		if (r->line > 0)
			fprintf(out, " (%s:%d)", s->path, r->line);
		fprintf(out, ": %zu %s\n", r->n_sessions, r->n_sessions == 1 ? "session" : "sessions");
	}
}

void schedule_print(const struct schedule *s, const struct conf *conf, FILE *out)
{
	print_summary(out, s);
	print_lines(out, "WARNING: ", s->warnings);
	print_unmapped(out, s);
	struct schedule_overload *ov = NULL;
	size_t n = schedule_overloads(s, conf, &ov);
	for (size_t i = 0; i < n; i++)
		print_overload(out, conf, &ov[i]);
	if (n)
		fprintf(out, "Schedule verdict: %zu overloaded slot%s; move or add APs, or swap rooms, "
			"before the event.\n", n, n == 1 ? "" : "s");
	else
		fprintf(out, "Schedule verdict: every session fits its room's APs.\n");
	free(ov);
}

int schedule_print_check(const struct conf *conf, FILE *out)
{
	if (!conf->event.schedule)
		return 0;
	char *err = NULL;
	struct schedule *s = schedule_load_source(conf, &err);
	if (!s) {
		print_lines(stderr, "", err);
		fprintf(stderr, "%s: event: the schedule does not load\n", conf->path);
		free(err);
		return -1;
	}
	print_lines(stderr, "", err);
	free(err);
	schedule_print(s, conf, out);
	schedule_free(s);
	return 0;
}

/* ---- the log ---- */

static void log_lines(enum log_level level, const char *prefix, const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		log_msg(level, "%s%.*s", prefix, len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* What -t prints, in a few log lines: the daemon's operator reads the
 * same counts and the same unmapped rooms. */
void schedule_log(const struct schedule *s)
{
	char odd[1024];
	schedule_oddities_text(s, odd, sizeof odd);
	log_info("schedule %s (%s): %zu sessions, %zu rooms, zone %s (%s); oddities: %s", s->path,
		 schedule_format_name(s->format), s->n_sessions, s->n_rooms,
		 s->zone ? s->zone : "of the system", s->zone_source, odd);
	log_lines(LOG_LVL_WARN, "schedule: ", s->warnings);
	size_t sessions, rooms = schedule_unmapped(s, &sessions);
	if (!rooms)
		return;
	char list[1024];
	size_t n = 0, shown = 0;
	list[0] = '\0';
	for (size_t i = 0; i < s->n_rooms && n < sizeof list; i++) {
		const struct schedule_room *r = &s->rooms[i];
		if (r->room_idx >= 0 || r->n_sessions == 0)
			continue;
		int w = snprintf(list + n, sizeof list - n, "%s\"%s\" (%zu)", shown++ ? ", " : "",
				 r->name, r->n_sessions);
		if (w < 0 || (size_t)w >= sizeof list - n) {
			list[n] = '\0';
			break;
		}
		n += (size_t)w;
	}
	log_warn("schedule: %zu rooms map to no venue room, %zu sessions not projected: %s%s",
		 rooms, sessions, list, shown < rooms ? ", ..." : "");
}

/* ---- the JSON dump ---- */

static json_t *when_json(time_t t, int offset)
{
	char local[40], utc[40];
	schedule_format_time(t, offset, local, sizeof local);
	schedule_format_time(t, 0, utc, sizeof utc);
	strcpy(utc + 16, "Z");			/* "2019-12-27T08:30Z" */
	return json_pack("{s:s, s:s}", "local", local, "utc", utc);
}

static json_t *session_json(const struct schedule_session *x)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I}", "id", x->id, "title", x->title,
			      "type", x->type, "room", x->room, "start",
			      when_json(x->start, x->utc_offset), "minutes",
			      (json_int_t)(x->duration / 60));
	if (o && x->room_idx >= 0)
		json_object_set_new(o, "venue_room_idx", json_integer(x->room_idx));
	return o ? o : json_null();	/* a title jansson refuses (not UTF-8) */
}

/* Per room: sessions, first and last start, minutes in all; "(no room)"
 * collects the sessions naming none. */
static json_t *rooms_json(const struct schedule *s)
{
	json_t *rooms = json_object();
	for (size_t i = 0; i < s->n_sessions; i++) {
		const struct schedule_session *x = &s->sessions[i];
		const char *name = *x->room ? x->room : "(no room)";
		json_t *r = json_object_get(rooms, name);
		if (!r) {
			r = json_pack("{s:I, s:o, s:I, s:b}", "sessions", (json_int_t)0, "first",
				      when_json(x->start, x->utc_offset), "minutes", (json_int_t)0,
				      "mapped", x->room_idx >= 0);
			json_object_set_new(rooms, name, r);
		}
		json_object_set_new(r, "sessions",
				    json_integer(json_integer_value(json_object_get(r, "sessions")) + 1));
		json_object_set_new(r, "minutes",
				    json_integer(json_integer_value(json_object_get(r, "minutes")) +
						 x->duration / 60));
		json_object_set_new(r, "last", when_json(x->start, x->utc_offset));
	}
	return rooms;
}

json_t *schedule_json(const struct schedule *s)
{
	json_t *sessions = json_array(), *odd = json_object();
	for (size_t i = 0; i < s->n_sessions; i++)
		json_array_append_new(sessions, session_json(&s->sessions[i]));
	for (int k = 0; k < SCHEDULE_ODD_COUNT; k++)
		json_object_set_new(odd, schedule_oddity_key((enum schedule_oddity)k),
				    json_integer((json_int_t)s->oddities[k]));
	size_t used = 0;
	for (size_t i = 0; i < s->n_rooms; i++)
		used += s->rooms[i].n_sessions > 0;
	json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
			      "source", s->path, "format", schedule_format_name(s->format),
			      "zone", s->zone, "zone_source", s->zone_source,
			      "days", (json_int_t)s->n_local_dates,
			      "day_containers", (json_int_t)s->n_day_containers,
			      "rooms", (json_int_t)used, "events", (json_int_t)s->n_sessions,
			      "per_room", rooms_json(s), "oddities", odd, "sessions", sessions);
	if (s->n_sessions) {
		const struct schedule_session *a = &s->sessions[0], *z = &s->sessions[s->n_sessions - 1];
		json_object_set_new(o, "first", when_json(a->start, a->utc_offset));
		json_object_set_new(o, "last", when_json(z->start, z->utc_offset));
	}
	json_object_set_new(o, "warnings", json_string(s->warnings ? s->warnings : ""));
	return o;
}

static json_t *time_or_null(double t)
{
	return t > 0 ? json_real(t) : json_null();
}

static json_t *text_or_null(const char *t)
{
	return t && *t ? json_string(t) : json_null();
}

json_t *schedule_status_json(const struct schedule *s, double now)
{
	if (!s)
		return json_null();
	const struct schedule_status *st = &s->status;
	char odd[1024];
	schedule_oddities_text(s, odd, sizeof odd);
	size_t unmapped_sessions, unmapped = schedule_unmapped(s, &unmapped_sessions);
	json_t *o = json_pack("{s:s, s:s, s:I, s:s?, s:s, s:I, s:b, s:b}", "source", s->path,
			      "format", schedule_format_name(s->format),
			      "sessions", (json_int_t)s->n_sessions, "zone", s->zone,
			      "oddities", odd, "unmapped_rooms", (json_int_t)unmapped,
			      "live", st->live, "stale", schedule_is_stale(s, now));
	if (!o)
		return json_null();
	json_object_set_new(o, "loaded", time_or_null(st->loaded));
	json_object_set_new(o, "confirmed", time_or_null(st->live ? st->confirmed : 0));
	json_object_set_new(o, "stale_after", st->live ? json_integer(st->stale_after) : json_null());
	json_object_set_new(o, "error", text_or_null(st->error));
	json_object_set_new(o, "note", text_or_null(st->note));
	json_object_set_new(o, "noted", time_or_null(st->noted));
	return o;
}

int schedule_dump(const struct conf *conf, FILE *out)
{
	if (!conf->event.schedule) {
		fprintf(stderr, "%s: event: no schedule configured\n", conf->path);
		return -1;
	}
	char *err = NULL;
	struct schedule *s = schedule_load_source(conf, &err);
	print_lines(stderr, "", err);
	free(err);
	if (!s)
		return -1;
	json_t *o = schedule_json(s);
	json_dumpf(o, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(o);
	schedule_free(s);
	return 0;
}
