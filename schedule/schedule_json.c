/*
 * Schedule JSON (frab and pretalx): [{"schedule": ...}] with
 * conference.days[].rooms{"name": [event, ...]}, read with jansson. JSON
 * has no line numbers after parsing, so messages name the element's path.
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

static char *id_of(const json_t *ev)
{
	const json_t *v = json_object_get(ev, "id");
	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (json_is_string(v))
		return sb_trimmed(json_string_value(v));
	return string_of(ev, "guid");
}

struct day_ctx {
	struct schedule_civil date;
	bool has_date;
	long day_change;
};

static void event_duration(struct schedule_builder *b, const json_t *ev,
			   struct schedule_session *s)
{
	char *text = string_of(ev, "duration");
	if (!text)
		sb_error(b, 0, s->element, "duration: missing, or not a string \"HH:MM\"");
	else if (text[0] == '-')
		sb_error(b, 0, s->element, "duration: negative duration \"%s\"", text);
	else if (schedule_parse_hms(text, &s->duration) != 0)
		sb_error(b, 0, s->element, "duration: \"%s\" is not H:MM, HH:MM or HH:MM:SS", text);
	free(text);
}

static void event_start(struct schedule_builder *b, const json_t *ev,
			struct schedule_session *s, const struct day_ctx *day)
{
	char *date = string_of(ev, "date");
	char *start = string_of(ev, "start");
	struct schedule_civil c;
	bool has_offset = false;
	int offset = 0;
	long secs;
	if (date && *date) {
		if (schedule_parse_iso(date, &c, &has_offset, &offset) != 0) {
			sb_error(b, 0, s->element, "date: \"%s\" is not a date and time", date);
			goto out;
		}
	} else if (!start) {
		sb_error(b, 0, s->element, "neither \"date\" nor \"start\"");
		goto out;
	} else if (schedule_parse_hms(start, &secs) != 0 || secs >= 86400) {
		sb_error(b, 0, s->element, "start: \"%s\" is not a time of day (HH:MM)", start);
		goto out;
	} else if (!day->has_date) {
		sb_error(b, 0, s->element, "no \"date\" and its day has no date");
		goto out;
	} else {
		c = day->date;
		if (secs < day->day_change)
			schedule_civil_add_days(&c, 1);
		c.hour = (int)(secs / 3600);
		c.min = (int)(secs / 60 % 60);
		c.sec = (int)(secs % 60);
	}
	if (has_offset) {
		s->start = schedule_civil_to_utc(&c) - offset;
		s->utc_offset = offset;
	} else if (sb_local_to_utc(b, sb_local_zone(b), &c, &s->start, &s->utc_offset) != 0) {
		sb_error(b, 0, s->element, "cannot place the start in a time zone");
	}
out:
	free(date);
	free(start);
}

static void parse_event(struct schedule_builder *b, const json_t *ev, const char *path,
			const char *room, const struct day_ctx *day)
{
	struct schedule_session *s = sb_add_session(b);
	if (!json_is_object(ev)) {
		s->element = xstrdup(path);
		sb_error(b, 0, path, "an event must be an object");
		return;
	}
	s->id = id_of(ev);
	s->element = s->id ? xasprintf("%s (id %s)", path, s->id) : xstrdup(path);
	s->title = string_of(ev, "title");
	s->type = string_of(ev, "type");
	s->room = string_of(ev, "room");
	if (!s->room || !*s->room) {
		free(s->room);
		s->room = xstrdup(room);
	}
	event_duration(b, ev, s);
	event_start(b, ev, s, day);
}

static void parse_day(struct schedule_builder *b, const json_t *dj, size_t di, long day_change)
{
	struct day_ctx day = { .day_change = day_change };
	char path[64];
	snprintf(path, sizeof path, "days[%zu]", di);
	b->n_day_containers++;
	if (!json_is_object(dj)) {
		sb_error(b, 0, path, "a day must be an object");
		return;
	}
	char *date = string_of(dj, "date");
	if (date && schedule_parse_date(date, &day.date) == 0)
		day.has_date = true;
	else if (date)
		sb_error(b, 0, path, "date: \"%s\" is not YYYY-MM-DD", date);
	free(date);
	const json_t *rooms = json_object_get(dj, "rooms");
	if (rooms && !json_is_object(rooms)) {
		sb_error(b, 0, path, "rooms: must be an object of room name to events");
		return;
	}
	const char *name;
	const json_t *events;
	json_object_foreach((json_t *)rooms, name, events) {
		sb_declare_room(b, name, 0);
		if (!json_is_array(events)) {
			sb_error(b, 0, path, "rooms[\"%s\"]: must be an array of events", name);
			continue;
		}
		size_t ei;
		const json_t *ev;
		json_array_foreach(events, ei, ev) {
			char *where = xasprintf("%s.rooms[\"%s\"][%zu]", path, name, ei);
			parse_event(b, ev, where, name, &day);
			free(where);
		}
	}
}

static void declared_rooms(struct schedule_builder *b, const json_t *conf)
{
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(conf, "rooms"), i, r) {
		char *name = string_of(r, "name");
		sb_declare_room(b, name, 0);
		free(name);
	}
}

int schedule_parse_json(struct schedule_builder *b, const char *buf, size_t len)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, 0, &je);
	if (!root) {
		sb_error(b, je.line, "JSON", "%s", je.text);
		return -1;
	}
	const json_t *sched = json_object_get(root, "schedule");
	if (!json_is_object(sched))
		sched = root;
	const json_t *conf = json_object_get(sched, "conference");
	if (!json_is_object(conf)) {
		sb_error(b, 0, "schedule.conference", "missing: not a frab or pretalx schedule JSON");
		json_decref(root);
		return -1;
	}
	char *zone = string_of(conf, "time_zone_name");
	sb_set_file_zone(b, zone, 0);
	free(zone);
	long day_change = 0;
	char *dc = string_of(conf, "day_change");
	if (dc && (schedule_parse_hms(dc, &day_change) != 0 || day_change >= 86400)) {
		sb_warn(b, 0, "conference.day_change", "\"%s\" is not a time of day; ignored", dc);
		day_change = 0;
	}
	free(dc);
	declared_rooms(b, conf);
	const json_t *days = json_object_get(conf, "days");
	if (!json_is_array(days))
		sb_error(b, 0, "schedule.conference.days", "missing or not an array");
	size_t di;
	const json_t *dj;
	json_array_foreach(days, di, dj)
		parse_day(b, dj, di, day_change);
	json_decref(root);
	return 0;
}
