/* The per-tick snapshot: every body and event pre-rendered once, then published. */
#include "config.h"
#include "web/server.h"

#include "alerts/alert.h"
#include "base/module.h"
#include "model/plan.h"
#include "schedule/schedule.h"
#include "base/util.h"
#include "model/venue.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

/* Bodies smaller than this go out plain: gzip would not pay for itself. */
#define GZIP_MIN_BYTES 512
/* Every tick compresses every body while the HTTP threads serve: the
 * fastest level, about a fifth of level 6's time for JSON. */
#define GZIP_LEVEL 1
/* Seconds a late tick may take before /healthz calls the loop stuck. */
#define HEALTH_SLACK 5
/* Bodies from this size go out with sendfile() from a memfd. */
#define SENDFILE_MIN_BYTES 16384

/* ---- responses ---- */

int web_gzip(const void *in, size_t len, unsigned char **out, size_t *outlen)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	/* 16 + 15: a gzip wrapper, the only one every client accepts */
	if (deflateInit2(&zs, GZIP_LEVEL, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t cap = deflateBound(&zs, (uLong)len);
	unsigned char *buf = xmalloc(cap);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	int rc = deflate(&zs, Z_FINISH);
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = zs.total_out;
	return 0;
}

static uint64_t fnv1a(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void add_body_headers(struct MHD_Response *r, const char *type, const char *cache_control,
			     const char *etag, const char *encoding)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (encoding)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, encoding);
	web_add_common_headers(r);
}

/* A sealed memfd holding data, or -1 (then the body goes out from memory). */
static int sealed_file(const void *data, size_t len)
{
	int fd = memfd_create("headroom-body", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	const char *p = data;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	return fd;
}

/* Each copy owns a descriptor of its own (libmicrohttpd closes it with
 * the response); they share one file, read with offsets only. */
static void file_variant(struct web_variant *v, int fd, size_t len)
{
	for (unsigned i = 0; i < WEB_BODY_COPIES; i++) {
		int own = i + 1 < WEB_BODY_COPIES ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : fd;
		struct MHD_Response *r = own < 0 ? NULL : MHD_create_response_from_fd(len, own);
		if (!r) {
			if (own >= 0)
				close(own);
			continue;
		}
		v->r[v->n++] = r;
	}
}

static void set_variant(struct web_variant *v, const void *data, size_t len, bool files)
{
	int fd = files && len >= SENDFILE_MIN_BYTES ? sealed_file(data, len) : -1;
	if (fd >= 0)
		file_variant(v, fd, len);
	if (v->n > 0)
		return;
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data,
								 MHD_RESPMEM_MUST_COPY);
	if (r)
		v->r[v->n++] = r;
}

int web_body_set(struct web_body *b, const char *data, size_t len, const char *type,
		 const char *cache_control, bool files)
{
	memset(b, 0, sizeof *b);
	snprintf(b->etag, sizeof b->etag, "\"%016llx\"", (unsigned long long)fnv1a(data, len));
	set_variant(&b->plain, data, len, files);
	unsigned char *z;
	size_t zlen;
	if (len >= GZIP_MIN_BYTES && web_gzip(data, len, &z, &zlen) == 0) {
		set_variant(&b->gzip, z, zlen, files);
		free(z);
	}
	for (unsigned i = 0; i < b->plain.n; i++)
		add_body_headers(b->plain.r[i], type, cache_control, b->etag, NULL);
	for (unsigned i = 0; i < b->gzip.n; i++)
		add_body_headers(b->gzip.r[i], type, cache_control, b->etag, "gzip");
	return b->plain.n > 0 ? 0 : -1;
}

struct MHD_Response *web_body_pick(struct web_body *b, bool gzip)
{
	const struct web_variant *v = gzip && b->gzip.n > 0 ? &b->gzip : &b->plain;
	if (v->n <= 1)
		return v->n ? v->r[0] : NULL;
	return v->r[__atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED) % v->n];
}

static void clear_variant(struct web_variant *v)
{
	for (unsigned i = 0; i < v->n; i++)
		MHD_destroy_response(v->r[i]);
	v->n = 0;
}

void web_body_clear(struct web_body *b)
{
	clear_variant(&b->plain);
	clear_variant(&b->gzip);
}

/* ---- JSON of the venue ---- */

/* A number, an integer when it is one, null when unknown. */
static json_t *jnum(double x)
{
	if (!isfinite(x))
		return json_null();
	if (x == floor(x) && fabs(x) < 1e15)
		return json_integer((json_int_t)x);
	return json_real(round(x * 1000) / 1000);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jtime(double t)
{
	return t > 0 ? json_real(round(t * 1000) / 1000) : json_null();
}

static double ratio(double load, double capacity)
{
	return capacity > 0 && isfinite(load) ? load / capacity : NAN;
}

static const char *target_state(int up)
{
	return up == 1 ? "up" : up == 0 ? "down" : "pending";
}

/* A scheduled session for a room tile: start in epoch seconds and as the
 * venue's wall clock, its projection against the room's AP capacity.
 * The schedule holds the per-minute projection and decides whether it
 * overflows the room; the capacity is the venue model's. */
static json_t *session_json(const struct schedule *s, const struct conf *c,
			    const struct venue_room *room, const struct schedule_session *x)
{
	if (!x)
		return json_null();
	char local[40];
	schedule_format_time(x->start, x->utc_offset, local, sizeof local);
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:s, s:I, s:I, s:b}", "title", x->title,
			      "type", x->type ? x->type : "", "start", (json_int_t)x->start,
			      "end", (json_int_t)(x->start + x->duration), "start_local", local,
			      "projected", (json_int_t)schedule_session_peak(s, x),
			      "capacity", (json_int_t)room->capacity,
			      "over_capacity", schedule_session_over_capacity(s, c, x));
	return o ? o : json_null();	/* a title jansson refuses */
}

static void room_sessions(json_t *o, const struct venue *v, const struct schedule *sched,
			  size_t r, double now)
{
	const struct schedule_session *cur = NULL, *next = NULL;
	if (sched)
		schedule_now_next(sched, (int)r, (time_t)now, &cur, &next);
	json_object_set_new(o, "now", session_json(sched, v->conf, &v->rooms[r], cur));
	json_object_set_new(o, "next", session_json(sched, v->conf, &v->rooms[r], next));
}

static json_t *room_json(const struct venue *v, const struct schedule *sched, size_t r,
			 double now, bool live)
{
	const struct venue_room *room = &v->rooms[r];
	double load = isnan(room->clients) ? room->projected : fmax(room->clients, room->projected);
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(room->conf->name));
	json_object_set_new(o, "seats", json_integer(room->conf->seats));
	json_object_set_new(o, "common_area", json_boolean(room->conf->common_area));
	json_object_set_new(o, "clients", jnum(room->clients));
	json_object_set_new(o, "capacity", jnum(room->capacity));
	json_object_set_new(o, "projected", jnum(room->projected));
	json_object_set_new(o, "headroom", jnum(room->capacity - load));
	json_object_set_new(o, "load", jnum(ratio(room->clients, room->capacity)));
	json_object_set_new(o, "status", json_string(plan_status_name(room->status)));
	json_object_set_new(o, "plan_status", json_string(plan_status_name(room->plan_status)));
	json_object_set_new(o, "aps_known", json_integer(room->aps_known));
	json_object_set_new(o, "aps_total", json_integer(room->aps_total));
	room_sessions(o, v, sched, r, now);
	if (!live) {
		json_t *aps = json_array();
		for (size_t i = 0; i < v->n_aps; i++)
			if (v->aps[i].room_idx == (int)r)
				json_array_append_new(aps, json_string(v->aps[i].name));
		json_object_set_new(o, "aps", aps);
	}
	return o;
}

static int target_index(const struct venue *v, const char *name)
{
	return name ? conf_target_index(v->conf, name) : -1;
}

static json_t *ap_json(const struct venue *v, const struct venue_ap *a, bool live)
{
	json_t *o = json_object();
	int t = target_index(v, a->target);
	bool target_down = t >= 0 && v->targets[t].up == 0;
	json_object_set_new(o, "name", json_string(a->name));
	json_object_set_new(o, "room", a->room_idx >= 0
			    ? json_string(v->conf->rooms[a->room_idx].name) : json_null());
	json_object_set_new(o, "planned", json_boolean(a->planned));
	json_object_set_new(o, "target", jstr(a->target));
	json_object_set_new(o, "clients", jnum(a->clients));
	json_object_set_new(o, "clients_2g4", jnum(a->clients_2g4));
	json_object_set_new(o, "clients_5g", jnum(a->clients_5g));
	json_object_set_new(o, "clients_6g", jnum(a->clients_6g));
	json_object_set_new(o, "capacity", jnum(a->capacity));
	json_object_set_new(o, "projected", jnum(a->projected));
	json_object_set_new(o, "status", json_string(plan_status_name(a->status)));
	json_object_set_new(o, "state", json_string(isnan(a->clients) ? "unknown" : "reporting"));
	if (target_down)
		json_object_set_new(o, "reason", json_sprintf("target %s is down%s%s", a->target,
				    v->targets[t].last_error[0] ? ": " : "",
				    v->targets[t].last_error));
	else if (isnan(a->clients))
		json_object_set_new(o, "reason", json_string(a->updated > 0 ? "no recent reading"
								: "no reading yet"));
	if (!live) {
		json_object_set_new(o, "warn", jnum(a->warn));
		json_object_set_new(o, "device_name", json_string(a->device_name));
		json_object_set_new(o, "updated", jtime(a->updated));
	}
	return o;
}

static json_t *uplink_json(const struct venue_uplink *u, bool live)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(u->conf->name));
	json_object_set_new(o, "target", jstr(u->conf->target));
	json_object_set_new(o, "interface", jstr(u->conf->interface));
	json_object_set_new(o, "mbps_in", jnum(u->bps_in / 1e6));
	json_object_set_new(o, "mbps_out", jnum(u->bps_out / 1e6));
	json_object_set_new(o, "capacity_mbps", jnum(u->capacity_mbps));
	json_object_set_new(o, "projected_mbps", jnum(u->projected_mbps));
	json_object_set_new(o, "utilisation", jnum(u->utilisation));
	json_object_set_new(o, "status", json_string(plan_status_name(u->status)));
	if (!live)
		json_object_set_new(o, "updated", jtime(u->updated));
	return o;
}

static json_t *target_json(const struct venue_target *t, bool live)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(t->conf->name));
	json_object_set_new(o, "state", json_string(target_state(t->up)));
	json_object_set_new(o, "up", t->up < 0 ? json_null() : json_boolean(t->up == 1));
	json_object_set_new(o, "last_error", json_string(t->up == 0 ? t->last_error : ""));
	if (!live) {
		json_object_set_new(o, "address", jstr(t->conf->address));
		bool configured = t->conf->profile && strcmp(t->conf->profile, "auto") != 0;
		json_object_set_new(o, "profile", jstr(t->profile[0] ? t->profile : t->conf->profile));
		json_object_set_new(o, "profile_reason", json_string(t->profile[0] ? t->profile_reason
					   : configured ? "configured" : ""));
		json_object_set_new(o, "poll_ms", jnum(t->poll_ms));
		json_object_set_new(o, "updated", jtime(t->updated));
	}
	return o;
}

static json_t *pool_json(const struct venue_pool *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(p->conf->name));
	json_object_set_new(o, "leases", jnum(p->leases));
	json_object_set_new(o, "size", json_integer(p->conf->size));
	json_object_set_new(o, "status", json_string(plan_status_name(p->status)));
	json_object_set_new(o, "updated", jtime(p->updated));
	return o;
}

/* "1,080" */
static void fmt_count(double x, char *buf, size_t len)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%.0f", fabs(x));
	size_t n = strlen(digits), o = 0;
	if (x < 0 && o + 1 < len)
		buf[o++] = '-';
	for (size_t i = 0; i < n && o + 1 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

static enum plan_status worse(enum plan_status a, enum plan_status b)
{
	return b > a ? b : a;
}

static const char *verdict_label(enum plan_status s)
{
	switch (s) {
	case PLAN_OK: return "Wi-Fi OK";
	case PLAN_WARN: return "Wi-Fi busy";
	case PLAN_CRIT: return "Wi-Fi overloaded";
	default: return "Wi-Fi unknown";
	}
}

/* The one line a volunteer reads: worst of devices, uplink and rooms. */
static json_t *verdict_json(const struct venue *v)
{
	const struct conf *c = v->conf;
	const struct venue_totals *t = &v->totals;
	double util = t->uplink_utilisation;
	enum plan_status s = worse(t->status, t->uplink_status);
	const char *full = NULL;
	int n_full = 0;
	for (size_t r = 0; r < c->n_rooms; r++) {
		s = worse(s, v->rooms[r].status);
		if (v->rooms[r].status == PLAN_CRIT && n_full++ == 0)
			full = v->rooms[r].conf->name;
	}
	char devices[32] = "", projected[32], uplink[32] = "unknown", extra[160] = "";
	if (!isnan(t->devices))
		fmt_count(t->devices, devices, sizeof devices);
	fmt_count((double)t->projected, projected, sizeof projected);
	if (isfinite(util))
		snprintf(uplink, sizeof uplink, "%.0f%%", util * 100);
	if (n_full == 1)
		snprintf(extra, sizeof extra, "; %s is full", full);
	else if (n_full > 1)
		snprintf(extra, sizeof extra, "; %s and %d more rooms are full", full, n_full - 1);
	if (t->targets_down > 0) {
		size_t used = strlen(extra);
		snprintf(extra + used, sizeof extra - used, "; %d source%s down", t->targets_down,
			 t->targets_down == 1 ? "" : "s");
	}
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(plan_status_name(s)));
	json_object_set_new(o, "label", json_string(verdict_label(s)));
	if (isnan(t->devices))
		json_object_set_new(o, "text", json_sprintf("%s: no AP reporting yet (%s projected devices), uplink %s%s",
							    verdict_label(s), projected, uplink, extra));
	else
		json_object_set_new(o, "text", json_sprintf("%s: %s of %s projected devices, uplink %s%s",
							    verdict_label(s), devices, projected, uplink,
							    extra));
	return o;
}

/* Last reading per source, so a volunteer sees which feed went quiet. */
static json_t *sources_json(const struct venue *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->conf->n_targets; i++) {
		const struct venue_target *t = &v->targets[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o}", "kind", "snmp",
						   "name", t->conf->name, "state", target_state(t->up),
						   "updated", jtime(t->updated)));
	}
	for (size_t i = 0; i < v->conf->n_captures; i++) {
		const struct conf_capture *cap = &v->conf->captures[i];
		char entity[SAMPLE_ENTITY_MAX];
		snprintf(entity, sizeof entity, "capture:%s", cap->name);
		const struct venue_metric *m = venue_metric_get(v, entity, "up");
		int up = m ? m->value > 0.5 : -1;
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o}", "kind", "capture",
						   "name", cap->name, "state", target_state(up),
						   "updated", jtime(m ? m->time : 0)));
	}
	return a;
}

static json_t *venue_json(const struct venue *v, double now, size_t alerts_active, bool live)
{
	const struct conf *c = v->conf;
	const struct venue_totals *t = &v->totals;
	json_t *o = json_object();
	json_object_set_new(o, "event", jstr(c->event.name));
	json_object_set_new(o, "attendees", json_integer(c->event.attendees));
	json_object_set_new(o, "event_start", c->event.start ? json_integer(c->event.start) : json_null());
	json_object_set_new(o, "event_end", c->event.end ? json_integer(c->event.end) : json_null());
	json_object_set_new(o, "devices", jnum(t->devices));
	json_object_set_new(o, "projected", json_integer(t->projected));
	json_object_set_new(o, "capacity", json_integer(t->capacity));
	json_object_set_new(o, "headroom", jnum(t->headroom));
	json_object_set_new(o, "status", json_string(plan_status_name(t->status)));
	json_object_set_new(o, "verdict", verdict_json(v));
	json_t *up = json_object();
	json_object_set_new(up, "mbps_in", jnum(t->uplink_mbps_in));
	json_object_set_new(up, "mbps_out", jnum(t->uplink_mbps_out));
	json_object_set_new(up, "capacity_mbps", jnum(t->uplink_capacity_mbps));
	json_object_set_new(up, "projected_mbps", jnum(t->uplink_projected_mbps));
	json_object_set_new(up, "utilisation", jnum(t->uplink_utilisation));
	json_object_set_new(up, "status", json_string(plan_status_name(t->uplink_status)));
	json_object_set_new(o, "uplink", up);
	if (!live) {
		json_t *ups = json_array();
		for (size_t i = 0; i < c->n_uplinks; i++)
			json_array_append_new(ups, uplink_json(&v->uplinks[i], false));
		json_object_set_new(o, "uplinks", ups);
		json_t *pools = json_array();
		for (size_t i = 0; i < c->n_pools; i++)
			json_array_append_new(pools, pool_json(&v->pools[i]));
		json_object_set_new(o, "pools", pools);
	}
	json_object_set_new(o, "aps_known", json_integer(t->aps_known));
	json_object_set_new(o, "aps_total", json_integer(t->aps_total));
	json_object_set_new(o, "aps_unplanned", json_integer(t->aps_unplanned));
	json_object_set_new(o, "targets_up", json_integer(t->targets_up));
	json_object_set_new(o, "targets_down", json_integer(t->targets_down));
	json_object_set_new(o, "alerts_active", json_integer((json_int_t)alerts_active));
	json_object_set_new(o, "sources", sources_json(v));
	json_object_set_new(o, "updated", jtime(t->updated));
	json_object_set_new(o, "now", jtime(now));
	json_object_set_new(o, "tick", json_integer(c->tick));
	return o;
}

/* The venue with the schedule's state: a change of the programme or a
 * source gone quiet shows where volunteers look. */
static json_t *venue_with_schedule(const struct venue *v, const struct schedule *sched,
				   double now, size_t alerts_active)
{
	json_t *o = venue_json(v, now, alerts_active, false);
	json_object_set_new(o, "schedule", schedule_status_json(sched, now));
	return o;
}

/* ---- the live model for server-sent events ---- */

static json_t *live_model(const struct venue *v, const struct schedule *sched, double now,
			  json_t *alerts)
{
	const struct conf *c = v->conf;
	json_t *rooms = json_object(), *aps = json_object(), *ups = json_object();
	json_t *targets = json_object();
	for (size_t i = 0; i < c->n_rooms; i++)
		json_object_set_new(rooms, c->rooms[i].name, room_json(v, sched, i, now, true));
	for (size_t i = 0; i < v->n_aps; i++)
		json_object_set_new(aps, v->aps[i].name, ap_json(v, &v->aps[i], true));
	for (size_t i = 0; i < c->n_uplinks; i++)
		json_object_set_new(ups, c->uplinks[i].name, uplink_json(&v->uplinks[i], true));
	for (size_t i = 0; i < c->n_targets; i++)
		json_object_set_new(targets, c->targets[i].name, target_json(&v->targets[i], true));
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:O}",
			 "venue", venue_with_schedule(v, sched, now, json_array_size(alerts)),
			 "rooms", rooms, "aps", aps, "uplinks", ups, "targets", targets,
			 "alerts", alerts);
}

/* Members of cur that are new or differ from prev; *same_keys turns
 * false when a member appeared or left (clients then need a full state). */
static json_t *changed_members(json_t *prev, json_t *cur, bool *same_keys)
{
	json_t *out = json_object();
	const char *key;
	json_t *val;
	if (json_object_size(prev) != json_object_size(cur))
		*same_keys = false;
	json_object_foreach(cur, key, val) {
		json_t *old = json_object_get(prev, key);
		if (!old)
			*same_keys = false;
		else if (!json_equal(old, val))
			json_object_set(out, key, val);
	}
	return out;
}

static char *sse_frame(const char *event, unsigned long seq, json_t *data, size_t *len)
{
	char *body = json_dumps(data, JSON_COMPACT | JSON_REAL_PRECISION(15));
	char *frame = xasprintf("id: %lu\nevent: %s\ndata: %s\n\n", seq, event, body ? body : "{}");
	free(body);
	*len = strlen(frame);
	return frame;
}

static void build_sse(struct web *w, struct web_snapshot *s, json_t *live, json_t *transitions)
{
	json_t *state = json_copy(live);	/* shares the members: only read */
	json_object_set_new(state, "seq", json_integer((json_int_t)s->seq));
	json_object_set_new(state, "time", jtime(s->time));
	json_object_set(state, "transitions", transitions);
	s->sse_state = sse_frame("state", s->seq, state, &s->sse_state_len);
	json_decref(state);

	if (!w->prev_live)
		return;
	bool same = true;
	json_t *tick = json_object();
	json_object_set_new(tick, "seq", json_integer((json_int_t)s->seq));
	json_object_set_new(tick, "time", jtime(s->time));
	json_object_set(tick, "venue", json_object_get(live, "venue"));
	static const char *const maps[] = { "rooms", "aps", "uplinks", "targets" };
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
		json_object_set_new(tick, maps[i],
				    changed_members(json_object_get(w->prev_live, maps[i]),
						    json_object_get(live, maps[i]), &same));
	json_t *alerts = json_object_get(live, "alerts");
	if (!json_equal(alerts, json_object_get(w->prev_live, "alerts")))
		json_object_set(tick, "alerts", alerts);
	json_object_set(tick, "transitions", transitions);
	if (same)
		s->sse_tick = sse_frame("tick", s->seq, tick, &s->sse_tick_len);
	json_decref(tick);
}

/* ---- building and publishing ---- */

static json_t *wrap_array(const char *key, json_t *array, double now)
{
	return json_pack("{s:o, s:o}", key, array, "updated", jtime(now));
}

static void set_json_body(struct web_snapshot *s, enum web_body_id id, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
	if (!text)
		text = xstrdup("{}");
	web_body_set(&s->bodies[id], text, strlen(text), "application/json", "no-store",
		     s->files);
	free(text);
	json_decref(doc);
}

static json_t *alerts_or_empty(json_t *(*fn)(const struct alert_engine *),
			       const struct alert_engine *e)
{
	json_t *a = e ? fn(e) : NULL;
	if (!json_is_array(a)) {
		json_decref(a);
		a = json_array();
	}
	return a;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct web_snapshot *web_snapshot_build(struct web *w, const struct module_ctx *d, double now)
{
	const struct venue *v = d->venue;
	const struct conf *c = d->conf;
	struct web_snapshot *s = xcalloc(1, sizeof *s);
	s->refs = 1;
	s->seq = ++w->seq;
	s->time = now;
	s->published = now_seconds();
	s->tick = c->tick;
	s->files = !c->web.tls_cert;	/* sendfile() cannot encrypt */
	s->store = d->store;
	s->alerts = d->alerts;
	s->basic_user = dup_or_null(c->web.basic_auth_user);
	s->basic_password = dup_or_null(c->web.basic_auth_password);
	s->api_token = dup_or_null(c->web.api_token);

	json_t *alerts = alerts_or_empty(alert_engine_alerts_json, d->alerts);
	json_t *silences = alerts_or_empty(alert_engine_silences_json, d->alerts);
	json_t *transitions = alerts_or_empty(alert_engine_transitions_json, d->alerts);

	set_json_body(s, WB_VENUE, venue_with_schedule(v, d->schedule, now,
						       json_array_size(alerts)));
	json_t *rooms = json_array();
	for (size_t i = 0; i < c->n_rooms; i++)
		json_array_append_new(rooms, room_json(v, d->schedule, i, now, false));
	set_json_body(s, WB_ROOMS, wrap_array("rooms", rooms, now));
	json_t *aps = json_array();
	for (size_t i = 0; i < v->n_aps; i++)
		json_array_append_new(aps, ap_json(v, &v->aps[i], false));
	set_json_body(s, WB_APS, wrap_array("aps", aps, now));
	json_t *ups = json_array();
	for (size_t i = 0; i < c->n_uplinks; i++)
		json_array_append_new(ups, uplink_json(&v->uplinks[i], false));
	set_json_body(s, WB_UPLINKS, wrap_array("uplinks", ups, now));
	json_t *targets = json_array();
	for (size_t i = 0; i < c->n_targets; i++)
		json_array_append_new(targets, target_json(&v->targets[i], false));
	set_json_body(s, WB_TARGETS, wrap_array("targets", targets, now));
	set_json_body(s, WB_ALERTS, json_pack("{s:O, s:O, s:o}", "alerts", alerts,
					       "silences", silences, "updated", jtime(now)));
	set_json_body(s, WB_SILENCES, wrap_array("silences", json_incref(silences), now));
	set_json_body(s, WB_HEALTHZ, json_pack("{s:s, s:I, s:o}", "status", "ok",
						"seq", (json_int_t)s->seq, "time", jtime(now)));

	size_t n_sse;
	pthread_mutex_lock(&w->sse_lock);
	n_sse = w->n_sse;
	pthread_mutex_unlock(&w->sse_lock);
	size_t mlen;
	char *metrics = web_metrics_render(d, alerts, &w->counters, n_sse, &mlen);
	web_body_set(&s->bodies[WB_METRICS], metrics, mlen,
		     "text/plain; version=0.0.4; charset=utf-8", "no-store", s->files);
	free(metrics);

	json_t *live = live_model(v, d->schedule, now, alerts);
	build_sse(w, s, live, transitions);
	json_decref(w->prev_live);
	w->prev_live = live;

	json_decref(alerts);
	json_decref(silences);
	json_decref(transitions);
	return s;
}

struct web_snapshot *web_snapshot_get(struct web *w)
{
	pthread_mutex_lock(&w->lock);
	struct web_snapshot *s = w->current;
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&w->lock);
	return s;
}

void web_snapshot_put(struct web_snapshot *s)
{
	if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (size_t i = 0; i < WB_COUNT; i++)
		web_body_clear(&s->bodies[i]);
	free(s->sse_state);
	free(s->sse_tick);
	free(s->basic_user);
	free(s->basic_password);
	free(s->api_token);
	free(s);
}

bool web_health_ok(double published, double now, long tick, char *why, size_t len)
{
	double age = now - published;	/* negative after a wall clock step back */
	if (age <= 3.0 * (double)tick + HEALTH_SLACK)
		return true;
	snprintf(why, len, "no update for %.0f s (the loop publishes every %ld s)", age, tick);
	return false;
}

void web_publish(struct web *w, struct web_snapshot *s)
{
	pthread_mutex_lock(&w->lock);
	struct web_snapshot *old = w->current;
	w->current = s;
	pthread_mutex_unlock(&w->lock);
	web_snapshot_put(old);
}
