/* Vendor profiles: parse the data files and compile them into walk tables and joins. */
#include "config.h"
#include "collectors/snmp_profile.h"
#include "base/util.h"

#include <confuse.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_PARTS 8
#define MAX_TABLES 32
#define MAX_COLUMNS 256

static cfg_opt_t detect_opts[] = {
	CFG_STR_LIST("sysobjectid", NULL, CFGF_NODEFAULT),
	CFG_STR("sysdescr", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("exists", NULL, CFGF_NODEFAULT),
	CFG_STR("device", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t scalar_opts[] = {
	CFG_STR_LIST("oid", NULL, CFGF_NODEFAULT),
	CFG_FLOAT("divisor", 1, CFGF_NONE),
	CFG_FLOAT("multiplier", 1, CFGF_NONE),
	CFG_STR("unit", "", CFGF_NONE),
	CFG_END()
};

static cfg_opt_t table_opts[] = {
	CFG_STR("oid", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("index", NULL, CFGF_NODEFAULT),
	CFG_STR("rows", NULL, CFGF_NODEFAULT),
	CFG_STR("alternative", NULL, CFGF_NODEFAULT),
	CFG_STR("match", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("name", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("ap", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("ssid", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("band", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("radio", NULL, CFGF_NODEFAULT),
	CFG_STR("clients", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("clients_band", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("utilization", NULL, CFGF_NODEFAULT),
	CFG_STR("noise", NULL, CFGF_NODEFAULT),
	CFG_STR("channel", NULL, CFGF_NODEFAULT),
	CFG_STR("frequency", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("skip", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("only", NULL, CFGF_NODEFAULT),
	CFG_STR("band_from", "map", CFGF_NONE),
	CFG_STR_LIST("band_map", NULL, CFGF_NODEFAULT),
	CFG_STR("unknown_band", "radio", CFGF_NONE),
	CFG_FLOAT("divisor", 1, CFGF_NONE),
	CFG_FLOAT("multiplier", 1, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t profile_opts[] = {
	CFG_STR("description", "", CFGF_NONE),
	CFG_STR("mib", "", CFGF_NONE),
	CFG_STR("device", "controller", CFGF_NONE),
	CFG_STR("total", "none", CFGF_NONE),
	CFG_SEC("detect", detect_opts, CFGF_MULTI),
	CFG_SEC("scalar", scalar_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("table", table_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
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

/* ---- small parsers ---- */

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
	return out->len >= 1 ? 0 : -1;
}

void snmp_oid_format(const oid *arcs, size_t len, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < len && off + 1 < size; i++) {
		int n = snprintf(buf + off, size - off, i ? ".%lu" : "%lu", (unsigned long)arcs[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

bool snmp_text_number(const char *s, double *out)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static const char *const band_names[SNMP_BANDS] = { "unk", "2g4", "5g", "6g", "3g5", "60g" };

const char *snmp_band_name(enum snmp_band b)
{
	return b < SNMP_BANDS ? band_names[b] : "unk";
}

static int parse_band_token(const char *s, enum snmp_band *out)
{
	for (int b = 0; b < SNMP_BANDS; b++)
		if (strcmp(s, band_names[b]) == 0) {
			*out = (enum snmp_band)b;
			return 0;
		}
	return -1;
}

enum snmp_band snmp_band_parse(const char *token)
{
	enum snmp_band b;
	return parse_band_token(token, &b) == 0 ? b : SNMP_BAND_UNKNOWN;
}

enum snmp_band snmp_band_of_mhz(double mhz)
{
	if (mhz >= 2400 && mhz < 2500)
		return SNMP_BAND_2G4;
	if (mhz >= 3300 && mhz < 3900)
		return SNMP_BAND_3G5;
	if (mhz >= 4900 && mhz < 5925)
		return SNMP_BAND_5G;
	if (mhz >= 5925 && mhz <= 7125)
		return SNMP_BAND_6G;
	if (mhz >= 57000 && mhz <= 71000)
		return SNMP_BAND_60G;
	return SNMP_BAND_UNKNOWN;
}

enum snmp_band snmp_band_of_channel(long ch)
{
	if (ch >= 1 && ch <= 14)
		return SNMP_BAND_2G4;
	if (ch >= 32 && ch <= 196)
		return SNMP_BAND_5G;
	return SNMP_BAND_UNKNOWN;
}

static enum snmp_band band_by(enum snmp_band_from from, const struct snmp_band_rule *map,
			      size_t n_map, const char *value)
{
	for (size_t i = 0; i < n_map; i++)
		if (fnmatch(map[i].glob, value, FNM_CASEFOLD) == 0)
			return map[i].band;
	double v;
	if (from == SNMP_BAND_FROM_MAP || !snmp_text_number(value, &v))
		return SNMP_BAND_UNKNOWN;
	switch (from) {
	case SNMP_BAND_FROM_MHZ: return snmp_band_of_mhz(v);
	case SNMP_BAND_FROM_KHZ: return snmp_band_of_mhz(v / 1000);
	case SNMP_BAND_FROM_CHANNEL: return snmp_band_of_channel((long)v);
	default: return SNMP_BAND_UNKNOWN;
	}
}

enum snmp_band snmp_table_band(const struct snmp_table *t, const char *value)
{
	return band_by(t->band_from, t->band_map, t->n_band_map, value);
}

enum snmp_band snmp_table_band_ref(const struct snmp_table *t, size_t i, const char *value)
{
	const struct snmp_band_how *h = i < t->band.n ? &t->band_how[i] : NULL;
	if (!h || !h->own)
		return snmp_table_band(t, value);
	return band_by(h->from, h->map, h->n_map, value);
}

/* ---- the loader ---- */

struct loader {
	const char *file;
	char *text;			/* the file, to find a field's line */
	char *err;
	struct snmp_profile *p;
};

static void fail(struct loader *l, int line, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct loader *l, int line, const char *field, const char *fmt, ...)
{
	if (l->err)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	l->err = field ? xasprintf("%s:%d: %s: %s", l->file, line, field, msg)
		       : xasprintf("%s:%d: %s", l->file, line, msg);
}

/* The line of `field` inside the block that starts on line `from`: the
 * first line at or after it whose first word is the field. */
static int field_line(const struct loader *l, int from, const char *field)
{
	if (!l->text || from <= 0)
		return from;
	const char *p = l->text;
	int line = 1;
	size_t flen = strlen(field);
	while (*p) {
		if (line >= from) {
			const char *q = p;
			while (*q == ' ' || *q == '\t' || *q == '{')
				q++;
			if (strncmp(q, field, flen) == 0 && !isalnum((unsigned char)q[flen]) &&
			    q[flen] != '_')
				return line;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
		line++;
	}
	return from;
}

/* The line a block opens on: the nth line whose first word is its kind
 * (and, for titled blocks, followed by its title). libconfuse only keeps
 * the line a block ends on. */
static int block_start(const struct loader *l, const char *kind, const char *title, unsigned nth)
{
	size_t klen = strlen(kind);
	int line = 1;
	for (const char *p = l->text; p && *p; line++) {
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, kind, klen) == 0 && (q[klen] == ' ' || q[klen] == '\t' || q[klen] == '{')) {
			q += klen;
			while (*q == ' ' || *q == '\t')
				q++;
			bool titled = title && *q == '"' && strncmp(q + 1, title, strlen(title)) == 0 &&
				      q[1 + strlen(title)] == '"';
			if ((title ? titled : *q == '{') && nth-- == 0)
				return line;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static int sec_line_nth(const struct loader *l, cfg_t *sec, unsigned nth)
{
	int line = block_start(l, cfg_name(sec), cfg_title(sec), nth);
	return line ? line : sec->line;
}

static int sec_line(const struct loader *l, cfg_t *sec)
{
	return sec_line_nth(l, sec, 0);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A string index value as arcs: a length arc unless implied. */
static int encode_text(const char *s, bool implied, oid *arcs, size_t max)
{
	size_t len = strlen(s), n = 0;
	if (len + 1 > max)
		return -1;
	if (!implied)
		arcs[n++] = (oid)len;
	for (size_t i = 0; i < len; i++)
		arcs[n++] = (unsigned char)s[i];
	return (int)n;
}

/* "1.3.6...", "1.3.6...[text]" or "sysObjectID.1.3": an OID for a scalar,
 * a table or a probe. */
static int parse_oid_spec(const char *text, struct snmp_oid *out, bool *rel, bool allow_rel)
{
	*rel = false;
	char buf[512];
	strlcpy_hr(buf, text, sizeof buf);
	char *key = strchr(buf, '[');
	if (key) {
		char *close = strrchr(key, ']');
		if (!close || close[1] != '\0')
			return -1;
		*key++ = '\0';
		*close = '\0';
	}
	const char *arcs = buf;
	if (strncmp(buf, "sysObjectID", 11) == 0) {
		if (!allow_rel || (buf[11] != '.' && buf[11] != '\0'))
			return -1;
		*rel = true;
		arcs = buf[11] ? buf + 12 : "";
		out->len = 0;
		if (*arcs && snmp_oid_parse(arcs, out) != 0)
			return -1;
	} else if (snmp_oid_parse(arcs, out) != 0 || out->len < 2) {
		return -1;
	}
	if (key) {
		int n = encode_text(key, false, out->arcs + out->len, MAX_OID_LEN - out->len);
		if (n < 0)
			return -1;
		out->len += (size_t)n;
	}
	return 0;
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

/* ---- tables: index parts ---- */

static int parse_part(const char *spec, struct snmp_part *out)
{
	char buf[80];
	strlcpy_hr(buf, spec, sizeof buf);
	char *colon = strchr(buf, ':');
	const char *type = "int";
	if (colon) {
		*colon = '\0';
		type = colon + 1;
	}
	if (!buf[0] || (!isalpha((unsigned char)buf[0]) && buf[0] != '_'))
		return -1;
	for (const char *c = buf; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return -1;
	static const struct { const char *name; enum snmp_part_type type; } types[] = {
		{ "int", SNMP_PART_INT }, { "ifindex", SNMP_PART_IFINDEX }, { "mac", SNMP_PART_MAC },
		{ "ipv4", SNMP_PART_IPV4 }, { "string", SNMP_PART_STRING },
		{ "implied", SNMP_PART_IMPLIED }, { "rest", SNMP_PART_REST },
	};
	out->arcs = 0;
	bool found = false;
	for (size_t i = 0; i < sizeof types / sizeof *types && !found; i++)
		if (strcmp(type, types[i].name) == 0) {
			out->type = types[i].type;
			found = true;
		}
	if (!found) {
		char *end;
		long n = strtol(type, &end, 10);
		if (end == type || *end || n < 1 || n > 32)
			return -1;
		out->type = SNMP_PART_FIXED;
		out->arcs = (int)n;
	}
	out->name = xstrdup(buf);
	return 0;
}

static int find_part(const struct snmp_table *t, const char *name)
{
	for (int i = 0; i < t->n_parts; i++)
		if (strcmp(t->parts[i].name, name) == 0)
			return i;
	return -1;
}

static void load_index(struct loader *l, cfg_t *sec, struct snmp_table *t)
{
	unsigned n = cfg_size(sec, "index");
	int line = field_line(l, sec_line(l, sec), "index");
	t->parts = xcalloc(n ? n : 1, sizeof *t->parts);
	if (n == 0) {
		t->parts[0].name = xstrdup("index");
		t->parts[0].type = SNMP_PART_REST;
		t->n_parts = 1;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *spec = cfg_getnstr(sec, "index", i);
		if (n > MAX_PARTS || parse_part(spec, &t->parts[t->n_parts]) != 0) {
			fail(l, line, "index", "\"%s\" is not NAME or NAME:TYPE (int, ifindex, mac, "
			     "ipv4, string, implied, rest or a number of arcs; at most %d parts)",
			     spec, MAX_PARTS);
			return;
		}
		enum snmp_part_type ty = t->parts[t->n_parts].type;
		if ((ty == SNMP_PART_REST || ty == SNMP_PART_IMPLIED) && i + 1 != n)
			fail(l, line, "index", "\"%s\": only the last part may take the rest", spec);
		if (find_part(t, t->parts[t->n_parts].name) >= 0)
			fail(l, line, "index", "\"%s\": two parts of one name", spec);
		t->n_parts++;
	}
	t->ap_part = find_part(t, "ap");
	t->radio_part = find_part(t, "radio");
	t->string_part = -1;
	for (int i = 0; i < t->n_parts; i++)
		if (t->parts[i].type == SNMP_PART_STRING || t->parts[i].type == SNMP_PART_IMPLIED)
			t->string_part = i;
}

/* ---- references ---- */

static int find_table(const struct snmp_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_tables; i++)
		if (strcmp(p->tables[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int add_column(struct loader *l, int line, const char *field, const struct snmp_oid *o,
		      bool rel, int table, const char *source)
{
	struct snmp_profile *p = l->p;
	for (size_t i = 0; i < p->n_columns; i++) {
		struct snmp_column *c = &p->columns[i];
		if (c->table == table && c->rel_sysobjectid == rel &&
		    netsnmp_oid_equals(c->oid.arcs, c->oid.len, o->arcs, o->len) == 0)
			return (int)i;
	}
	if (p->n_columns >= MAX_COLUMNS) {
		fail(l, line, field, "more than %d columns", MAX_COLUMNS);
		return -1;
	}
	p->columns = xrealloc(p->columns, (p->n_columns + 1) * sizeof *p->columns);
	struct snmp_column *c = &p->columns[p->n_columns];
	c->oid = *o;
	c->rel_sysobjectid = rel;
	c->table = table;
	c->source = xstrdup(source);
	return (int)p->n_columns++;
}

/* "col" or "col.sub" under table t's entry. */
static int table_column(struct loader *l, int line, const char *field, int t,
			const char *col, const char *source)
{
	struct snmp_oid rel;
	const struct snmp_table *tab = &l->p->tables[t];
	if (snmp_oid_parse(col, &rel) != 0 || tab->oid.len + rel.len > MAX_OID_LEN) {
		fail(l, line, field, "\"%s\": \"%s\" is not a column number", source, col);
		return -1;
	}
	struct snmp_oid o = tab->oid;
	memcpy(o.arcs + o.len, rel.arcs, rel.len * sizeof(oid));
	o.len += rel.len;
	(void)source;
	return add_column(l, line, field, &o, tab->rel_sysobjectid, t, col);
}

static enum snmp_key_enc token_enc(const struct snmp_table *target, int i, const char *text)
{
	if (!target) {		/* an undeclared column: numbers are arcs, text a string */
		bool digits = *text != '\0';
		for (const char *c = text; *c; c++)
			digits &= isdigit((unsigned char)*c) != 0;
		return digits ? SNMP_ENC_NUMBER : SNMP_ENC_STRING;
	}
	if (i >= target->n_parts)
		return SNMP_ENC_NUMBER;
	switch (target->parts[i].type) {
	case SNMP_PART_STRING: return SNMP_ENC_STRING;
	case SNMP_PART_IMPLIED: return SNMP_ENC_IMPLIED;
	default: return SNMP_ENC_NUMBER;
	}
}

/* "$a.$b", "text-$*", "text.$part": one token per part of the target. */
static void parse_key(struct loader *l, int line, const char *field, const struct snmp_table *row,
		      const struct snmp_table *target, const char *key, struct snmp_ref *r)
{
	char buf[256];
	strlcpy_hr(buf, key, sizeof buf);
	r->key = SNMP_KEY_TEMPLATE;
	r->tokens = xcalloc(SNMP_KEY_PARTS, sizeof *r->tokens);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
		if (r->n_tokens >= SNMP_KEY_PARTS) {
			fail(l, line, field, "[%s]: more than %d key parts", key, SNMP_KEY_PARTS);
			return;
		}
		struct snmp_key_token *k = &r->tokens[r->n_tokens];
		k->part = -1;
		if (tok[0] == '$' && tok[1] != '*' && find_part(row, tok + 1) >= 0) {
			k->part = find_part(row, tok + 1);
		} else {
			k->text = xstrdup(tok);
			k->enc = token_enc(target, r->n_tokens, tok);
		}
		r->n_tokens++;
		for (const char *d = strchr(tok, '$'); d; d = strchr(d + 1, '$')) {
			char name[64];
			size_t n = 0;
			if (d[1] == '*') {
				if (!row->match)
					fail(l, line, field, "[%s]: $* needs `match`", key);
				continue;
			}
			while ((isalnum((unsigned char)d[1 + n]) || d[1 + n] == '_') && n + 1 < sizeof name) {
				name[n] = d[1 + n];
				n++;
			}
			name[n] = '\0';
			if (find_part(row, name) < 0)
				fail(l, line, field, "[%s]: \"$%s\" is not an index part of table %s", key,
				     name, row->name);
		}
	}
}

/* Join row table `row` to table `target` on the parts they name alike. */
static void join_parts(struct loader *l, int line, const char *field, const struct snmp_table *row,
		       const struct snmp_table *target, struct snmp_ref *r)
{
	if (row == target) {
		r->key = SNMP_KEY_SAME;
		return;
	}
	r->key = SNMP_KEY_PARTS_JOIN;
	for (int i = 0; i < target->n_parts; i++) {
		int part = find_part(row, target->parts[i].name);
		if (part < 0 || row->parts[part].type != target->parts[i].type ||
		    row->parts[part].arcs != target->parts[i].arcs) {
			fail(l, line, field, "\"%s\": table %s has no index part \"%s\" of table %s's "
			     "type to join on (give the key as [$part...])", r->source, row->name,
			     target->parts[i].name, target->name);
			return;
		}
		r->key_parts[r->n_key_parts++] = part;
	}
}

static int ifindex_part(const struct snmp_table *t)
{
	for (int i = 0; i < t->n_parts; i++)
		if (t->parts[i].type == SNMP_PART_IFINDEX)
			return i;
	return -1;
}

static bool parse_ifmib(struct loader *l, int line, const char *field, const struct snmp_table *row,
			const char *what, const char *key, struct snmp_ref *r)
{
	static const char *const names[] = { "ifName", "ifDescr", "ifAlias" };
	for (int i = 0; i < 3; i++) {
		if (strcmp(what, names[i]) != 0)
			continue;
		r->kind = SNMP_REF_IFMIB;
		r->column = i;
		l->p->needs_ifmib = true;
		if (key) {
			parse_key(l, line, field, row, NULL, key, r);
			if (r->n_tokens != 1 || r->tokens[0].part < 0)
				fail(l, line, field, "\"%s\": the key is one ifindex part, [$part]",
				     r->source);
			return true;
		}
		int part = ifindex_part(row);
		if (part < 0) {
			fail(l, line, field, "\"%s\": table %s has no ifindex part", r->source, row->name);
			return true;
		}
		r->key = SNMP_KEY_PARTS_JOIN;
		r->key_parts[0] = part;
		r->n_key_parts = 1;
		return true;
	}
	return false;
}

static int count_arcs(const char *s)
{
	int n = 1;
	for (; *s; s++)
		n += *s == '.';
	return n;
}

/* Split "REF[KEY]" in place; *key is NULL without a key. */
static int split_key(char *buf, char **key)
{
	*key = strchr(buf, '[');
	if (!*key)
		return 0;
	char *close = strrchr(*key, ']');
	if (!close || close[1] != '\0' || close == *key + 1)
		return -1;
	*(*key)++ = '\0';
	*close = '\0';
	return 0;
}

static void parse_part_ref(struct loader *l, int line, const char *field,
			   const struct snmp_table *row, const char *name, struct snmp_ref *r)
{
	if (strcmp(name, "*") == 0) {
		r->kind = SNMP_REF_CAPTURE;
		if (!row->match)
			fail(l, line, field, "\"%s\": $* needs `match`", r->source);
		return;
	}
	r->kind = SNMP_REF_PART;
	r->part = find_part(row, name);
	if (r->part < 0)
		fail(l, line, field, "\"%s\": table %s has no index part \"%s\"", r->source,
		     row->name, name);
}

static void parse_ref(struct loader *l, int line, const char *field, int row_table,
		      const char *text, struct snmp_ref *r)
{
	memset(r, 0, sizeof *r);
	r->source = xstrdup(text);
	const struct snmp_table *row = &l->p->tables[row_table];
	char buf[512], *key;
	strlcpy_hr(buf, text, sizeof buf);
	if (split_key(buf, &key) != 0) {
		fail(l, line, field, "\"%s\": a key is written [...] at the end", text);
		return;
	}
	if (buf[0] == '$') {
		if (key)
			fail(l, line, field, "\"%s\": an index part takes no key", text);
		parse_part_ref(l, line, field, row, buf + 1, r);
		return;
	}
	r->kind = SNMP_REF_COLUMN;
	int target = row_table;
	const char *col = buf;
	if (isalpha((unsigned char)buf[0])) {
		char *dot = strchr(buf, '.');
		if (!dot && parse_ifmib(l, line, field, row, buf, key, r))
			return;
		if (dot)
			*dot = '\0';
		target = dot ? find_table(l->p, buf) : -1;
		if (target < 0) {
			fail(l, line, field, "\"%s\": not a column, $part, TABLE.column or ifName", text);
			return;
		}
		col = dot + 1;
	}
	const struct snmp_table *tt = &l->p->tables[target];
	if (count_arcs(col) >= 5 && target == row_table) {
		struct snmp_oid o;		/* an undeclared column indexed like this table */
		if (snmp_oid_parse(col, &o) != 0) {
			fail(l, line, field, "\"%s\" is not a numeric OID", text);
			return;
		}
		r->column = add_column(l, line, field, &o, false, row_table, col);
	} else {
		r->column = table_column(l, line, field, target, col, text);
	}
	if (key)
		parse_key(l, line, field, row, tt, key, r);
	else
		join_parts(l, line, field, row, tt, r);
}

static void parse_refs(struct loader *l, cfg_t *sec, int t, const char *field, struct snmp_refs *out)
{
	unsigned n = cfg_size(sec, field);
	int line = field_line(l, sec_line(l, sec), field);
	out->v = xcalloc(n ? n : 1, sizeof *out->v);
	for (unsigned i = 0; i < n; i++)
		parse_ref(l, line, field, t, cfg_getnstr(sec, field, i), &out->v[out->n++]);
}

/* { "REF" } or { "NAME=REF" }: named values (utilization variants, band columns). */
static void parse_variants(struct loader *l, cfg_t *sec, int t, const char *field, bool need_name,
			   struct snmp_variant **out, size_t *n_out)
{
	unsigned n = cfg_size(sec, field);
	int line = field_line(l, sec_line(l, sec), field);
	*out = xcalloc(n ? n : 1, sizeof **out);
	*n_out = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *s = cfg_getnstr(sec, field, i);
		const char *eq = strchr(s, '=');
		struct snmp_variant *v = &(*out)[(*n_out)++];
		if (eq && (eq == s || strchr(eq + 1, '='))) {
			fail(l, line, field, "\"%s\" is not NAME=REFERENCE", s);
			continue;
		}
		if (!eq && need_name) {
			fail(l, line, field, "\"%s\": give the band, as in \"5g=3\"", s);
			continue;
		}
		v->name = eq ? xasprintf("%.*s", (int)(eq - s), s) : NULL;
		parse_ref(l, line, field, t, eq ? eq + 1 : s, &v->ref);
		enum snmp_band b;
		if (need_name && v->name && (parse_band_token(v->name, &b) != 0 || b == SNMP_BAND_UNKNOWN))
			fail(l, line, field, "\"%s\": %s is not 2g4, 5g, 6g, 3g5 or 60g", s, v->name);
	}
}

static void parse_filters(struct loader *l, cfg_t *sec, int t, struct snmp_table *tab)
{
	static const char *const fields[] = { "skip", "only" };
	size_t total = cfg_size(sec, "skip") + cfg_size(sec, "only");
	tab->filters = xcalloc(total ? total : 1, sizeof *tab->filters);
	for (int k = 0; k < 2; k++) {
		int line = field_line(l, sec_line(l, sec), fields[k]);
		for (unsigned i = 0; i < cfg_size(sec, fields[k]); i++) {
			const char *s = cfg_getnstr(sec, fields[k], i);
			const char *eq = strchr(s, '=');
			if (!eq || eq == s) {
				fail(l, line, fields[k], "\"%s\" is not REFERENCE=GLOB", s);
				continue;
			}
			struct snmp_filter *f = &tab->filters[tab->n_filters++];
			char *ref = xasprintf("%.*s", (int)(eq - s), s);
			parse_ref(l, line, fields[k], t, ref, &f->ref);
			free(ref);
			f->glob = xstrdup(eq + 1);
			f->keep = k == 1;
		}
	}
}

static int parse_band_from(const char *s, enum snmp_band_from *out)
{
	static const char *const froms[] = { "map", "mhz", "khz", "channel" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, froms[i]) == 0) {
			*out = (enum snmp_band_from)i;
			return 0;
		}
	return -1;
}

/* "GLOB=BAND" into r; -1 when it is not one. */
static int parse_band_rule(const char *rule, struct snmp_band_rule *r)
{
	const char *eq = strrchr(rule, '=');
	if (!eq || eq == rule || parse_band_token(eq + 1, &r->band) != 0)
		return -1;
	r->glob = xasprintf("%.*s", (int)(eq - rule), rule);
	return 0;
}

/* A band entry's own rules, the words after ": ": a conversion and globs. */
static void parse_band_how(struct loader *l, int line, const char *entry, const char *rules,
			   struct snmp_band_how *h)
{
	char buf[512];
	strlcpy_hr(buf, rules, sizeof buf);
	h->own = true;
	h->from = SNMP_BAND_FROM_MAP;
	h->map = xcalloc(16, sizeof *h->map);
	char *save = NULL;
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (parse_band_from(w, &h->from) == 0)
			continue;
		if (h->n_map >= 16 || parse_band_rule(w, &h->map[h->n_map]) != 0) {
			fail(l, line, "band", "\"%s\": \"%s\" is not mhz, khz, channel or "
			     "VALUE=2g4|5g|6g|3g5|60g|unk", entry, w);
			return;
		}
		h->n_map++;
	}
}

/* band = { "REF", "REF: RULES" }: references, each with optional rules. */
static void parse_bands(struct loader *l, cfg_t *sec, int ti, struct snmp_table *t)
{
	unsigned n = cfg_size(sec, "band");
	int line = field_line(l, sec_line(l, sec), "band");
	t->band.v = xcalloc(n ? n : 1, sizeof *t->band.v);
	t->band_how = xcalloc(n ? n : 1, sizeof *t->band_how);
	for (unsigned i = 0; i < n; i++) {
		const char *entry = cfg_getnstr(sec, "band", i);
		const char *colon = strstr(entry, ": ");
		char *ref = colon ? xasprintf("%.*s", (int)(colon - entry), entry) : xstrdup(entry);
		parse_ref(l, line, "band", ti, ref, &t->band.v[t->band.n]);
		if (colon)
			parse_band_how(l, line, entry, colon + 2, &t->band_how[t->band.n]);
		t->band.n++;
		free(ref);
	}
}

static void parse_band_rules(struct loader *l, cfg_t *sec, struct snmp_table *t)
{
	const char *from = cfg_getstr(sec, "band_from");
	if (parse_band_from(from, &t->band_from) != 0)
		fail(l, field_line(l, sec_line(l, sec), "band_from"), "band_from",
		     "\"%s\" is not map, mhz, khz or channel", from);
	unsigned n = cfg_size(sec, "band_map");
	int line = field_line(l, sec_line(l, sec), "band_map");
	t->band_map = xcalloc(n ? n : 1, sizeof *t->band_map);
	for (unsigned i = 0; i < n; i++) {
		const char *rule = cfg_getnstr(sec, "band_map", i);
		struct snmp_band_rule *r = &t->band_map[t->n_band_map++];
		if (parse_band_rule(rule, r) != 0) {
			fail(l, line, "band_map", "\"%s\" is not VALUE=2g4|5g|6g|3g5|60g|unk", rule);
			r->glob = xstrdup("");
		}
	}
	const char *unk = cfg_getstr(sec, "unknown_band");
	t->unknown_band_vap = strcmp(unk, "vap") == 0;
	if (!t->unknown_band_vap && strcmp(unk, "radio") != 0)
		fail(l, field_line(l, sec_line(l, sec), "unknown_band"), "unknown_band",
		     "\"%s\" is not radio or vap", unk);
	bool ruled = t->band_from != SNMP_BAND_FROM_MAP || t->n_band_map;
	for (size_t i = 0; i < t->band.n && !ruled; i++)
		ruled = t->band_how[i].own;
	if (t->band.n && !ruled)
		fail(l, field_line(l, sec_line(l, sec), "band"), "band",
		     "a band needs band_map entries or band_from = mhz, khz or channel");
}

/* ---- tables: the first pass (name, oid, index) and the second (fields) ---- */

static void table_head(struct loader *l, cfg_t *sec, struct snmp_table *t)
{
	t->name = xstrdup(cfg_title(sec));
	t->line = sec_line(l, sec);
	if (!valid_name(t->name) || !isalpha((unsigned char)t->name[0]))
		fail(l, t->line, "table", "\"%s\": names are a letter, then letters, digits, '-', '_'",
		     t->name);
	const char *oid_text = cfg_getstr(sec, "oid");
	if (!oid_text)
		fail(l, t->line, "oid", "missing (the table entry, as \"1.3.6.1.4.1.X.1.1\")");
	else if (parse_oid_spec(oid_text, &t->oid, &t->rel_sysobjectid, true) != 0 ||
		 strchr(oid_text, '['))
		fail(l, field_line(l, t->line, "oid"), "oid", "\"%s\" is not a numeric OID", oid_text);
	load_index(l, sec, t);
	static const char *const rows[] = { "ap", "radio", "vap", "ssid", "station" };
	const char *r = cfg_getstr(sec, "rows");
	bool ok = false;
	for (int i = 0; r && i < 5; i++)
		if (strcmp(r, rows[i]) == 0) {
			t->rows = (enum snmp_rows)i;
			ok = true;
		}
	if (!ok)
		fail(l, field_line(l, t->line, "rows"), "rows",
		     "\"%s\" is not ap, radio, vap, ssid or station", r ? r : "");
	const char *match = cfg_getstr(sec, "match");
	t->match = match ? xstrdup(match) : NULL;
	const char *alt = cfg_getstr(sec, "alternative");
	t->alternative = alt ? xstrdup(alt) : NULL;
	t->divisor = cfg_getfloat(sec, "divisor");
	t->multiplier = cfg_getfloat(sec, "multiplier");
	if (t->divisor == 0 || !isfinite(t->divisor) || !isfinite(t->multiplier))
		fail(l, field_line(l, t->line, "divisor"), "divisor", "must be a finite number, not 0");
}

static void add_driver(struct snmp_table *t, const struct snmp_ref *r, int self)
{
	if (r->kind != SNMP_REF_COLUMN || r->key != SNMP_KEY_SAME || r->column < 0)
		return;
	for (size_t i = 0; i < t->n_drivers; i++)
		if (t->drivers[i] == r->column)
			return;
	t->drivers = xrealloc(t->drivers, (t->n_drivers + 1) * sizeof *t->drivers);
	t->drivers[t->n_drivers++] = r->column;
	(void)self;
}

static void add_refs_drivers(struct snmp_table *t, const struct snmp_refs *r, int self)
{
	for (size_t i = 0; i < r->n; i++)
		add_driver(t, &r->v[i], self);
}

/* Rows come from the first answering column, most telling first. */
static void table_drivers(struct snmp_table *t, int self)
{
	if (t->has_clients)
		add_driver(t, &t->clients, self);
	for (size_t i = 0; i < t->n_clients_band; i++)
		add_driver(t, &t->clients_band[i].ref, self);
	for (size_t i = 0; i < t->n_utilization; i++)
		add_driver(t, &t->utilization[i].ref, self);
	add_refs_drivers(t, &t->label, self);
	add_refs_drivers(t, &t->ssid, self);
	add_refs_drivers(t, &t->band, self);
	add_refs_drivers(t, &t->radio, self);
	add_refs_drivers(t, &t->ap, self);
}

static void table_checks(struct loader *l, cfg_t *sec, struct snmp_table *t)
{
	int line = t->line;
	if (t->has_clients && t->n_clients_band)
		fail(l, field_line(l, line, "clients_band"), "clients_band",
		     "give clients or clients_band, not both");
	if (t->rows == SNMP_ROWS_STATION && (t->has_clients || t->n_clients_band))
		fail(l, field_line(l, line, "clients"), "clients",
		     "station rows are counted: drop clients");
	if ((t->rows == SNMP_ROWS_RADIO || t->rows == SNMP_ROWS_VAP) && !t->has_clients &&
	    !t->n_clients_band && !t->n_utilization)
		fail(l, line, "table", "%s: radio and vap rows need clients or utilization", t->name);
	if (t->rows == SNMP_ROWS_AP && !t->label.n && !t->has_clients && !t->n_clients_band)
		fail(l, line, "table", "%s: ap rows need a name or clients", t->name);
	if (t->match && t->string_part < 0)
		fail(l, field_line(l, line, "match"), "match", "needs a string or implied index part");
	if (t->alternative && !t->has_clients && !t->n_clients_band && t->rows != SNMP_ROWS_STATION)
		fail(l, field_line(l, line, "alternative"), "alternative",
		     "alternatives are sources of client counts: give clients");
	if (t->n_drivers == 0)
		fail(l, line, "table", "%s: no column of its own to read rows from", t->name);
	(void)sec;
}

/* A radio's noise floor and channel: figures beside its load, never a
 * source of rows, so they do not drive the walk. */
static void radio_extras(struct loader *l, cfg_t *sec, int ti, struct snmp_table *t)
{
	static const char *const fields[] = { "noise", "channel", "frequency" };
	struct snmp_ref *refs[] = { &t->noise, &t->channel, &t->frequency };
	bool *has[] = { &t->has_noise, &t->has_channel, &t->has_frequency };
	for (size_t i = 0; i < 3; i++) {
		const char *v = cfg_getstr(sec, fields[i]);
		if (!v)
			continue;
		if (t->rows != SNMP_ROWS_RADIO && t->rows != SNMP_ROWS_VAP) {
			fail(l, field_line(l, t->line, fields[i]), fields[i],
			     "only radio and vap rows have a noise floor, channel or frequency");
			continue;
		}
		parse_ref(l, field_line(l, t->line, fields[i]), fields[i], ti, v, refs[i]);
		*has[i] = true;
	}
}

static void table_body(struct loader *l, cfg_t *sec, int ti)
{
	struct snmp_table *t = &l->p->tables[ti];
	parse_refs(l, sec, ti, "name", &t->label);
	parse_refs(l, sec, ti, "ap", &t->ap);
	parse_refs(l, sec, ti, "ssid", &t->ssid);
	parse_bands(l, sec, ti, t);
	parse_refs(l, sec, ti, "radio", &t->radio);
	const char *clients = cfg_getstr(sec, "clients");
	if (clients) {
		parse_ref(l, field_line(l, t->line, "clients"), "clients", ti, clients, &t->clients);
		t->has_clients = true;
	}
	parse_variants(l, sec, ti, "clients_band", true, &t->clients_band, &t->n_clients_band);
	parse_variants(l, sec, ti, "utilization", false, &t->utilization, &t->n_utilization);
	radio_extras(l, sec, ti, t);
	parse_filters(l, sec, ti, t);
	parse_band_rules(l, sec, t);
	table_drivers(t, ti);
	table_checks(l, sec, t);
}

static void mark_ref(struct snmp_profile *p, int self, const struct snmp_ref *r)
{
	if (r->kind == SNMP_REF_COLUMN && r->column >= 0 && p->columns[r->column].table != self)
		p->tables[p->columns[r->column].table].referenced = true;
}

static void mark_refs(struct snmp_profile *p, int self, const struct snmp_refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		mark_ref(p, self, &r->v[i]);
}

/* The columns each table's walk reads (its own, and undeclared columns
 * referenced from it), and which tables others read from. */
static void table_columns(struct snmp_profile *p)
{
	for (size_t c = 0; c < p->n_columns; c++) {
		struct snmp_table *t = &p->tables[p->columns[c].table];
		t->columns = xrealloc(t->columns, (t->n_columns + 1) * sizeof *t->columns);
		t->columns[t->n_columns++] = (int)c;
	}
	for (size_t i = 0; i < p->n_tables; i++) {
		const struct snmp_table *t = &p->tables[i];
		int self = (int)i;
		mark_refs(p, self, &t->label);
		mark_refs(p, self, &t->ap);
		mark_refs(p, self, &t->ssid);
		mark_refs(p, self, &t->band);
		mark_refs(p, self, &t->radio);
		if (t->has_clients)
			mark_ref(p, self, &t->clients);
		for (size_t k = 0; k < t->n_clients_band; k++)
			mark_ref(p, self, &t->clients_band[k].ref);
		for (size_t k = 0; k < t->n_utilization; k++)
			mark_ref(p, self, &t->utilization[k].ref);
		if (t->has_noise)
			mark_ref(p, self, &t->noise);
		if (t->has_channel)
			mark_ref(p, self, &t->channel);
		if (t->has_frequency)
			mark_ref(p, self, &t->frequency);
		for (size_t k = 0; k < t->n_filters; k++)
			mark_ref(p, self, &t->filters[k].ref);
	}
}

static void load_tables(struct loader *l, cfg_t *root)
{
	struct snmp_profile *p = l->p;
	unsigned n = cfg_size(root, "table");
	if (n > MAX_TABLES) {
		fail(l, 0, "table", "more than %d tables", MAX_TABLES);
		return;
	}
	p->tables = xcalloc(n ? n : 1, sizeof *p->tables);
	for (unsigned i = 0; i < n; i++)
		table_head(l, cfg_getnsec(root, "table", i), &p->tables[p->n_tables++]);
	for (unsigned i = 0; i < n && !l->err; i++)
		table_body(l, cfg_getnsec(root, "table", i), (int)i);
	if (!l->err)
		table_columns(p);
}

/* ---- scalars, detect rules, the file ---- */

static int scalar_kind(const char *title, enum snmp_scalar_kind *kind, char **variant)
{
	static const struct { const char *name; enum snmp_scalar_kind kind; bool variants; } kinds[] = {
		{ "clients", SNMP_SCALAR_CLIENTS, false }, { "aps", SNMP_SCALAR_APS, true },
		{ "frequency", SNMP_SCALAR_FREQUENCY, false },
		{ "channel", SNMP_SCALAR_CHANNEL, false },
		{ "utilization", SNMP_SCALAR_UTILIZATION, true },
	};
	const char *hash = strchr(title, '#');
	size_t len = hash ? (size_t)(hash - title) : strlen(title);
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		if (strlen(kinds[i].name) != len || strncmp(kinds[i].name, title, len) != 0)
			continue;
		if (hash && (!kinds[i].variants || !hash[1]))
			return -1;
		*kind = kinds[i].kind;
		*variant = hash ? xstrdup(hash + 1) : NULL;
		return 0;
	}
	return -1;
}

static void load_scalar(struct loader *l, cfg_t *sec, struct snmp_scalar *s)
{
	int line = sec_line(l, sec);
	s->title = xstrdup(cfg_title(sec));
	if (scalar_kind(s->title, &s->kind, &s->variant) != 0)
		fail(l, line, "scalar", "\"%s\" is not clients, aps, aps#VARIANT, frequency, channel, "
		     "utilization or utilization#VARIANT", s->title);
	unsigned n = cfg_size(sec, "oid");
	if (n == 0)
		fail(l, line, "oid", "missing (the object, as \"1.3.6.1.4.1.X.1.0\")");
	s->oids = xcalloc(n ? n : 1, sizeof *s->oids);
	s->rel_sysobjectid = xcalloc(n ? n : 1, sizeof *s->rel_sysobjectid);
	for (unsigned i = 0; i < n; i++) {
		const char *text = cfg_getnstr(sec, "oid", i);
		if (parse_oid_spec(text, &s->oids[i], &s->rel_sysobjectid[i], true) != 0)
			fail(l, field_line(l, line, "oid"), "oid", "\"%s\" is not a numeric OID", text);
		s->n_oids++;
	}
	s->divisor = cfg_getfloat(sec, "divisor");
	s->multiplier = cfg_getfloat(sec, "multiplier");
	if (s->divisor == 0 || !isfinite(s->divisor) || !isfinite(s->multiplier))
		fail(l, field_line(l, line, "divisor"), "divisor", "must be a finite number, not 0");
	const char *unit = cfg_getstr(sec, "unit");
	s->khz = strcmp(unit, "khz") == 0;
	if (!s->khz && unit[0] && strcmp(unit, "mhz") != 0)
		fail(l, field_line(l, line, "unit"), "unit", "\"%s\" is not mhz or khz", unit);
	if (s->kind == SNMP_SCALAR_CLIENTS || s->kind == SNMP_SCALAR_APS)
		l->p->has_clients |= s->kind == SNMP_SCALAR_CLIENTS;
}

static int parse_device(const char *s)
{
	if (strcmp(s, "ap") == 0)
		return 1;
	if (strcmp(s, "controller") == 0)
		return 0;
	return -1;
}

static void load_detect(struct loader *l, cfg_t *sec, unsigned nth, struct snmp_detect *d)
{
	int line = sec_line_nth(l, sec, nth);
	unsigned n = cfg_size(sec, "sysobjectid");
	d->prefixes = xcalloc(n ? n : 1, sizeof *d->prefixes);
	for (unsigned i = 0; i < n; i++) {
		const char *text = cfg_getnstr(sec, "sysobjectid", i);
		if (snmp_oid_parse(text, &d->prefixes[d->n_prefixes++]) != 0)
			fail(l, field_line(l, line, "sysobjectid"), "sysobjectid",
			     "\"%s\" is not a numeric OID", text);
	}
	const char *re = cfg_getstr(sec, "sysdescr");
	if (re) {
		d->sysdescr = xstrdup(re);
		if (regcomp(&d->sysdescr_re, re, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
			fail(l, field_line(l, line, "sysdescr"), "sysdescr",
			     "\"%s\" is not an extended regular expression", re);
		else
			d->has_re = true;
	}
	n = cfg_size(sec, "exists");
	d->exists = xcalloc(n ? n : 1, sizeof *d->exists);
	d->exists_text = xcalloc(n ? n : 1, sizeof *d->exists_text);
	for (unsigned i = 0; i < n; i++) {
		const char *text = cfg_getnstr(sec, "exists", i);
		bool rel;
		d->exists_text[d->n_exists] = xstrdup(text);
		if (parse_oid_spec(text, &d->exists[d->n_exists++], &rel, false) != 0)
			fail(l, field_line(l, line, "exists"), "exists", "\"%s\" is not a numeric OID",
			     text);
	}
	const char *dev = cfg_getstr(sec, "device");
	d->device_ap = dev ? parse_device(dev) : -1;
	if (dev && d->device_ap < 0)
		fail(l, field_line(l, line, "device"), "device", "\"%s\" is not ap or controller", dev);
	if (!d->n_prefixes && !d->has_re && !d->n_exists && !l->err)
		fail(l, line, "detect", "give sysobjectid, sysdescr or exists");
}

static void load_profile(struct loader *l, cfg_t *root)
{
	struct snmp_profile *p = l->p;
	p->description = xstrdup(cfg_getstr(root, "description"));
	int dev = parse_device(cfg_getstr(root, "device"));
	if (dev < 0)
		fail(l, field_line(l, 1, "device"), "device", "\"%s\" is not ap or controller",
		     cfg_getstr(root, "device"));
	p->device_ap = dev == 1;
	static const char *const totals[] = { "none", "ssid", "radio", "ap", "station" };
	const char *total = cfg_getstr(root, "total");
	bool ok = false;
	for (int i = 0; i < 5; i++)
		if (strcmp(total, totals[i]) == 0) {
			p->total = (enum snmp_total)i;
			ok = true;
		}
	if (!ok)
		fail(l, field_line(l, 1, "total"), "total", "\"%s\" is not ssid, radio, ap or station",
		     total);
	p->n_detect = cfg_size(root, "detect");
	p->detect = xcalloc(p->n_detect ? p->n_detect : 1, sizeof *p->detect);
	for (size_t i = 0; i < p->n_detect; i++)
		load_detect(l, cfg_getnsec(root, "detect", (unsigned)i), (unsigned)i, &p->detect[i]);
	p->n_scalars = cfg_size(root, "scalar");
	p->scalars = xcalloc(p->n_scalars ? p->n_scalars : 1, sizeof *p->scalars);
	for (size_t i = 0; i < p->n_scalars; i++)
		load_scalar(l, cfg_getnsec(root, "scalar", (unsigned)i), &p->scalars[i]);
	load_tables(l, root);
	for (size_t i = 0; i < p->n_tables; i++) {
		const struct snmp_table *t = &p->tables[i];
		p->has_clients |= t->has_clients || t->n_clients_band || t->rows == SNMP_ROWS_STATION;
	}
	if (p->total == SNMP_TOTAL_STATION) {
		bool station = false;
		for (size_t i = 0; i < p->n_tables; i++)
			station |= p->tables[i].rows == SNMP_ROWS_STATION;
		if (!station)
			fail(l, field_line(l, 1, "total"), "total", "station: no rows = \"station\" table");
	}
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
	struct loader l = { .file = path, .text = read_text(path), .err = NULL, .p = p };
	load_profile(&l, root);
	cfg_free(root);
	free(l.text);
	free(path);
	if (l.err) {
		*err = l.err;
		snmp_profile_free(p);
		return NULL;
	}
	return p;
}

static void ref_free(struct snmp_ref *r)
{
	free(r->source);
	for (int i = 0; i < r->n_tokens; i++)
		free(r->tokens[i].text);
	free(r->tokens);
}

static void refs_free(struct snmp_refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		ref_free(&r->v[i]);
	free(r->v);
}

static void variants_free(struct snmp_variant *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		ref_free(&v[i].ref);
	}
	free(v);
}

static void table_free(struct snmp_table *t)
{
	free(t->name);
	for (int i = 0; i < t->n_parts; i++)
		free(t->parts[i].name);
	free(t->parts);
	free(t->alternative);
	free(t->match);
	refs_free(&t->label);
	refs_free(&t->ap);
	refs_free(&t->ssid);
	refs_free(&t->band);
	refs_free(&t->radio);
	ref_free(&t->clients);
	ref_free(&t->noise);
	ref_free(&t->channel);
	ref_free(&t->frequency);
	variants_free(t->clients_band, t->n_clients_band);
	variants_free(t->utilization, t->n_utilization);
	for (size_t i = 0; i < t->n_filters; i++) {
		ref_free(&t->filters[i].ref);
		free(t->filters[i].glob);
	}
	free(t->filters);
	for (size_t i = 0; i < t->n_band_map; i++)
		free(t->band_map[i].glob);
	free(t->band_map);
	for (size_t i = 0; t->band_how && i < t->band.n; i++) {
		for (size_t k = 0; k < t->band_how[i].n_map; k++)
			free(t->band_how[i].map[k].glob);
		free(t->band_how[i].map);
	}
	free(t->band_how);
	free(t->columns);
	free(t->drivers);
}

void snmp_profile_free(struct snmp_profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->description);
	for (size_t i = 0; i < p->n_detect; i++) {
		struct snmp_detect *d = &p->detect[i];
		free(d->prefixes);
		free(d->sysdescr);
		if (d->has_re)
			regfree(&d->sysdescr_re);
		for (size_t e = 0; e < d->n_exists; e++)
			free(d->exists_text[e]);
		free(d->exists_text);
		free(d->exists);
	}
	free(p->detect);
	for (size_t i = 0; i < p->n_scalars; i++) {
		free(p->scalars[i].title);
		free(p->scalars[i].variant);
		free(p->scalars[i].oids);
		free(p->scalars[i].rel_sysobjectid);
	}
	free(p->scalars);
	for (size_t i = 0; p->tables && i < p->n_tables; i++)
		table_free(&p->tables[i]);
	free(p->tables);
	for (size_t i = 0; i < p->n_columns; i++)
		free(p->columns[i].source);
	free(p->columns);
	free(p);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct snmp_profile **snmp_profile_load_all(const char *dir, size_t *n, char **errors)
{
	*n = 0;
	*errors = NULL;
	if (!dir)
		dir = snmp_profile_dir();
	DIR *d = opendir(dir);
	if (!d) {
		*errors = xasprintf("%s: %s\n", dir, strerror(errno));
		return NULL;
	}
	char **names = NULL;
	size_t count = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len <= 5 || strcmp(e->d_name + len - 5, ".conf") != 0)
			continue;
		names = xrealloc(names, (count + 1) * sizeof *names);
		names[count++] = xasprintf("%.*s", (int)(len - 5), e->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof *names, compare_names);
	struct snmp_profile **v = xcalloc(count ? count : 1, sizeof *v);
	for (size_t i = 0; i < count; i++) {
		char *err = NULL;
		struct snmp_profile *p = snmp_profile_load(dir, names[i], &err);
		if (p) {
			v[(*n)++] = p;
		} else {
			char *prev = *errors;
			*errors = xasprintf("%s%s\n", prev ? prev : "", err);
			free(prev);
			free(err);
		}
		free(names[i]);
	}
	free(names);
	return v;
}

void snmp_profile_free_all(struct snmp_profile **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snmp_profile_free(v[i]);
	free(v);
}

/* ---- choosing a profile ---- */

/* The longest of the rule's prefixes that the sysObjectID starts with;
 * 0 for a rule without prefixes, -1 when none matches. */
static int prefix_match(const struct snmp_detect *d, const struct snmp_device *dev)
{
	if (d->n_prefixes == 0)
		return 0;
	int best = -1;
	for (size_t i = 0; i < d->n_prefixes; i++) {
		const struct snmp_oid *o = &d->prefixes[i];
		if (dev->sysobjectid_len >= o->len && (int)o->len > best &&
		    netsnmp_oid_is_subtree(o->arcs, o->len, dev->sysobjectid, dev->sysobjectid_len) == 0)
			best = (int)o->len;
	}
	return best;
}

static bool descr_match(const struct snmp_detect *d, const struct snmp_device *dev)
{
	return !d->has_re || regexec(&d->sysdescr_re, dev->sysdescr ? dev->sysdescr : "", 0, NULL, 0) == 0;
}

size_t snmp_profile_probes(struct snmp_profile *const *v, size_t n,
			   const struct snmp_device *dev, struct snmp_oid *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < v[i]->n_detect; r++) {
			const struct snmp_detect *d = &v[i]->detect[r];
			if (prefix_match(d, dev) < 0 || !descr_match(d, dev))
				continue;
			for (size_t e = 0; e < d->n_exists; e++) {
				bool dup = false;
				for (size_t j = 0; j < k && !dup; j++)
					dup = netsnmp_oid_equals(out[j].arcs, out[j].len, d->exists[e].arcs,
								 d->exists[e].len) == 0;
				if (!dup && k < max)
					out[k++] = d->exists[e];
			}
		}
	return k;
}

static bool rule_holds(const struct snmp_detect *d, const struct snmp_device *dev,
		       snmp_probe_fn probe, void *ctx, int *plen)
{
	*plen = prefix_match(d, dev);
	if (*plen < 0 || !descr_match(d, dev))
		return false;
	for (size_t e = 0; e < d->n_exists; e++)
		if (!probe || !probe(ctx, &d->exists[e]))
			return false;
	return true;
}

static void explain(const struct snmp_profile *p, const struct snmp_detect *d,
		    const struct snmp_device *dev, int plen, char *buf, size_t size)
{
	char o[256] = "", part[300];
	size_t off = (size_t)snprintf(buf, size, "%s:", p->name);
	if (plen > 0) {
		snmp_oid_format(dev->sysobjectid, (size_t)plen, o, sizeof o);
		snprintf(part, sizeof part, " sysObjectID %s (longest prefix)", o);
		off += (size_t)snprintf(buf + (off < size ? off : size), off < size ? size - off : 0,
					"%s", part);
	}
	if (d->has_re)
		off += (size_t)snprintf(buf + (off < size ? off : size), off < size ? size - off : 0,
					"%s sysDescr matches \"%s\"", plen > 0 ? "," : "", d->sysdescr);
	for (size_t e = 0; e < d->n_exists; e++)
		off += (size_t)snprintf(buf + (off < size ? off : size), off < size ? size - off : 0,
					"%s %s answers", plen > 0 || d->has_re || e ? "," : "",
					d->exists_text[e]);
}

int snmp_profile_choose(struct snmp_profile *const *v, size_t n, const struct snmp_device *dev,
			snmp_probe_fn probe, void *ctx, bool *device_ap, char *reason,
			size_t reason_size)
{
	int best = -1, best_len = -1, best_conds = -1;
	const struct snmp_detect *rule = NULL;
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < v[i]->n_detect; r++) {
			const struct snmp_detect *d = &v[i]->detect[r];
			int plen;
			if (!rule_holds(d, dev, probe, ctx, &plen))
				continue;
			int conds = (d->n_prefixes > 0) + d->has_re + (int)d->n_exists;
			if (plen > best_len || (plen == best_len && conds > best_conds)) {
				best = (int)i;
				best_len = plen;
				best_conds = conds;
				rule = d;
			}
		}
	if (best < 0) {
		char o[256] = "?";
		if (dev->sysobjectid_len)
			snmp_oid_format(dev->sysobjectid, dev->sysobjectid_len, o, sizeof o);
		snprintf(reason, reason_size, "no profile matches sysObjectID %s", o);
		return -1;
	}
	*device_ap = rule->device_ap >= 0 ? rule->device_ap == 1 : v[best]->device_ap;
	explain(v[best], rule, dev, best_len, reason, reason_size);
	return best;
}

bool snmp_profile_device_ap(const struct snmp_profile *p, const struct snmp_device *dev)
{
	for (size_t r = 0; r < p->n_detect; r++) {
		const struct snmp_detect *d = &p->detect[r];
		if (d->device_ap >= 0 && d->n_prefixes && prefix_match(d, dev) > 0 && descr_match(d, dev))
			return d->device_ap == 1;
	}
	return p->device_ap;
}
