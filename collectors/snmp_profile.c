/* Vendor profiles: load the data file that names the OIDs a target is walked for. */
#include "config.h"
#include "collectors/snmp_profile.h"
#include "base/util.h"

#include <confuse.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static cfg_opt_t ap_opts[] = {
	CFG_STR("name", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t radio_opts[] = {
	CFG_STR("clients", NULL, CFGF_NODEFAULT),
	CFG_STR("type", "gauge", CFGF_NONE),
	CFG_STR("band", NULL, CFGF_NODEFAULT),
	CFG_STR("band_from", "map", CFGF_NONE),
	CFG_STR_LIST("band_map", NULL, CFGF_NODEFAULT),
	CFG_STR("ap_name", NULL, CFGF_NODEFAULT),
	CFG_STR("ssid", NULL, CFGF_NODEFAULT),
	CFG_INT("index_extra_arcs", 1, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t ssid_opts[] = {
	CFG_STR("name", NULL, CFGF_NODEFAULT),
	CFG_STR("clients", NULL, CFGF_NODEFAULT),
	CFG_STR("type", "gauge", CFGF_NONE),
	CFG_END()
};

static cfg_opt_t scalar_opts[] = {
	CFG_STR("oid", NULL, CFGF_NODEFAULT),
	CFG_STR("type", "gauge", CFGF_NONE),
	CFG_END()
};

static cfg_opt_t profile_opts[] = {
	CFG_STR("description", "", CFGF_NONE),
	CFG_STR("mib", "", CFGF_NONE),
	CFG_SEC("ap", ap_opts, CFGF_NODEFAULT),
	CFG_SEC("radio", radio_opts, CFGF_NODEFAULT),
	CFG_SEC("ssid", ssid_opts, CFGF_NODEFAULT),
	CFG_SEC("scalar", scalar_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

/* libconfuse's error hook carries no user pointer; a parse runs on one
 * thread at a time, so the message buffer of that parse is kept here. */
static __thread char *parse_error;

static void on_confuse_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (parse_error)
		return;		/* the first problem is the useful one */
	parse_error = xasprintf("%s:%d: %s", cfg && cfg->filename ? cfg->filename : "?",
				cfg ? cfg->line : 0, msg);
}

const char *snmp_profile_dir(void)
{
	const char *env = getenv("HEADROOM_PROFILE_DIR");
	if (env && *env)
		return env;
	struct stat st;
	if (stat(PKGDATADIR "/profiles", &st) == 0 && S_ISDIR(st.st_mode))
		return PKGDATADIR "/profiles";
	return SRCDIR "/config/profiles";
}

int snmp_oid_parse(const char *text, struct snmp_oid *out)
{
	out->len = 0;
	const char *p = text;
	if (*p == '.')
		p++;
	while (*p) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(p, &end, 10);
		if (end == p || errno || v > 0xffffffffUL || out->len >= MAX_OID_LEN ||
		    (*end != '.' && *end != '\0') || *p == '-' || *p == '+')
			return -1;
		out->arcs[out->len++] = (oid)v;
		p = *end == '.' ? end + 1 : end;
		if (*end == '.' && *p == '\0')
			return -1;
	}
	return out->len >= 2 ? 0 : -1;
}

static int parse_vtype(const char *s, enum snmp_vtype *out)
{
	static const char *const numbers[] = { "counter", "gauge", "integer", "number" };
	for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++)
		if (strcmp(s, numbers[i]) == 0) {
			*out = SNMP_VT_NUMBER;
			return 0;
		}
	if (strcmp(s, "text") == 0) {
		*out = SNMP_VT_TEXT;
		return 0;
	}
	return -1;
}

static int parse_band(const char *s, enum snmp_band *out)
{
	if (strcmp(s, "2g4") == 0) *out = SNMP_BAND_2G4;
	else if (strcmp(s, "5g") == 0) *out = SNMP_BAND_5G;
	else if (strcmp(s, "6g") == 0) *out = SNMP_BAND_6G;
	else return -1;
	return 0;
}

const char *snmp_band_name(enum snmp_band b)
{
	switch (b) {
	case SNMP_BAND_2G4: return "2g4";
	case SNMP_BAND_5G: return "5g";
	case SNMP_BAND_6G: return "6g";
	default: return "unknown";
	}
}

struct loader {
	const char *file;
	char *err;
};

static void fail(struct loader *l, cfg_t *sec, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct loader *l, cfg_t *sec, const char *fmt, ...)
{
	if (l->err)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	l->err = xasprintf("%s:%d: %s", l->file, sec ? sec->line : 0, msg);
}

static void get_oid(struct loader *l, cfg_t *sec, const char *field, bool required,
		    struct snmp_oid *out)
{
	const char *s = cfg_getstr(sec, field);
	out->len = 0;
	if (!s) {
		if (required)
			fail(l, sec, "%s: missing (an OID such as \"1.3.6.1.2.1.1.5\")", field);
		return;
	}
	if (snmp_oid_parse(s, out) != 0)
		fail(l, sec, "%s: \"%s\" is not a numeric OID", field, s);
}

static void get_vtype(struct loader *l, cfg_t *sec, enum snmp_vtype *out)
{
	const char *s = cfg_getstr(sec, "type");
	if (parse_vtype(s, out) != 0)
		fail(l, sec, "type: \"%s\" is not one of counter, gauge, integer, text", s);
}

static void load_band_map(struct loader *l, cfg_t *sec, struct snmp_profile *p)
{
	const char *from = cfg_getstr(sec, "band_from");
	if (strcmp(from, "mhz") == 0)
		p->band_from_mhz = true;
	else if (strcmp(from, "map") != 0)
		fail(l, sec, "band_from: \"%s\" is not \"map\" or \"mhz\"", from);
	p->n_band_map = cfg_size(sec, "band_map");
	p->band_map = xcalloc(p->n_band_map ? p->n_band_map : 1, sizeof *p->band_map);
	for (size_t i = 0; i < p->n_band_map; i++) {
		const char *rule = cfg_getnstr(sec, "band_map", (unsigned)i);
		const char *eq = strrchr(rule, '=');
		if (!eq || eq == rule || parse_band(eq + 1, &p->band_map[i].band) != 0) {
			fail(l, sec, "band_map: \"%s\" is not VALUE=2g4|5g|6g", rule);
			p->band_map[i].value = xstrdup("");
			continue;
		}
		p->band_map[i].value = xasprintf("%.*s", (int)(eq - rule), rule);
	}
	if (p->radio_band.len && !p->band_from_mhz && p->n_band_map == 0)
		fail(l, sec, "band_map: a band column needs band_map entries or band_from = \"mhz\"");
}

static void load_radio(struct loader *l, cfg_t *sec, struct snmp_profile *p)
{
	p->has_radio = true;
	get_oid(l, sec, "clients", true, &p->radio_clients);
	get_vtype(l, sec, &p->radio_type);
	get_oid(l, sec, "band", false, &p->radio_band);
	get_oid(l, sec, "ap_name", false, &p->radio_ap_name);
	get_oid(l, sec, "ssid", false, &p->radio_ssid);
	p->index_extra_arcs = cfg_getint(sec, "index_extra_arcs");
	if (p->index_extra_arcs < 0 || p->index_extra_arcs > 16)
		fail(l, sec, "index_extra_arcs: %ld is outside 0..16", p->index_extra_arcs);
	load_band_map(l, sec, p);
}

static void load_scalars(struct loader *l, cfg_t *root, struct snmp_profile *p)
{
	p->n_scalars = cfg_size(root, "scalar");
	p->scalars = xcalloc(p->n_scalars ? p->n_scalars : 1, sizeof *p->scalars);
	for (size_t i = 0; i < p->n_scalars; i++) {
		cfg_t *sec = cfg_getnsec(root, "scalar", (unsigned)i);
		p->scalars[i].metric = xstrdup(cfg_title(sec));
		get_oid(l, sec, "oid", true, &p->scalars[i].oid);
		get_vtype(l, sec, &p->scalars[i].type);
	}
}

static void load_sections(struct loader *l, cfg_t *root, struct snmp_profile *p)
{
	p->description = xstrdup(cfg_getstr(root, "description"));
	if (cfg_size(root, "ap"))
		get_oid(l, cfg_getsec(root, "ap"), "name", true, &p->ap_name);
	if (cfg_size(root, "radio"))
		load_radio(l, cfg_getsec(root, "radio"), p);
	if (cfg_size(root, "ssid")) {
		cfg_t *sec = cfg_getsec(root, "ssid");
		get_oid(l, sec, "name", true, &p->ssid_name);
		get_oid(l, sec, "clients", true, &p->ssid_clients);
		get_vtype(l, sec, &p->ssid_type);
	}
	load_scalars(l, root, p);
	if (p->ap_name.len && !p->has_radio)
		fail(l, NULL, "ap: an AP table needs a radio table with the client counts");
}

static bool valid_name(const char *name)
{
	if (!*name || strlen(name) > 64)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			return false;
	return true;
}

struct snmp_profile *snmp_profile_load(const char *dir, const char *name, char **err)
{
	*err = NULL;
	if (!valid_name(name)) {
		*err = xasprintf("profile \"%s\": names are lower-case letters, digits, '-' and '_'", name);
		return NULL;
	}
	char *path = xasprintf("%s/%s.conf", dir ? dir : snmp_profile_dir(), name);
	cfg_t *root = cfg_init(profile_opts, CFGF_NONE);
	cfg_set_error_function(root, on_confuse_error);
	parse_error = NULL;
	int rc = cfg_parse(root, path);
	if (rc != CFG_SUCCESS) {
		if (rc == CFG_FILE_ERROR)
			*err = xasprintf("%s: cannot read profile \"%s\": %s", path, name, strerror(errno));
		else
			*err = parse_error ? parse_error : xasprintf("%s: parse error", path);
		if (rc == CFG_FILE_ERROR)
			free(parse_error);
		parse_error = NULL;
		cfg_free(root);
		free(path);
		return NULL;
	}
	struct snmp_profile *p = xcalloc(1, sizeof *p);
	p->name = xstrdup(name);
	struct loader l = { .file = path, .err = NULL };
	load_sections(&l, root, p);
	cfg_free(root);
	free(path);
	if (l.err) {
		*err = l.err;
		snmp_profile_free(p);
		return NULL;
	}
	return p;
}

void snmp_profile_free(struct snmp_profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->description);
	for (size_t i = 0; i < p->n_band_map; i++)
		free(p->band_map[i].value);
	free(p->band_map);
	for (size_t i = 0; i < p->n_scalars; i++)
		free(p->scalars[i].metric);
	free(p->scalars);
	free(p);
}

enum snmp_band snmp_profile_band(const struct snmp_profile *p, const char *value)
{
	if (p->band_from_mhz) {
		char *end;
		long mhz = strtol(value, &end, 10);
		if (end == value)
			return SNMP_BAND_UNKNOWN;
		if (mhz >= 2400 && mhz < 2500)
			return SNMP_BAND_2G4;
		if (mhz >= 4900 && mhz < 5925)
			return SNMP_BAND_5G;
		if (mhz >= 5925 && mhz <= 7125)
			return SNMP_BAND_6G;
		return SNMP_BAND_UNKNOWN;
	}
	for (size_t i = 0; i < p->n_band_map; i++)
		if (strcasecmp(p->band_map[i].value, value) == 0)
			return p->band_map[i].band;
	return SNMP_BAND_UNKNOWN;
}
