/*
 * report: the post-event capacity report (headroom report).
 *
 * report_build() reads every file of the store once through the store's
 * read API (store_fetch at the finest archive that covers the window,
 * every data source at once, at that archive's real step; MAX rows too
 * when its rows consolidate several samples), directly or through the
 * config's rrdcached (or the one the options name, even on another
 * host), and the alert log, and computes the numbers below in C. Writers turn the result into one
 * self-contained HTML file, one CSV per table and one JSON with
 * everything. Unknown numbers are NAN (JSON null, empty CSV field,
 * "no data" in HTML), never zero.
 *
 * Definitions pinned here (see report_stats.c):
 *   peak        the largest known sample at the finest resolution, and
 *               the end time of its interval (the first one on ties)
 *   p95         nearest rank on 300 s averages: the ceil(0.95 k)-th
 *               smallest of the k known averages; unknown ones are
 *               excluded and counted. A 300 s average is known when at
 *               least half of its samples are (RRD's xff 0.5).
 *   minutes     known samples at or above a level, times the step
 *   volume      sum of rate x step over known samples (a lower bound
 *               when samples are missing; the missing count is reported)
 *   days        local calendar days (TZ), clipped to the window
 *   airtime     channel utilisation in percent of the time busy: a
 *               radio's from its file, a room's from its busiest radio
 *               at each sample (airtime_max); peak, p95 and minutes as
 *               above, against airtime_warn and airtime_crit
 */
#ifndef HEADROOM_REPORT_H
#define HEADROOM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "base/conf.h"

/* ---- pure statistics (report_stats.c) ---- */

struct report_peak {
	double value;		/* NAN when nothing was known */
	time_t at;		/* end of the interval holding the peak */
};

/* A series of regular samples; point i covers (start + i*step, start + (i+1)*step]. */
struct report_series {
	time_t start;
	long step;
	size_t n;
	const double *v;	/* NAN = unknown */
};

time_t report_point_time(const struct report_series *s, size_t i);
size_t report_known(const double *v, size_t n);
struct report_peak report_peak(const struct report_series *s);
double report_mean(const double *v, size_t n);
/* Nearest-rank percentile (0 < pct <= 100) of the known values. */
double report_percentile(const double *v, size_t n, double pct, size_t *unknown);
/* Averages over aligned buckets of width seconds (a multiple of the step);
 * returns a malloc'd array and its length and start via out. */
double *report_consolidate(const struct report_series *s, long width, struct report_series *out);
/* Minutes of known samples whose value is at or above level. */
double report_minutes_at_or_above(const struct report_series *s, double level);
/* Integral of a rate (units per second) over known samples. */
double report_volume(const struct report_series *s, size_t *unknown);
/* The sub-series of points whose interval ends in (from, to]. */
struct report_series report_slice(const struct report_series *s, time_t from, time_t to);

/* Local calendar days covering [from, to): fills starts (n+1 boundaries,
 * the first is from and the last is to) and returns the number of days. */
size_t report_days(time_t from, time_t to, time_t *bounds, size_t max);

struct report_gap {
	time_t start, end;
};
/* Runs of unknown points at least min_seconds long. Returns the count;
 * *gaps is malloc'd. */
size_t report_gaps(const struct report_series *s, long min_seconds, struct report_gap **gaps);

/* Standard link sizes: the smallest one >= mbps. */
double report_link_size(double mbps);

/* ---- the report ---- */

enum report_format { REPORT_HTML = 1, REPORT_CSV = 2, REPORT_JSON = 4 };

struct report_options {
	time_t from, to;	/* 0: event start/end from the config, else the data */
	const char *outdir;	/* NULL: ./report-<event> */
	unsigned formats;	/* REPORT_* bits; 0 = all */
	FILE *progress;		/* NULL: quiet */
	const char *rrdcached;	/* read through this rrdcached; NULL: the config's */
};

struct report_day {
	time_t start, end;
	struct report_peak devices;	/* peak concurrent devices */
	double ratio;			/* peak devices per attendee */
	double distinct_devices;	/* from captures, NAN when none */
	/* Distinct MACs the captures counted that day (the largest capture's
	 * count): globally administered ones (stable, about one per device)
	 * and locally administered ("random") ones, which phones rotate, so
	 * one device can count many times: they are not people. */
	double distinct_global, distinct_random;
	size_t samples, unknown;
};

struct report_uplink {
	const struct conf_uplink *conf;
	bool has_data;
	double capacity_mbps;		/* config, else the stored one; NAN when unknown */
	double projected_mbps;		/* what the 90% rule asked for */
	struct report_peak peak_in, peak_out;	/* Mbit/s */
	double p95_in, p95_out, avg_in, avg_out;
	size_t p95_samples, p95_unknown;
	double minutes_warn, minutes_crit;
	double *volume_in, *volume_out;	/* bytes per day */
	size_t *unknown_day;		/* unknown rows per day, at the series' step */
};

/* Channel utilisation of a radio or a room, percent. */
struct report_airtime {
	bool has_data;
	double warn, crit;		/* the room's levels */
	struct report_peak peak;
	double p95;
	double minutes_warn, minutes_crit;
};

struct report_radio {
	char *entity;			/* radio:AP/BAND[/RADIO] */
	char *ap;			/* the AP's name, "" when it cannot be told */
	char *band;
	int room_idx;			/* -1: its AP is in no room */
	struct report_airtime air;
	struct report_peak clients;	/* peak clients */
	double clients_warn;		/* the radio's client warn level */
	double clients_busy;		/* most clients while at or above airtime_warn; NAN */
};

/* A room's day on cables (report_wired.c), at the day's peak of all its
 * devices: Wi-Fi clients plus devices on its switch ports. */
struct report_wired_day {
	time_t start;
	struct report_peak devices;	/* Wi-Fi plus cables */
	double wired, wifi, share;	/* at that peak; share = wired / devices */
	double ports_up, ports;		/* at that peak */
	double max_wired;		/* the day's most devices on cables */
};

struct report_wired {
	struct report_wired_day *days;	/* per report day */
	double max_share, max_wired, ports;
};

struct report_room {
	const struct conf_room *conf;
	int idx;
	bool has_data;
	long capacity, projected;
	double warn_level, crit_level;
	struct report_peak peak;
	double p95;
	double minutes_warn, minutes_crit;
	double *hour_peak;		/* per hour of the window, NAN unknown */
	char *peak_session;		/* NULL when no schedule */
	long recommend_add;		/* clients of AP capacity to add, 0 = enough */
	struct report_airtime air;	/* its busiest radio at each sample */
	struct report_wired *wired;	/* NULL: its file has no wired samples */
};

struct report_ap {
	const struct conf_ap *conf;
	bool has_data;
	double capacity, warn;
	struct report_peak peak, peak_2g4, peak_5g, peak_6g;
	double minutes_warn, minutes_crit;
	size_t unknown;
};

struct report_alert {
	char *id, *rule, *entity, *severity, *summary, *acked_by;
	time_t fired, acked, resolved;	/* 0 when it did not happen */
};

struct report_outage {
	char *entity;			/* "target:NAME", "ap:NAME", "uplink:NAME" */
	time_t start, end;
};

/* A scheduled session in a venue room (sessions of rooms the venue does
 * not know are left out): its projection against the room's AP capacity
 * and the room's observed peak clients while it ran. */
struct report_session {
	char *title;
	const char *room;		/* the venue room's name */
	int room_idx;
	const char *kind;		/* "talk", "plenary", "break" */
	time_t start, end;
	long projected, capacity;
	bool projected_over;		/* the projection exceeded the capacity */
	struct report_peak observed;	/* NAN when the room has no samples then */
	int overloaded;			/* observed >= capacity: 1, 0, -1 unknown */
};

/* One recommendation computed from the numbers. */
struct report_reco {
	const char *kind;		/* "room", "uplink", "ap", "plan" */
	char *entity;			/* "room:NAME", ... or "venue" */
	double value;			/* clients to add, Mbit/s, ratio; NAN for none */
	char *text;
};

struct store;

struct report {
	const struct conf *conf;
	struct store *store;		/* the reader the numbers came from */
	time_t from, to;
	bool window_from_data;
	bool has_data;			/* any RRD file had a known sample */
	/* venue */
	long projected_devices, capacity;
	struct report_peak peak_devices;
	double peak_ratio;
	double uplink_peak_mbps;	/* venue total, max of in and out */
	double mbps_per_device;
	double recommend_uplink_mbps;
	struct report_day *days;	size_t n_days;
	struct report_uplink *uplinks;	size_t n_uplinks;
	struct report_room *rooms;	size_t n_rooms;
	struct report_ap *aps;		size_t n_aps;
	struct report_radio *radios;	size_t n_radios;	/* by entity */
	time_t hours_start;		size_t n_hours;
	struct report_alert *alerts;	size_t n_alerts;
	bool alert_log_found;
	/* lines of the alert log: decisions about alerts, records of
	 * notifications and silences, and malformed ones (skipped) */
	size_t alert_lines_alerts, alert_lines_records, alert_lines_bad;
	struct report_outage *outages;	size_t n_outages;
	bool schedule_loaded;		/* sessions below are meaningful */
	struct report_session *sessions; size_t n_sessions;	/* by start, room */
	size_t sessions_overloaded;
	struct report_reco *recos;	size_t n_recos;
	/* graphs: SVG documents, NULL when they could not be drawn */
	char **day_graphs;		/* per day */
	char **uplink_graphs;		/* per uplink */
	char *graph_error;
	/* statistics of the run */
	size_t files_read;
	double seconds;
};

struct report *report_build(const struct conf *conf, const struct report_options *o,
			    char *err, size_t errlen);
void report_free(struct report *r);

/* The alert log (alerts.log in state_dir); a missing file is not an error. */
int report_read_alerts(struct report *r, const char *path);
/* Free the strings one alert owns (not the alert itself). */
void report_alert_clear(struct report_alert *a);

/* Airtime figures of a utilisation series (peak: the series peaks come
 * from; avg: its averages, for p95), against warn and crit (percent). */
void report_airtime_of(const struct report_series *peak, const struct report_series *avg,
		       double warn, double crit, struct report_airtime *a);
/* "radio:AP/BAND[/RADIO]": the AP's name and the band, malloc'd; 0, or -1
 * when the name holds no band. */
int report_radio_parse(const char *entity, char **ap, char **band);

/* Recommendations from the numbers (called by report_build). */
void report_recommend(struct report *r);

/* ---- devices on cables (report_wired.c) ---- */
/* A room's wired days from its series (any may be NULL but wired). */
void report_wired_room(struct report *r, struct report_room *room,
		       const struct report_series *clients, const struct report_series *wired,
		       const struct report_series *up, const struct report_series *ports);
void report_wired_free(struct report_wired *w);
void report_recommend_wired(struct report *r);
struct json_t;
struct json_t *report_wired_json(const struct report *r, const struct report_room *room);
void report_wired_csv(const struct report *r, FILE *f);
void report_wired_html(const struct report *r, FILE *f);
/* The writers' shared pieces: text as a CSV field, quoted where it must
 * be, and a number, empty when unknown (report_csv.c); text escaped for
 * HTML (report_html.c), NULL writing nothing; a number for JSON, null when
 * unknown (report_json.c). */
void report_csv_text(FILE *f, const char *s);
void report_csv_num(FILE *f, double x);
void report_html_text(FILE *f, const char *s);
struct json_t *report_json_num(double x);

/* Graphs the store draws, as SVG text. */
void report_draw_graphs(struct report *r);

/* Writers; each returns 0 or -1 with a reason in err. */
int report_write_json(const struct report *r, const char *dir, char *err, size_t errlen);
int report_write_csv(const struct report *r, const char *dir, char *err, size_t errlen);
int report_write_html(const struct report *r, const char *dir, char *err, size_t errlen);
/* dir/name written by write(r, f), for the writers above (report_csv.c);
 * 0, or -1 with a reason in err when it cannot be opened or written. */
int report_write_file(const struct report *r, const char *dir, const char *name,
		      void (*write)(const struct report *r, FILE *f), char *err, size_t errlen);

/* Shared formatting, local time, "" for 0: "2027-05-14 10:00:00",
 * ISO 8601 "2027-05-14T10:00:00+0200", and the day "2027-05-14". */
void report_format_time(time_t t, char *buf, size_t len);
void report_format_iso(time_t t, char *buf, size_t len);
void report_format_day(time_t t, char *buf, size_t len);

#endif
