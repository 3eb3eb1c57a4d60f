/* report: the report's numbers, each store file read once and reduced to report.h's figures. */
#include "config.h"
#include "report/report.h"
#include "base/eventlog.h"
#include "model/plan.h"
#include "schedule/schedule.h"
#include "store/store.h"
#include "base/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Unknown runs shorter than this are not reported as outages. */
#define OUTAGE_MIN_SECONDS 60

/* One entity's file fetched once for the window: every data source at
 * once, at the finest archive that covers it. */
struct rows {
	bool ok;		/* it was read */
	struct store_table avg;
	/* MAX rows of the same archive when its rows consolidate several
	 * samples (peaks then come from them), else none (n = 0) */
	struct store_table max;
};

struct build {
	struct report *r;
	const struct report_options *o;
	const struct conf *conf;
	struct store *store;
	char **files;			/* the entities with a file, sorted */
	size_t n_files;
	struct schedule *sched;		/* NULL without a (readable) schedule */
	size_t files_total, files_done;
	int last_pct;
};

static void progress(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void progress(struct build *b, const char *fmt, ...)
{
	if (!b->o->progress)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("headroom report: ", b->o->progress);
	vfprintf(b->o->progress, fmt, ap);
	fputc('\n', b->o->progress);
	va_end(ap);
}

static void file_done(struct build *b)
{
	b->files_done++;
	if (!b->o->progress || b->files_total < 50)
		return;
	int pct = (int)(b->files_done * 100 / b->files_total);
	if (pct / 10 != b->last_pct / 10) {
		b->last_pct = pct;
		progress(b, "read %zu of %zu files (%d%%)", b->files_done, b->files_total, pct);
	}
}

static void rows_free(struct rows *t)
{
	store_table_free(&t->avg);
	store_table_free(&t->max);
	t->ok = false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entity has a file in the store (a missing one is no error). */
static bool has_file(const struct build *b, const char *entity)
{
	return b->n_files && bsearch(&entity, b->files, b->n_files, sizeof *b->files, by_name);
}

static void fetch_rows(struct build *b, const char *entity, struct rows *t)
{
	memset(t, 0, sizeof *t);
	if (!has_file(b, entity))
		return;
	char err[512];
	if (store_fetch(b->store, entity, b->r->from, b->r->to, 0, "AVERAGE", &t->avg, err,
			sizeof err) != 0) {
		progress(b, "%s: %s", entity, err);
		return;
	}
	t->ok = true;
	b->r->files_read++;
	if (t->avg.step <= t->avg.pdp_step)
		return;
	if (store_fetch(b->store, entity, b->r->from, b->r->to, t->avg.step, "MAX", &t->max, err,
			sizeof err) != 0 ||
	    t->max.step != t->avg.step || t->max.start != t->avg.start)
		store_table_free(&t->max);
}

/*
 * One data source clipped to the window (points ending in (from, to]).
 * Returns the malloc'd values (NULL when the DS is absent) and describes
 * them in *s. scale multiplies every known value.
 */
static double *column(const struct report *r, const struct store_table *t, const char *ds,
		      double scale, struct report_series *s)
{
	memset(s, 0, sizeof *s);
	int c = store_table_column(t, ds);
	if (c < 0 || t->n == 0)
		return NULL;
	/* a report series starts where its first interval does */
	time_t start = t->start - t->step;
	struct report_series all = { start, t->step, t->n, NULL };
	struct report_series win = report_slice(&all, r->from, r->to);
	size_t first = (size_t)((win.start - start) / t->step);
	double *v = xmalloc((win.n ? win.n : 1) * sizeof *v);
	for (size_t i = 0; i < win.n; i++) {
		double x = t->values[(first + i) * t->n_ds + (size_t)c];
		v[i] = isnan(x) ? NAN : x * scale;
	}
	*s = (struct report_series){ win.start, win.step, win.n, v };
	return v;
}

/* The series to take peaks and levels from: MAX rows when the window is
 * served by an archive whose rows consolidate several samples, else the
 * AVERAGE rows (which at the file's step are the samples themselves). */
static double *peak_column(const struct report *r, const struct rows *t, const char *ds,
			   double scale, struct report_series *s)
{
	if (t->max.n) {
		double *v = column(r, &t->max, ds, scale, s);
		if (v)
			return v;
	}
	return column(r, &t->avg, ds, scale, s);
}

/* "ap:NAME", or "venue" without a name. */
static char *entity_of(const char *kind, const char *name)
{
	return name ? xasprintf("%s:%s", kind, name) : xstrdup(kind);
}

/* ---- window ---- */

/* The extent of the venue's file, else of the first AP's that has one. */
static void window_from_files(struct build *b)
{
	const struct conf *conf = b->conf;
	time_t first = 0, last = 0;
	for (size_t i = 0; !last && i < conf->n_aps + 1; i++) {
		char *entity = i == 0 ? entity_of("venue", NULL)
				      : entity_of("ap", conf->aps[i - 1].name);
		char err[256];
		if (has_file(b, entity) && store_extent(b->store, entity, &first, &last, err,
							sizeof err) != 0)
			first = last = 0;
		free(entity);
	}
	b->r->to = last;
	b->r->from = first;
}

/* Shrink a window guessed from the files to the known samples of the
 * venue series, so days without data do not appear. */
static void window_trim(struct report *r, const struct report_series *s)
{
	size_t lo = 0, hi = s->n;
	while (lo < s->n && isnan(s->v[lo]))
		lo++;
	while (hi > lo && isnan(s->v[hi - 1]))
		hi--;
	if (lo >= hi)
		return;
	r->from = s->start + (time_t)lo * s->step;
	r->to = report_point_time(s, hi - 1);
}

/* ---- venue and days ---- */

static void hourly_peaks(const struct report *r, const struct report_series *s, double *out)
{
	for (size_t h = 0; h < r->n_hours; h++)
		out[h] = NAN;
	for (size_t i = 0; i < s->n; i++) {
		if (isnan(s->v[i]))
			continue;
		time_t t = report_point_time(s, i) - 1;
		if (t < r->hours_start)
			continue;
		size_t h = (size_t)((t - r->hours_start) / 3600);
		if (h < r->n_hours && (isnan(out[h]) || s->v[i] > out[h]))
			out[h] = s->v[i];
	}
}

static void build_days(struct report *r)
{
	time_t bounds[400];
	size_t n = report_days(r->from, r->to, bounds, sizeof bounds / sizeof bounds[0]);
	r->days = xcalloc(n ? n : 1, sizeof *r->days);
	r->n_days = n;
	for (size_t d = 0; d < n; d++) {
		r->days[d].start = bounds[d];
		r->days[d].end = bounds[d + 1];
		r->days[d].devices.value = NAN;
		r->days[d].ratio = NAN;
		r->days[d].distinct_devices = NAN;
		r->days[d].distinct_global = NAN;
		r->days[d].distinct_random = NAN;
	}
	r->hours_start = r->from - (r->from % 3600);
	r->n_hours = r->to > r->hours_start ? (size_t)((r->to - r->hours_start + 3599) / 3600) : 0;
}

static void read_venue(struct build *b, struct rows *t)
{
	struct report *r = b->r;
	struct report_series dev, in, out;
	double *vd = peak_column(r, t, "devices", 1, &dev);
	if (vd && report_known(dev.v, dev.n) > 0)
		r->has_data = true;
	r->peak_devices = vd ? report_peak(&dev) : (struct report_peak){ NAN, 0 };
	r->peak_ratio = r->conf->event.attendees > 0 ?
		r->peak_devices.value / (double)r->conf->event.attendees : NAN;
	for (size_t d = 0; d < r->n_days; d++) {
		struct report_day *day = &r->days[d];
		if (!vd)
			continue;
		struct report_series s = report_slice(&dev, day->start, day->end);
		day->devices = report_peak(&s);
		day->samples = s.n;
		day->unknown = s.n - report_known(s.v, s.n);
		if (r->conf->event.attendees > 0)
			day->ratio = day->devices.value / (double)r->conf->event.attendees;
	}
	double *vi = peak_column(r, t, "uplink_mbps_in", 1, &in);
	double *vo = peak_column(r, t, "uplink_mbps_out", 1, &out);
	double pi = vi ? report_peak(&in).value : NAN;
	double po = vo ? report_peak(&out).value : NAN;
	r->uplink_peak_mbps = isnan(pi) ? po : isnan(po) ? pi : fmax(pi, po);
	free(vd);
	free(vi);
	free(vo);
}

/* ---- captures: distinct devices per day ---- */

static double max_known(double a, double b)
{
	return isnan(a) ? b : isnan(b) ? a : fmax(a, b);
}

/* A capture's devices_day_* count since local midnight, so a day's
 * largest value is that day's distinct devices. */
static void read_capture(struct build *b, size_t i, const struct rows *t)
{
	(void)i;
	struct report *r = b->r;
	struct report_series g, x;
	double *vg = peak_column(r, t, "devices_day_global", 1, &g);
	double *vr = peak_column(r, t, "devices_day_random", 1, &x);
	for (size_t d = 0; d < r->n_days; d++) {
		struct report_day *day = &r->days[d];
		if (vg) {
			struct report_series s = report_slice(&g, day->start, day->end);
			day->distinct_global = max_known(day->distinct_global, report_peak(&s).value);
		}
		if (vr) {
			struct report_series s = report_slice(&x, day->start, day->end);
			day->distinct_random = max_known(day->distinct_random, report_peak(&s).value);
		}
		day->distinct_devices = day->distinct_global;
	}
	free(vg);
	free(vr);
}

/* ---- uplinks ---- */

static double stored_capacity(const struct report *r, const struct rows *t)
{
	struct report_series s;
	double *v = column(r, &t->avg, "capacity_mbps", 1, &s);
	double cap = v ? report_peak(&s).value : NAN;
	free(v);
	return cap;
}

static void add_outages(struct report *r, const char *entity, const struct report_series *s)
{
	struct report_gap *gaps;
	size_t n = report_gaps(s, OUTAGE_MIN_SECONDS, &gaps);
	if (n) {
		r->outages = xrealloc(r->outages, (r->n_outages + n) * sizeof *r->outages);
		for (size_t i = 0; i < n; i++)
			r->outages[r->n_outages++] = (struct report_outage){
				xstrdup(entity), gaps[i].start, gaps[i].end };
	}
	free(gaps);
}

static void uplink_five_minute(struct report_uplink *u, const struct report_series *in,
			       const struct report_series *out)
{
	struct report_series a5, b5;
	double *a = report_consolidate(in, 300, &a5);
	double *c = report_consolidate(out, 300, &b5);
	size_t unknown = 0;
	if (a) {
		u->p95_in = report_percentile(a5.v, a5.n, 95, &unknown);
		u->p95_samples = a5.n - unknown;
		u->p95_unknown = unknown;
	}
	if (c)
		u->p95_out = report_percentile(b5.v, b5.n, 95, NULL);
	free(a);
	free(c);
}

static void utilisation_minutes(const struct report *r, struct report_uplink *u,
				const struct report_series *in, const struct report_series *out)
{
	if (isnan(u->capacity_mbps) || u->capacity_mbps <= 0 || in->n != out->n)
		return;
	double *util = xmalloc((in->n ? in->n : 1) * sizeof *util);
	for (size_t i = 0; i < in->n; i++) {
		double a = in->v[i], c = out->v[i];
		double m = isnan(a) ? c : isnan(c) ? a : fmax(a, c);
		util[i] = m / u->capacity_mbps;
	}
	struct report_series s = { in->start, in->step, in->n, util };
	u->minutes_warn = report_minutes_at_or_above(&s, r->conf->warn_ratio);
	u->minutes_crit = report_minutes_at_or_above(&s, r->conf->crit_ratio);
	free(util);
}

static void uplink_days(const struct report *r, struct report_uplink *u,
			const struct report_series *in, const struct report_series *out)
{
	for (size_t d = 0; d < r->n_days; d++) {
		struct report_series a = report_slice(in, r->days[d].start, r->days[d].end);
		struct report_series c = report_slice(out, r->days[d].start, r->days[d].end);
		size_t unknown = 0;
		/* rates are Mbit/s: x 1e6 / 8 gives bytes */
		u->volume_in[d] = report_volume(&a, &unknown) * 1e6 / 8;
		u->volume_out[d] = report_volume(&c, NULL) * 1e6 / 8;
		u->unknown_day[d] = unknown;
	}
}

static void read_uplink(struct build *b, size_t i, const struct rows *t)
{
	struct report *r = b->r;
	struct report_uplink *u = &r->uplinks[i];
	u->conf = &r->conf->uplinks[i];
	u->capacity_mbps = u->conf->capacity_mbps > 0 ? u->conf->capacity_mbps : NAN;
	u->projected_mbps = plan_uplink_projected_mbps(r->conf, (int)i);
	u->peak_in = u->peak_out = (struct report_peak){ NAN, 0 };
	u->p95_in = u->p95_out = u->avg_in = u->avg_out = NAN;
	u->minutes_warn = u->minutes_crit = NAN;
	u->volume_in = xmalloc((r->n_days ? r->n_days : 1) * sizeof(double));
	u->volume_out = xmalloc((r->n_days ? r->n_days : 1) * sizeof(double));
	u->unknown_day = xcalloc(r->n_days ? r->n_days : 1, sizeof(size_t));
	for (size_t d = 0; d < r->n_days; d++)
		u->volume_in[d] = u->volume_out[d] = NAN;
	if (!t->ok)
		return;
	if (isnan(u->capacity_mbps))
		u->capacity_mbps = stored_capacity(r, t);
	struct report_series in, out, pin, pout;
	double *vi = column(r, &t->avg, "bps_in", 1e-6, &in);
	double *vo = column(r, &t->avg, "bps_out", 1e-6, &out);
	double *pi = peak_column(r, t, "bps_in", 1e-6, &pin);
	double *po = peak_column(r, t, "bps_out", 1e-6, &pout);
	if (vi && vo && (report_known(in.v, in.n) || report_known(out.v, out.n))) {
		u->has_data = r->has_data = true;
		u->peak_in = report_peak(&pin);
		u->peak_out = report_peak(&pout);
		u->avg_in = report_mean(in.v, in.n);
		u->avg_out = report_mean(out.v, out.n);
		uplink_five_minute(u, &in, &out);
		utilisation_minutes(r, u, &pin, &pout);
		uplink_days(r, u, &in, &out);
		char *entity = xasprintf("uplink:%s", u->conf->name);
		add_outages(r, entity, &in);
		free(entity);
	}
	free(vi);
	free(vo);
	free(pi);
	free(po);
}

/* ---- rooms ---- */

/* The room's peak clients during each of its sessions. */
static void session_peaks(struct report *r, int room_idx, const struct report_series *clients)
{
	for (size_t k = 0; k < r->n_sessions; k++) {
		struct report_session *x = &r->sessions[k];
		if (x->room_idx != room_idx || !clients)
			continue;
		struct report_series during = report_slice(clients, x->start, x->end);
		x->observed = report_peak(&during);
		if (isnan(x->observed.value))
			continue;
		/* a room without APs has no clients of its own to overload it */
		x->overloaded = x->capacity > 0 && x->observed.value >= (double)x->capacity;
		r->sessions_overloaded += x->overloaded;
	}
}

/* ---- airtime: rooms' busiest radio and every radio's file ---- */

/* A utilisation column of t as report_airtime figures. */
static void airtime_of(const struct report *r, const struct rows *t, const char *ds, double warn,
		       double crit, struct report_airtime *a)
{
	struct report_series s, avg;
	double *v = t->ok ? peak_column(r, t, ds, 1, &s) : NULL;
	double *va = t->ok ? column(r, &t->avg, ds, 1, &avg) : NULL;
	report_airtime_of(v ? &s : NULL, va ? &avg : NULL, warn, crit, a);
	free(v);
	free(va);
}

static void read_room_airtime(const struct report *r, struct report_room *room,
			      const struct rows *t)
{
	airtime_of(r, t, "airtime_max", room->conf->airtime_warn, room->conf->airtime_crit,
		   &room->air);
}

/* The most clients a radio had while its channel was at or above warn. */
static double clients_while_busy(const struct report *r, const struct rows *t, double warn)
{
	struct report_series u, c;
	double *vu = peak_column(r, t, "utilization", 1, &u);
	double *vc = peak_column(r, t, "clients", 1, &c);
	double most = NAN;
	for (size_t i = 0; vu && vc && i < u.n && i < c.n; i++)
		if (u.v[i] >= warn && !isnan(c.v[i]))
			most = isnan(most) ? c.v[i] : fmax(most, c.v[i]);
	free(vu);
	free(vc);
	return most;
}

static void read_radio(struct build *b, struct report_radio *x)
{
	const struct conf *c = b->conf;
	int ap = conf_ap_index(c, x->ap);
	x->room_idx = ap >= 0 ? c->aps[ap].room_idx : -1;
	const struct conf_room *room = x->room_idx >= 0 ? &c->rooms[x->room_idx] : NULL;
	x->clients_warn = (double)c->radio_warn_clients;
	if (ap >= 0 && c->aps[ap].warn_clients > 0)
		x->clients_warn = fmin(x->clients_warn, (double)c->aps[ap].warn_clients);
	struct rows t;
	fetch_rows(b, x->entity, &t);
	airtime_of(b->r, &t, "utilization", room ? room->airtime_warn : c->airtime_warn,
		   room ? room->airtime_crit : c->airtime_crit, &x->air);
	struct report_series s;
	double *v = t.ok ? peak_column(b->r, &t, "clients", 1, &s) : NULL;
	x->clients = v ? report_peak(&s) : (struct report_peak){ NAN, 0 };
	free(v);
	x->clients_busy = t.ok ? clients_while_busy(b->r, &t, x->air.warn) : NAN;
	b->r->has_data |= x->air.has_data;
	rows_free(&t);
	file_done(b);
}

/* Radios are the devices' own: every radio file in the store. */
static void read_radios(struct build *b)
{
	struct report *r = b->r;
	for (size_t i = 0; i < b->n_files; i++) {
		char *ap, *band;
		if (report_radio_parse(b->files[i], &ap, &band) != 0)
			continue;
		r->radios = xrealloc(r->radios, (r->n_radios + 1) * sizeof *r->radios);
		struct report_radio *x = &r->radios[r->n_radios++];
		memset(x, 0, sizeof *x);
		x->entity = xstrdup(b->files[i]);
		x->ap = ap;
		x->band = band;
		read_radio(b, x);
	}
}

/* Devices and ports on cables, from the same rows as the clients. */
static void read_room_wired(struct report *r, struct report_room *room, const struct rows *t,
			    const struct report_series *clients)
{
	struct report_series w, up, ports;
	double *vw = peak_column(r, t, "wired_devices", 1, &w);
	double *vu = peak_column(r, t, "wired_ports_up", 1, &up);
	double *vp = peak_column(r, t, "wired_ports", 1, &ports);
	if (vw)
		report_wired_room(r, room, clients, &w, vu ? &up : NULL, vp ? &ports : NULL);
	free(vw);
	free(vu);
	free(vp);
}

static void read_room(struct build *b, size_t i, const struct rows *t)
{
	struct report *r = b->r;
	const struct conf *c = r->conf;
	struct report_room *room = &r->rooms[i];
	room->conf = &c->rooms[i];
	room->idx = (int)i;
	room->capacity = plan_room_capacity(c, (int)i);
	room->projected = plan_room_projected_devices(&c->event, room->conf);
	room->warn_level = c->warn_ratio * (double)room->capacity;
	room->crit_level = c->crit_ratio * (double)room->capacity;
	room->peak = (struct report_peak){ NAN, 0 };
	room->p95 = room->minutes_warn = room->minutes_crit = NAN;
	room->hour_peak = xmalloc((r->n_hours ? r->n_hours : 1) * sizeof(double));
	for (size_t h = 0; h < r->n_hours; h++)
		room->hour_peak[h] = NAN;
	struct report_series s, avg;
	double *v = peak_column(r, t, "clients", 1, &s);
	if (v && report_known(s.v, s.n) > 0) {
		room->has_data = r->has_data = true;
		room->peak = report_peak(&s);
		if (room->capacity > 0) {
			room->minutes_warn = report_minutes_at_or_above(&s, room->warn_level);
			room->minutes_crit = report_minutes_at_or_above(&s, room->crit_level);
		}
		hourly_peaks(r, &s, room->hour_peak);
		double *va = column(r, &t->avg, "clients", 1, &avg);
		struct report_series a5;
		double *five = va ? report_consolidate(&avg, 300, &a5) : NULL;
		if (five)
			room->p95 = report_percentile(a5.v, a5.n, 95, NULL);
		free(five);
		free(va);
	}
	session_peaks(r, (int)i, v ? &s : NULL);
	read_room_wired(r, room, t, v ? &s : NULL);
	free(v);
	read_room_airtime(r, room, t);
	/* the 90% rule's projection, or what was seen when that was more */
	double need = (double)room->projected;
	if (room->has_data && room->peak.value > need)
		need = ceil(room->peak.value);
	room->recommend_add = need > (double)room->capacity ? (long)need - room->capacity : 0;
}

/* ---- APs and the targets behind them ---- */

struct target_cover {
	bool any_file;
	time_t start;
	long step;
	size_t n;
	double *known;		/* 1 when some AP of the target had a sample, else NAN */
};

static void cover_add(struct target_cover *tc, const struct report_series *s)
{
	if (!tc->known) {
		tc->start = s->start;
		tc->step = s->step;
		tc->n = s->n;
		tc->known = xmalloc((s->n ? s->n : 1) * sizeof *tc->known);
		for (size_t i = 0; i < s->n; i++)
			tc->known[i] = NAN;
	}
	if (s->step != tc->step || s->start != tc->start)
		return;
	for (size_t i = 0; i < s->n && i < tc->n; i++)
		if (!isnan(s->v[i]))
			tc->known[i] = 1;
}

static struct report_peak band_peak(const struct report *r, const struct rows *t,
				    const char *ds)
{
	struct report_series s;
	double *v = peak_column(r, t, ds, 1, &s);
	struct report_peak p = v ? report_peak(&s) : (struct report_peak){ NAN, 0 };
	free(v);
	return p;
}

static void read_ap(struct build *b, size_t i, const struct rows *t,
		    struct target_cover *covers)
{
	struct report *r = b->r;
	const struct conf *c = r->conf;
	struct report_ap *ap = &r->aps[i];
	ap->conf = &c->aps[i];
	ap->capacity = (double)ap->conf->max_clients;
	ap->warn = (double)ap->conf->warn_clients;
	ap->peak = ap->peak_2g4 = ap->peak_5g = ap->peak_6g = (struct report_peak){ NAN, 0 };
	ap->minutes_warn = ap->minutes_crit = NAN;
	struct report_series s;
	double *v = peak_column(r, t, "clients", 1, &s);
	if (v && report_known(s.v, s.n) > 0) {
		ap->has_data = r->has_data = true;
		ap->peak = report_peak(&s);
		ap->minutes_warn = report_minutes_at_or_above(&s, ap->warn);
		ap->minutes_crit = report_minutes_at_or_above(&s, ap->capacity);
		ap->unknown = s.n - report_known(s.v, s.n);
		ap->peak_2g4 = band_peak(r, t, "clients_2g4");
		ap->peak_5g = band_peak(r, t, "clients_5g");
		/* NAN for files from before the store kept 6 GHz */
		ap->peak_6g = band_peak(r, t, "clients_6g");
	}
	if (v && t->ok) {
		if (ap->conf->target_idx >= 0) {
			covers[ap->conf->target_idx].any_file = true;
			cover_add(&covers[ap->conf->target_idx], &s);
		} else if (ap->has_data) {
			char *entity = xasprintf("ap:%s", ap->conf->name);
			add_outages(r, entity, &s);
			free(entity);
		}
	}
	free(v);
}

static void target_outages(struct report *r, struct target_cover *covers)
{
	for (size_t i = 0; i < r->conf->n_targets; i++) {
		struct target_cover *tc = &covers[i];
		if (tc->known && report_known(tc->known, tc->n) > 0) {
			struct report_series s = { tc->start, tc->step, tc->n, tc->known };
			char *entity = xasprintf("target:%s", r->conf->targets[i].name);
			add_outages(r, entity, &s);
			free(entity);
		}
		free(tc->known);
	}
}

static void load_schedule(struct build *b)
{
	const struct conf *c = b->conf;
	if (!c->event.schedule)
		return;
	char *err = NULL;
	b->sched = schedule_load(c, c->event.schedule, &err);
	if (!b->sched)
		progress(b, "schedule not used: %s", err ? err : "cannot be read");
	free(err);
}

static const char *kind_name(enum schedule_kind k)
{
	return k == SCHEDULE_PLENARY ? "plenary" : k == SCHEDULE_BREAK ? "break" : "talk";
}

/* The sessions of venue rooms that overlap the window; their observed
 * peaks come with the rooms' files. */
static void collect_sessions(struct build *b)
{
	struct report *r = b->r;
	const struct schedule *s = b->sched;
	if (!s)
		return;
	r->schedule_loaded = true;
	r->sessions = xcalloc(s->n_sessions ? s->n_sessions : 1, sizeof *r->sessions);
	for (size_t i = 0; i < s->n_sessions; i++) {
		const struct schedule_session *x = &s->sessions[i];
		time_t end = x->start + x->duration;
		if (x->room_idx < 0 || (size_t)x->room_idx >= b->conf->n_rooms ||
		    end <= r->from || x->start >= r->to)
			continue;
		long capacity = plan_room_capacity(b->conf, x->room_idx);
		r->sessions[r->n_sessions++] = (struct report_session){
			.title = xstrdup(x->title), .room = b->conf->rooms[x->room_idx].name,
			.room_idx = x->room_idx, .kind = kind_name(x->kind), .start = x->start,
			.end = end, .projected = schedule_session_peak(s, x), .capacity = capacity,
			.projected_over = schedule_session_over_capacity(s, b->conf, x),
			.observed = { NAN, 0 }, .overloaded = -1 };
	}
}

/* The session on stage in each room at its peak. */
static void peak_sessions(struct build *b)
{
	struct report *r = b->r;
	for (size_t i = 0; b->sched && i < r->n_rooms; i++) {
		struct report_room *room = &r->rooms[i];
		const struct schedule_session *cur = NULL, *next = NULL;
		if (!room->has_data || room->peak.value <= 0)
			continue;
		if (schedule_now_next(b->sched, room->idx, room->peak.at, &cur, &next) == 0 && cur)
			room->peak_session = xstrdup(cur->title);
	}
}

/* Without the venue file: the sum of each uplink's own peak (an upper
 * bound, the peaks need not coincide). */
static double uplinks_peak_sum(const struct report *r)
{
	double sum = NAN;
	for (size_t i = 0; i < r->n_uplinks; i++) {
		const struct report_uplink *u = &r->uplinks[i];
		double m = isnan(u->peak_in.value) ? u->peak_out.value :
			isnan(u->peak_out.value) ? u->peak_in.value :
			fmax(u->peak_in.value, u->peak_out.value);
		if (!isnan(m))
			sum = isnan(sum) ? m : sum + m;
	}
	return sum;
}

/* ---- driver ---- */

static void read_one(struct build *b, const char *kind, const char *name,
		     void (*fn)(struct build *, size_t, const struct rows *), size_t i)
{
	char *entity = entity_of(kind, name);
	struct rows t;
	fetch_rows(b, entity, &t);
	fn(b, i, &t);
	rows_free(&t);
	free(entity);
	file_done(b);
}

static void resolve_window(struct build *b, struct rows *venue)
{
	struct report *r = b->r;
	const struct conf *c = b->conf;
	r->from = b->o->from ? b->o->from : c->event.start;
	r->to = b->o->to ? b->o->to : c->event.end;
	if (!r->from || !r->to) {
		time_t want_from = r->from, want_to = r->to;
		window_from_files(b);
		r->window_from_data = true;
		if (want_from)
			r->from = want_from;
		if (want_to)
			r->to = want_to;
	}
	fetch_rows(b, "venue", venue);
	if (r->window_from_data && venue->ok && !b->o->from && !b->o->to) {
		struct report_series s;
		double *v = column(r, &venue->avg, "devices", 1, &s);
		if (v)
			window_trim(r, &s);
		free(v);
	}
}

/* A reader on the store (the config's rrdcached unless the options name
 * another) and the list of its files. */
static int open_store(struct build *b, char *err, size_t errlen)
{
	const char *daemon = b->o->rrdcached ? b->o->rrdcached : b->conf->rrdcached;
	b->store = store_open_reader(b->conf->state_dir, daemon, err, errlen);
	if (!b->store)
		return -1;
	b->r->store = b->store;
	return store_list(b->store, &b->files, &b->n_files, err, errlen);
}

struct report *report_build(const struct conf *conf, const struct report_options *o,
			    char *err, size_t errlen)
{
	double t0 = now_seconds();
	struct report *r = xcalloc(1, sizeof *r);
	struct build b = { .r = r, .o = o, .conf = conf, .last_pct = -10 };
	r->conf = conf;
	r->projected_devices = plan_venue_projected_devices(&conf->event);
	r->capacity = plan_venue_capacity(conf);
	r->peak_devices.value = r->peak_ratio = r->uplink_peak_mbps = NAN;
	r->mbps_per_device = r->recommend_uplink_mbps = NAN;

	if (open_store(&b, err, errlen) != 0) {
		store_list_free(b.files, b.n_files);
		report_free(r);
		return NULL;
	}
	struct rows venue;
	resolve_window(&b, &venue);
	if (r->to <= r->from) {
		snprintf(err, errlen, "no time window: the event has no start/end in %s and "
			 "the store under %s has no data (use --from and --to)",
			 conf->path ? conf->path : "the config", conf->state_dir);
		rows_free(&venue);
		store_list_free(b.files, b.n_files);
		report_free(r);
		return NULL;
	}
	build_days(r);
	b.files_total = 1 + conf->n_uplinks + conf->n_rooms + conf->n_aps + conf->n_captures;
	for (size_t i = 0; i < b.n_files; i++)
		b.files_total += strncmp(b.files[i], "radio:", 6) == 0;
	progress(&b, "%zu files to read for %zu day(s)", b.files_total, r->n_days);

	read_venue(&b, &venue);
	rows_free(&venue);
	file_done(&b);

	for (size_t i = 0; i < conf->n_captures; i++)
		read_one(&b, "capture", conf->captures[i].name, read_capture, i);

	r->n_uplinks = conf->n_uplinks;
	r->uplinks = xcalloc(conf->n_uplinks ? conf->n_uplinks : 1, sizeof *r->uplinks);
	for (size_t i = 0; i < conf->n_uplinks; i++)
		read_one(&b, "uplink", conf->uplinks[i].name, read_uplink, i);

	load_schedule(&b);
	collect_sessions(&b);
	r->n_rooms = conf->n_rooms;
	r->rooms = xcalloc(conf->n_rooms ? conf->n_rooms : 1, sizeof *r->rooms);
	for (size_t i = 0; i < conf->n_rooms; i++)
		read_one(&b, "room", conf->rooms[i].name, read_room, i);

	peak_sessions(&b);
	schedule_free(b.sched);
	b.sched = NULL;

	r->n_aps = conf->n_aps;
	r->aps = xcalloc(conf->n_aps ? conf->n_aps : 1, sizeof *r->aps);
	struct target_cover *covers = xcalloc(conf->n_targets + 1, sizeof *covers);
	for (size_t i = 0; i < conf->n_aps; i++) {
		char *entity = entity_of("ap", conf->aps[i].name);
		struct rows t;
		fetch_rows(&b, entity, &t);
		read_ap(&b, i, &t, covers);
		rows_free(&t);
		free(entity);
		file_done(&b);
	}
	target_outages(r, covers);
	free(covers);
	read_radios(&b);

	if (isnan(r->uplink_peak_mbps))
		r->uplink_peak_mbps = uplinks_peak_sum(r);
	if (!isnan(r->uplink_peak_mbps) && r->peak_devices.value > 0)
		r->mbps_per_device = r->uplink_peak_mbps / r->peak_devices.value;
	double need = plan_venue_uplink_demand_mbps(conf);
	if (!isnan(r->uplink_peak_mbps) && conf->warn_ratio > 0)
		need = fmax(need, r->uplink_peak_mbps / conf->warn_ratio);
	r->recommend_uplink_mbps = report_link_size(need);

	store_list_free(b.files, b.n_files);
	report_recommend(r);
	char *log = eventlog_path(conf->state_dir);
	report_read_alerts(r, log);
	free(log);
	r->seconds = now_seconds() - t0;
	progress(&b, "read %zu files, %zu alerts in %.2f s", r->files_read, r->n_alerts,
		 r->seconds);
	return r;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	store_close(r->store);
	free(r->days);
	for (size_t i = 0; i < r->n_uplinks; i++) {
		free(r->uplinks[i].volume_in);
		free(r->uplinks[i].volume_out);
		free(r->uplinks[i].unknown_day);
	}
	free(r->uplinks);
	for (size_t i = 0; i < r->n_rooms; i++) {
		free(r->rooms[i].hour_peak);
		report_wired_free(r->rooms[i].wired);
		free(r->rooms[i].peak_session);
	}
	free(r->rooms);
	free(r->aps);
	for (size_t i = 0; i < r->n_radios; i++) {
		free(r->radios[i].entity);
		free(r->radios[i].ap);
		free(r->radios[i].band);
	}
	free(r->radios);
	for (size_t i = 0; i < r->n_alerts; i++)
		report_alert_clear(&r->alerts[i]);
	free(r->alerts);
	for (size_t i = 0; i < r->n_outages; i++)
		free(r->outages[i].entity);
	free(r->outages);
	for (size_t i = 0; i < r->n_sessions; i++)
		free(r->sessions[i].title);
	free(r->sessions);
	for (size_t i = 0; i < r->n_recos; i++) {
		free(r->recos[i].entity);
		free(r->recos[i].text);
	}
	free(r->recos);
	for (size_t i = 0; r->day_graphs && i < r->n_days; i++)
		free(r->day_graphs[i]);
	free(r->day_graphs);
	for (size_t i = 0; r->uplink_graphs && i < r->n_uplinks; i++)
		free(r->uplink_graphs[i]);
	free(r->uplink_graphs);
	free(r->graph_error);
	free(r);
}

static void format_local(time_t t, const char *fmt, char *buf, size_t len)
{
	struct tm tm;
	if (len)
		buf[0] = '\0';
	if (t == 0 || !localtime_r(&t, &tm))
		return;
	strftime(buf, len, fmt, &tm);
}

void report_format_time(time_t t, char *buf, size_t len)
{
	format_local(t, "%Y-%m-%d %H:%M:%S", buf, len);
}

void report_format_iso(time_t t, char *buf, size_t len)
{
	format_local(t, "%Y-%m-%dT%H:%M:%S%z", buf, len);
}

void report_format_day(time_t t, char *buf, size_t len)
{
	format_local(t, "%Y-%m-%d", buf, len);
}
