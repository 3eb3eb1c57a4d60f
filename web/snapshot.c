/* The per-tick snapshot: every body and event pre-rendered once, then published. */
#include "config.h"
#include "web/server.h"

#include "alerts/alert.h"
#include "base/module.h"
#include "model/plan.h"
#include "notify/notify.h"
#include "schedule/schedule.h"
#include "base/util.h"
#include "model/venue.h"
#include "model/wired.h"

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
/* The verdict's place: an alert summary (under 200 bytes) or a room's. */
#define PLACE_MAX 256

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

/* An SNMP target that answers but yields no client figure is not "up":
 * the volunteer must see that its profile reads nothing. */
static const char *snmp_target_state(const struct venue_target *t)
{
	return t->up == 1 && t->no_data ? "no_data" : target_state(t->up);
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

/* ---- airtime: radios beside their clients ---- */

static json_t *radio_json(const struct venue *v, const struct venue_radio *r, bool live)
{
	json_t *o = json_object();
	if (!live) {
		json_object_set_new(o, "entity", json_string(r->entity));
		json_object_set_new(o, "ap", json_string(r->ap));
		json_object_set_new(o, "room", r->room_idx >= 0
				    ? json_string(v->conf->rooms[r->room_idx].name) : json_null());
		json_object_set_new(o, "capacity", jnum(r->capacity));
		json_object_set_new(o, "airtime_warn", jnum(r->airtime_warn));
		json_object_set_new(o, "airtime_crit", jnum(r->airtime_crit));
		json_object_set_new(o, "updated", jtime(r->updated));
	}
	json_object_set_new(o, "band", json_string(r->band));
	json_object_set_new(o, "radio", r->radio[0] ? json_string(r->radio) : json_null());
	json_object_set_new(o, "clients", jnum(r->clients));
	json_object_set_new(o, "utilization", jnum(r->utilization));
	json_object_set_new(o, "noise", jnum(r->noise));
	json_object_set_new(o, "channel", jnum(r->channel));
	json_object_set_new(o, "status", json_string(plan_status_name(r->status)));
	json_object_set_new(o, "clients_status", json_string(plan_status_name(r->clients_status)));
	json_object_set_new(o, "airtime_status", json_string(plan_status_name(r->airtime_status)));
	return o;
}

/* An AP's radios, in the order they first reported. */
static json_t *ap_radios_json(const struct venue *v, const struct venue_ap *a)
{
	json_t *arr = json_array();
	for (int i = a->first_radio; i >= 0 && (size_t)i < v->n_radios; i = v->radios[i].next_of_ap)
		json_array_append_new(arr, radio_json(v, &v->radios[i], true));
	return arr;
}

static json_t *room_airtime_json(const struct venue_room *room)
{
	return json_pack("{s:o, s:o, s:s, s:o, s:o, s:i, s:i}",
			 "max", jnum(room->airtime_max), "mean", jnum(room->airtime_mean),
			 "status", plan_status_name(room->airtime_status),
			 "warn", jnum(room->conf->airtime_warn), "crit", jnum(room->conf->airtime_crit),
			 "radios_known", room->radios_known, "radios_total", room->radios_total);
}

/* What a room's status is about: Wi-Fi clients, plus devices on cables. */
static double room_devices(const struct venue_room *r)
{
	if (isnan(r->wired_devices))
		return r->clients;
	return (isnan(r->clients) ? 0 : r->clients) + r->wired_devices;
}

/* A room's cables beside its Wi-Fi: null when no switch serves it. */
static json_t *wired_json(const struct venue *v, const struct venue_room *room)
{
	bool served = false;
	for (size_t i = 0; i < v->conf->n_wired && !served; i++)
		served = v->conf->wired[i].room_idx == room - v->rooms;
	if (!served && room->conf->wired_ports < 0)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "devices", jnum(room->wired_devices));
	json_object_set_new(o, "ports", jnum(room->wired_ports));
	json_object_set_new(o, "ports_up", jnum(room->wired_ports_up));
	json_object_set_new(o, "ports_used", jnum(room->wired_ports_used));
	json_object_set_new(o, "ports_free", jnum(room->wired_ports_free));
	json_object_set_new(o, "capacity", jnum(room->wired_capacity));
	json_object_set_new(o, "wifi_capacity", jnum(room->wifi_capacity));
	json_object_set_new(o, "share", jnum(wired_share(room)));
	json_object_set_new(o, "cables_needed",
			    json_boolean(wired_cables_needed(room, v->conf->crit_ratio)));
	return o;
}

static json_t *room_json(const struct venue *v, const struct schedule *sched, size_t r,
			 double now, bool live)
{
	const struct venue_room *room = &v->rooms[r];
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(room->conf->name));
	json_object_set_new(o, "seats", json_integer(room->conf->seats));
	json_object_set_new(o, "common_area", json_boolean(room->conf->common_area));
	json_object_set_new(o, "clients", jnum(room->clients));
	json_object_set_new(o, "capacity", jnum(room->capacity));
	json_object_set_new(o, "projected", jnum(room->projected));
	json_object_set_new(o, "headroom", jnum(room->headroom));
	json_object_set_new(o, "load", jnum(ratio(room_devices(room), room->capacity)));
	json_object_set_new(o, "status", json_string(plan_status_name(room->status)));
	json_object_set_new(o, "plan_status", json_string(plan_status_name(room->plan_status)));
	json_object_set_new(o, "aps_known", json_integer(room->aps_known));
	json_object_set_new(o, "aps_total", json_integer(room->aps_total));
	json_object_set_new(o, "clients_status", json_string(plan_status_name(room->clients_status)));
	json_object_set_new(o, "airtime", room_airtime_json(room));
	json_object_set_new(o, "wired", wired_json(v, room));
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
	json_object_set_new(o, "radios", ap_radios_json(v, a));
	json_object_set_new(o, "state", json_string(a->unlisted ? "no_data"
						     : isnan(a->clients) ? "unknown" : "reporting"));
	if (a->unlisted)
		json_object_set_new(o, "reason", json_sprintf("target %s answers but lists no AP "
				    "named %s (profile %s)", a->target, a->name,
				    v->targets[t].profile[0] ? v->targets[t].profile : "unknown"));
	else if (target_down)
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
	json_object_set_new(o, "state", json_string(snmp_target_state(t)));
	json_object_set_new(o, "up", t->up < 0 ? json_null() : json_boolean(t->up == 1));
	json_object_set_new(o, "last_error", json_string(t->up == 0 ? t->last_error : ""));
	json_object_set_new(o, "reason", json_string(t->up == 1 && t->no_data ? t->no_data_reason : ""));
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

/* ---- incidents: the active alerts as the notifications group them ---- */

/* The labels that name an alert's area, in the order the alert engine
 * groups notifications by (alert_area() in alerts/): an AP's alerts carry
 * its room and so join the room's incident. */
static const char *const area_labels[] = { "room", "uplink", "pool", "target", "capture",
					   "notifier" };

static void alert_area_of(json_t *a, const char **kind, const char **name)
{
	json_t *labels = json_object_get(a, "labels");
	for (size_t i = 0; i < sizeof area_labels / sizeof area_labels[0]; i++) {
		const char *v = json_string_value(json_object_get(labels, area_labels[i]));
		if (v) {
			*kind = area_labels[i];
			*name = v;
			return;
		}
	}
	*kind = "venue";
	*name = "venue";
}

static int sev_rank(const char *sev)
{
	if (!sev)
		return 0;
	return strcmp(sev, "crit") == 0 ? 3 : strcmp(sev, "warn") == 0 ? 2
	     : strcmp(sev, "info") == 0 ? 1 : 0;
}

static const char *jget_str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static bool is_firing(json_t *a)
{
	return strcmp(jget_str(a, "state"), "firing") == 0;
}

/* Rules about what may come (the plan, the programme, a trend) rank
 * below what is measured now. */
static bool is_forecast(json_t *a)
{
	const char *rule = jget_str(a, "rule");
	return strcmp(rule, "plan_shortfall") == 0 || strcmp(rule, "session_over_capacity") == 0 ||
	       strcmp(rule, "forecast_saturation") == 0;
}

/* Worse first: firing before pending, higher severity, measured before
 * foreseen, an alert about the whole area before one about an AP or
 * radio in it, older first. */
static int alert_cmp(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int d = (int)is_firing(b) - (int)is_firing(a);
	if (!d)
		d = sev_rank(jget_str(b, "severity")) - sev_rank(jget_str(a, "severity"));
	if (!d)
		d = (int)is_forecast(a) - (int)is_forecast(b);
	if (!d)
		d = (json_object_get(json_object_get(a, "labels"), "ap") != NULL) -
		    (json_object_get(json_object_get(b, "labels"), "ap") != NULL);
	if (!d) {
		double sa = json_number_value(json_object_get(a, "since"));
		double sb = json_number_value(json_object_get(b, "since"));
		d = sa < sb ? -1 : sa > sb;
	}
	return d ? d : strcmp(jget_str(a, "id"), jget_str(b, "id"));
}

/* Severity first, then age: an incident keeps its place while newer ones
 * line up below it, so the list does not reorder under a finger. */
static int incident_cmp(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int d = (int)json_is_true(json_object_get(b, "firing")) -
		(int)json_is_true(json_object_get(a, "firing"));
	if (!d)
		d = sev_rank(jget_str(b, "severity")) - sev_rank(jget_str(a, "severity"));
	if (!d) {
		double sa = json_number_value(json_object_get(a, "since"));
		double sb = json_number_value(json_object_get(b, "since"));
		d = sa < sb ? -1 : sa > sb;
	}
	return d ? d : strcmp(jget_str(a, "key"), jget_str(b, "key"));
}

/* The alerts of one area, worst first, with what they are about counted:
 * the area itself, its APs, their radios. */
static json_t *incident_json(const char *key, json_t **members, size_t n)
{
	qsort(members, n, sizeof *members, alert_cmp);
	json_t *lead = members[0], *ids = json_array(), *aps = json_object();
	const char *kind, *name;
	alert_area_of(lead, &kind, &name);
	double since = INFINITY;
	long area = 0, radios = 0;
	bool acked = true, silenced = true;
	for (size_t i = 0; i < n; i++) {
		json_t *labels = json_object_get(members[i], "labels");
		const char *ap = json_string_value(json_object_get(labels, "ap"));
		if (json_object_get(labels, "band"))
			radios++;
		else if (ap)
			json_object_set_new(aps, ap, json_true());
		else
			area++;
		since = fmin(since, json_number_value(json_object_get(members[i], "since")));
		acked = acked && json_is_true(json_object_get(members[i], "acked"));
		silenced = silenced && json_is_true(json_object_get(members[i], "silenced"));
		json_array_append_new(ids, json_string(jget_str(members[i], "id")));
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:s, s:I, s:I, s:I, s:I,"
			      " s:b, s:b, s:o}",
			      "key", key, "kind", kind, "name", name,
			      "severity", jget_str(lead, "severity"), "state", jget_str(lead, "state"),
			      "firing", is_firing(lead), "since", jtime(since),
			      "rule", jget_str(lead, "rule"), "summary", jget_str(lead, "summary"),
			      "alerts_n", (json_int_t)n, "area_n", (json_int_t)area,
			      "aps_n", (json_int_t)json_object_size(aps), "radios_n", (json_int_t)radios,
			      "acked", acked, "silenced", silenced, "alerts", ids);
	json_decref(aps);
	return o;
}

/* One incident per area (room, uplink, pool, target, capture, notifier,
 * venue) with its alerts folded inside, worst first. The watchdog is no
 * incident: it is the heartbeat (monitoring_json). */
static json_t *incidents_json(json_t *alerts)
{
	json_t *by_area = json_object();
	size_t i;
	json_t *a;
	json_array_foreach(alerts, i, a) {
		if (sev_rank(jget_str(a, "severity")) <= 1)
			continue;
		const char *kind, *name;
		alert_area_of(a, &kind, &name);
		char key[SAMPLE_ENTITY_MAX + 16];
		snprintf(key, sizeof key, "%s:%s", kind, name);
		json_t *list = json_object_get(by_area, key);
		if (!list) {
			list = json_array();
			json_object_set_new(by_area, key, list);
		}
		json_array_append(list, a);
	}
	size_t n = json_object_size(by_area), k = 0;
	json_t **out = xcalloc(n ? n : 1, sizeof *out);
	const char *key;
	json_t *list;
	json_object_foreach(by_area, key, list) {
		size_t m = json_array_size(list);
		json_t **members = xcalloc(m, sizeof *members);
		for (size_t j = 0; j < m; j++)
			members[j] = json_array_get(list, j);
		out[k++] = incident_json(key, members, m);
		free(members);
	}
	qsort(out, n, sizeof *out, incident_cmp);
	json_t *arr = json_array();
	for (k = 0; k < n; k++)
		json_array_append_new(arr, out[k]);
	free(out);
	json_decref(by_area);
	return arr;
}

/* The watchdog's heartbeat: alive while it fires. */
static json_t *monitoring_json(json_t *alerts, bool engine)
{
	if (!engine)
		return json_null();
	size_t i;
	json_t *a;
	json_array_foreach(alerts, i, a)
		if (strcmp(jget_str(a, "rule"), "watchdog") == 0 && is_firing(a))
			return json_pack("{s:b, s:O}", "alive", 1, "since", json_object_get(a, "since"));
	return json_pack("{s:b, s:n}", "alive", 0, "since");
}

/* ---- the verdict ---- */

static const char *verdict_label(enum plan_status s, bool overloaded)
{
	switch (s) {
	case PLAN_OK: return "Wi-Fi OK";
	case PLAN_WARN: return "Wi-Fi busy";
	case PLAN_CRIT: return overloaded ? "Wi-Fi overloaded" : "Wi-Fi critical";
	default: return "Wi-Fi unknown";
	}
}

static enum plan_status status_of_sev(const char *sev)
{
	int r = sev_rank(sev);
	return r == 3 ? PLAN_CRIT : r == 2 ? PLAN_WARN : PLAN_UNKNOWN;
}

/* The worst place at level s: kind, name and the phrase that says it. */
struct place {
	const char *kind, *name;
	char text[PLACE_MAX];
	double ratio;
	int count;	/* places at level s */
};

static void room_place(const struct venue_room *r, enum plan_status s, struct place *p)
{
	double devices = room_devices(r);
	const char *how = s == PLAN_WARN ? "near capacity"
			: devices >= r->capacity ? "over capacity" : "full";
	char clients[32], capacity[32], cables[48] = "";
	fmt_count(devices, clients, sizeof clients);
	fmt_count(r->capacity, capacity, sizeof capacity);
	if (!isnan(r->wired_devices))
		snprintf(cables, sizeof cables, " (%.0f on cables)", r->wired_devices);
	p->kind = "room";
	p->name = r->conf->name;
	if (r->clients_status < s && r->airtime_status >= s) {	/* the air, not the crowd */
		snprintf(p->text, sizeof p->text, "%s channel busy: %.0f%% of airtime (%s %.0f%%), "
			 "%s of %s clients", r->conf->name, r->airtime_max,
			 s == PLAN_WARN ? "warn" : "crit",
			 s == PLAN_WARN ? r->conf->airtime_warn : r->conf->airtime_crit, clients,
			 capacity);
		return;
	}
	snprintf(p->text, sizeof p->text, "%s %s: %s of %s %s%s", r->conf->name, how,
		 clients, capacity, cables[0] ? "devices" : "clients", cables);
}

static void uplink_place(const struct venue_uplink *u, enum plan_status s, struct place *p)
{
	p->kind = "uplink";
	p->name = u->conf->name;
	snprintf(p->text, sizeof p->text, "uplink %s %s: %.0f%% of %.0f Mbit/s", u->conf->name,
		 s == PLAN_WARN ? "busy" : "full", u->utilisation * 100, u->capacity_mbps);
}

/* Rooms, then uplinks, then firing incidents at level s; the first kind
 * that has one names the place, the others only count. */
static void worst_place(const struct venue *v, json_t *incidents, enum plan_status s,
			struct place *p)
{
	memset(p, 0, sizeof *p);
	p->ratio = -1;
	for (size_t r = 0; r < v->conf->n_rooms; r++) {
		const struct venue_room *room = &v->rooms[r];
		if (room->status != s)
			continue;
		p->count++;
		if (room_devices(room) / room->capacity > p->ratio) {
			p->ratio = room_devices(room) / room->capacity;
			room_place(room, s, p);
		}
	}
	bool named = p->count > 0;
	for (size_t i = 0; i < v->conf->n_uplinks; i++) {
		const struct venue_uplink *u = &v->uplinks[i];
		if (u->status != s)
			continue;
		p->count++;
		if (!named && u->utilisation > p->ratio) {
			p->ratio = u->utilisation;
			uplink_place(u, s, p);
		}
	}
	named = p->count > 0;
	size_t i;
	json_t *inc;
	json_array_foreach(incidents, i, inc) {
		if (!json_is_true(json_object_get(inc, "firing")) ||
		    status_of_sev(jget_str(inc, "severity")) != s)
			continue;
		const char *kind = jget_str(inc, "kind"), *name = jget_str(inc, "name");
		bool counted = strcmp(kind, "room") == 0 &&
			conf_room_index(v->conf, name) >= 0 &&
			v->rooms[conf_room_index(v->conf, name)].status == s;
		if (strcmp(kind, "uplink") == 0 && conf_uplink_index(v->conf, name) >= 0 &&
		    v->uplinks[conf_uplink_index(v->conf, name)].status == s)
			counted = true;
		if (counted)
			continue;
		p->count++;
		if (!named) {
			named = true;
			p->kind = kind;
			p->name = name;
			snprintf(p->text, sizeof p->text, "%s", jget_str(inc, "summary"));
		}
	}
}

/* The venue in numbers: devices against the projection, headroom, uplink. */
static void venue_numbers(const struct venue *v, char *buf, size_t len)
{
	const struct venue_totals *t = &v->totals;
	char devices[32], projected[32], headroom[32], uplink[32] = "unknown";
	fmt_count(t->devices, devices, sizeof devices);
	fmt_count((double)t->projected, projected, sizeof projected);
	fmt_count(t->headroom, headroom, sizeof headroom);
	if (isfinite(t->uplink_utilisation))
		snprintf(uplink, sizeof uplink, "%.0f%%", t->uplink_utilisation * 100);
	if (isnan(t->devices))
		snprintf(buf, len, "no AP reporting yet (%s projected devices), uplink %s",
			 projected, uplink);
	else
		snprintf(buf, len, "%s of %s projected devices, headroom %s, uplink %s", devices,
			 projected, headroom, uplink);
}

/* The one line a volunteer reads, from the same state as the alerts: the
 * worst of the rooms, the uplinks, the venue and every firing alert, so
 * it is never "OK" beside an active critical; it names the worst place. */
static json_t *verdict_json(const struct venue *v, json_t *incidents)
{
	const struct venue_totals *t = &v->totals;
	enum plan_status s = worse(t->status, t->uplink_status);
	for (size_t r = 0; r < v->conf->n_rooms; r++)
		s = worse(s, v->rooms[r].status);
	for (size_t r = 0; r < v->conf->n_uplinks; r++)
		s = worse(s, v->uplinks[r].status);
	bool overloaded = s == PLAN_CRIT;	/* a measured load at crit */
	size_t i;
	json_t *inc;
	json_array_foreach(incidents, i, inc)
		if (json_is_true(json_object_get(inc, "firing")))
			s = worse(s, status_of_sev(jget_str(inc, "severity")));
	struct place p;
	memset(&p, 0, sizeof p);
	if (s == PLAN_WARN || s == PLAN_CRIT)
		worst_place(v, incidents, s, &p);
	char numbers[160], more[64] = "", down[48] = "";
	venue_numbers(v, numbers, sizeof numbers);
	if (p.count > 1)
		snprintf(more, sizeof more, "; %d more place%s %s", p.count - 1,
			 p.count == 2 ? "" : "s", s == PLAN_CRIT ? "critical" : "busy");
	if (t->targets_down > 0)
		snprintf(down, sizeof down, "; %d source%s down", t->targets_down,
			 t->targets_down == 1 ? "" : "s");
	const char *label = verdict_label(s, overloaded);
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(plan_status_name(s)));
	json_object_set_new(o, "label", json_string(label));
	json_object_set_new(o, "place", p.text[0] ? json_string(p.text) : json_null());
	json_object_set_new(o, "worst", p.text[0] ? json_pack("{s:s, s:s}", "kind", p.kind,
				"name", p.name) : json_null());
	json_object_set_new(o, "detail", json_sprintf("%s%s%s", numbers, more, down));
	if (p.text[0])
		json_object_set_new(o, "text", json_sprintf("%s: %s%s; %s%s", label, p.text, more,
							    numbers, down));
	else
		json_object_set_new(o, "text", json_sprintf("%s: %s%s", label, numbers, down));
	return o;
}

/* Last reading per source, so a volunteer sees which feed went quiet. */
static json_t *sources_json(const struct venue *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->conf->n_targets; i++) {
		const struct venue_target *t = &v->targets[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o}", "kind", "snmp",
						   "name", t->conf->name, "state", snmp_target_state(t),
						   "updated", jtime(t->updated)));
	}
	for (size_t i = 0; i < v->conf->n_captures; i++) {
		const struct conf_capture *cap = &v->conf->captures[i];
		char entity[SAMPLE_ENTITY_MAX];
		snprintf(entity, sizeof entity, "capture:%s", cap->name);
		const struct venue_metric *m = venue_metric_get(v, entity, "up");
		const struct venue_metric *drops = venue_metric_get(v, entity, "drops_total");
		const struct venue_metric *packets = venue_metric_get(v, entity, "packets_total");
		int up = m ? m->value > 0.5 : -1;
		/* Drops say the counts are lower bounds: never hidden. */
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "kind", "capture",
						   "name", cap->name, "state", target_state(up),
						   "updated", jtime(m ? m->time : 0),
						   "packets", jnum(packets ? packets->value : NAN),
						   "drops", jnum(drops ? drops->value : NAN)));
	}
	return a;
}

/* What the config was accepted with but warned about, a line each: the
 * volunteer at the dashboard sees it, not only whoever reads the log. */
static json_t *config_warnings_json(const struct conf *c)
{
	json_t *a = json_array();
	for (const char *p = c->warnings; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, len));
		p += len + (nl != NULL);
	}
	return a;
}

static json_t *venue_json(const struct venue *v, double now, json_t *alerts, json_t *incidents,
			  bool engine, bool live)
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
	json_object_set_new(o, "beyond_projection", jnum(t->beyond));
	json_object_set_new(o, "verdict", verdict_json(v, incidents));
	json_object_set_new(o, "monitoring", monitoring_json(alerts, engine));
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
	json_object_set_new(o, "alerts_active", json_integer((json_int_t)json_array_size(alerts)));
	json_object_set_new(o, "incidents", json_integer((json_int_t)json_array_size(incidents)));
	json_object_set_new(o, "sources", sources_json(v));
	json_object_set_new(o, "config_warnings", config_warnings_json(c));
	json_object_set_new(o, "updated", jtime(t->updated));
	json_object_set_new(o, "now", jtime(now));
	json_object_set_new(o, "tick", json_integer(c->tick));
	return o;
}

/* The venue with the schedule's state: a change of the programme or a
 * source gone quiet shows where volunteers look. */
static json_t *venue_with_schedule(const struct venue *v, const struct schedule *sched,
				   double now, json_t *alerts, json_t *incidents, bool engine)
{
	json_t *o = venue_json(v, now, alerts, incidents, engine, false);
	json_object_set_new(o, "schedule", schedule_status_json(sched, now));
	return o;
}

/* ---- the live model for server-sent events ---- */

static json_t *live_model(const struct venue *v, const struct schedule *sched, double now,
			  json_t *alerts, json_t *incidents, bool engine)
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
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:O, s:O}",
			 "venue", venue_with_schedule(v, sched, now, alerts, incidents, engine),
			 "rooms", rooms, "aps", aps, "uplinks", ups, "targets", targets,
			 "alerts", alerts, "incidents", incidents);
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
	static const char *const lists[] = { "alerts", "incidents" };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		json_t *list = json_object_get(live, lists[i]);
		if (!json_equal(list, json_object_get(w->prev_live, lists[i])))
			json_object_set(tick, lists[i], list);
	}
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
	notify_am_mark_silenced(d->notify, alerts, c->event.name);
	s->am_sync = notify_am_sync(d->notify, alerts, c->event.name);
	json_t *silences = alerts_or_empty(alert_engine_silences_json, d->alerts);
	json_t *transitions = alerts_or_empty(alert_engine_transitions_json, d->alerts);

	json_t *incidents = incidents_json(alerts);
	bool engine = d->alerts != NULL;
	set_json_body(s, WB_VENUE, venue_with_schedule(v, d->schedule, now, alerts, incidents,
						       engine));
	json_t *rooms = json_array();
	for (size_t i = 0; i < c->n_rooms; i++)
		json_array_append_new(rooms, room_json(v, d->schedule, i, now, false));
	set_json_body(s, WB_ROOMS, wrap_array("rooms", rooms, now));
	json_t *aps = json_array();
	for (size_t i = 0; i < v->n_aps; i++)
		json_array_append_new(aps, ap_json(v, &v->aps[i], false));
	set_json_body(s, WB_APS, wrap_array("aps", aps, now));
	json_t *radios = json_array();
	for (size_t i = 0; i < v->n_radios; i++)
		json_array_append_new(radios, radio_json(v, &v->radios[i], false));
	set_json_body(s, WB_RADIOS, wrap_array("radios", radios, now));
	json_t *ups = json_array();
	for (size_t i = 0; i < c->n_uplinks; i++)
		json_array_append_new(ups, uplink_json(&v->uplinks[i], false));
	set_json_body(s, WB_UPLINKS, wrap_array("uplinks", ups, now));
	json_t *targets = json_array();
	for (size_t i = 0; i < c->n_targets; i++)
		json_array_append_new(targets, target_json(&v->targets[i], false));
	set_json_body(s, WB_TARGETS, wrap_array("targets", targets, now));
	set_json_body(s, WB_ALERTS, json_pack("{s:O, s:O, s:O, s:o}", "alerts", alerts,
					       "incidents", incidents, "silences", silences,
					       "updated", jtime(now)));
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

	json_t *live = live_model(v, d->schedule, now, alerts, incidents, engine);
	build_sse(w, s, live, transitions);
	json_decref(w->prev_live);
	w->prev_live = live;

	json_decref(alerts);
	json_decref(incidents);
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
	json_decref(s->am_sync);
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
