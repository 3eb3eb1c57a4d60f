/* store_layout: each kind's data sources, where their values are in the venue, file names. */
#include "config.h"
#include "store/store_layout.h"
#include "base/util.h"
#include "model/venue.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- where the values come from ---- */

static double field_double(const struct store_source *src, const struct store_ds *ds)
{
	double v = *(const double *)(const void *)((const char *)src->obj + ds->offset);
	return isfinite(v) ? v : NAN;
}

static double field_long(const struct store_source *src, const struct store_ds *ds)
{
	return (double)*(const long *)(const void *)((const char *)src->obj + ds->offset);
}

/* A pool's size is the config's; 0 means it was not given. */
static double pool_size(const struct store_source *src, const struct store_ds *ds)
{
	(void)ds;
	const struct venue_pool *p = src->obj;
	return p->conf->size > 0 ? (double)p->conf->size : NAN;
}

/* A capture reports once per window: its numbers hold for three windows,
 * then they are unknown (a stopped capture is not a day without devices). */
static double capture_metric(const struct store_source *src, const struct store_ds *ds)
{
	const struct conf_capture *cap = src->obj;
	long tick = src->v->conf->tick;
	long window = cap->window > tick ? cap->window : tick;
	char entity[SAMPLE_ENTITY_MAX + 16];
	snprintf(entity, sizeof entity, "capture:%s", src->name);
	double v = venue_value(src->v, entity, ds->name, (double)src->t, 3.0 * (double)window);
	return isfinite(v) ? v : NAN;
}

#define FIELD(type, field) { #field, field_double, offsetof(type, field), false }
#define FIELD_AS(ds, type, field) { ds, field_double, offsetof(type, field), false }
#define COUNT_AS(ds, type, field) { ds, field_long, offsetof(type, field), false }
#define CAPTURED(ds) { ds, capture_metric, 0, false }

/* Data sources are never reordered or removed: files keep them by
 * position. A new one goes last (see store_layout.h). */
#define AP(f) FIELD(struct venue_ap, f)
static const struct store_ds ap_ds[] = {
	AP(clients), AP(clients_2g4), AP(clients_5g), AP(projected), AP(capacity),
	AP(clients_6g),		/* added later: files from before gain it in place */
};

#define ROOM(f) FIELD(struct venue_room, f)
static const struct store_ds room_ds[] = {
	ROOM(clients), ROOM(projected), ROOM(capacity),
	ROOM(airtime_max), ROOM(airtime_mean),	/* added later: files gain them in place */
	/* added later: devices and ports on cables (model/wired.h) */
	ROOM(wired_devices), ROOM(wired_ports), ROOM(wired_ports_up),
};

/* A radio's retries: a share of frames, where a collector states one. */
static double radio_metric(const struct store_source *src, const struct store_ds *ds)
{
	const struct venue_radio *r = src->obj;
	double age = 3.0 * (double)src->v->conf->tick + 1;
	double v = venue_value(src->v, r->entity, ds->name, (double)src->t, age);
	return isfinite(v) ? v : NAN;
}

#define RADIO(f) FIELD(struct venue_radio, f)
static const struct store_ds radio_ds[] = {
	RADIO(clients), RADIO(utilization),
	{ "noise", field_double, offsetof(struct venue_radio, noise), true },
	RADIO(channel),
	{ "retry_ratio", radio_metric, 0, false },
};

#define UPLINK(f) FIELD(struct venue_uplink, f)
static const struct store_ds uplink_ds[] = {
	UPLINK(bps_in), UPLINK(bps_out), UPLINK(capacity_mbps), UPLINK(utilisation),
	UPLINK(projected_mbps),
};

static const struct store_ds pool_ds[] = {
	FIELD(struct venue_pool, leases),
	{ "size", pool_size, 0, false },
};

/* devices_day_*: distinct devices since local midnight, as the capture
 * counted them (its day's maximum is the day's total) */
static const struct store_ds capture_ds[] = {
	CAPTURED("active_clients"),
	CAPTURED("devices_day_global"),
	CAPTURED("devices_day_random"),
};

static const struct store_ds venue_ds[] = {
	FIELD_AS("devices", struct venue_totals, devices),
	COUNT_AS("projected", struct venue_totals, projected),
	COUNT_AS("capacity", struct venue_totals, capacity),
	FIELD_AS("uplink_mbps_in", struct venue_totals, uplink_mbps_in),
	FIELD_AS("uplink_mbps_out", struct venue_totals, uplink_mbps_out),
	/* DS names are at most 19 characters */
	FIELD_AS("uplink_cap_mbps", struct venue_totals, uplink_capacity_mbps),
};

#define N(a) (sizeof (a) / sizeof *(a))
#define DS_OF(a) a, N(a)

_Static_assert(N(ap_ds) <= STORE_MAX_DS && N(room_ds) <= STORE_MAX_DS &&
	       N(uplink_ds) <= STORE_MAX_DS && N(pool_ds) <= STORE_MAX_DS &&
	       N(capture_ds) <= STORE_MAX_DS && N(venue_ds) <= STORE_MAX_DS &&
	       N(radio_ds) <= STORE_MAX_DS,
	       "an entry holds STORE_MAX_DS values");

static const struct store_kind_info kinds[STORE_KINDS] = {
	[STORE_AP] = { "ap", "ap", DS_OF(ap_ds) },
	[STORE_ROOM] = { "room", "room", DS_OF(room_ds) },
	[STORE_UPLINK] = { "uplink", "uplink", DS_OF(uplink_ds) },
	[STORE_POOL] = { "pool", "pool", DS_OF(pool_ds) },
	[STORE_CAPTURE] = { "capture", "capture", DS_OF(capture_ds) },
	[STORE_VENUE] = { "venue", NULL, DS_OF(venue_ds) },
	[STORE_RADIO] = { "radio", "radio", DS_OF(radio_ds) },
};

/* Resolution and time span of each kept archive. */
static const struct {
	long seconds;
	long span;
} archives[] = {
	{ 10, 4 * 86400L },
	{ 60, 30 * 86400L },
	{ 3600, 730 * 86400L },
};

const struct store_kind_info *store_kind_info(enum store_kind kind)
{
	return kind < STORE_KINDS ? &kinds[kind] : NULL;
}

int store_parse_entity(const char *entity, enum store_kind *kind, const char **name)
{
	if (!entity)
		return -1;
	if (strcmp(entity, "venue") == 0) {
		*kind = STORE_VENUE;
		*name = "";
		return 0;
	}
	const char *colon = strchr(entity, ':');
	if (!colon || colon[1] == '\0')
		return -1;
	size_t plen = (size_t)(colon - entity);
	for (int k = 0; k < STORE_KINDS; k++) {
		if (k == STORE_VENUE || strlen(kinds[k].prefix) != plen ||
		    strncmp(entity, kinds[k].prefix, plen) != 0)
			continue;
		*kind = (enum store_kind)k;
		*name = colon + 1;
		return 0;
	}
	return -1;
}

void store_values(enum store_kind kind, const struct store_source *src, double *v)
{
	const struct store_kind_info *k = store_kind_info(kind);
	for (size_t i = 0; i < k->n_ds; i++)
		v[i] = k->ds[i].value(src, &k->ds[i]);
}

int store_ds_index(enum store_kind kind, const char *metric)
{
	const struct store_kind_info *k = store_kind_info(kind);
	for (size_t i = 0; k && metric && i < k->n_ds; i++)
		if (strcmp(k->ds[i].name, metric) == 0)
			return (int)i;
	return -1;
}

static bool name_char_kept(const char *name, size_t i)
{
	unsigned char c = (unsigned char)name[i];
	if (isalnum(c) || c == '-' || c == '_')
		return true;
	/* A dot is kept only inside a name and never twice in a row, so
	 * neither "." nor ".." can appear as a file name. */
	return c == '.' && i > 0 && name[i - 1] != '.';
}

int store_encode_name(const char *name, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	if (!name[0]) {
		if (outlen < 2)
			return -1;
		out[o++] = '_';
	}
	for (size_t i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];
		if (name_char_kept(name, i)) {
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= outlen)
				return -1;
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return (int)o;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int store_decode_name(const char *stem, char *out, size_t outlen)
{
	size_t o = 0;
	for (const char *p = stem; *p; p++) {
		int c = (unsigned char)*p;
		if (c == '%') {
			int hi = hex_digit(p[1]), lo = hi < 0 ? -1 : hex_digit(p[2]);
			if (lo < 0)
				return -1;
			c = hi * 16 + lo;
			p += 2;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	if (!outlen)
		return -1;
	out[o] = '\0';
	return (int)o;
}

char *store_file_path(const char *base, enum store_kind kind, const char *name)
{
	const struct store_kind_info *k = store_kind_info(kind);
	if (!k)
		return NULL;
	if (kind == STORE_VENUE)
		return xasprintf("%s/venue.rrd", base);
	char stem[3 * 128 + 4];
	if (store_encode_name(name, stem, sizeof stem) < 0)
		return NULL;
	return xasprintf("%s/%s/%s.rrd", base, k->dir, stem);
}

static long archive_pdp(long seconds, long step)
{
	long pdp = (seconds + step / 2) / step;
	return pdp < 1 ? 1 : pdp;
}

size_t store_resolutions(long step, long *res, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < N(archives) && n < max; i++) {
		long r = archive_pdp(archives[i].seconds, step) * step;
		if (n > 0 && res[n - 1] == r)
			continue;
		res[n++] = r;
	}
	return n;
}

char *store_ds_spec(enum store_kind kind, size_t i, long step)
{
	const struct store_ds *ds = &store_kind_info(kind)->ds[i];
	return xasprintf("DS:%s:GAUGE:%ld:%s:U", ds->name, 3 * step, ds->negative ? "U" : "0");
}

char **store_create_argv(enum store_kind kind, long step, int *argc)
{
	const struct store_kind_info *k = store_kind_info(kind);
	char **argv = xcalloc(STORE_MAX_DS + 2 * STORE_MAX_RRA + 1, sizeof *argv);
	int n = 0;
	for (size_t i = 0; i < k->n_ds; i++)
		argv[n++] = store_ds_spec(kind, i, step);
	long prev_pdp = 0;
	for (size_t i = 0; i < N(archives); i++) {
		long pdp = archive_pdp(archives[i].seconds, step);
		/* Archives whose rows would coincide at a long step merge
		 * into the longer span. */
		long rows = (archives[i].span + pdp * step - 1) / (pdp * step);
		if (pdp == prev_pdp) {
			n -= 2;
			free(argv[n]);
			free(argv[n + 1]);
		}
		argv[n++] = xasprintf("RRA:AVERAGE:0.5:%ld:%ld", pdp, rows);
		argv[n++] = xasprintf("RRA:MAX:0.5:%ld:%ld", pdp, rows);
		prev_pdp = pdp;
	}
	argv[n] = NULL;
	*argc = n;
	return argv;
}

void store_free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

unsigned long long store_file_bytes(enum store_kind kind, long step)
{
	unsigned long long rows = 0;
	long prev_pdp = 0;
	for (size_t i = 0; i < N(archives); i++) {
		long pdp = archive_pdp(archives[i].seconds, step);
		long n = (archives[i].span + pdp * step - 1) / (pdp * step);
		if (pdp != prev_pdp)
			rows += 2ULL * (unsigned long long)n;	/* AVERAGE and MAX */
		prev_pdp = pdp;
	}
	return rows * store_kind_info(kind)->n_ds * sizeof(double) + 4096;
}
