/* Config errors: every one names the file, the line and the field. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/conf.h"

static char *load_logging(const char *text, bool *ok);

#define HEAD "event \"e\" { attendees = 100 }\nroom \"a\" { seats = 10 }\n"

/* Parse text; expect failure with a message containing want. */
static void expect_error(const char *text, const char *want)
{
	char *err = NULL;
	struct conf *c = conf_load_buffer(text, "venue.conf", &err);
	if (c || !err || !strstr(err, want))
		fprintf(stderr, "wanted \"%s\", got: %s\n", want, err ? err : "(success)");
	assert_null(c);
	assert_non_null(err);
	assert_non_null(strstr(err, want));
	free(err);
}

static void test_unknown_key(void **s)
{
	expect_error(HEAD "room \"b\" {\n  seets = 4\n}\n", "venue.conf:4: seets: no such option 'seets'");
}

static void test_wrong_type(void **s)
{
	expect_error(HEAD "room \"b\" { seats = \"lots\" }\n",
		     "venue.conf:3: seats: invalid integer value for option 'seats'");
}

static void test_negative_and_zero_capacities(void **s)
{
	expect_error(HEAD "room \"b\" { seats = -3 }\n", "venue.conf:3: seats: must be greater than zero");
	expect_error(HEAD "ap \"x\" {\n room = \"a\"\n max_clients = 0\n}\n",
		     "venue.conf:5: max_clients: must be greater than zero");
	expect_error(HEAD "uplink \"u\" { capacity_mbps = -1 }\n",
		     "venue.conf:3: capacity_mbps: must not be negative");
	expect_error(HEAD "uplink \"u\" { }\n",
		     "venue.conf:3: capacity_mbps: uplink \"u\" needs a capacity_mbps greater than zero");
	expect_error("event \"e\" { attendees = 0 }\n", "venue.conf:1: attendees: must be greater than zero");
}

static void test_ratios(void **s)
{
	expect_error("event \"e\" {\n attendees = 10\n online_ratio = 1.5\n}\n",
		     "venue.conf:3: online_ratio: must be in (0, 1]");
	expect_error("event \"e\" { attendees = 10 online_ratio = 0 }\n",
		     "venue.conf:1: online_ratio: must be in (0, 1]");
	expect_error(HEAD "session \"k*\" { attendance = 1.2 }\n",
		     "venue.conf:3: attendance: must be in (0, 1]");
	expect_error(HEAD "warn_ratio = 1.2\ncrit_ratio = 1.0\n",
		     "venue.conf:3: warn_ratio: warn_ratio (1.2) is above crit_ratio (1)");
	expect_error(HEAD "alert \"client_drop\" {\n warn = 60\n crit = 80\n}\n",
		     "venue.conf:4: warn: client_drop's warn is the share of an AP's clients lost "
		     "at once, 0 to 1 (60% is 0.6), not 60");
	expect_error(HEAD "alert \"client_drop\" {\n warn = 0.6\n crit = 80\n}\n",
		     "venue.conf:5: crit: client_drop's crit is the share");
}

/* Switches and wired blocks: each mistake names its line and field. */
static void test_wired(void **s)
{
	expect_error(HEAD "target \"sw\" { address = \"x\" kind = \"router\" }\n",
		     "venue.conf:3: kind: \"router\" must be one of: wifi switch");
	expect_error(HEAD "target \"w\" { address = \"x\" }\n"
		     "wired \"t\" {\n room = \"a\"\n target = \"w\"\n ports = { \"Gi1/0/1-4\" }\n}\n",
		     "venue.conf:6: target: wired \"t\" names target \"w\", which is not kind = \"switch\"");
	expect_error(HEAD "target \"sw\" { address = \"x\" kind = \"switch\" }\n"
		     "wired \"t\" {\n room = \"b\"\n target = \"sw\"\n vlans = { 20 }\n}\n",
		     "venue.conf:5: room: wired \"t\" names room \"b\", which is not configured");
	expect_error(HEAD "target \"sw\" { address = \"x\" kind = \"switch\" }\n"
		     "wired \"t\" { room = \"a\" target = \"sw\" }\n",
		     "venue.conf:4: ports: wired \"t\" needs ports or vlans");
	expect_error(HEAD "target \"sw\" { address = \"x\" kind = \"switch\" }\n"
		     "wired \"t\" {\n room = \"a\"\n target = \"sw\"\n vlans = { 5000 }\n}\n",
		     "venue.conf:7: vlans: 5000 is not a VLAN (1-4094)");
	expect_error(HEAD "target \"sw\" { address = \"x\" kind = \"switch\" uplink_macs = -1 }\n",
		     "venue.conf:3: uplink_macs: must not be negative");
	expect_error("event \"e\" { attendees = 100 }\nroom \"a\" { seats = 10 wired_ports = -2 }\n",
		     "venue.conf:2: wired_ports: must not be negative");
}

static void test_plausible_clients(void **s)
{
	expect_error(HEAD "radio_plausible_clients = 50\n",
		     "venue.conf:3: radio_plausible_clients: 50 is below radio_max_clients (75)");
	expect_error(HEAD "ap \"x\" { room = \"a\"\n radios = 1\n max_clients = 2001 }\n",
		     "venue.conf:5: max_clients: 2001 is above radios x radio_plausible_clients (2000)");
}

/* Numbers beyond what a venue can mean are refused (1e308 devices per
 * attendee overflowed the projection to a negative load); so are nan
 * and inf where an unset value means "the rule's default". */
static void test_bounds_and_nan(void **s)
{
	expect_error("event \"e\" {\n attendees = 10\n devices_per_attendee = 1e308\n}\n",
		     "venue.conf:3: devices_per_attendee: must be at most 10 devices per attendee");
	expect_error("event \"e\" { attendees = 10 kbps_per_device = inf }\n",
		     "venue.conf:1: kbps_per_device: must be at most 1000000 kbit/s per device");
	expect_error("event \"e\" { attendees = 10 devices_per_attendee = nan }\n",
		     "venue.conf:1: devices_per_attendee: must be greater than zero");
	expect_error("event \"e\" { attendees = 5000000 }\n",
		     "venue.conf:1: attendees: must be at most 1000000 attendees");
	expect_error(HEAD "ap \"x\" { room = \"a\" radios = 100 }\n",
		     "venue.conf:3: radios: must be at most 16 radios");
	expect_error(HEAD "target \"t\" { address = \"x\" port = 99999 }\n",
		     "venue.conf:3: port: must be at most 65535");
	expect_error(HEAD "tick = 100000\n", "venue.conf:3: tick: must be at most 3600 seconds");
	expect_error(HEAD "alert \"ap_over_capacity\" {\n warn = nan\n}\n",
		     "venue.conf:4: warn: must be a number (nan and inf are not)");
	expect_error(HEAD "alert \"ap_over_capacity\" { crit = inf }\n",
		     "venue.conf:3: crit: must be a number");
	expect_error(HEAD "alert \"session_over_capacity\" { lead_minutes = -5 }\n",
		     "venue.conf:3: lead_minutes: -5 is outside 0..1440");
	char *err = NULL;
	struct conf *c = conf_load_buffer(HEAD "alert \"ap_over_capacity\" { crit = 1.2 }\n",
					  "venue.conf", &err);
	assert_non_null(c);	/* the other levels stay unset */
	assert_true(isnan(c->rules[0].warn));
	conf_free(c);
}

/* Write text (len bytes, NULs allowed) to a file and load it. */
static char *load_bytes(const char *text, size_t len, bool *ok)
{
	char path[] = "/tmp/hrconfbytesXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	char *err = NULL;
	struct conf *c = conf_load(path, &err);
	*ok = c != NULL;
	conf_free(c);
	unlink(path);
	return err;
}

static void test_raw_text(void **s)
{
	bool ok;
	/* a NUL ended the file for the parser: room "b" was silently lost */
	static const char nul[] = HEAD "\nroom \"b\" { seats = 5 }\n";
	char with_nul[sizeof nul];
	memcpy(with_nul, nul, sizeof nul);
	with_nul[strlen(HEAD)] = '\0';
	char *err = load_bytes(with_nul, sizeof nul - 1, &ok);
	assert_false(ok);
	assert_non_null(err);
	assert_non_null(strstr(err, ":3: config: a NUL byte"));
	free(err);

	/* a missing final brace */
	expect_error(HEAD "room \"b\" {\n seats = 5\n", "venue.conf:3: config: this '{' is never closed");
	expect_error(HEAD "web { listen = { \"127.0.0.1:8080\" }\n# }\n",
		     "venue.conf:3: config: this '{' is never closed");
	/* braces in strings and comments do not count */
	char *e2 = NULL;
	struct conf *c = conf_load_buffer(HEAD "# {\n/* { */ // {\nroom \"b{\" { seats = 5 }\n",
					  "venue.conf", &e2);
	if (!c)
		fprintf(stderr, "%s", e2);
	assert_non_null(c);
	conf_free(c);

	/* a UTF-8 byte order mark is skipped (with a warning) */
	static const char bom[] = "\xef\xbb\xbfstate_dir = \"/tmp\"\n" HEAD;
	err = load_bytes(bom, sizeof bom - 1, &ok);
	if (!ok)
		fprintf(stderr, "%s", err);
	assert_true(ok);
	free(err);
	char *log = load_logging("\xef\xbb\xbf" HEAD, &ok);
	assert_true(ok);
	assert_non_null(strstr(log, "venue.conf:1: skipping a UTF-8 byte order mark"));
}

/* Chat links follow the listen address unless public_url is set. */
static void test_public_url_default(void **s)
{
	static const struct { const char *web, *want; } cases[] = {
		{ "", "http://127.0.0.1:8080/" },
		{ "listen = { \"192.0.2.5:9000\" }", "http://192.0.2.5:9000/" },
		{ "listen = { \"[2001:db8::5]:8443\" }", "http://[2001:db8::5]:8443/" },
		{ "listen = { \"noc.example:80\" } public_url = \"https://noc.example/\"",
		  "https://noc.example/" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[512], *err = NULL;
		snprintf(text, sizeof text, HEAD "web { %s }\n", cases[i].web);
		struct conf *c = conf_load_buffer(text, "venue.conf", &err);
		assert_non_null(c);
		assert_string_equal(c->web.public_url, cases[i].want);
		conf_free(c);
	}
	char host[256] = "", want[300], *err = NULL;
	gethostname(host, sizeof host - 1);
	snprintf(want, sizeof want, "http://%s:8080/", host);
	struct conf *c = conf_load_buffer(HEAD "web { listen = { \"0.0.0.0:8080\" } }\n", "venue.conf", &err);
	assert_non_null(c);
	assert_string_equal(c->web.public_url, want);
	conf_free(c);
}

static void test_dangling_references(void **s)
{
	expect_error(HEAD "\nap \"x\" { room = \"nope\" }\n",
		     "venue.conf:4: room: ap \"x\" names room \"nope\", which is not configured");
	expect_error(HEAD "ap \"x\" { room = \"a\"\n  target = \"wlc9\" }\n",
		     "venue.conf:4: target: ap \"x\" names target \"wlc9\", which is not configured");
	expect_error(HEAD "uplink \"u\" { target = \"sw\" interface = \"x\" }\n",
		     "venue.conf:3: target: uplink \"u\" names target \"sw\", which is not configured");
	expect_error(HEAD "ap \"x\" { }\n", "venue.conf:3: room: ap \"x\" needs a 'room'");
}

/* Many blocks of a kind, names that prefix each other, a block named in a
 * comment, and errors both before and after blocks already located: each
 * error still names its own line. */
static void test_lines_in_a_long_config(void **s)
{
	(void)s;
	const char *text = HEAD
		"# ap \"x1\" is where the old AP was\n"		/* 3 */
		"ap \"x10\" { room = \"a\" }\n"			/* 4 */
		"ap \"x1\" {\n  room = \"nope1\"\n}\n"		/* 5-7 */
		"ap \"x2\" { room = \"a\" }\n"			/* 8 */
		"ap \"x3\" {\n  room = \"a\"\n  warn_clients = 9\n  max_clients = 5\n}\n" /* 9-13 */
		"ap \"x4\" {\n\n  room = \"nope4\"\n}\n";	/* 14-17 */
	char *err = NULL;
	struct conf *c = conf_load_buffer(text, "venue.conf", &err);
	assert_null(c);
	assert_non_null(err);
	assert_non_null(strstr(err, "venue.conf:6: room: ap \"x1\" names room \"nope1\""));
	assert_non_null(strstr(err, "venue.conf:11: warn_clients: 9 is above max_clients 5"));
	assert_non_null(strstr(err, "venue.conf:16: room: ap \"x4\" names room \"nope4\""));
	free(err);
}

/* What libconfuse says is put in the file:line: field: reason form. */
static void test_syntax_errors_name_a_field(void **s)
{
	expect_error(HEAD "room \"b\" { seats = 4.5 }\n",
		     "venue.conf:3: seats: invalid integer value for option 'seats'");
	expect_error(HEAD "room \"b\" {\n common_area = perhaps\n}\n",
		     "venue.conf:4: common_area: invalid boolean value for option 'common_area'");
	expect_error(HEAD "room \"b\" {\n seats 4\n}\n",
		     "venue.conf:4: seats: missing equal sign after option 'seats'");
	expect_error(HEAD "room { seats = 4 }\n", "venue.conf:3: room: missing title for section 'room'");
	expect_error(HEAD "room \"b\" { seats = 4 } }\n", "venue.conf:3: config: unexpected closing brace");
}

/* Values that passed the config and stopped a collector at start, or
 * never matched, are refused where they are written. */
static void test_values_checked_at_load(void **s)
{
	expect_error(HEAD "room \"\" { seats = 4 }\n", "venue.conf:3: room: the name is empty");
	expect_error(HEAD "ap \"\" { room = \"a\" }\n", "venue.conf:3: ap: the name is empty");
	expect_error(HEAD "target \"t\" {\n address = \"\"\n}\n",
		     "venue.conf:4: address: target \"t\" has an empty address");
	expect_error(HEAD "ap \"x\" {\n room = \"a\"\n bssid = { \"00:11:22:33:44:55\", \"00-11-22-33-44-56\" }\n}\n",
		     "venue.conf:5: bssid: \"00-11-22-33-44-56\" is not a MAC address written aa:bb:cc:dd:ee:ff");
	expect_error(HEAD "capture \"c\" {\n mode = \"uplink\" interface = \"lo\"\n"
		     " local_prefixes = { \"10.0.0.0/8\", \"2001:db8::/129\" }\n}\n",
		     "venue.conf:5: local_prefixes: \"2001:db8::/129\" is not an address/length");
	expect_error(HEAD "capture \"c\" {\n mode = \"uplink\" interface = \"lo\"\n gateway_mac = \"00:11:22:33:44\"\n}\n",
		     "venue.conf:5: gateway_mac: \"00:11:22:33:44\" is not a MAC address");
	expect_error(HEAD "dhcp_pool \"p\" {\n size = 10\n subnet = \"10.0.0.0/33\"\n}\n",
		     "venue.conf:5: subnet: \"10.0.0.0/33\" is not an IPv4 network/length");
	expect_error(HEAD "notifier \"n\" {\n url = \"hooks.example/x\"\n}\n",
		     "venue.conf:4: url: notifier \"n\": not an http:// or https:// URL");
	expect_error(HEAD "web {\n listen = { \"127.0.0.1:8080\", \"127.0.0.1:8080\" }\n}\n",
		     "venue.conf:4: listen: \"127.0.0.1:8080\" is listed twice");
	bool ok;
	char *log = load_logging(HEAD "notifier \"n\" {\n url = \"http://127.0.0.1:1/\"\n severities = { }\n}\n"
				 "capture \"c\" { mode = \"dhcp\" interface = \"lo\" gateway_mac = \"00-11-22-33-44-55\""
				 " local_prefixes = { \"10.0.0.1\", \"2001:db8::/32\" } }\n"
				 "dhcp_pool \"p\" { size = 10 subnet = \"10.0.0.0/24\" }\n", &ok);
	assert_true(ok);
	assert_non_null(strstr(log, "venue.conf:5: severities: notifier \"n\": an empty list; it sends nothing"));
}

static void test_duplicates(void **s)
{
	expect_error(HEAD "room \"a\" { seats = 4 }\n",
		     "venue.conf:3: room: \"a\" is configured twice; the first is on line 2");
	expect_error(HEAD "ap \"x\" { room = \"a\" }\n\nap \"y\" { room = \"a\" }\nap \"x\" {\n room = \"a\" }\n",
		     "venue.conf:6: ap: \"x\" is configured twice; the first is on line 3");
	char inc[] = "/tmp/hrconfincXXXXXX", text[256];
	int fd = mkstemp(inc);
	assert_true(fd >= 0);
	static const char included[] = "ap \"x\" { room = \"a\" }\n";
	assert_true(write(fd, included, strlen(included)) == (ssize_t)strlen(included));
	close(fd);
	snprintf(text, sizeof text, HEAD "ap \"x\" { room = \"a\" }\ninclude(\"%s\")\n", inc);
	expect_error(text, "venue.conf:3: ap: \"x\" is configured twice (once in an included file)");
	unlink(inc);
	expect_error(HEAD "notifier \"n\" { url = \"http://127.0.0.1:1/\" }\n"
		     "notifier \"n\" { url = \"http://127.0.0.1:2/\" }\n",
		     "venue.conf:4: notifier: \"n\" is configured twice; the first is on line 3");
	expect_error(HEAD "event \"f\" { attendees = 5 }\n", "venue.conf:3: event: only one event block is allowed");
}

static void test_choices(void **s)
{
	expect_error(HEAD "target \"t\" { address = \"x\" snmp_version = \"4\" }\n",
		     "venue.conf:3: snmp_version: \"4\" must be one of: 1 2c 3");
	expect_error(HEAD "notifier \"n\" { kind = \"irc\" url = \"http://x\" }\n",
		     "venue.conf:3: kind: \"irc\" must be one of:");
	expect_error(HEAD "alert \"made_up\" { }\n", "venue.conf:3: alert: \"made_up\" is not a built-in rule");
	expect_error(HEAD "target \"t\" { address = \"x\" snmp_version = \"3\" user = \"u\"\n"
		     " auth_passphrase = \"short\" priv_passphrase = \"longenough\" }\n",
		     "venue.conf:4: auth_passphrase: SNMPv3 passphrases need at least 8 characters");
}

/* log_level is decided at load: the daemon and a reload apply the level. */
static void test_log_level(void **s)
{
	static const struct { const char *name; enum log_level level; } cases[] = {
		{ "error", LOG_LVL_ERR }, { "warning", LOG_LVL_WARN },
		{ "info", LOG_LVL_INFO }, { "debug", LOG_LVL_DEBUG },
	};
	char *err = NULL;
	struct conf *c = conf_load_buffer(HEAD, "venue.conf", &err);
	assert_non_null(c);
	assert_int_equal(c->log_level, LOG_LVL_INFO);
	conf_free(c);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[256];
		snprintf(text, sizeof text, "log_level = \"%s\"\n" HEAD, cases[i].name);
		c = conf_load_buffer(text, "venue.conf", &err);
		assert_non_null(c);
		assert_int_equal(c->log_level, cases[i].level);
		conf_free(c);
	}
	expect_error("log_level = \"verbose\"\n" HEAD,
		     "venue.conf:1: log_level: \"verbose\" must be one of: error warning info debug");
}

/* snmp_version is decided at load: the collector compares no strings. */
static void test_snmp_version(void **s)
{
	char *err = NULL;
	struct conf *c = conf_load_buffer(HEAD "target \"d\" { address = \"x\" }\n"
					  "target \"one\" { address = \"x\" snmp_version = \"1\" }\n"
					  "target \"two\" { address = \"x\" snmp_version = \"2c\" }\n"
					  "target \"three\" { address = \"x\" snmp_version = \"3\"\n"
					  " user = \"u\" security_level = \"noAuthNoPriv\" }\n",
					  "venue.conf", &err);
	assert_non_null(c);
	assert_int_equal(c->targets[0].snmp_version, CONF_SNMP_V2C);
	assert_int_equal(c->targets[1].snmp_version, CONF_SNMP_V1);
	assert_int_equal(c->targets[2].snmp_version, CONF_SNMP_V2C);
	assert_int_equal(c->targets[3].snmp_version, CONF_SNMP_V3);
	assert_string_equal(conf_snmp_versions[c->targets[3].snmp_version], "3");
	conf_free(c);
}

static void test_missing_event_and_file(void **s)
{
	expect_error("room \"a\" { seats = 1 }\n", "venue.conf:1: event: an 'event");
	char *err = NULL;
	assert_null(conf_load("/nonexistent/headroom.conf", &err));
	assert_non_null(strstr(err, "/nonexistent/headroom.conf:0: cannot read config"));
	free(err);
}

static void test_secrets(void **s)
{
	char dir[] = "/tmp/hrconfXXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], conf[1024];
	snprintf(path, sizeof path, "%s/secrets.conf", dir);
	FILE *f = fopen(path, "w");
	fputs("secret \"wlc\" { value = \"s3cr3t-community\" }\n", f);
	fclose(f);
	chmod(path, 0600);
	snprintf(conf, sizeof conf, "secrets = \"%s\"\n" HEAD
		 "target \"t\" { address = \"127.0.0.1\" community = \"secret:wlc\" }\n"
		 "target \"u\" { address = \"127.0.0.1\" community = \"plain\" }\n", path);
	char *err = NULL;
	struct conf *c = conf_load_buffer(conf, "venue.conf", &err);
	assert_non_null(c);
	assert_string_equal(c->targets[0].community, "s3cr3t-community");
	assert_string_equal(c->targets[1].community, "plain");
	conf_free(c);

	snprintf(conf, sizeof conf, "secrets = \"%s\"\n" HEAD
		 "target \"t\" { address = \"x\" community = \"secret:other\" }\n", path);
	c = conf_load_buffer(conf, "venue.conf", &err);
	assert_null(c);
	assert_non_null(strstr(err, "venue.conf:4: community: secret 'other' is not in the secrets file"));
	/* The error names the secret, never a value. */
	assert_null(strstr(err, "s3cr3t"));
	free(err);

	/* a secrets file that cannot be read is said so, with the reader */
	snprintf(conf, sizeof conf, "secrets = \"%s/gone.conf\"\n" HEAD
		 "target \"t\" { address = \"x\" community = \"secret:wlc\" }\n", dir);
	c = conf_load_buffer(conf, "venue.conf", &err);
	assert_null(c);
	assert_non_null(strstr(err, "gone.conf:0: secrets: cannot read as uid "));
	assert_non_null(strstr(err, "venue.conf:4: community: secret 'wlc' is not in the secrets file (the secrets file could not be read)"));
	assert_null(strstr(err, "no 'secrets' file configured"));
	free(err);
	unlink(path);
	rmdir(dir);
}

/* An empty or short bearer token would open acks and silences to
 * anyone: refused, however it came to be empty. */
static void test_api_token(void **s)
{
	expect_error(HEAD "web {\n api_token = \"\"\n}\n", "venue.conf:4: api_token: is empty");
	expect_error(HEAD "web { api_token = \"short\" }\n", "venue.conf:3: api_token: is too short");
	unsetenv("HR_TEST_UNSET_TOKEN");
	expect_error(HEAD "web { api_token = \"${HR_TEST_UNSET_TOKEN}\" }\n",
		     "venue.conf:3: api_token: is empty");

	char dir[] = "/tmp/hrconfXXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], conf[1024];
	snprintf(path, sizeof path, "%s/secrets.conf", dir);
	FILE *f = fopen(path, "w");
	fputs("secret \"tok\" { value = \"\" }\n", f);
	fclose(f);
	chmod(path, 0600);
	snprintf(conf, sizeof conf, "secrets = \"%s\"\n" HEAD
		 "web { api_token = \"secret:tok\" }\n", path);
	expect_error(conf, "venue.conf:4: api_token: is empty");
	unlink(path);
	rmdir(dir);

	char *err = NULL;
	struct conf *c = conf_load_buffer(HEAD "web { api_token = \"twelve-chars\" }\n", "venue.conf", &err);
	assert_non_null(c);
	conf_free(c);
}

/* Run conf_load_buffer and return what it logged to stderr. */
static char *load_logging(const char *text, bool *ok)
{
	char path[] = "/tmp/hrconflogXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	char *err = NULL;
	struct conf *c = conf_load_buffer(text, "venue.conf", &err);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	*ok = c != NULL;
	conf_free(c);
	free(err);
	static char buf[8192];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return buf;
}

/* What libconfuse accepts but changes meaning is a warning: a key set
 * twice in a block, a block of a merged kind written twice. */
static void test_oddities_warn(void **s)
{
	bool ok;
	char *log = load_logging(HEAD "room \"b\" {\n seats = 4\n # seats = 7\n seats = 40\n}\n"
				 "alert \"client_drop\" { warn = 0.5 }\n"
				 "alert \"client_drop\" {\n warn = 0.7\n}\n"
				 "ap \"x\" { room = \"a\" name = \"seats = 3\" }\n", &ok);
	assert_true(ok);
	assert_non_null(strstr(log, "venue.conf:6: seats: set again (first on line 4); only this value counts"));
	assert_non_null(strstr(log, "venue.conf:9: alert: \"client_drop\" again: merged into the block on line 8"));
	assert_null(strstr(log, "line 5"));	/* a comment */
	assert_null(strstr(log, "venue.conf:11"));	/* a quoted "seats = 3" */
	log = load_logging(HEAD "room \"b\" { seats = 4 }\nroom \"c\" { seats = 4 }\n"
			   "web { listen += { \"127.0.0.1:1\" } listen += { \"127.0.0.1:2\" } }\n", &ok);
	assert_true(ok);
	assert_null(strstr(log, "again"));	/* other blocks, and appending */
}

/* One schedule room listed by two rooms counts for the first only. */
static void test_schedule_room_listed_twice_warns(void **s)
{
	bool ok;
	char *log = load_logging(HEAD "room \"b\" { seats = 4 schedule_room = { \"Aula\", \"Hall 2\" } }\n"
				 "room \"c\" {\n seats = 4\n schedule_room = { \"aula\", \"K*\" }\n}\n"
				 "room \"d\" { seats = 4 schedule_room = { \"K1\", \"k1\" } }\n", &ok);
	assert_true(ok);
	assert_non_null(strstr(log, "venue.conf:4: schedule_room: \"aula\" is also listed by room \"b\" "
				    "(line 3): its sessions count for \"b\" only"));
	assert_non_null(strstr(log, "venue.conf:8: schedule_room: room \"d\" lists \"k1\" twice"));
	assert_null(strstr(log, "hall 2"));
	log = load_logging(HEAD "room \"b\" { seats = 4 schedule_room = { \"K*\" } }\n"
			   "room \"c\" { seats = 4 schedule_room = { \"K*\", \"Kino\" } }\n", &ok);
	assert_true(ok);
	assert_null(strstr(log, "schedule_room"));	/* patterns may overlap */
}

/* Warnings stay on the conf for the dashboard, one line each. */
static void test_warnings_kept_on_the_conf(void **s)
{
	char *err = NULL;
	struct conf *c = conf_load_buffer(HEAD "room \"b\" {\n seats = 4\n seats = 5\n}\n"
					  "room \"c\" { seats = 4 schedule_room = { \"K1\", \"k1\" } }\n",
					  "venue.conf", &err);
	assert_non_null(c);
	assert_int_equal(c->n_warnings, 2);
	assert_string_equal(c->warnings,
			    "venue.conf:5: seats: set again (first on line 4); only this value counts\n"
			    "venue.conf:7: schedule_room: room \"c\" lists \"k1\" twice\n");
	conf_free(c);
	c = conf_load_buffer(HEAD, "venue.conf", &err);
	assert_non_null(c);
	assert_int_equal(c->n_warnings, 0);
	assert_null(c->warnings);
	conf_free(c);
}

/* threads fans out a live interface: on a file it is said to do nothing. */
static void test_capture_threads_on_a_file_warn(void **s)
{
	bool ok;
	char *log = load_logging(HEAD "capture \"f\" {\n file = \"/x.pcap\"\n threads = 4\n}\n", &ok);
	assert_true(ok);
	assert_non_null(strstr(log, "venue.conf:5: threads: capture \"f\" reads a file: only a live interface "
				    "fans out; ignored"));
	log = load_logging(HEAD "capture \"l\" { interface = \"lo\" threads = 4 link_mbps = 10000 }\n", &ok);
	assert_true(ok);
	assert_null(strstr(log, "threads"));
}

static void test_open_listener_warning(void **s)
{
	bool ok;
	char *log = load_logging(HEAD "web {\n listen = { \"0.0.0.0:8080\" }\n}\n", &ok);
	assert_true(ok);
	assert_non_null(strstr(log, "venue.conf:4: listen: \"0.0.0.0:8080\" is reachable beyond this host"));
	log = load_logging(HEAD "web { listen = { \"127.0.0.1:8080\", \"[::1]:8080\" } }\n", &ok);
	assert_true(ok);
	assert_null(strstr(log, "reachable"));
	log = load_logging(HEAD "web { listen = { \"*:8080\" } basic_auth_user = \"noc\"\n"
			   " basic_auth_password = \"pw\" }\n", &ok);
	assert_true(ok);
	assert_null(strstr(log, "reachable"));
}

static void test_defaults_and_example(void **s)
{
	char *err = NULL;
	struct conf *c = conf_load_buffer(HEAD, "venue.conf", &err);
	assert_non_null(c);
	assert_true(c->event.online_ratio == 0.9);
	assert_true(c->event.devices_per_attendee == 1.0);
	assert_true(c->event.kbps_per_device == 250);
	assert_int_equal(c->tick, 10);
	assert_int_equal(c->web.n_listen, 1);
	assert_string_equal(c->web.listen[0], "127.0.0.1:8080");
	conf_free(c);

	/* The shipped example must load as it is: it names secrets only in
	 * commented-out lines (a missing secret in a real config stays an
	 * error, see test_secrets). */
	char path[1024];
	snprintf(path, sizeof path, "%s/config/headroom.conf.example", SRCDIR);
	c = conf_load(path, &err);
	if (!c)
		fprintf(stderr, "%s", err);
	assert_non_null(c);
	assert_null(c->secrets_path);
	conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_negative_and_zero_capacities),
		cmocka_unit_test(test_ratios),
		cmocka_unit_test(test_wired),
		cmocka_unit_test(test_plausible_clients),
		cmocka_unit_test(test_bounds_and_nan),
		cmocka_unit_test(test_raw_text),
		cmocka_unit_test(test_public_url_default),
		cmocka_unit_test(test_dangling_references),
		cmocka_unit_test(test_lines_in_a_long_config),
		cmocka_unit_test(test_syntax_errors_name_a_field),
		cmocka_unit_test(test_oddities_warn),
		cmocka_unit_test(test_schedule_room_listed_twice_warns),
		cmocka_unit_test(test_warnings_kept_on_the_conf),
		cmocka_unit_test(test_values_checked_at_load),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_capture_threads_on_a_file_warn),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_log_level),
		cmocka_unit_test(test_snmp_version),
		cmocka_unit_test(test_missing_event_and_file),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_api_token),
		cmocka_unit_test(test_open_listener_warning),
		cmocka_unit_test(test_defaults_and_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
