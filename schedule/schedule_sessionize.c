/* Sessionize API v2 JSON: the "All" view (sessions, rooms) and the grouped "Sessions" view. */
/*
 * A session has an id (digits, or a UUID for service sessions), a title,
 * startsAt/endsAt as floating local time (the venue's zone is not in the
 * file: the schedule's zone reads them) and a roomId to look up in
 * rooms[]. There are no days and no durations: the length is endsAt -
 * startsAt. Sessions without startsAt are accepted but not scheduled yet.
 */
#include "config.h"
#include "schedule/schedule_parse.h"
#include "base/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static char *string_of(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? sb_trimmed(json_string_value(v)) : NULL;
}

/* ids are strings in v2, numbers in older exports */
static char *id_of(const json_t *o)
{
	const json_t *v = json_object_get(o, "id");
	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return string_of(o, "id");
}

/* A floating time in the schedule's zone; an offset, if given, wins. */
static int instant(struct schedule_builder *b, const char *text, time_t *out, int *offset)
{
	struct schedule_civil c;
	bool has_offset;
	if (!text || schedule_parse_iso(text, &c, &has_offset, offset) != 0)
		return -1;
	if (has_offset) {
		*out = schedule_civil_to_utc(&c) - *offset;
		return 0;
	}
	return sb_local_to_utc(b, sb_local_zone(b), &c, out, offset);
}

static const char *room_name(const json_t *rooms, const json_t *id)
{
	size_t i;
	const json_t *r;
	json_array_foreach(rooms, i, r)
		if (json_equal(json_object_get(r, "id"), (json_t *)id))
			return json_string_value(json_object_get(r, "name"));
	return NULL;
}

static void session_room(struct schedule_builder *b, const json_t *sj, const json_t *rooms,
			 struct schedule_session *s)
{
	const json_t *id = json_object_get(sj, "roomId");
	const char *name = id && !json_is_null(id) ? room_name(rooms, id) : NULL;
	if (name) {
		s->room = sb_trimmed(name);
		return;
	}
	s->room = string_of(sj, "room");
	if (!s->room && id && !json_is_null(id))
		sb_warn(b, 0, s->element, "roomId: no room in rooms[] has this id");
}

/* Service sessions are breaks and meals, plenum sessions keynotes: the
 * type says so, the classifier does the rest. */
static char *session_type(const json_t *sj)
{
	if (json_is_true(json_object_get(sj, "isPlenumSession")))
		return xstrdup("plenary");
	if (json_is_true(json_object_get(sj, "isServiceSession")))
		return xstrdup("service");
	return xstrdup("");
}

static void parse_session(struct schedule_builder *b, const json_t *sj, const json_t *rooms,
			  const char *path)
{
	if (!json_is_object(sj)) {
		sb_warn(b, 0, path, "a session must be an object; ignored");
		return;
	}
	char *starts = string_of(sj, "startsAt"), *ends = string_of(sj, "endsAt");
	struct schedule_session *s = sb_add_session(b);
	s->id = id_of(sj);
	s->element = s->id ? xasprintf("%s (id %s)", path, s->id) : xstrdup(path);
	s->title = string_of(sj, "title");
	s->type = session_type(sj);
	session_room(b, sj, rooms, s);
	time_t end;
	int off;
	if (!starts || !*starts) {
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, 0, s->element, "no startsAt (not scheduled yet): "
			  "left out");
		sb_drop_session(b);
	} else if (instant(b, starts, &s->start, &s->utc_offset) != 0) {
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, 0, s->element, "startsAt: \"%s\" is not a date and "
			  "time: left out", starts);
		sb_drop_session(b);
	} else if (!ends || !*ends) {
		sb_oddity(b, SCHEDULE_ODD_OPEN_ENDED, 0, s->element, "no endsAt: read as zero length");
	} else if (instant(b, ends, &end, &off) != 0) {
		sb_oddity(b, SCHEDULE_ODD_BAD_LENGTH, 0, s->element, "endsAt: \"%s\" is not a date "
			  "and time: read as zero length", ends);
	} else {
		s->duration = (long)(end - s->start);
	}
	free(starts);
	free(ends);
}

static void parse_sessions(struct schedule_builder *b, const json_t *sessions,
			   const json_t *rooms, const char *prefix)
{
	size_t i;
	const json_t *sj;
	json_array_foreach(sessions, i, sj) {
		char *path = xasprintf("%ssessions[%zu]", prefix, i);
		parse_session(b, sj, rooms, path);
		free(path);
	}
}

static void declare_rooms(struct schedule_builder *b, const json_t *rooms)
{
	size_t i;
	const json_t *r;
	json_array_foreach(rooms, i, r) {
		char *name = string_of(r, "name");
		sb_declare_room(b, name, 0);
		free(name);
	}
}

/* The "Sessions" view: [{"groupName": ..., "sessions": [...]}, ...],
 * rooms named on each session. */
static void parse_groups(struct schedule_builder *b, const json_t *groups)
{
	size_t i;
	const json_t *g;
	json_array_foreach(groups, i, g) {
		char prefix[48];
		snprintf(prefix, sizeof prefix, "[%zu].", i);
		parse_sessions(b, json_object_get(g, "sessions"), NULL, prefix);
	}
}

int schedule_parse_sessionize(struct schedule_builder *b, const char *buf, size_t len)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, 0, &je);
	if (!root) {
		sb_error(b, je.line, "JSON", "%s", je.text);
		return -1;
	}
	const json_t *sessions = json_object_get(root, "sessions");
	if (json_is_array(sessions)) {
		const json_t *rooms = json_object_get(root, "rooms");
		declare_rooms(b, rooms);
		parse_sessions(b, sessions, rooms, "");
	} else if (json_is_array(root)) {
		parse_groups(b, root);
	} else {
		sb_error(b, 0, "sessions", "missing or not an array: not a Sessionize export");
		json_decref(root);
		return -1;
	}
	json_decref(root);
	return 0;
}
