/* The config schema (libconfuse) and its validation. */
/*
 * Two passes: libconfuse checks syntax, keys and types, and per-value
 * validators check ranges while the parser still knows the line; then
 * conf_build() copies sections into plain structs and checks references
 * between blocks (an AP naming a room that does not exist), reporting the
 * line of the block that holds the reference.
 */
#include "config.h"
#include "base/conf.h"
#include "base/conf_index.h"
#include "base/log.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Collected error text for one conf_load() call. */
struct errbuf {
	char *text;
	size_t len;
	int count;
};

static void errbuf_add(struct errbuf *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void errbuf_vadd(struct errbuf *e, const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof line, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	e->text = xrealloc(e->text, e->len + (size_t)n + 2);
	memcpy(e->text + e->len, line, (size_t)n);
	e->len += (size_t)n;
	e->text[e->len++] = '\n';
	e->text[e->len] = '\0';
	e->count++;
}

static void errbuf_add(struct errbuf *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	errbuf_vadd(e, fmt, ap);
	va_end(ap);
}

/* libconfuse has no user pointer on its error callback; the parse runs on
 * one thread at a time (start-up or the loop's SIGHUP handler), so the
 * active buffer is kept here for the duration of one parse only. */
static __thread struct errbuf *active_errors;
static __thread const char *active_filename;
/* What was accepted but probably not meant: logged, and kept on the conf
 * (conf->warnings) so the dashboard can show it too. */
static __thread struct errbuf *active_warnings;

static void conf_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void conf_warn(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	log_warn("%s", line);
	if (active_warnings)
		errbuf_add(active_warnings, "%s", line);
}

/* libconfuse names the option in quotes ("no such option 'seets'"); our
 * messages read "file:line: field: reason", so the name is put in front
 * ("config" when the message names none, as for a stray token). */
static void confuse_field(const char *msg, char *field, size_t len)
{
	static const char *const marks[] = { "option '", "section '", "function '" };
	for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
		const char *p = strstr(msg, marks[i]);
		if (!p)
			continue;
		p += strlen(marks[i]);
		size_t n = strcspn(p, "'");
		snprintf(field, len, "%.*s", (int)n, p);
		return;
	}
	snprintf(field, len, "config");
}

static void confuse_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[900], field[128];
	vsnprintf(msg, sizeof msg, fmt, ap);
	confuse_field(msg, field, sizeof field);
	const char *file = active_filename ? active_filename : cfg ? cfg->filename : NULL;
	int line = cfg ? cfg->line : 0;
	if (active_errors)
		errbuf_add(active_errors, "%s:%d: %s: %s", file ? file : "?", line, field, msg);
}

/* ---- per-value checks, run over every block after parsing ---- */

enum value_kind { V_INT, V_FLOAT, V_STR };

struct value_check {
	const char *section;		/* NULL: a top-level field */
	const char *field;
	enum value_kind kind;
	const char *(*check)(const void *value);	/* NULL or why it is wrong */
};

static const char *positive_int(const void *v)
{
	return *(const long *)v > 0 ? NULL : "must be greater than zero";
}

static const char *nonneg_int(const void *v)
{
	return *(const long *)v >= 0 ? NULL : "must not be negative";
}

static const char *positive_float(const void *v)
{
	return *(const double *)v > 0 ? NULL : "must be greater than zero";
}

static const char *nonneg_float(const void *v)
{
	return *(const double *)v >= 0 ? NULL : "must not be negative";
}

static const char *ratio(const void *v)
{
	double x = *(const double *)v;
	return x > 0 && x <= 1 ? NULL : "must be in (0, 1]";
}

static const char *level_ratio(const void *v)
{
	double x = *(const double *)v;
	return x > 0 && x <= 10 ? NULL : "must be a share of capacity in (0, 10], e.g. 0.8";
}

/* Channel utilisation levels: the share of time the channel is busy. */
static const char *busy_percent(const void *v)
{
	double x = *(const double *)v;
	return x > 0 && x <= 100 ? NULL : "must be a percentage of airtime in (0, 100], e.g. 50";
}

static const char *time_value(const void *v)
{
	time_t t;
	return parse_local_time(v, &t) == 0 ? NULL : "not a time; use \"YYYY-MM-DD HH:MM\"";
}

static const char *one_of(const char *v, const char *const *allowed)
{
	static __thread char why[400];
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(v, allowed[i]) == 0)
			return NULL;
	snprintf(why, sizeof why, "\"%s\" must be one of:", v);
	for (size_t i = 0; allowed[i]; i++) {
		strncat(why, " ", sizeof why - strlen(why) - 1);
		strncat(why, allowed[i], sizeof why - strlen(why) - 1);
	}
	return why;
}

#define CHOICE(fn, ...)							\
	static const char *fn(const void *v)				\
	{								\
		static const char *const allowed[] = { __VA_ARGS__, NULL }; \
		return one_of(v, allowed);				\
	}

CHOICE(capture_mode, "uplink", "dot11", "dhcp")
CHOICE(notifier_kind, "slack", "mattermost", "discord", "teams", "matrix", "ntfy", "generic",
       "alertmanager")
CHOICE(target_kind, "wifi", "switch")
CHOICE(security_level, "noAuthNoPriv", "authNoPriv", "authPriv")
CHOICE(auth_protocol, "MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512")
CHOICE(priv_protocol, "DES", "AES", "AES-192", "AES-256")

const char *const conf_snmp_versions[] = { "1", "2c", "3", NULL };

static const char *snmp_version(const void *v)
{
	return one_of(v, conf_snmp_versions);
}

static const char *log_level_name(const void *v)
{
	return one_of(v, log_level_names);
}

static const struct value_check value_checks[] = {
	{ "event", "attendees", V_INT, positive_int },
	{ "event", "online_ratio", V_FLOAT, ratio },
	{ "event", "devices_per_attendee", V_FLOAT, positive_float },
	{ "event", "kbps_per_device", V_FLOAT, nonneg_float },
	{ "event", "start", V_STR, time_value },
	{ "event", "end", V_STR, time_value },
	{ "room", "seats", V_INT, positive_int },
	{ "room", "airtime_warn", V_FLOAT, busy_percent },
	{ "room", "airtime_crit", V_FLOAT, busy_percent },
	{ "ap", "radios", V_INT, positive_int },
	{ "ap", "max_clients", V_INT, positive_int },
	{ "ap", "warn_clients", V_INT, positive_int },
	{ "uplink", "capacity_mbps", V_FLOAT, nonneg_float },
	{ "target", "port", V_INT, positive_int },
	{ "target", "snmp_version", V_STR, snmp_version },
	{ "target", "interval", V_INT, positive_int },
	{ "target", "timeout", V_FLOAT, positive_float },
	{ "target", "retries", V_INT, nonneg_int },
	{ "target", "max_repetitions", V_INT, positive_int },
	{ "target", "security_level", V_STR, security_level },
	{ "target", "auth_protocol", V_STR, auth_protocol },
	{ "target", "priv_protocol", V_STR, priv_protocol },
	{ "target", "kind", V_STR, target_kind },
	{ "target", "uplink_macs", V_INT, nonneg_int },
	{ "room", "wired_ports", V_INT, nonneg_int },
	{ "capture", "mode", V_STR, capture_mode },
	{ "capture", "speed", V_FLOAT, nonneg_float },
	{ "capture", "window", V_INT, positive_int },
	{ "capture", "snaplen", V_INT, positive_int },
	{ "capture", "station_timeout", V_INT, positive_int },
	{ "capture", "link_mbps", V_FLOAT, positive_float },
	{ "capture", "threads", V_INT, positive_int },
	{ "dhcp_pool", "size", V_INT, positive_int },
	{ "notifier", "kind", V_STR, notifier_kind },
	{ "notifier", "rate_per_minute", V_FLOAT, positive_float },
	{ "notifier", "spool_max", V_INT, positive_int },
	{ "session", "attendance", V_FLOAT, ratio },
	{ "web", "max_connections", V_INT, positive_int },
	{ "web", "per_ip_connections", V_INT, positive_int },
	{ "web", "timeout", V_INT, positive_int },
	{ NULL, "tick", V_INT, positive_int },
	{ NULL, "warn_ratio", V_FLOAT, level_ratio },
	{ NULL, "crit_ratio", V_FLOAT, level_ratio },
	{ NULL, "radio_warn_clients", V_INT, positive_int },
	{ NULL, "radio_max_clients", V_INT, positive_int },
	{ NULL, "radio_plausible_clients", V_INT, positive_int },
	{ NULL, "airtime_warn", V_FLOAT, busy_percent },
	{ NULL, "airtime_crit", V_FLOAT, busy_percent },
	{ NULL, "log_level", V_STR, log_level_name },
};

/* Upper bounds: beyond them a number means nothing at a venue and the
 * plan's arithmetic overflows (devices_per_attendee = 1e308 projected a
 * negative load and "the plan holds"). Lower bounds are the checks above;
 * inf is refused here, nan there. */
struct value_bound {
	const char *section;		/* NULL: a top-level field */
	const char *field;
	enum value_kind kind;		/* V_INT or V_FLOAT */
	double max;
	const char *unit;		/* read after the number */
};

static const struct value_bound value_bounds[] = {
	{ "event", "attendees", V_INT, 1e6, "attendees" },
	{ "event", "devices_per_attendee", V_FLOAT, 10, "devices per attendee" },
	{ "event", "kbps_per_device", V_FLOAT, 1e6, "kbit/s per device" },
	{ "room", "seats", V_INT, 1e6, "seats" },
	{ "ap", "radios", V_INT, 16, "radios" },
	{ "uplink", "capacity_mbps", V_FLOAT, 1e7, "Mbit/s" },
	{ "target", "port", V_INT, 65535, "(a UDP port)" },
	{ "target", "interval", V_INT, 86400, "seconds" },
	{ "target", "timeout", V_FLOAT, 600, "seconds" },
	{ "target", "retries", V_INT, 20, "retries" },
	{ "target", "max_repetitions", V_INT, 1000, "rows per request" },
	{ "target", "uplink_macs", V_INT, 1e6, "MACs" },
	{ "room", "wired_ports", V_INT, 1e6, "ports" },
	{ "capture", "speed", V_FLOAT, 1000, "x real time" },
	{ "capture", "window", V_INT, 3600, "seconds" },
	{ "capture", "snaplen", V_INT, 65535, "bytes" },
	{ "capture", "station_timeout", V_INT, 86400, "seconds" },
	{ "capture", "link_mbps", V_FLOAT, 1e6, "Mbit/s" },
	{ "capture", "threads", V_INT, 16, "threads" },
	{ "dhcp_pool", "size", V_INT, 16777216, "leases" },
	{ "notifier", "rate_per_minute", V_FLOAT, 6000, "messages a minute" },
	{ "notifier", "spool_max", V_INT, 1e6, "messages" },
	{ "web", "max_connections", V_INT, 65536, "connections" },
	{ "web", "per_ip_connections", V_INT, 65536, "connections" },
	{ "web", "timeout", V_INT, 3600, "seconds" },
	{ NULL, "tick", V_INT, 3600, "seconds" },
	{ NULL, "radio_warn_clients", V_INT, 1e5, "clients" },
	{ NULL, "radio_max_clients", V_INT, 1e5, "clients" },
	{ NULL, "radio_plausible_clients", V_INT, 1e5, "clients" },
};

/* ---- schema ---- */

static cfg_opt_t event_opts[] = {
	CFG_INT("attendees", 0, CFGF_NODEFAULT),
	CFG_FLOAT("online_ratio", 0.90, CFGF_NONE),
	CFG_FLOAT("devices_per_attendee", 1.0, CFGF_NONE),
	CFG_FLOAT("kbps_per_device", 250, CFGF_NONE),
	CFG_STR("start", NULL, CFGF_NODEFAULT),
	CFG_STR("end", NULL, CFGF_NODEFAULT),
	CFG_STR("schedule", NULL, CFGF_NODEFAULT),
	CFG_STR("timezone", NULL, CFGF_NODEFAULT),
	CFG_STR("schedule_refresh", "5m", CFGF_NONE),
	CFG_STR("schedule_stale_after", "30m", CFGF_NONE),
	CFG_END()
};

static cfg_opt_t room_opts[] = {
	CFG_INT("seats", 0, CFGF_NODEFAULT),
	CFG_STR_LIST("schedule_room", NULL, CFGF_NODEFAULT),
	CFG_BOOL("common_area", cfg_false, CFGF_NONE),
	CFG_FLOAT("airtime_warn", 0, CFGF_NODEFAULT),
	CFG_FLOAT("airtime_crit", 0, CFGF_NODEFAULT),
	CFG_INT("wired_ports", 0, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t ap_opts[] = {
	CFG_STR("room", NULL, CFGF_NODEFAULT),
	CFG_INT("radios", 2, CFGF_NONE),
	CFG_INT("max_clients", 0, CFGF_NODEFAULT),
	CFG_INT("warn_clients", 0, CFGF_NODEFAULT),
	CFG_STR("target", NULL, CFGF_NODEFAULT),
	CFG_STR("name", NULL, CFGF_NODEFAULT),
	CFG_STR("address", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("bssid", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t uplink_opts[] = {
	CFG_FLOAT("capacity_mbps", 0, CFGF_NONE),
	CFG_STR("target", NULL, CFGF_NODEFAULT),
	CFG_STR("interface", NULL, CFGF_NODEFAULT),
	CFG_STR("capture", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t target_opts[] = {
	CFG_STR("address", NULL, CFGF_NODEFAULT),
	CFG_INT("port", 161, CFGF_NONE),
	CFG_STR("snmp_version", "2c", CFGF_NONE),
	CFG_STR("community", "public", CFGF_NONE),
	CFG_STR("profile", "auto", CFGF_NONE),
	CFG_INT("interval", 0, CFGF_NODEFAULT),	/* 30 s, 60 s for a switch */
	CFG_FLOAT("timeout", 5, CFGF_NONE),
	CFG_INT("retries", 2, CFGF_NONE),
	CFG_INT("max_repetitions", 25, CFGF_NONE),
	CFG_STR("user", NULL, CFGF_NODEFAULT),
	CFG_STR("security_level", "authPriv", CFGF_NONE),
	CFG_STR("auth_protocol", "SHA", CFGF_NONE),
	CFG_STR("auth_passphrase", NULL, CFGF_NODEFAULT),
	CFG_STR("priv_protocol", "AES", CFGF_NONE),
	CFG_STR("priv_passphrase", NULL, CFGF_NODEFAULT),
	CFG_STR("context", NULL, CFGF_NODEFAULT),
	CFG_STR("kind", "wifi", CFGF_NONE),
	CFG_STR_LIST("uplink_ports", NULL, CFGF_NODEFAULT),
	CFG_BOOL("lldp_uplinks", cfg_true, CFGF_NONE),
	CFG_INT("uplink_macs", 10, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t wired_opts[] = {
	CFG_STR("room", NULL, CFGF_NODEFAULT),
	CFG_STR("target", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("ports", NULL, CFGF_NODEFAULT),
	CFG_INT_LIST("vlans", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t capture_opts[] = {
	CFG_STR("mode", "uplink", CFGF_NONE),
	CFG_STR("interface", NULL, CFGF_NODEFAULT),
	CFG_STR("file", NULL, CFGF_NODEFAULT),
	CFG_FLOAT("speed", 0, CFGF_NONE),
	CFG_BOOL("loop", cfg_false, CFGF_NONE),
	CFG_STR("filter", NULL, CFGF_NODEFAULT),
	CFG_INT("window", 60, CFGF_NONE),
	CFG_INT("snaplen", 256, CFGF_NONE),
	CFG_INT("station_timeout", 300, CFGF_NONE),
	CFG_BOOL("airtime", cfg_true, CFGF_NONE),
	CFG_FLOAT("link_mbps", 1000, CFGF_NONE),
	CFG_INT("threads", 1, CFGF_NONE),
	CFG_STR_LIST("local_prefixes", NULL, CFGF_NODEFAULT),
	CFG_STR("gateway_mac", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t dhcp_pool_opts[] = {
	CFG_INT("size", 0, CFGF_NODEFAULT),
	CFG_INT("vlan", -1, CFGF_NONE),
	CFG_STR("subnet", NULL, CFGF_NODEFAULT),
	CFG_STR("capture", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t notifier_opts[] = {
	CFG_STR("kind", "generic", CFGF_NONE),
	CFG_STR("url", NULL, CFGF_NODEFAULT),
	CFG_STR("token", NULL, CFGF_NODEFAULT),
	CFG_STR("room_id", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("severities", "{warn,crit}", CFGF_NONE),
	CFG_STR_LIST("rules", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("rooms", NULL, CFGF_NODEFAULT),
	CFG_STR("fallback", NULL, CFGF_NODEFAULT),
	CFG_FLOAT("rate_per_minute", 20, CFGF_NONE),
	CFG_INT("spool_max", 10000, CFGF_NONE),
	CFG_STR("resend", "1m", CFGF_NONE),
	CFG_BOOL("silences", cfg_false, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t rule_opts[] = {
	CFG_STR("match", NULL, CFGF_NODEFAULT),
	CFG_BOOL("enabled", cfg_true, CFGF_NONE),
	CFG_FLOAT("warn", NAN, CFGF_NONE),
	CFG_FLOAT("crit", NAN, CFGF_NONE),
	CFG_FLOAT("clear_warn", NAN, CFGF_NONE),
	CFG_FLOAT("clear_crit", NAN, CFGF_NONE),
	CFG_STR("for", NULL, CFGF_NODEFAULT),
	CFG_STR("repeat", NULL, CFGF_NODEFAULT),
	CFG_FLOAT("lead_minutes", NAN, CFGF_NONE),
	CFG_FLOAT("trend_minutes", NAN, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t session_opts[] = {
	CFG_FLOAT("attendance", 1.0, CFGF_NONE),
	CFG_STR("room", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t web_opts[] = {
	CFG_STR_LIST("listen", "{127.0.0.1:8080}", CFGF_NONE),
	CFG_STR("tls_cert", NULL, CFGF_NODEFAULT),
	CFG_STR("tls_key", NULL, CFGF_NODEFAULT),
	CFG_STR("basic_auth_user", NULL, CFGF_NODEFAULT),
	CFG_STR("basic_auth_password", NULL, CFGF_NODEFAULT),
	CFG_STR("api_token", NULL, CFGF_NODEFAULT),
	CFG_INT("max_connections", 512, CFGF_NONE),
	CFG_INT("per_ip_connections", 64, CFGF_NONE),
	CFG_INT("timeout", 30, CFGF_NONE),
	CFG_STR("public_url", NULL, CFGF_NODEFAULT),
	CFG_STR("static_dir", NULL, CFGF_NODEFAULT),
	CFG_END()
};

#define SECTION_FLAGS (CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES)

static cfg_opt_t root_opts[] = {
	CFG_STR("state_dir", LOCALSTATEDIR "/lib/headroom", CFGF_NONE),
	CFG_STR("user", NULL, CFGF_NODEFAULT),
	CFG_STR("secrets", NULL, CFGF_NODEFAULT),
	CFG_STR("rrdcached", NULL, CFGF_NODEFAULT),
	CFG_INT("tick", 10, CFGF_NONE),
	CFG_FLOAT("warn_ratio", 0.80, CFGF_NONE),
	CFG_FLOAT("crit_ratio", 1.00, CFGF_NONE),
	CFG_INT("radio_warn_clients", 50, CFGF_NONE),
	CFG_INT("radio_max_clients", 75, CFGF_NONE),
	CFG_INT("radio_plausible_clients", 2000, CFGF_NONE),
	CFG_FLOAT("airtime_warn", 50, CFGF_NONE),
	CFG_FLOAT("airtime_crit", 70, CFGF_NONE),
	CFG_STR("log_level", "info", CFGF_NONE),
	CFG_STR("alert_group_wait", "30s", CFGF_NONE),
	CFG_STR("alert_group_interval", "5m", CFGF_NONE),
	CFG_SEC("event", event_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_SEC("web", web_opts, CFGF_NONE),
	CFG_SEC("room", room_opts, SECTION_FLAGS),
	CFG_SEC("ap", ap_opts, SECTION_FLAGS),
	CFG_SEC("uplink", uplink_opts, SECTION_FLAGS),
	CFG_SEC("target", target_opts, SECTION_FLAGS),
	CFG_SEC("wired", wired_opts, SECTION_FLAGS),
	CFG_SEC("capture", capture_opts, SECTION_FLAGS),
	CFG_SEC("dhcp_pool", dhcp_pool_opts, SECTION_FLAGS),
	CFG_SEC("notifier", notifier_opts, SECTION_FLAGS),
	CFG_SEC("alert", rule_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_SEC("session", session_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_FUNC("include", cfg_include),
	CFG_END()
};

/* ---- secrets ---- */

static cfg_opt_t secret_opts[] = {
	CFG_STR("value", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t secrets_root_opts[] = {
	CFG_SEC("secret", secret_opts, SECTION_FLAGS),
	CFG_END()
};

/* Sections are built in the order they appear, so where the last block
 * of a kind was found is where to look for the next one, and lines are
 * counted on from the last answer: locating every block stays linear in
 * the size of the config instead of quadratic (a venue with thousands of
 * APs). */
#define LOCATE_KINDS 16
struct locate_cache {
	struct {
		const char *kind;
		const char *next;
	} kinds[LOCATE_KINDS];
	size_t n_kinds;
	const char *end;		/* the text's terminating NUL */
	const char *counted;		/* lines are known up to here */
	int line;			/* the line `counted` is on */
};

struct build_ctx {
	struct conf *conf;
	struct errbuf *errors;
	const char *file;
	const char *text;		/* the raw config, to locate lines */
	cfg_t *secrets;
	struct locate_cache *where;
};

/*
 * libconfuse records where parsing ended, not where a section began, so
 * messages about a block locate it in the raw text: the line of
 * `kind "title"` and, when asked, of a field inside that block.
 */
static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int count_lines(const char *from, const char *to, int line)
{
	for (const char *q = from; q < to; q++)
		line += *q == '\n';
	return line;
}

static int line_of(const struct build_ctx *b, const char *p)
{
	struct locate_cache *w = b->where;
	if (!w)
		return count_lines(b->text, p, 1);
	if (!w->counted || p < w->counted) {
		w->counted = b->text;
		w->line = 1;
	}
	w->line = count_lines(w->counted, p, w->line);
	w->counted = p;
	return w->line;
}

static const char *block_start_in(const char *text, const char *from, const char *end,
				  const char *kind, const char *title)
{
	size_t klen = strlen(kind), tlen = title ? strlen(title) : 0;
	for (const char *p = from; p && p < end && *p; p++) {
		if (*p == '#') {
			p = strchr(p, '\n');
			if (!p)
				break;
			continue;
		}
		if (strncmp(p, kind, klen) != 0 || (p > text && (p[-1] == '_' || isalnum((unsigned char)p[-1]))))
			continue;
		const char *q = skip_blank(p + klen);
		if (!title && *q == '{')
			return p;
		if (title && *q == '"' && strncmp(q + 1, title, tlen) == 0 && q[1 + tlen] == '"')
			return p;
	}
	return NULL;
}

static const char *block_start(const struct build_ctx *b, const char *kind, const char *title)
{
	const char *text = b->text;
	struct locate_cache *w = b->where;
	if (w && !w->end)
		w->end = text + strlen(text);
	const char *end = w ? w->end : text + strlen(text);
	size_t k = 0;
	while (w && k < w->n_kinds && strcmp(w->kinds[k].kind, kind) != 0)
		k++;
	if (w && k == w->n_kinds && k < LOCATE_KINDS) {
		w->kinds[k].kind = kind;
		w->kinds[k].next = text;
		w->n_kinds++;
	}
	const char *from = w && k < w->n_kinds ? w->kinds[k].next : text;
	const char *p = block_start_in(text, from, end, kind, title);
	if (!p && from > text)
		p = block_start_in(text, text, from, kind, title);
	if (p && w && k < w->n_kinds)
		w->kinds[k].next = p + 1;
	return p;
}

static int block_line(const struct build_ctx *b, const char *kind, const char *title)
{
	const char *p = b->text ? block_start(b, kind, title) : NULL;
	return p ? line_of(b, p) : 0;
}

static int field_line(const struct build_ctx *b, const char *kind, const char *title,
		      const char *field)
{
	const char *p = b->text ? block_start(b, kind, title) : NULL;
	if (!p)
		return 0;
	const char *open = strchr(p, '{');
	if (!open)
		return line_of(b, p);
	size_t flen = strlen(field);
	int depth = 0;
	bool quoted = false;
	for (const char *q = open; *q; q++) {
		if (*q == '"' && q[-1] != '\\')
			quoted = !quoted;
		if (quoted)
			continue;
		if (*q == '{')
			depth++;
		else if (*q == '}' && --depth == 0)
			break;
		else if (strncmp(q, field, flen) == 0 && !isalnum((unsigned char)q[-1]) &&
			 q[-1] != '_' && !isalnum((unsigned char)q[flen]) && q[flen] != '_')
			return line_of(b, q);
	}
	return line_of(b, p);
}

static int root_field_line(const struct build_ctx *b, const char *field)
{
	size_t flen = strlen(field);
	int line = 1;
	for (const char *p = b->text; p && *p; p++) {
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, field, flen) == 0 && (q[flen] == ' ' || q[flen] == '=' || q[flen] == '\t'))
			return line;
		p = strchr(p, '\n');
		if (!p)
			break;
		line++;
	}
	return 0;
}

#define SEC_LINE(b, sec) block_line((b), cfg_name(sec), cfg_title(sec))
#define FIELD_LINE(b, sec, field) field_line((b), cfg_name(sec), cfg_title(sec), (field))

static void check_value(struct build_ctx *b, cfg_t *sec, const struct value_check *vc)
{
	if (cfg_size(sec, vc->field) == 0)
		return;
	long i;
	double f;
	const void *v;
	switch (vc->kind) {
	case V_INT: i = cfg_getint(sec, vc->field); v = &i; break;
	case V_FLOAT: f = cfg_getfloat(sec, vc->field); v = &f; break;
	default: v = cfg_getstr(sec, vc->field); break;
	}
	const char *why = v ? vc->check(v) : NULL;
	if (!why)
		return;
	int line = vc->section ? FIELD_LINE(b, sec, vc->field) : root_field_line(b, vc->field);
	errbuf_add(b->errors, "%s:%d: %s: %s", b->file, line, vc->field, why);
}

static void check_bound(struct build_ctx *b, cfg_t *sec, const struct value_bound *vb)
{
	if (!sec || cfg_size(sec, vb->field) == 0)
		return;
	double x = vb->kind == V_INT ? (double)cfg_getint(sec, vb->field)
				     : cfg_getfloat(sec, vb->field);
	if (!(x > vb->max))
		return;
	int line = vb->section ? FIELD_LINE(b, sec, vb->field) : root_field_line(b, vb->field);
	errbuf_add(b->errors, "%s:%d: %s: must be at most %.10g %s", b->file, line, vb->field,
		   vb->max, vb->unit);
}

static void check_bounds(struct build_ctx *b, cfg_t *root)
{
	for (size_t k = 0; k < sizeof value_bounds / sizeof *value_bounds; k++) {
		const struct value_bound *vb = &value_bounds[k];
		if (!vb->section || strcmp(vb->section, "web") == 0) {
			check_bound(b, vb->section ? cfg_getsec(root, "web") : root, vb);
			continue;
		}
		for (unsigned n = 0; n < cfg_size(root, vb->section); n++)
			check_bound(b, cfg_getnsec(root, vb->section, n), vb);
	}
}

static void check_values(struct build_ctx *b, cfg_t *root)
{
	for (size_t k = 0; k < sizeof value_checks / sizeof *value_checks; k++) {
		const struct value_check *vc = &value_checks[k];
		if (!vc->section) {
			check_value(b, root, vc);
			continue;
		}
		if (strcmp(vc->section, "web") == 0) {
			check_value(b, cfg_getsec(root, "web"), vc);
			continue;
		}
		for (unsigned n = 0; n < cfg_size(root, vc->section); n++)
			check_value(b, cfg_getnsec(root, vc->section, n), vc);
	}
}

static cfg_t *secrets_open(const char *path, struct errbuf *errors)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		errbuf_add(errors, "%s:0: secrets: cannot read as uid %d: %s", path, (int)geteuid(),
			   strerror(errno));
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		conf_warn("%s: secrets file is readable by group or others; chmod 600 it", path);
	cfg_t *s = cfg_init(secrets_root_opts, CFGF_NONE);
	cfg_set_error_function(s, confuse_error);
	const char *saved = active_filename;
	active_filename = path;
	int rc = cfg_parse(s, path);
	active_filename = saved;
	if (rc != CFG_SUCCESS) {
		/* After -u a reload reads it as that user: say which. */
		if (rc == CFG_FILE_ERROR)
			errbuf_add(errors, "%s:0: secrets: cannot read as uid %d: %s", path,
				   (int)geteuid(), strerror(errno));
		cfg_free(s);
		return NULL;
	}
	return s;
}

/* "secret:NAME" looks NAME up in the secrets file; anything else is the
 * value itself. Errors never print the value. */
static char *resolve_secret(struct build_ctx *b, cfg_t *sec, const char *field)
{
	const char *v = cfg_getstr(sec, field);
	if (!v)
		return NULL;
	if (strncmp(v, "secret:", 7) != 0)
		return xstrdup(v);
	const char *name = v + 7;
	cfg_t *s = b->secrets ? cfg_gettsec(b->secrets, "secret", name) : NULL;
	const char *value = s ? cfg_getstr(s, "value") : NULL;
	if (!value) {
		errbuf_add(b->errors, "%s:%d: %s: secret '%s' is not in the secrets file%s",
			   b->file, FIELD_LINE(b, sec, field), field, name,
			   b->secrets ? "" : b->conf->secrets_path ? " (the secrets file could not be read)"
			   : " (no 'secrets' file configured)");
		return NULL;
	}
	return xstrdup(value);
}

/* ---- copying sections into structs ---- */

static char *dup_or_null(cfg_t *sec, const char *field)
{
	const char *v = cfg_getstr(sec, field);
	return v ? xstrdup(v) : NULL;
}

static char **dup_list(cfg_t *sec, const char *field, size_t *n_out)
{
	size_t n = cfg_size(sec, field);
	*n_out = n;
	if (n == 0)
		return NULL;
	char **out = xcalloc(n, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(cfg_getnstr(sec, field, (unsigned)i));
	return out;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static void need(struct build_ctx *b, cfg_t *sec, const char *kind, const char *field)
{
	if (cfg_size(sec, field) == 0)
		errbuf_add(b->errors, "%s:%d: %s: %s \"%s\" needs a '%s'", b->file,
			   FIELD_LINE(b, sec, field), field, kind, cfg_title(sec), field);
}

/* A positive duration of the event block ("90s", "5m", "1h"). */
static void event_duration(struct build_ctx *b, cfg_t *sec, const char *field, long *out)
{
	const char *d = cfg_getstr(sec, field);
	if (d && parse_duration(d, out) == 0 && *out > 0)
		return;
	errbuf_add(b->errors, "%s:%d: %s: \"%s\" is not a duration above zero (e.g. 90s, 5m, 1h)",
		   b->file, FIELD_LINE(b, sec, field), field, d ? d : "");
	*out = 0;
}

static void build_event(struct build_ctx *b, cfg_t *root)
{
	struct conf_event *e = &b->conf->event;
	cfg_t *sec = cfg_size(root, "event") ? cfg_getnsec(root, "event", 0) : NULL;
	if (cfg_size(root, "event") > 1)
		errbuf_add(b->errors, "%s:%d: event: only one event block is allowed", b->file,
			   block_line(b, "event", cfg_title(cfg_getnsec(root, "event", 1))));
	if (!sec) {
		errbuf_add(b->errors, "%s:1: event: an 'event \"name\" { attendees = N }' block is required",
			   b->file);
		return;
	}
	e->name = xstrdup(cfg_title(sec) ? cfg_title(sec) : "event");
	need(b, sec, "event", "attendees");
	e->attendees = cfg_size(sec, "attendees") ? cfg_getint(sec, "attendees") : 0;
	e->online_ratio = cfg_getfloat(sec, "online_ratio");
	e->devices_per_attendee = cfg_getfloat(sec, "devices_per_attendee");
	e->kbps_per_device = cfg_getfloat(sec, "kbps_per_device");
	const char *s = cfg_getstr(sec, "start");
	if (s)
		parse_local_time(s, &e->start);
	s = cfg_getstr(sec, "end");
	if (s)
		parse_local_time(s, &e->end);
	if (e->start && e->end && e->end <= e->start)
		errbuf_add(b->errors, "%s:%d: end: the event ends before it starts",
			   b->file, FIELD_LINE(b, sec, "end"));
	e->schedule = dup_or_null(sec, "schedule");
	e->timezone = dup_or_null(sec, "timezone");
	event_duration(b, sec, "schedule_refresh", &e->schedule_refresh);
	event_duration(b, sec, "schedule_stale_after", &e->schedule_stale_after);
}

/* A bearer token shorter than this is guessed before the limiter
 * matters; an empty one (written "", an empty secret, an unset ${VAR})
 * would let an empty Authorization header through. */
#define API_TOKEN_MIN 12

static void check_api_token(struct build_ctx *b, cfg_t *sec, const char *token)
{
	if (!token || strlen(token) >= API_TOKEN_MIN)
		return;
	errbuf_add(b->errors, "%s:%d: api_token: %s; use at least %d characters or remove the line",
		   b->file, FIELD_LINE(b, sec, "api_token"),
		   token[0] ? "is too short" : "is empty (an empty secret or an unset ${VAR}?)",
		   API_TOKEN_MIN);
}

/* HOST:PORT or [V6]:PORT with a port of 1..65535 (99999 bound 34463). */
static const char *bad_listen(const char *spec)
{
	const char *colon = spec[0] == '[' ? strstr(spec, "]:") : strrchr(spec, ':');
	if (!colon)
		return "expected HOST:PORT or [V6]:PORT";
	const char *port = colon + (spec[0] == '[' ? 2 : 1);
	char *end;
	errno = 0;
	long n = strtol(port, &end, 10);
	if (!*port || *end || errno || n < 1 || n > 65535 || !isdigit((unsigned char)*port))
		return "the port must be a number from 1 to 65535";
	return NULL;
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080": only this host. */
static bool listen_is_loopback(const char *spec)
{
	return strncmp(spec, "127.", 4) == 0 || strncmp(spec, "[::1]:", 6) == 0 ||
	       strncmp(spec, "localhost:", 10) == 0;
}

/* Not an error (a venue VLAN may be trusted), but a volunteer should
 * know the dashboard is open to everyone who can reach the port. */
static void warn_open_listeners(struct build_ctx *b, cfg_t *sec, const struct conf_web *w)
{
	if (w->basic_auth_user)
		return;
	for (size_t i = 0; i < w->n_listen; i++)
		if (!listen_is_loopback(w->listen[i]))
			conf_warn("%s:%d: listen: \"%s\" is reachable beyond this host and there is no basic_auth_user: anyone on that network can read the dashboard%s",
				 b->file, FIELD_LINE(b, sec, "listen"), w->listen[i],
				 w->api_token ? "" : " (acks and silences stay off without an api_token)");
}

/* Chat links point at the first listen address (this host's name for a
 * wildcard), not at a loopback address nobody else can open. */
static char *default_public_url(const struct conf_web *w)
{
	const char *spec = w->n_listen ? w->listen[0] : "127.0.0.1:8080";
	const char *colon = strrchr(spec, ':');
	const char *scheme = w->tls_cert ? "https" : "http";
	if (!colon)
		return xasprintf("%s://%s/", scheme, spec);
	size_t hlen = (size_t)(colon - spec);
	bool any = hlen == 0 || strncmp(spec, "*", hlen) == 0 || strncmp(spec, "0.0.0.0", hlen) == 0 ||
		   strncmp(spec, "[::]", hlen) == 0;
	char host[256] = "localhost";
	if (any && gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	return any ? xasprintf("%s://%s%s/", scheme, host, colon)
		   : xasprintf("%s://%.*s%s/", scheme, (int)hlen, spec, colon);
}

/* ---- values the collectors would refuse only at start ---- */

/* Six hex pairs; with dashes too when dash (a bssid is compared as text
 * with the aa:bb:cc:dd:ee:ff the capture prints). */
static bool valid_mac(const char *s, bool dash)
{
	for (int i = 0; i < 6; i++, s += 3) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return false;
		if (i < 5 && s[2] != ':' && !(dash && s[2] == '-'))
			return false;
	}
	return s[-1] == '\0';
}

/* ADDRESS[/LENGTH], IPv4 or (unless v4) IPv6, as the capture reads it. */
static bool valid_prefix(const char *s, bool v4)
{
	char addr[64];
	unsigned char bin[16];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof addr)
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	int max = inet_pton(AF_INET, addr, bin) == 1 ? 32
		: !v4 && inet_pton(AF_INET6, addr, bin) == 1 ? 128 : -1;
	if (max < 0 || !slash)
		return max > 0;
	char *end;
	long bits = strtol(slash + 1, &end, 10);
	return end != slash + 1 && !*end && bits >= 0 && bits <= max;
}

static void check_list(struct build_ctx *b, cfg_t *sec, const char *field, char **v, size_t n,
		       bool (*ok)(const char *), const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (!ok(v[i]))
			errbuf_add(b->errors, "%s:%d: %s: \"%s\" is not %s", b->file,
				   FIELD_LINE(b, sec, field), field, v[i], what);
}

static bool bssid_ok(const char *s) { return valid_mac(s, false); }
static bool gateway_ok(const char *s) { return valid_mac(s, true); }
static bool prefix_ok(const char *s) { return valid_prefix(s, false); }
static bool subnet_ok(const char *s) { return valid_prefix(s, true); }

static void build_web(struct build_ctx *b, cfg_t *root)
{
	struct conf_web *w = &b->conf->web;
	cfg_t *sec = cfg_getsec(root, "web");
	/* libconfuse gives a section with defaults when it is absent. */
	w->listen = dup_list(sec, "listen", &w->n_listen);
	w->listen_line = FIELD_LINE(b, sec, "listen");
	for (size_t i = 0; i < w->n_listen; i++) {
		const char *why = bad_listen(w->listen[i]);
		if (why)
			errbuf_add(b->errors, "%s:%d: listen: \"%s\": %s", b->file, w->listen_line,
				   w->listen[i], why);
		for (size_t k = 0; k < i; k++)
			if (strcmp(w->listen[k], w->listen[i]) == 0)
				errbuf_add(b->errors, "%s:%d: listen: \"%s\" is listed twice; the second "
					   "bind would fail", b->file, w->listen_line, w->listen[i]);
	}
	w->tls_cert = dup_or_null(sec, "tls_cert");
	w->tls_key = dup_or_null(sec, "tls_key");
	w->tls_cert_line = w->tls_cert ? FIELD_LINE(b, sec, "tls_cert") : 0;
	w->tls_key_line = w->tls_key ? FIELD_LINE(b, sec, "tls_key") : 0;
	if (!w->tls_cert != !w->tls_key)
		errbuf_add(b->errors, "%s:%d: tls_cert: TLS needs both tls_cert and tls_key",
			   b->file, FIELD_LINE(b, sec, "tls_cert"));
	w->basic_auth_user = dup_or_null(sec, "basic_auth_user");
	w->basic_auth_password = resolve_secret(b, sec, "basic_auth_password");
	if (!w->basic_auth_user != !w->basic_auth_password)
		errbuf_add(b->errors, "%s:%d: basic_auth_user: basic auth needs both a user and a password",
			   b->file, FIELD_LINE(b, sec, "basic_auth_user"));
	w->api_token = resolve_secret(b, sec, "api_token");
	check_api_token(b, sec, w->api_token);
	warn_open_listeners(b, sec, w);
	w->max_connections = cfg_getint(sec, "max_connections");
	w->per_ip_connections = cfg_getint(sec, "per_ip_connections");
	w->timeout = cfg_getint(sec, "timeout");
	w->public_url = dup_or_null(sec, "public_url");
	if (!w->public_url)
		w->public_url = default_public_url(w);
	w->static_dir = dup_or_null(sec, "static_dir");
}

/* ---- blocks by name ---- */

#define NAME_OF(array)							\
	static const char *array##_name(const void *ctx, size_t i)	\
	{								\
		return ((const struct conf *)ctx)->array[i].name;	\
	}
NAME_OF(rooms)
NAME_OF(aps)
NAME_OF(uplinks)
NAME_OF(targets)
NAME_OF(captures)
NAME_OF(pools)
NAME_OF(notifiers)
NAME_OF(wired)

struct dup_report {
	struct build_ctx *b;
	const char *kind;
	const int *line;		/* &array[0].line */
	size_t stride;			/* sizeof array[0] */
	name_of_fn name_of;
};

static void report_dup(void *ctx, size_t first, size_t again)
{
	const struct dup_report *d = ctx;
	const char *lines = (const char *)d->line;
	int line_first = *(const int *)(lines + first * d->stride);
	int line_again = *(const int *)(lines + again * d->stride);
	const char *name = d->name_of(d->b->conf, again);
	if (line_again == line_first)	/* lines are found in this file's text only */
		errbuf_add(d->b->errors, "%s:%d: %s: \"%s\" is configured twice (once in an included file)",
			   d->b->file, line_first, d->kind, name);
	else
		errbuf_add(d->b->errors, "%s:%d: %s: \"%s\" is configured twice; the first is on line %d",
			   d->b->file, line_again, d->kind, name, line_first);
}

/* Index a kind's blocks by name, refusing a name used twice (libconfuse
 * no longer sees them: conf_park). */
#define INDEX_KIND(b, x, kind, array, n)				\
	do {								\
		struct dup_report d_ = { (b), (kind), (b)->conf->n ? &(b)->conf->array[0].line : NULL, \
					 sizeof (b)->conf->array[0], array##_name }; \
		name_index_build((x), (b)->conf->n, array##_name, (b)->conf, report_dup, &d_); \
		for (size_t i_ = 0; i_ < (b)->conf->n; i_++)			\
			if (!(b)->conf->array[i_].name[0])			\
				errbuf_add((b)->errors, "%s:%d: %s: the name is empty", \
					   (b)->file, (b)->conf->array[i_].line, (kind)); \
	} while (0)

/* A room's airtime levels: its own, else the venue's. */
static void room_airtime(struct build_ctx *b, cfg_t *sec, struct conf_room *r)
{
	const struct conf *c = b->conf;
	r->airtime_warn = cfg_size(sec, "airtime_warn") ? cfg_getfloat(sec, "airtime_warn")
							 : c->airtime_warn;
	r->airtime_crit = cfg_size(sec, "airtime_crit") ? cfg_getfloat(sec, "airtime_crit")
							 : c->airtime_crit;
	if (r->airtime_warn > r->airtime_crit)
		errbuf_add(b->errors, "%s:%d: airtime_warn: room \"%s\": airtime_warn (%g) is above airtime_crit (%g)",
			   b->file, cfg_size(sec, "airtime_warn") ? FIELD_LINE(b, sec, "airtime_warn")
								  : FIELD_LINE(b, sec, "airtime_crit"),
			   r->name, r->airtime_warn, r->airtime_crit);
}

static void build_rooms(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_rooms = cfg_size(root, "room");
	c->rooms = xcalloc(c->n_rooms, sizeof *c->rooms);
	for (size_t i = 0; i < c->n_rooms; i++) {
		cfg_t *sec = cfg_getnsec(root, "room", (unsigned)i);
		struct conf_room *r = &c->rooms[i];
		r->name = xstrdup(cfg_title(sec));
		r->line = SEC_LINE(b, sec);
		need(b, sec, "room", "seats");
		r->seats = cfg_size(sec, "seats") ? cfg_getint(sec, "seats") : 0;
		/* a list: sponsors rename rooms between days */
		r->schedule_rooms = dup_list(sec, "schedule_room", &r->n_schedule_rooms);
		for (size_t k = 0; k < r->n_schedule_rooms; k++)
			if (!r->schedule_rooms[k][0])
				errbuf_add(b->errors, "%s:%d: schedule_room: an empty name matches no "
					   "schedule room", b->file, FIELD_LINE(b, sec, "schedule_room"));
		r->common_area = cfg_getbool(sec, "common_area");
		room_airtime(b, sec, r);
		r->wired_ports = cfg_size(sec, "wired_ports") ? cfg_getint(sec, "wired_ports") : -1;
	}
}

/* The value check has reported any other name: the config is refused. */
static enum conf_snmp_version snmp_version_of(const char *name)
{
	for (int i = CONF_SNMP_V1; name && conf_snmp_versions[i]; i++)
		if (strcmp(name, conf_snmp_versions[i]) == 0)
			return (enum conf_snmp_version)i;
	return CONF_SNMP_V2C;
}

static void build_targets(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_targets = cfg_size(root, "target");
	c->targets = xcalloc(c->n_targets, sizeof *c->targets);
	for (size_t i = 0; i < c->n_targets; i++) {
		cfg_t *sec = cfg_getnsec(root, "target", (unsigned)i);
		struct conf_target *t = &c->targets[i];
		t->name = xstrdup(cfg_title(sec));
		t->line = SEC_LINE(b, sec);
		need(b, sec, "target", "address");
		t->address = dup_or_null(sec, "address");
		if (t->address && !t->address[0])
			errbuf_add(b->errors, "%s:%d: address: target \"%s\" has an empty address",
				   b->file, FIELD_LINE(b, sec, "address"), t->name);
		t->port = cfg_getint(sec, "port");
		t->snmp_version = snmp_version_of(cfg_getstr(sec, "snmp_version"));
		t->community = resolve_secret(b, sec, "community");
		t->profile = dup_or_null(sec, "profile");
		t->is_switch = strcmp(cfg_getstr(sec, "kind"), "switch") == 0;
		/* FDB tables are large and change slowly */
		t->interval = cfg_size(sec, "interval") ? cfg_getint(sec, "interval")
						       : t->is_switch ? 60 : 30;
		t->uplink_ports = dup_list(sec, "uplink_ports", &t->n_uplink_ports);
		t->lldp_uplinks = cfg_getbool(sec, "lldp_uplinks");
		t->uplink_macs = cfg_getint(sec, "uplink_macs");
		t->timeout = cfg_getfloat(sec, "timeout");
		t->retries = cfg_getint(sec, "retries");
		t->max_repetitions = cfg_getint(sec, "max_repetitions");
		t->v3_user = dup_or_null(sec, "user");
		t->v3_security_level = dup_or_null(sec, "security_level");
		t->v3_auth_protocol = dup_or_null(sec, "auth_protocol");
		t->v3_auth_passphrase = resolve_secret(b, sec, "auth_passphrase");
		t->v3_priv_protocol = dup_or_null(sec, "priv_protocol");
		t->v3_priv_passphrase = resolve_secret(b, sec, "priv_passphrase");
		t->v3_context = dup_or_null(sec, "context");
		if (t->snmp_version == CONF_SNMP_V3) {
			need(b, sec, "target", "user");
			if (strcmp(t->v3_security_level, "noAuthNoPriv") != 0)
				need(b, sec, "target", "auth_passphrase");
			if (strcmp(t->v3_security_level, "authPriv") == 0)
				need(b, sec, "target", "priv_passphrase");
			const char *pass[] = { t->v3_auth_passphrase, t->v3_priv_passphrase };
			for (int k = 0; k < 2; k++) {
				const char *field = k ? "priv_passphrase" : "auth_passphrase";
				if (pass[k] && strlen(pass[k]) < 8)
					errbuf_add(b->errors, "%s:%d: %s: SNMPv3 passphrases need at least 8 characters",
						   b->file, FIELD_LINE(b, sec, field), field);
			}
		}
	}
}

/* The index a block's reference (its room, target or capture: the field
 * is named after what it refers to) resolves to, or -1; a name nothing
 * configures is an error on the field's line. */
static int ref_index(struct build_ctx *b, cfg_t *sec, const char *kind, const char *name,
		     const char *field, const char *value,
		     int (*index)(const struct conf *, const char *))
{
	if (!value)
		return -1;
	int i = index(b->conf, value);
	if (i < 0)
		errbuf_add(b->errors, "%s:%d: %s: %s \"%s\" names %s \"%s\", which is not configured",
			   b->file, FIELD_LINE(b, sec, field), field, kind, name, field, value);
	return i;
}

static void build_aps(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_aps = cfg_size(root, "ap");
	c->aps = xcalloc(c->n_aps, sizeof *c->aps);
	for (size_t i = 0; i < c->n_aps; i++) {
		cfg_t *sec = cfg_getnsec(root, "ap", (unsigned)i);
		struct conf_ap *a = &c->aps[i];
		a->name = xstrdup(cfg_title(sec));
		a->line = SEC_LINE(b, sec);
		need(b, sec, "ap", "room");
		a->room = dup_or_null(sec, "room");
		a->room_idx = ref_index(b, sec, "ap", a->name, "room", a->room, conf_room_index);
		a->radios = cfg_getint(sec, "radios");
		if (cfg_size(sec, "max_clients")) {
			a->max_clients = cfg_getint(sec, "max_clients");
			a->warn_clients = (long)ceil(a->max_clients * c->warn_ratio / c->crit_ratio - 1e-9);
		} else {
			a->max_clients = a->radios * c->radio_max_clients;
			a->warn_clients = a->radios * c->radio_warn_clients;
		}
		if (cfg_size(sec, "warn_clients"))
			a->warn_clients = cfg_getint(sec, "warn_clients");
		if (a->warn_clients > a->max_clients)
			errbuf_add(b->errors, "%s:%d: warn_clients: %ld is above max_clients %ld",
				   b->file, FIELD_LINE(b, sec, "warn_clients"), a->warn_clients, a->max_clients);
		/* Readings above the plausible bound are dropped as unknown. */
		if (a->max_clients > a->radios * c->radio_plausible_clients)
			errbuf_add(b->errors, "%s:%d: max_clients: %ld is above radios x radio_plausible_clients (%ld)",
				   b->file, FIELD_LINE(b, sec, "max_clients"), a->max_clients,
				   a->radios * c->radio_plausible_clients);
		a->target = dup_or_null(sec, "target");
		a->target_idx = ref_index(b, sec, "ap", a->name, "target", a->target, conf_target_index);
		a->match_name = xstrdup(cfg_getstr(sec, "name") ? cfg_getstr(sec, "name") : a->name);
		a->address = dup_or_null(sec, "address");
		a->bssids = dup_list(sec, "bssid", &a->n_bssids);
		check_list(b, sec, "bssid", a->bssids, a->n_bssids, bssid_ok,
			   "a MAC address written aa:bb:cc:dd:ee:ff");
		if (a->room_idx >= 0)
			c->rooms[a->room_idx].ap_capacity += a->max_clients;
	}
}

/* A room's share of a switch target: the target must be a switch, and
 * something must say which ports. */
static void build_wired(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_wired = cfg_size(root, "wired");
	c->wired = xcalloc(c->n_wired, sizeof *c->wired);
	for (size_t i = 0; i < c->n_wired; i++) {
		cfg_t *sec = cfg_getnsec(root, "wired", (unsigned)i);
		struct conf_wired *w = &c->wired[i];
		w->name = xstrdup(cfg_title(sec));
		w->line = SEC_LINE(b, sec);
		need(b, sec, "wired", "room");
		need(b, sec, "wired", "target");
		w->room = dup_or_null(sec, "room");
		w->room_idx = ref_index(b, sec, "wired", w->name, "room", w->room, conf_room_index);
		w->target = dup_or_null(sec, "target");
		w->target_idx = ref_index(b, sec, "wired", w->name, "target", w->target, conf_target_index);
		if (w->target_idx >= 0 && !c->targets[w->target_idx].is_switch)
			errbuf_add(b->errors, "%s:%d: target: wired \"%s\" names target \"%s\", which is not kind = \"switch\"",
				   b->file, FIELD_LINE(b, sec, "target"), w->name, w->target);
		w->ports = dup_list(sec, "ports", &w->n_ports);
		w->n_vlans = cfg_size(sec, "vlans");
		w->vlans = xcalloc(w->n_vlans ? w->n_vlans : 1, sizeof *w->vlans);
		for (size_t k = 0; k < w->n_vlans; k++) {
			w->vlans[k] = cfg_getnint(sec, "vlans", (unsigned)k);
			if (w->vlans[k] < 1 || w->vlans[k] > 4094)
				errbuf_add(b->errors, "%s:%d: vlans: %ld is not a VLAN (1-4094)",
					   b->file, FIELD_LINE(b, sec, "vlans"), w->vlans[k]);
		}
		if (!w->n_ports && !w->n_vlans)
			errbuf_add(b->errors, "%s:%d: ports: wired \"%s\" needs ports or vlans",
				   b->file, w->line, w->name);
	}
}

static void build_captures(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_captures = cfg_size(root, "capture");
	c->captures = xcalloc(c->n_captures, sizeof *c->captures);
	for (size_t i = 0; i < c->n_captures; i++) {
		cfg_t *sec = cfg_getnsec(root, "capture", (unsigned)i);
		struct conf_capture *p = &c->captures[i];
		p->name = xstrdup(cfg_title(sec));
		p->line = SEC_LINE(b, sec);
		p->mode = dup_or_null(sec, "mode");
		p->interface = dup_or_null(sec, "interface");
		p->file = dup_or_null(sec, "file");
		if (!p->interface == !p->file)
			errbuf_add(b->errors, "%s:%d: interface: capture \"%s\" needs exactly one of 'interface' or 'file'",
				   b->file, FIELD_LINE(b, sec, "interface"), p->name);
		p->speed = cfg_getfloat(sec, "speed");
		p->loop = cfg_getbool(sec, "loop");
		p->filter = dup_or_null(sec, "filter");
		p->window = cfg_getint(sec, "window");
		p->snaplen = cfg_getint(sec, "snaplen");
		p->station_timeout = cfg_getint(sec, "station_timeout");
		p->airtime = cfg_getbool(sec, "airtime");
		p->link_mbps = cfg_getfloat(sec, "link_mbps");
		p->threads = cfg_getint(sec, "threads");
		if (p->file && p->threads > 1)
			conf_warn("%s:%d: threads: capture \"%s\" reads a file: only a live interface fans out; ignored",
				 b->file, FIELD_LINE(b, sec, "threads"), p->name);
		p->local_prefixes = dup_list(sec, "local_prefixes", &p->n_local_prefixes);
		check_list(b, sec, "local_prefixes", p->local_prefixes, p->n_local_prefixes, prefix_ok,
			   "an address/length");
		p->gateway_mac = dup_or_null(sec, "gateway_mac");
		check_list(b, sec, "gateway_mac", &p->gateway_mac, p->gateway_mac ? 1 : 0, gateway_ok,
			   "a MAC address");
	}
}

static void build_uplinks(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_uplinks = cfg_size(root, "uplink");
	c->uplinks = xcalloc(c->n_uplinks, sizeof *c->uplinks);
	for (size_t i = 0; i < c->n_uplinks; i++) {
		cfg_t *sec = cfg_getnsec(root, "uplink", (unsigned)i);
		struct conf_uplink *u = &c->uplinks[i];
		u->name = xstrdup(cfg_title(sec));
		u->line = SEC_LINE(b, sec);
		u->capacity_mbps = cfg_getfloat(sec, "capacity_mbps");
		u->target = dup_or_null(sec, "target");
		u->target_idx = ref_index(b, sec, "uplink", u->name, "target", u->target, conf_target_index);
		u->interface = dup_or_null(sec, "interface");
		if (u->target && !u->interface)
			errbuf_add(b->errors, "%s:%d: interface: uplink \"%s\" polled over SNMP needs an 'interface' (ifName, ifDescr or ifAlias)",
				   b->file, FIELD_LINE(b, sec, "interface"), u->name);
		u->capture = dup_or_null(sec, "capture");
		ref_index(b, sec, "uplink", u->name, "capture", u->capture, conf_capture_index);
		if (!u->target && !u->capture && u->capacity_mbps <= 0)
			errbuf_add(b->errors, "%s:%d: capacity_mbps: uplink \"%s\" needs a capacity_mbps greater than zero (or a target to read ifHighSpeed from)",
				   b->file, FIELD_LINE(b, sec, "capacity_mbps"), u->name);
	}
}

static void build_pools(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_pools = cfg_size(root, "dhcp_pool");
	c->pools = xcalloc(c->n_pools, sizeof *c->pools);
	for (size_t i = 0; i < c->n_pools; i++) {
		cfg_t *sec = cfg_getnsec(root, "dhcp_pool", (unsigned)i);
		struct conf_dhcp_pool *p = &c->pools[i];
		p->name = xstrdup(cfg_title(sec));
		p->line = SEC_LINE(b, sec);
		need(b, sec, "dhcp_pool", "size");
		p->size = cfg_size(sec, "size") ? cfg_getint(sec, "size") : 0;
		p->vlan = cfg_getint(sec, "vlan");
		p->subnet = dup_or_null(sec, "subnet");
		check_list(b, sec, "subnet", &p->subnet, p->subnet ? 1 : 0, subnet_ok,
			   "an IPv4 network/length");
		p->capture = dup_or_null(sec, "capture");
		ref_index(b, sec, "dhcp_pool", p->name, "capture", p->capture, conf_capture_index);
	}
}

/* An Alertmanager notifier: its base URLs (one per cluster member, each
 * gets a queue of its own) and how often active alerts are re-sent. */
static void build_alertmanager(struct build_ctx *b, cfg_t *sec, struct conf_notifier *n)
{
	const char *d = cfg_getstr(sec, "resend");
	if (!d || parse_duration(d, &n->resend) != 0 || n->resend <= 0 || n->resend > 3600)
		errbuf_add(b->errors, "%s:%d: resend: \"%s\" is not a duration from 1s to 1h (e.g. 1m)",
			   b->file, FIELD_LINE(b, sec, "resend"), d ? d : "");
	n->silences = cfg_getbool(sec, "silences");
	char *copy = xstrdup(n->url ? n->url : ""), *save = NULL;
	for (char *u = strtok_r(copy, " \t,", &save); u; u = strtok_r(NULL, " \t,", &save)) {
		if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
			errbuf_add(b->errors, "%s:%d: url: notifier \"%s\": \"%s\" is not an http(s) URL",
				   b->file, FIELD_LINE(b, sec, "url"), n->name, u);
		n->urls = xrealloc(n->urls, (n->n_urls + 1) * sizeof *n->urls);
		n->urls[n->n_urls++] = xstrdup(u);
	}
	free(copy);
	if (n->url && n->n_urls == 0)
		errbuf_add(b->errors, "%s:%d: url: notifier \"%s\" names no Alertmanager URL",
			   b->file, FIELD_LINE(b, sec, "url"), n->name);
}

static void build_notifiers(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_notifiers = cfg_size(root, "notifier");
	c->notifiers = xcalloc(c->n_notifiers, sizeof *c->notifiers);
	for (size_t i = 0; i < c->n_notifiers; i++) {
		cfg_t *sec = cfg_getnsec(root, "notifier", (unsigned)i);
		struct conf_notifier *n = &c->notifiers[i];
		n->name = xstrdup(cfg_title(sec));
		n->line = SEC_LINE(b, sec);
		n->kind = dup_or_null(sec, "kind");
		need(b, sec, "notifier", "url");
		n->url = resolve_secret(b, sec, "url");
		/* never printed: it may be a secret */
		if (n->url && strncmp(n->url, "http://", 7) != 0 && strncmp(n->url, "https://", 8) != 0)
			errbuf_add(b->errors, "%s:%d: url: notifier \"%s\": not an http:// or https:// URL",
				   b->file, FIELD_LINE(b, sec, "url"), n->name);
		n->token = resolve_secret(b, sec, "token");
		n->room_id = dup_or_null(sec, "room_id");
		if (strcmp(n->kind, "matrix") == 0) {
			need(b, sec, "notifier", "room_id");
			need(b, sec, "notifier", "token");
		}
		n->severities = dup_list(sec, "severities", &n->n_severities);
		if (cfg_size(sec, "severities") == 0 && cfg_getopt(sec, "severities") &&
		    (cfg_getopt(sec, "severities")->flags & CFGF_MODIFIED))
			conf_warn("%s:%d: severities: notifier \"%s\": an empty list; it sends nothing",
				 b->file, FIELD_LINE(b, sec, "severities"), n->name);
		for (size_t k = 0; k < n->n_severities; k++)
			if (strcmp(n->severities[k], "warn") && strcmp(n->severities[k], "crit") &&
			    strcmp(n->severities[k], "info"))
				errbuf_add(b->errors, "%s:%d: severities: \"%s\" is not one of info, warn, crit",
					   b->file, FIELD_LINE(b, sec, "severities"), n->severities[k]);
		n->rules = dup_list(sec, "rules", &n->n_rules);
		n->rooms = dup_list(sec, "rooms", &n->n_rooms);
		for (size_t k = 0; k < n->n_rooms; k++)
			if (conf_room_index(c, n->rooms[k]) < 0)
				errbuf_add(b->errors, "%s:%d: rooms: notifier \"%s\" names room \"%s\", which is not configured",
					   b->file, FIELD_LINE(b, sec, "rooms"), n->name, n->rooms[k]);
		n->fallback = dup_or_null(sec, "fallback");
		n->rate_per_minute = cfg_getfloat(sec, "rate_per_minute");
		n->spool_max = cfg_getint(sec, "spool_max");
		if (strcmp(n->kind, "alertmanager") == 0)
			build_alertmanager(b, sec, n);
	}
}

/* After the notifiers are indexed by name. */
static void check_fallbacks(struct build_ctx *b)
{
	struct conf *c = b->conf;
	for (size_t i = 0; i < c->n_notifiers; i++) {
		struct conf_notifier *n = &c->notifiers[i];
		if (n->fallback && (conf_notifier_index(c, n->fallback) < 0 ||
				    strcmp(n->fallback, n->name) == 0))
			errbuf_add(b->errors, "%s:%d: fallback: notifier \"%s\" names fallback \"%s\", which is not another configured notifier",
				   b->file, n->line, n->name, n->fallback);
	}
}

/* 0 when the field holds a duration (set in *out), else -1 (reported). */
static int root_duration(struct build_ctx *b, cfg_t *root, const char *field, long *out)
{
	const char *d = cfg_getstr(root, field);
	if (d && parse_duration(d, out) == 0)
		return 0;
	if (d)
		errbuf_add(b->errors, "%s:%d: %s: \"%s\" is not a duration (e.g. 30s, 5m)",
			   b->file, root_field_line(b, field), field, d);
	return -1;
}

static const char *const known_rules[] = {
	"ap_over_capacity", "radio_airtime_high", "room_over_capacity", "room_over_projection",
	"uplink_utilisation", "dhcp_pool_exhaustion", "plan_shortfall",
	"target_down", "target_no_data", "client_drop", "forecast_saturation",
	"collector_stalled", "watchdog", "session_over_capacity",
	"notifier_failing", "schedule_stale", "store_failing", "capture_drops", NULL
};

/* Unset levels are NAN ("the rule's default"), so a written nan or inf
 * would pass for a default or never fire: only numbers are accepted. */
static void check_rule_numbers(struct build_ctx *b, cfg_t *sec)
{
	static const char *const fields[] = { "warn", "crit", "clear_warn", "clear_crit",
					      "lead_minutes", "trend_minutes" };
	for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
		cfg_opt_t *opt = cfg_getopt(sec, fields[k]);
		if (opt && (opt->flags & CFGF_MODIFIED) && !isfinite(cfg_getfloat(sec, fields[k])))
			errbuf_add(b->errors, "%s:%d: %s: must be a number (nan and inf are not)",
				   b->file, FIELD_LINE(b, sec, fields[k]), fields[k]);
	}
	double lead = cfg_getfloat(sec, "lead_minutes");
	if (isfinite(lead) && !(lead >= 0 && lead <= 1440))
		errbuf_add(b->errors, "%s:%d: lead_minutes: %g is outside 0..1440",
			   b->file, FIELD_LINE(b, sec, "lead_minutes"), lead);
}

static void build_rules(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_rules = cfg_size(root, "alert");
	c->rules = xcalloc(c->n_rules, sizeof *c->rules);
	for (size_t i = 0; i < c->n_rules; i++) {
		cfg_t *sec = cfg_getnsec(root, "alert", (unsigned)i);
		struct conf_rule *r = &c->rules[i];
		r->name = xstrdup(cfg_title(sec));
		r->line = SEC_LINE(b, sec);
		bool known = false;
		for (size_t k = 0; known_rules[k]; k++)
			known = known || strcmp(known_rules[k], r->name) == 0;
		if (!known)
			errbuf_add(b->errors, "%s:%d: alert: \"%s\" is not a built-in rule (see headroom.conf(5))",
				   b->file, FIELD_LINE(b, sec, "alert"), r->name);
		r->match = dup_or_null(sec, "match");
		r->enabled = cfg_getbool(sec, "enabled");
		r->warn = cfg_getfloat(sec, "warn");
		r->crit = cfg_getfloat(sec, "crit");
		r->clear_warn = cfg_getfloat(sec, "clear_warn");
		r->clear_crit = cfg_getfloat(sec, "clear_crit");
		r->lead_minutes = cfg_getfloat(sec, "lead_minutes");
		r->trend_minutes = cfg_getfloat(sec, "trend_minutes");
		check_rule_numbers(b, sec);
		if (!isnan(r->trend_minutes) && !(r->trend_minutes >= 1 && r->trend_minutes <= 240))
			errbuf_add(b->errors, "%s:%d: trend_minutes: %g is outside 1..240",
				   b->file, FIELD_LINE(b, sec, "trend_minutes"), r->trend_minutes);
		r->for_seconds = r->repeat_seconds = -1;
		const char *d = cfg_getstr(sec, "for");
		if (d && parse_duration(d, &r->for_seconds) != 0)
			errbuf_add(b->errors, "%s:%d: for: \"%s\" is not a duration (e.g. 90s, 5m, 1h)",
				   b->file, FIELD_LINE(b, sec, "for"), d);
		d = cfg_getstr(sec, "repeat");
		if (d && parse_duration(d, &r->repeat_seconds) != 0)
			errbuf_add(b->errors, "%s:%d: repeat: \"%s\" is not a duration (e.g. 90s, 5m, 1h)",
				   b->file, FIELD_LINE(b, sec, "repeat"), d);
		for (size_t k = 0; strcmp(r->name, "client_drop") == 0 && k < 2; k++) {
			const char *f = k ? "crit" : "warn";
			double v = k ? r->crit : r->warn;
			if (v > 1)	/* a share: it could never fire */
				errbuf_add(b->errors, "%s:%d: %s: client_drop's %s is the share of an "
					   "AP's clients lost at once, 0 to 1 (60%% is 0.6), not %g",
					   b->file, FIELD_LINE(b, sec, f), f, f, v);
		}
		if (!isnan(r->warn) && !isnan(r->crit) && r->warn > r->crit)
			errbuf_add(b->errors, "%s:%d: warn: warn (%g) is above crit (%g)",
				   b->file, FIELD_LINE(b, sec, "warn"), r->warn, r->crit);
	}
}

static void build_sessions(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->n_sessions = cfg_size(root, "session");
	c->sessions = xcalloc(c->n_sessions, sizeof *c->sessions);
	for (size_t i = 0; i < c->n_sessions; i++) {
		cfg_t *sec = cfg_getnsec(root, "session", (unsigned)i);
		struct conf_session *s = &c->sessions[i];
		s->pattern = xstrdup(cfg_title(sec));
		s->line = SEC_LINE(b, sec);
		s->attendance = cfg_getfloat(sec, "attendance");
		s->room = dup_or_null(sec, "room");
		ref_index(b, sec, "session", s->pattern, "room", s->room, conf_room_index);
	}
}

static void build_global(struct build_ctx *b, cfg_t *root)
{
	struct conf *c = b->conf;
	c->state_dir = dup_or_null(root, "state_dir");
	c->state_dir_line = root_field_line(b, "state_dir");
	if (!c->state_dir[0])
		errbuf_add(b->errors, "%s:%d: state_dir: is empty; name the directory for RRD files and alert state",
			   b->file, c->state_dir_line);
	else if (c->state_dir[0] != '/')
		conf_warn("%s:%d: state_dir: \"%s\" is relative: the daemon changes to / when it detaches",
			 b->file, c->state_dir_line, c->state_dir);
	c->user = dup_or_null(root, "user");
	c->user_line = root_field_line(b, "user");
	c->rrdcached = dup_or_null(root, "rrdcached");
	if (c->rrdcached && strncmp(c->rrdcached, "unix:", 5) != 0 && !strchr(c->rrdcached, ':'))
		errbuf_add(b->errors, "%s:%d: rrdcached: \"%s\" is neither \"unix:/path\" nor \"host:port\"",
			   b->file, root_field_line(b, "rrdcached"), c->rrdcached);
	c->tick = cfg_getint(root, "tick");
	c->warn_ratio = cfg_getfloat(root, "warn_ratio");
	c->crit_ratio = cfg_getfloat(root, "crit_ratio");
	if (c->warn_ratio > c->crit_ratio)
		errbuf_add(b->errors, "%s:%d: warn_ratio: warn_ratio (%g) is above crit_ratio (%g)",
			   b->file, root_field_line(b, "warn_ratio"), c->warn_ratio, c->crit_ratio);
	c->radio_warn_clients = cfg_getint(root, "radio_warn_clients");
	c->radio_max_clients = cfg_getint(root, "radio_max_clients");
	c->radio_plausible_clients = cfg_getint(root, "radio_plausible_clients");
	if (c->radio_plausible_clients < c->radio_max_clients)
		errbuf_add(b->errors, "%s:%d: radio_plausible_clients: %ld is below radio_max_clients (%ld)",
			   b->file, root_field_line(b, "radio_plausible_clients"),
			   c->radio_plausible_clients, c->radio_max_clients);
	c->airtime_warn = cfg_getfloat(root, "airtime_warn");
	c->airtime_crit = cfg_getfloat(root, "airtime_crit");
	if (c->airtime_warn > c->airtime_crit)
		errbuf_add(b->errors, "%s:%d: airtime_warn: airtime_warn (%g) is above airtime_crit (%g)",
			   b->file, root_field_line(b, "airtime_warn"), c->airtime_warn, c->airtime_crit);
	c->log_level = LOG_LVL_INFO;
	log_level_parse(cfg_getstr(root, "log_level"), &c->log_level);
	root_duration(b, root, "alert_group_wait", &c->alert_group_wait);
	/* The alert engine takes this as it is: 0 would notify every tick. */
	if (root_duration(b, root, "alert_group_interval", &c->alert_group_interval) == 0 &&
	    c->alert_group_interval <= 0)
		errbuf_add(b->errors, "%s:%d: alert_group_interval: must be longer than 0s",
			   b->file, root_field_line(b, "alert_group_interval"));
}

/* A schedule room listed by two rooms: sessions there go to the first
 * (schedule.c's map_room), so the second listing does nothing. */
struct listed_name {
	char *lower;
	size_t room;
};

struct listed_ctx {
	struct build_ctx *b;
	const struct listed_name *names;
};

static const char *listed_name_of(const void *ctx, size_t i)
{
	return ((const struct listed_name *)ctx)[i].lower;
}

static void listed_twice(void *ctx, size_t first, size_t again)
{
	const struct listed_ctx *d = ctx;
	const struct conf_room *r1 = &d->b->conf->rooms[d->names[first].room];
	const struct conf_room *r2 = &d->b->conf->rooms[d->names[again].room];
	if (r1 == r2) {
		conf_warn("%s:%d: schedule_room: room \"%s\" lists \"%s\" twice", d->b->file,
			 r2->line, r2->name, d->names[again].lower);
		return;
	}
	conf_warn("%s:%d: schedule_room: \"%s\" is also listed by room \"%s\" (line %d): its "
		 "sessions count for \"%s\" only", d->b->file, r2->line, d->names[again].lower,
		 r1->name, r1->line, r1->name);
}

static void check_schedule_rooms(struct build_ctx *b)
{
	const struct conf *c = b->conf;
	size_t n = 0;
	for (size_t i = 0; i < c->n_rooms; i++)
		n += c->rooms[i].n_schedule_rooms;
	struct listed_name *names = xcalloc(n ? n : 1, sizeof *names);
	n = 0;
	for (size_t i = 0; i < c->n_rooms; i++)
		for (size_t k = 0; k < c->rooms[i].n_schedule_rooms; k++) {
			const char *p = c->rooms[i].schedule_rooms[k];
			if (is_glob(p))
				continue;	/* a pattern may overlap on purpose */
			names[n].lower = xstrdup(p);
			for (char *q = names[n].lower; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			names[n++].room = i;
		}
	struct listed_ctx d = { b, names };
	struct name_index x;
	name_index_build(&x, n, listed_name_of, names, listed_twice, &d);
	name_index_free(&x);
	for (size_t i = 0; i < n; i++)
		free(names[i].lower);
	free(names);
}

static struct conf *conf_build(cfg_t *root, const char *file, const char *text,
			       struct errbuf *errors)
{
	struct conf *c = xcalloc(1, sizeof *c);
	struct locate_cache where = { .n_kinds = 0 };
	struct build_ctx b = { c, errors, file, text, NULL, &where };
	c->path = xstrdup(file);
	c->secrets_path = dup_or_null(root, "secrets");
	if (c->secrets_path)
		b.secrets = secrets_open(c->secrets_path, errors);

	check_values(&b, root);
	check_bounds(&b, root);
	build_global(&b, root);
	build_event(&b, root);
	build_web(&b, root);
	struct conf_names *x = c->names = xcalloc(1, sizeof *c->names);
	build_rooms(&b, root);
	INDEX_KIND(&b, &x->rooms, "room", rooms, n_rooms);
	check_schedule_rooms(&b);
	build_targets(&b, root);
	INDEX_KIND(&b, &x->targets, "target", targets, n_targets);
	build_aps(&b, root);
	INDEX_KIND(&b, &x->aps, "ap", aps, n_aps);
	build_wired(&b, root);
	struct name_index wired;
	INDEX_KIND(&b, &wired, "wired", wired, n_wired);
	name_index_free(&wired);
	build_captures(&b, root);
	INDEX_KIND(&b, &x->captures, "capture", captures, n_captures);
	build_uplinks(&b, root);
	INDEX_KIND(&b, &x->uplinks, "uplink", uplinks, n_uplinks);
	build_pools(&b, root);
	struct name_index pools;
	INDEX_KIND(&b, &pools, "dhcp_pool", pools, n_pools);
	name_index_free(&pools);
	build_notifiers(&b, root);
	INDEX_KIND(&b, &x->notifiers, "notifier", notifiers, n_notifiers);
	check_fallbacks(&b);
	build_rules(&b, root);
	build_sessions(&b, root);
	if (b.secrets)
		cfg_free(b.secrets);
	return c;
}

/* ---- the raw text, before libconfuse reads it ---- */

/* A UTF-8 byte order mark (Notepad writes one) is not part of the first
 * key: libconfuse took it for "\xef\xbb\xbfstate_dir". */
static const char *skip_bom(const char *path, const char *buf)
{
	if (strncmp(buf, "\xef\xbb\xbf", 3) != 0)
		return buf;
	conf_warn("%s:1: skipping a UTF-8 byte order mark; save the file without one", path);
	return buf + 3;
}

/* libconfuse stops at the first NUL and takes what follows for the end. */
static void check_nul(struct errbuf *e, const char *path, const char *buf, size_t len)
{
	const char *nul = memchr(buf, '\0', len);
	if (nul)
		errbuf_add(e, "%s:%d: config: a NUL byte; nothing after it would be read (a binary or damaged file?)",
			   path, count_lines(buf, nul, 1));
}

/* p at a quote or comment: the first character after it, counting lines. */
static const char *skip_quoted(const char *p, int *line)
{
	if (*p == '"' || *p == '\'') {
		char q = *p++;
		for (; *p && *p != q; p++) {
			if (*p == '\\' && p[1])
				p++;
			*line += *p == '\n';
		}
		return *p ? p + 1 : p;
	}
	if (p[0] == '/' && p[1] == '*') {
		const char *end = strstr(p + 2, "*/");
		end = end ? end + 2 : p + strlen(p);
		*line = count_lines(p, end, *line);
		return end;
	}
	while (*p && *p != '\n')	/* # and // comments */
		p++;
	return p;
}

/* libconfuse accepts a file that ends inside a block, so a lost '}'
 * went unnoticed; name the line of the brace left open. */
#define BRACE_DEPTH 16
static void check_braces(struct errbuf *e, const char *path, const char *p)
{
	int line = 1, depth = 0, opened[BRACE_DEPTH] = { 0 };
	while (*p) {
		if (*p == '"' || *p == '\'' || *p == '#' || (p[0] == '/' && (p[1] == '/' || p[1] == '*'))) {
			p = skip_quoted(p, &line);
			continue;
		}
		if (*p == '{' && depth++ < BRACE_DEPTH)
			opened[depth - 1] = line;
		else if (*p == '}' && depth > 0)
			depth--;
		line += *p++ == '\n';
	}
	if (depth > 0)
		errbuf_add(e, "%s:%d: config: this '{' is never closed: a '}' is missing",
			   path, opened[(depth < BRACE_DEPTH ? depth : BRACE_DEPTH) - 1]);
}

/*
 * What libconfuse accepts but a person probably did not mean, as
 * warnings: a key given twice in one block (the last value silently
 * wins) and a titled block written twice where libconfuse merges the two
 * (alert, session: later keys override). One pass over the text.
 */
#define LINT_KEYS 64
struct lint_frame {
	struct {
		const char *name;
		size_t len;
		int line;
	} keys[LINT_KEYS];
	size_t n;
};

struct lint_block {
	char *id;			/* "kind title" */
	int line;
};

static const char *lint_block_id(const void *ctx, size_t i)
{
	return ((const struct lint_block *)ctx)[i].id;
}

struct lint_dup_ctx {
	const char *path;
	const struct lint_block *blocks;
};

static void lint_dup(void *ctx, size_t first, size_t again)
{
	const struct lint_dup_ctx *d = ctx;
	const char *id = d->blocks[again].id, *title = strchr(id, ' ') + 1;
	conf_warn("%s:%d: %.*s: \"%s\" again: merged into the block on line %d, whose keys it overrides",
		 d->path, d->blocks[again].line, (int)(title - 1 - id), id, title, d->blocks[first].line);
}

static void lint_key(const char *path, struct lint_frame *f, const char *name, size_t len, int line)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->keys[i].len == len && memcmp(f->keys[i].name, name, len) == 0) {
			conf_warn("%s:%d: %.*s: set again (first on line %d); only this value counts",
				 path, line, (int)len, name, f->keys[i].line);
			return;
		}
	if (f->n < LINT_KEYS)
		f->keys[f->n++] = (typeof(f->keys[0])){ name, len, line };
}

/* A titled block of a kind libconfuse merges: remember it. */
static void lint_title(struct lint_block **v, size_t *n, const char *kind, size_t klen,
		       const char *q, int line)
{
	static const char *const merged[] = { "alert", "session" };
	bool watch = false;
	for (size_t i = 0; i < sizeof merged / sizeof *merged; i++)
		watch |= strlen(merged[i]) == klen && strncmp(kind, merged[i], klen) == 0;
	const char *end = q[0] == '"' ? strchr(q + 1, '"') : NULL;
	if (!watch || !end)
		return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = (struct lint_block){
		xasprintf("%.*s %.*s", (int)klen, kind, (int)(end - q - 1), q + 1), line };
}

static void conf_lint(const char *path, const char *p)
{
	struct lint_frame *stack = xcalloc(BRACE_DEPTH + 1, sizeof *stack);
	struct lint_block *blocks = NULL;
	size_t n_blocks = 0;
	int line = 1, depth = 0;
	while (*p) {
		if (*p == '"' || *p == '\'' || *p == '#' || (p[0] == '/' && (p[1] == '/' || p[1] == '*'))) {
			p = skip_quoted(p, &line);
			continue;
		}
		if (*p == '{' || *p == '}') {
			depth += *p == '{' ? 1 : depth > 0 ? -1 : 0;
			if (*p == '{' && depth <= BRACE_DEPTH)
				stack[depth].n = 0;
			p++;
			continue;
		}
		if (!isalpha((unsigned char)*p) && *p != '_') {
			line += *p++ == '\n';
			continue;
		}
		const char *name = p;
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '-')
			p++;
		size_t len = (size_t)(p - name);
		const char *q = p;
		while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
			q++;
		if (*q == '=' && depth <= BRACE_DEPTH)
			lint_key(path, &stack[depth], name, len, line);
		else if (*q == '"' && depth == 0)
			lint_title(&blocks, &n_blocks, name, len, q, line);
	}
	struct name_index x;
	struct lint_dup_ctx d = { path, blocks };
	name_index_build(&x, n_blocks, lint_block_id, blocks, lint_dup, &d);
	name_index_free(&x);
	for (size_t i = 0; i < n_blocks; i++)
		free(blocks[i].id);
	free(blocks);
	free(stack);
}

static char *read_file(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 8192, len = 0;
	char *buf = xmalloc(cap);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
	}
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*len_out = len;
	return buf;
}

/* The kinds of block a venue has thousands of (SECTION_FLAGS). */
static const char *const parked_kinds[] = {
	"room", "ap", "uplink", "target", "capture", "dhcp_pool", "notifier", NULL
};

static struct conf *conf_parse(const char *path, const char *buf, char **err_out)
{
	struct errbuf errors = { 0 }, warnings = { 0 };
	struct conf *c = NULL;
	char *owned = NULL;
	active_warnings = &warnings;

	if (!buf) {
		size_t len = 0;
		owned = read_file(path, &len);
		if (!owned) {
			errbuf_add(&errors, "%s:0: cannot read config: %s", path, strerror(errno));
			goto out;
		}
		check_nul(&errors, path, owned, len);
		buf = owned;
	}
	buf = skip_bom(path, buf);
	check_braces(&errors, path, buf);
	conf_lint(path, buf);
	cfg_t *root = cfg_init(root_opts, CFGF_NONE);
	cfg_set_error_function(root, confuse_error);
	/* cfg_parse_buf leaves the file name unset; name it for messages. */
	free(root->filename);
	root->filename = xstrdup(path);

	active_errors = &errors;
	active_filename = path;
	conf_park(root, parked_kinds);
	int rc = cfg_parse_buf(root, buf);
	conf_unpark();
	if (rc != CFG_SUCCESS && errors.count == 0)
		errbuf_add(&errors, "%s:0: syntax error", path);
	if (rc == CFG_SUCCESS)
		c = conf_build(root, path, buf, &errors);
	active_errors = NULL;
	active_filename = NULL;
	cfg_free(root);
out:
	free(owned);
	active_warnings = NULL;
	if (c && !errors.count) {
		c->warnings = warnings.text;
		c->n_warnings = (size_t)warnings.count;
	} else {
		free(warnings.text);
	}
	if (errors.count) {
		conf_free(c);
		if (err_out)
			*err_out = errors.text;
		else
			free(errors.text);
		return NULL;
	}
	if (err_out)
		*err_out = NULL;
	return c;
}

struct conf *conf_load(const char *path, char **err_out)
{
	return conf_parse(path, NULL, err_out);
}

struct conf *conf_load_buffer(const char *buf, const char *name, char **err_out)
{
	return conf_parse(name, buf, err_out);
}

/* By the index conf_build made (the model looks APs up per sample). */
#define FIND_BY_NAME(fn, array)						\
	int fn(const struct conf *c, const char *name)			\
	{								\
		if (!c->names || !c->names->array.slot)			\
			return -1;					\
		return name_index_find(&c->names->array, name, array##_name, c); \
	}

FIND_BY_NAME(conf_room_index, rooms)
FIND_BY_NAME(conf_ap_index, aps)
FIND_BY_NAME(conf_uplink_index, uplinks)
FIND_BY_NAME(conf_target_index, targets)
FIND_BY_NAME(conf_capture_index, captures)
FIND_BY_NAME(conf_notifier_index, notifiers)

const char *conf_default_path(void)
{
	return SYSCONFDIR "/headroom/headroom.conf";
}

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	free(c->warnings);
	if (c->names) {
		struct conf_names *x = c->names;
		name_index_free(&x->rooms); name_index_free(&x->aps); name_index_free(&x->uplinks);
		name_index_free(&x->targets); name_index_free(&x->captures);
		name_index_free(&x->notifiers);
		free(x);
	}
	free(c->path); free(c->state_dir); free(c->user); free(c->secrets_path);
	free(c->rrdcached);
	free(c->event.name); free(c->event.schedule); free(c->event.timezone);
	struct conf_web *w = &c->web;
	free_list(w->listen, w->n_listen);
	free(w->tls_cert); free(w->tls_key); free(w->basic_auth_user);
	free_secret(w->basic_auth_password); free_secret(w->api_token);
	free(w->public_url); free(w->static_dir);
	for (size_t i = 0; i < c->n_rooms; i++) {
		free(c->rooms[i].name);
		free_list(c->rooms[i].schedule_rooms, c->rooms[i].n_schedule_rooms);
	}
	free(c->rooms);
	for (size_t i = 0; i < c->n_aps; i++) {
		struct conf_ap *a = &c->aps[i];
		free(a->name); free(a->room); free(a->target); free(a->match_name);
		free(a->address); free_list(a->bssids, a->n_bssids);
	}
	free(c->aps);
	for (size_t i = 0; i < c->n_uplinks; i++) {
		struct conf_uplink *u = &c->uplinks[i];
		free(u->name); free(u->target); free(u->interface); free(u->capture);
	}
	free(c->uplinks);
	for (size_t i = 0; i < c->n_targets; i++) {
		struct conf_target *t = &c->targets[i];
		free(t->name); free(t->address);
		free_secret(t->community); free(t->profile); free(t->v3_user);
		free(t->v3_security_level); free(t->v3_auth_protocol);
		free_secret(t->v3_auth_passphrase); free(t->v3_priv_protocol);
		free_secret(t->v3_priv_passphrase); free(t->v3_context);
		free_list(t->uplink_ports, t->n_uplink_ports);
	}
	free(c->targets);
	for (size_t i = 0; i < c->n_wired; i++) {
		struct conf_wired *wd = &c->wired[i];
		free(wd->name); free(wd->room); free(wd->target);
		free_list(wd->ports, wd->n_ports); free(wd->vlans);
	}
	free(c->wired);
	for (size_t i = 0; i < c->n_captures; i++) {
		struct conf_capture *p = &c->captures[i];
		free(p->name); free(p->mode); free(p->interface); free(p->file);
		free(p->filter); free_list(p->local_prefixes, p->n_local_prefixes);
		free(p->gateway_mac);
	}
	free(c->captures);
	for (size_t i = 0; i < c->n_pools; i++) {
		free(c->pools[i].name); free(c->pools[i].subnet); free(c->pools[i].capture);
	}
	free(c->pools);
	for (size_t i = 0; i < c->n_notifiers; i++) {
		struct conf_notifier *n = &c->notifiers[i];
		free(n->name); free(n->kind); free_secret(n->url); free_secret(n->token);
		free(n->room_id); free_list(n->severities, n->n_severities);
		free_list(n->rules, n->n_rules); free_list(n->rooms, n->n_rooms);
		free(n->fallback); free_list(n->urls, n->n_urls);
	}
	free(c->notifiers);
	for (size_t i = 0; i < c->n_rules; i++) {
		free(c->rules[i].name); free(c->rules[i].match);
	}
	free(c->rules);
	for (size_t i = 0; i < c->n_sessions; i++) {
		free(c->sessions[i].pattern); free(c->sessions[i].room);
	}
	free(c->sessions);
	free(c);
}
