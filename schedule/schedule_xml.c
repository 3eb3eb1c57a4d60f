/*
 * Schedule XML (pentabarf, frab, pretalx): <schedule> <conference/>
 * <day date> [<room name>] <event id> ... with libxml2. Lenient about
 * everything the schedule does not need; strict about times.
 */
#include "config.h"
#include "schedule/schedule_parse.h"
#include "base/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

struct xml_errors {
	struct schedule_builder *b;
	bool seen;
};

/* libxml2 reports every error; the first one names the real problem. */
static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct xml_errors *x = ctx;
	if (x->seen || !e || e->level < XML_ERR_ERROR)
		return;
	x->seen = true;
	char *msg = sb_trimmed(e->message ? e->message : "malformed XML");
	sb_error(x->b, e->line, "XML", "%s", msg);
	free(msg);
}

static bool named(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static int line_of(const xmlNode *n)
{
	long l = xmlGetLineNo(n);
	return l > 0 && l <= INT_MAX ? (int)l : 0;
}

static const xmlNode *child(const xmlNode *parent, const char *name)
{
	for (const xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/* The trimmed text of a node, or NULL for no node; empty text stays "". */
static char *text_of(const xmlNode *n)
{
	if (!n)
		return NULL;
	xmlChar *raw = xmlNodeGetContent(n);
	char *t = sb_trimmed(raw ? (const char *)raw : "");
	xmlFree(raw);
	return t;
}

static char *child_text(const xmlNode *parent, const char *name)
{
	return text_of(child(parent, name));
}

static char *attr(const xmlNode *n, const char *name)
{
	xmlChar *raw = xmlGetProp(n, BAD_CAST name);
	if (!raw)
		return NULL;
	char *t = sb_trimmed((const char *)raw);
	xmlFree(raw);
	return t;
}

struct day_ctx {
	struct schedule_civil date;
	bool has_date;
	const char *room;		/* the enclosing <room name>, or NULL */
	long day_change;		/* seconds after midnight a day begins */
};

/* Missing or empty: open-ended, zero length (RFC 5545 reads a VEVENT
 * without an end so; schedule XML has no rule of its own). */
static void event_duration(struct schedule_builder *b, const xmlNode *ev,
			   struct schedule_session *s)
{
	const xmlNode *n = child(ev, "duration");
	char *text = text_of(n);
	if (!text || !*text)
		sb_oddity(b, SCHEDULE_ODD_OPEN_ENDED, n ? line_of(n) : s->line, s->element,
			  "no %s: read as zero length", n ? "value in <duration>" : "<duration>");
	else if (text[0] == '-' || schedule_parse_hms(text, &s->duration) != 0)
		sb_oddity(b, SCHEDULE_ODD_BAD_LENGTH, line_of(n), "duration",
			  "\"%s\" in %s is not H:MM, HH:MM or HH:MM:SS: read as zero length",
			  text, s->element);
	free(text);
}

/* <date> with offset wins; a bare <date> is local time. */
static int start_from_date(struct schedule_builder *b, const xmlNode *n,
			   struct schedule_session *s, const char *text)
{
	struct schedule_civil c;
	bool has_offset;
	int offset;
	if (schedule_parse_iso(text, &c, &has_offset, &offset) != 0) {
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, line_of(n), "date",
			  "\"%s\" in %s is not a date and time: left out", text, s->element);
		return -1;
	}
	if (has_offset) {
		s->start = schedule_civil_to_utc(&c) - offset;
		return 0;
	}
	if (sb_local_to_utc(b, sb_local_zone(b), &c, &s->start, &s->utc_offset) != 0) {
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, line_of(n), "date",
			  "cannot place \"%s\" in %s in a time zone: left out", text, s->element);
		return -1;
	}
	return 0;
}

/* pentabarf: the day's date plus <start>, after the day change. */
static int start_from_day(struct schedule_builder *b, const xmlNode *ev,
			  struct schedule_session *s, const struct day_ctx *day)
{
	const xmlNode *n = child(ev, "start");
	char *text = text_of(n);
	long secs;
	int rc = -1;
	if (!text)
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, s->line, s->element,
			  "neither <date> nor <start>: left out");
	else if (schedule_parse_hms(text, &secs) != 0 || secs >= 86400)
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, line_of(n), "start",
			  "\"%s\" in %s is not a time of day (HH:MM): left out", text, s->element);
	else if (!day->has_date)
		sb_oddity(b, SCHEDULE_ODD_SKIPPED, s->line, s->element,
			  "no <date> and its <day> has no date: left out");
	else {
		struct schedule_civil c = day->date;
		if (secs < day->day_change)
			schedule_civil_add_days(&c, 1);
		c.hour = (int)(secs / 3600);
		c.min = (int)(secs / 60 % 60);
		c.sec = (int)(secs % 60);
		rc = sb_local_to_utc(b, sb_local_zone(b), &c, &s->start, &s->utc_offset);
		if (rc != 0)
			sb_oddity(b, SCHEDULE_ODD_SKIPPED, line_of(n), "start",
				  "cannot place %s in a time zone: left out", s->element);
	}
	free(text);
	return rc;
}

/* The event's own <room> wins over its container (merged files put
 * events into other stages' containers). */
static void event_room(struct schedule_builder *b, const xmlNode *ev,
		       struct schedule_session *s, const struct day_ctx *day)
{
	s->room = child_text(ev, "room");
	if ((!s->room || !*s->room) && day->room) {
		free(s->room);
		s->room = xstrdup(day->room);
	} else if (s->room && day->room && strcmp(s->room, day->room) != 0) {
		sb_oddity(b, SCHEDULE_ODD_OTHER_ROOM, s->line, s->element,
			  "its <room> \"%s\" is not its container \"%s\"; \"%s\" used", s->room,
			  day->room, s->room);
	}
}

/* An exporter writing local wall clock and labelling it UTC shows as
 * <start> disagreeing with <date>: the file's own zone judges, else the
 * schedule's. <date> still wins; the warning says which reading to doubt. */
static void check_start(struct schedule_builder *b, const xmlNode *ev,
			const struct schedule_session *s, const char *date)
{
	const xmlNode *n = child(ev, "start");
	char *text = text_of(n);
	long secs;
	if (text && schedule_parse_hms(text, &secs) == 0) {
		const char *zone = b->file_zone ? b->file_zone : sb_local_zone(b);
		struct schedule_civil c;
		schedule_utc_to_civil(s->start + sb_offset_at(b, zone, s->start), &c);
		if (c.hour * 3600 + c.min * 60 != secs - secs % 60)
			sb_oddity(b, SCHEDULE_ODD_START_MISMATCH, line_of(n), "start",
				  "<start>%s in %s disagrees with <date>%s (%02d:%02d in %s); "
				  "<date> used", text, s->element, date, c.hour, c.min,
				  zone ? zone : "the system's zone");
	}
	free(text);
}

static void parse_event(struct schedule_builder *b, const xmlNode *ev, const struct day_ctx *day)
{
	struct schedule_session *s = sb_add_session(b);
	s->line = line_of(ev);
	s->id = attr(ev, "id");
	if (!s->id)
		s->id = attr(ev, "guid");
	s->element = s->id ? xasprintf("<event id='%s'>", s->id) : xstrdup("<event>");
	s->title = child_text(ev, "title");
	s->type = child_text(ev, "type");
	event_room(b, ev, s, day);
	event_duration(b, ev, s);
	const xmlNode *date = child(ev, "date");
	char *text = text_of(date);
	bool dated = text && *text;
	int rc = dated ? start_from_date(b, date, s, text) : start_from_day(b, ev, s, day);
	if (rc != 0)
		sb_drop_session(b);
	else {
		if (dated)
			check_start(b, ev, s, text);
		if (day->has_date)
			sb_check_day(b, s, &day->date, day->day_change);
	}
	free(text);
}

static void parse_room(struct schedule_builder *b, const xmlNode *rn, struct day_ctx *day)
{
	char *name = attr(rn, "name");
	size_t events = 0;
	sb_declare_room(b, name, line_of(rn));
	day->room = name;
	for (const xmlNode *e = rn->children; e; e = e->next)
		if (named(e, "event")) {
			parse_event(b, e, day);
			events++;
		}
	day->room = NULL;
	if (events == 0)
		sb_oddity(b, SCHEDULE_ODD_EMPTY_ROOM, line_of(rn), "room",
			  "\"%s\" holds no event on this day", name ? name : "");
	free(name);
}

static void parse_day(struct schedule_builder *b, const xmlNode *dn, long day_change)
{
	struct day_ctx day = { .day_change = day_change };
	char *date = attr(dn, "date");
	b->n_day_containers++;
	if (date) {
		if (schedule_parse_date(date, &day.date) == 0)
			day.has_date = true;
		else
			sb_warn(b, line_of(dn), "day", "date \"%s\" is not YYYY-MM-DD; ignored", date);
	}
	free(date);
	for (const xmlNode *c = dn->children; c; c = c->next) {
		if (named(c, "event")) {
			day.room = NULL;
			parse_event(b, c, &day);
		} else if (named(c, "room")) {
			parse_room(b, c, &day);
		}
	}
}

static long conference_day_change(struct schedule_builder *b, const xmlNode *conf)
{
	const xmlNode *n = child(conf, "day_change");
	char *text = text_of(n);
	long secs = 0;
	if (text && *text && (schedule_parse_hms(text, &secs) != 0 || secs >= 86400)) {
		sb_warn(b, line_of(n), "day_change", "\"%s\" is not a time of day; ignored", text);
		secs = 0;
	}
	free(text);
	return secs;
}

static void walk(struct schedule_builder *b, const xmlNode *root)
{
	if (!named(root, "schedule")) {
		sb_error(b, line_of(root), "XML", "the root element is <%s>, not <schedule>",
			 root ? (const char *)root->name : "");
		return;
	}
	const xmlNode *conf = child(root, "conference");
	long day_change = 0;
	if (conf) {
		const xmlNode *zn = child(conf, "time_zone_name");
		char *zone = text_of(zn);
		sb_set_file_zone(b, zone, line_of(zn));
		free(zone);
		day_change = conference_day_change(b, conf);
	}
	for (const xmlNode *c = root->children; c; c = c->next)
		if (named(c, "day"))
			parse_day(b, c, day_change);
}

int schedule_parse_xml(struct schedule_builder *b, const char *buf, size_t len)
{
	if (len > INT_MAX) {
		sb_error(b, 0, "XML", "the file is too large");
		return -1;
	}
	struct xml_errors errs = { .b = b };
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -1;
	xmlSetStructuredErrorFunc(&errs, on_xml_error);
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, b->name, NULL,
					  XML_PARSE_NONET | XML_PARSE_NOERROR |
					  XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(NULL, NULL);
	int rc = -1;
	if (doc && !errs.seen) {
		walk(b, xmlDocGetRootElement(doc));
		rc = 0;
	} else if (!errs.seen) {
		sb_error(b, 0, "XML", "malformed XML");
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}
