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

/* Missing or empty: open-ended, zero length (as in schedule XML). */
static void event_duration(struct schedule_builder *b, const json_t *ev,
			   struct schedule_session *s)
{
	char *text = string_of(ev, "duration");
	if (!text || !*text)
		sb_oddity(b, SCHEDULE_ODD_OPEN_ENDED, 0, s->element,
			  "duration: missing or not a string \"HH:MM\": read as zero length");
	else if (text[0] == '-' || schedule_parse_hms(text, &s->duration) != 0)
		sb_oddity(b, SCHEDULE_ODD_BAD_LENGTH, 0, s->element,
			  "duration: \"%s\" is not H:MM, HH:MM or HH:MM:SS: read as zero length", text);
	free(text);
}

/* The local civil time of the start: "date" (with its offset, if any),
 * else the day's date plus "start". -1 when neither reads. */
static int civil_start(struct schedule_builder *b, const json_t *ev, struct schedule_session *s,
		       const struct day_ctx *day, struct schedule_civil *c, bool *has_offset,
		       int *offset)
{
	char *date = string_of(ev, "date");
	char *start = string_of(ev, "start");
	long secs;
	int rc = -1;
	*has_offset = false;
	*offset = 0;
	if (date && *date) {
		rc = schedule_parse_iso(date, c, has_offset, offset);
		if (rc != 0)
			sb_oddity(b, SCHEDULE_ODD_SKIPPED, 0, s->element,
				  "date: \"%s\" is not a date and time: left out", date);
	} else if (!start) {
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, 0, s->element,
			  "neither \"date\" nor \"start\": left out");
	} else if (schedule_parse_hms(start, &secs) != 0 || secs >= 86400) {
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, 0, s->element,
			  "start: \"%s\" is not a time of day (HH:MM): left out", start);
	} else if (!day->has_date) {
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, 0, s->element,
			  "no \"date\" and its day has no date: left out");
	} else {
		*c = day->date;
		if (secs < day->day_change)
			schedule_civil_add_days(c, 1);
		c->hour = (int)(secs / 3600);
		c->min = (int)(secs / 60 % 60);
		c->sec = (int)(secs % 60);
		rc = 0;
	}
	free(date);
	free(start);
	return rc;
}

static int event_start(struct schedule_builder *b, const json_t *ev,
		       struct schedule_session *s, const struct day_ctx *day)
{
	struct schedule_civil c;
	bool has_offset;
	int offset;
	if (civil_start(b, ev, s, day, &c, &has_offset, &offset) != 0)
		return -1;
	if (has_offset) {
		s->start = schedule_civil_to_utc(&c) - offset;
		return 0;
	}
	if (sb_local_to_utc(b, sb_local_zone(b), &c, &s->start, &s->utc_offset) == 0)
		return 0;
	sb_oddity(b, SCHEDULE_ODD_SKIPPED, 0, s->element,
		  "cannot place the start in a time zone: left out");
	return -1;
}

/* "start" disagreeing with "date" in the file's zone (else the
 * schedule's) means one of them is wrong; "date" wins, as in XML. */
static void check_start(struct schedule_builder *b, const json_t *ev,
			const struct schedule_session *s)
{
	char *date = string_of(ev, "date");
	char *start = string_of(ev, "start");
	long secs;
	if (date && *date && start && schedule_parse_hms(start, &secs) == 0) {
		const char *zone = b->file_zone ? b->file_zone : sb_local_zone(b);
		struct schedule_civil c;
		schedule_utc_to_civil(s->start + sb_offset_at(b, zone, s->start), &c);
		if (c.hour * 3600 + c.min * 60 != secs - secs % 60)
			sb_oddity(b, SCHEDULE_ODD_START_MISMATCH, 0, s->element,
				  "start: \"%s\" disagrees with date \"%s\" (%02d:%02d in %s); "
				  "the date is used", start, date, c.hour, c.min,
				  zone ? zone : "the system's zone");
	}
	free(date);
	free(start);
}

static void parse_event(struct schedule_builder *b, const json_t *ev, const char *path,
			const char *room, const struct day_ctx *day)
{
	if (!json_is_object(ev)) {
		sb_warn(b, 0, path, "an event must be an object; ignored");
		return;
	}
	struct schedule_session *s = sb_add_session(b);
	s->id = id_of(ev);
	s->element = s->id ? xasprintf("%s (id %s)", path, s->id) : xstrdup(path);
	s->title = string_of(ev, "title");
	s->type = string_of(ev, "type");
	s->room = string_of(ev, "room");
	if (!s->room || !*s->room) {
		free(s->room);
		s->room = xstrdup(room);
	} else if (strcmp(s->room, room) != 0) {
		sb_oddity(b, SCHEDULE_ODD_OTHER_ROOM, 0, s->element,
			  "room: \"%s\" is not its container \"%s\"; \"%s\" used", s->room, room,
			  s->room);
	}
	event_duration(b, ev, s);
	if (event_start(b, ev, s, day) != 0) {
		sb_drop_session(b);
		return;
	}
	check_start(b, ev, s);
	if (day->has_date)
		sb_check_day(b, s, &day->date, day->day_change);
}

static void parse_day(struct schedule_builder *b, const json_t *dj, size_t di, long day_change)
{
	struct day_ctx day = { .day_change = day_change };
	char path[64];
	snprintf(path, sizeof path, "days[%zu]", di);
	b->n_day_containers++;
	if (!json_is_object(dj)) {
		sb_warn(b, 0, path, "a day must be an object; ignored");
		return;
	}
	char *date = string_of(dj, "date");
	if (date && schedule_parse_date(date, &day.date) == 0)
		day.has_date = true;
	else if (date)
		sb_warn(b, 0, path, "date: \"%s\" is not YYYY-MM-DD; ignored", date);
	free(date);
	const json_t *rooms = json_object_get(dj, "rooms");
	if (rooms && !json_is_object(rooms)) {
		sb_warn(b, 0, path, "rooms: must be an object of room name to events; ignored");
		return;
	}
	const char *name;
	const json_t *events;
	json_object_foreach((json_t *)rooms, name, events) {
		sb_declare_room(b, name, 0);
		if (!json_is_array(events)) {
			sb_warn(b, 0, path, "rooms[\"%s\"]: must be an array of events; ignored", name);
			continue;
		}
		if (json_array_size(events) == 0)
			sb_oddity(b, SCHEDULE_ODD_EMPTY_ROOM, 0, path,
				  "rooms[\"%s\"] holds no event on this day", name);
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
