/*
 * conf: the venue configuration, parsed with libconfuse into plain,
 * immutable structs. conf_load() either returns a complete, validated
 * config or NULL with every problem reported as "file:line: field: why".
 * A reload parses into a new struct and swaps only on success, so the
 * running config is never half-changed. Secrets ("secret:NAME" values)
 * are resolved from the secrets file and never logged.
 */
#ifndef HEADROOM_CONF_H
#define HEADROOM_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/log.h"

struct conf_event {
	char *name;
	long attendees;
	double online_ratio;		/* share of attendees online at once */
	double devices_per_attendee;
	double kbps_per_device;		/* bandwidth budget per device */
	time_t start, end;		/* 0 when not configured */
	char *schedule;			/* path, http(s) URL or NULL */
	char *timezone;			/* TZ name for the schedule or NULL */
	long schedule_refresh;		/* seconds between fetches of a URL */
	long schedule_stale_after;	/* seconds unconfirmed until schedule_stale */
};

struct conf_room {
	char *name;
	long seats;
	char **schedule_rooms;		/* names or glob patterns in the schedule */
	size_t n_schedule_rooms;	/* 0: the schedule names it like the room */
	bool common_area;		/* lobby, catering: fills at breaks */
	long ap_capacity;		/* the sum of its APs' max_clients */
	double airtime_warn, airtime_crit;	/* busy %: its own, else the venue's */
	long wired_ports;		/* cable seats for capacity; -1: the mapped ports */
	int line;
};

struct conf_ap {
	char *name;
	char *room;			/* room name; room_idx resolves it */
	int room_idx;
	long radios;
	long max_clients;		/* crit capacity */
	long warn_clients;		/* warn level */
	char *target;			/* SNMP target or NULL */
	int target_idx;			/* -1 when none */
	char *match_name;		/* name on the controller (default: name) */
	char *address;			/* AP's own address when polled directly */
	char **bssids;
	size_t n_bssids;
	int line;
};

struct conf_uplink {
	char *name;
	double capacity_mbps;		/* 0: take ifHighSpeed from SNMP */
	char *target;			/* SNMP target or NULL */
	int target_idx;
	char *interface;		/* ifName / ifDescr / ifAlias */
	char *capture;			/* capture block feeding it, or NULL */
	int line;
};

/* By index the names conf_snmp_versions[] spells them with: 1, 2c, 3. */
enum conf_snmp_version { CONF_SNMP_V1 = 0, CONF_SNMP_V2C, CONF_SNMP_V3 };
extern const char *const conf_snmp_versions[];

struct conf_target {
	char *name;
	char *address;
	long port;
	enum conf_snmp_version snmp_version;
	char *community;		/* secret */
	char *profile;			/* vendor profile name */
	long interval;			/* seconds */
	double timeout;			/* seconds per try */
	long retries;
	long max_repetitions;
	/* SNMPv3 */
	char *v3_user;
	char *v3_security_level;	/* noAuthNoPriv authNoPriv authPriv */
	char *v3_auth_protocol;		/* MD5 SHA SHA-224 SHA-256 SHA-384 SHA-512 */
	char *v3_auth_passphrase;	/* secret */
	char *v3_priv_protocol;		/* DES AES AES-192 AES-256 */
	char *v3_priv_passphrase;	/* secret */
	char *v3_context;
	/* kind = "switch": wired access ports and their learned MACs */
	bool is_switch;
	char **uplink_ports;		/* ranges or globs never counted as access */
	size_t n_uplink_ports;
	bool lldp_uplinks;		/* a port with an LLDP neighbour is an uplink */
	long uplink_macs;		/* this many MACs or more: an uplink; 0 off */
	int line;
};

/* Ports of a switch target that belong to a room: by ifName/ifDescr
 * range ("Gi1/0/1-24"), by glob on ifName/ifDescr/ifAlias, or by VLAN
 * (the port's PVID or a VLAN it learned MACs on). */
struct conf_wired {
	char *name;
	char *room;
	int room_idx;
	char *target;
	int target_idx;
	char **ports;
	size_t n_ports;
	long *vlans;
	size_t n_vlans;
	int line;
};

struct conf_capture {
	char *name;
	char *mode;			/* uplink dot11 dhcp */
	char *interface;		/* live interface or NULL */
	char *file;			/* offline capture file or NULL */
	double speed;			/* 0: as fast as possible; N: N x real time */
	bool loop;			/* loop the file, timestamps shifted to now */
	char *filter;			/* BPF */
	long window;			/* seconds per aggregation window */
	long snaplen;
	long station_timeout;		/* dot11: seconds until a silent station leaves */
	bool airtime;			/* dot11: airtime per channel and BSSID */
	double link_mbps;		/* live: the link's line rate, sizes the ring */
	long threads;			/* live: capture threads the link fans out over */
	char **local_prefixes;
	size_t n_local_prefixes;
	char *gateway_mac;
	int line;
};

struct conf_dhcp_pool {
	char *name;
	long size;
	long vlan;			/* -1: any */
	char *subnet;			/* optional CIDR */
	char *capture;
	int line;
};

struct conf_notifier {
	char *name;
	char *kind;			/* slack mattermost discord teams matrix ntfy generic
					 * alertmanager */
	char *url;			/* secret */
	char **urls;			/* alertmanager: url split at blanks and commas */
	size_t n_urls;
	long resend;			/* alertmanager: seconds between re-sends */
	bool silences;			/* alertmanager: mirror silences both ways */
	char *token;			/* secret (matrix access token, ntfy token) */
	char *room_id;			/* matrix room */
	char **severities;
	size_t n_severities;
	char **rules;
	size_t n_rules;
	char **rooms;
	size_t n_rooms;
	char *fallback;			/* another notifier's name */
	double rate_per_minute;
	long spool_max;
	int line;
};

struct conf_rule {
	char *name;			/* built-in rule name */
	char *match;			/* entity glob, NULL = every entity */
	bool enabled;
	double warn, crit;		/* NAN = rule default */
	double clear_warn, clear_crit;	/* NAN = rule default */
	long for_seconds;		/* -1 = rule default */
	long repeat_seconds;		/* -1 = rule default */
	double lead_minutes;		/* forecast / session lead, NAN = default */
	double trend_minutes;		/* forecast window, NAN = default */
	int line;
};

struct conf_session {
	char *pattern;			/* glob on title or id */
	double attendance;		/* share of the room's projection */
	char *room;			/* optional: override the room */
	int line;
};

struct conf_web {
	char **listen;
	size_t n_listen;
	char *tls_cert, *tls_key;
	char *basic_auth_user;
	char *basic_auth_password;	/* secret */
	char *api_token;		/* secret: silences and acks */
	long max_connections;
	long per_ip_connections;
	long timeout;
	char *public_url;		/* link put into chat messages */
	char *static_dir;		/* NULL: compiled-in assets */
	int listen_line, tls_cert_line, tls_key_line;	/* where written, for -t */
};

struct conf {
	char *path;			/* the file this was read from */
	char *state_dir;
	char *user;
	int state_dir_line, user_line;	/* 0 when not written */
	char *secrets_path;
	char *rrdcached;		/* "unix:/path" or "host:port" or NULL */
	long tick;			/* seconds between evaluations */
	double warn_ratio, crit_ratio;	/* status levels against capacity */
	long radio_warn_clients, radio_max_clients;
	long radio_plausible_clients;	/* above radios x this, a count is not data */
	double airtime_warn, airtime_crit;	/* channel busy %, rooms may override */
	enum log_level log_level;
	long alert_group_wait;		/* seconds before a new alert group notifies */
	long alert_group_interval;	/* seconds between a group's notifications */

	struct conf_event event;
	struct conf_web web;
	struct conf_room *rooms;	size_t n_rooms;
	struct conf_ap *aps;		size_t n_aps;
	struct conf_uplink *uplinks;	size_t n_uplinks;
	struct conf_target *targets;	size_t n_targets;
	struct conf_wired *wired;	size_t n_wired;
	struct conf_capture *captures;	size_t n_captures;
	struct conf_dhcp_pool *pools;	size_t n_pools;
	struct conf_notifier *notifiers; size_t n_notifiers;
	struct conf_rule *rules;	size_t n_rules;
	struct conf_session *sessions;	size_t n_sessions;
	struct conf_names *names;	/* conf_*_index's (conf_index.h) */
	char *warnings;			/* "file:line: field: why\n" each, or NULL */
	size_t n_warnings;		/* what loading accepted but warned about */
};

/*
 * Parse and validate. On error returns NULL and writes one line per
 * problem to err_out (a malloc'd string the caller frees), each shaped
 * "FILE:LINE: FIELD: message".
 */
struct conf *conf_load(const char *path, char **err_out);
struct conf *conf_load_buffer(const char *buf, const char *name, char **err_out);
void conf_free(struct conf *c);

int conf_room_index(const struct conf *c, const char *name);
int conf_ap_index(const struct conf *c, const char *name);
int conf_uplink_index(const struct conf *c, const char *name);
int conf_target_index(const struct conf *c, const char *name);
int conf_capture_index(const struct conf *c, const char *name);
int conf_notifier_index(const struct conf *c, const char *name);

/* The default config path: $sysconfdir/headroom/headroom.conf */
const char *conf_default_path(void);

#endif
