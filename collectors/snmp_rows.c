/* Profile rows: decode indexes, join columns and add up APs, radios, SSIDs and totals. */
#include "config.h"
#include "collectors/snmp_rows.h"
#include "base/util.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#define MAX_PARTS 8
#define KEY_MAX (SNMP_MAX_INDEX + 8)

/* ---- cells ---- */

bool snmp_cell_missing(const struct snmp_cell *c)
{
	return !c || c->type == SNMP_NOSUCHOBJECT || c->type == SNMP_NOSUCHINSTANCE ||
	       c->type == SNMP_ENDOFMIBVIEW || c->type == ASN_NULL;
}

bool snmp_cell_number(const struct snmp_cell *c, double *out)
{
	switch (c->type) {
	case ASN_INTEGER:
		*out = c->negative ? -(double)c->num : (double)c->num;
		return true;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
	case ASN_COUNTER64:
		*out = (double)c->num;
		return true;
	case ASN_OCTET_STR:
		return c->text && snmp_text_number(c->text, out);
	default:
		return false;
	}
}

void snmp_cell_text(const struct snmp_cell *c, char *buf, size_t size)
{
	if (c->type == ASN_OCTET_STR && c->text)
		strlcpy_hr(buf, c->text, size);
	else if (c->type == ASN_INTEGER || c->type == ASN_COUNTER || c->type == ASN_GAUGE ||
		 c->type == ASN_TIMETICKS || c->type == ASN_COUNTER64)
		snprintf(buf, size, "%s%llu", c->negative ? "-" : "", (unsigned long long)c->num);
	else
		buf[0] = '\0';
}

static int idx_compare(const oid *a, size_t alen, const oid *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

const struct snmp_cell *snmp_walk_find(const struct snmp_walk *w, const oid *idx, size_t len)
{
	size_t lo = 0, hi = w->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = idx_compare(w->cells[mid].idx, w->cells[mid].idx_len, idx, len);
		if (cmp == 0)
			return &w->cells[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- a string -> index map (open addressing) ---- */

struct strmap {
	char **keys;
	size_t *vals;
	size_t cap, used;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t strmap_slot(const struct strmap *m, const char *key)
{
	size_t i = (size_t)(str_hash(key) & (m->cap - 1));
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	if (!m->cap)
		return false;
	size_t i = strmap_slot(m, key);
	if (!m->keys[i])
		return false;
	*val = m->vals[i];
	return true;
}

static void strmap_put(struct strmap *m, const char *key, size_t val)
{
	if ((m->used + 1) * 4 >= m->cap * 3) {
		struct strmap n = { 0 };
		n.cap = m->cap ? m->cap * 2 : 64;
		n.keys = xcalloc(n.cap, sizeof *n.keys);
		n.vals = xcalloc(n.cap, sizeof *n.vals);
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t s = strmap_slot(&n, m->keys[i]);
				n.keys[s] = m->keys[i];
				n.vals[s] = m->vals[i];
			}
		n.used = m->used;
		free(m->keys);
		free(m->vals);
		*m = n;
	}
	size_t i = strmap_slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = xstrdup(key);
		m->used++;
	}
	m->vals[i] = val;
}

static void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
}

/* ---- the work of one build ---- */

struct ap_rec {
	struct snmp_ap_row out;
	bool named;
	bool listed;			/* a row of an ap table */
	bool has_direct;		/* an ap table gave its clients */
	double direct;
	bool has_rows;			/* radio, vap or station rows counted */
	double rows;
};

struct radio_rec {
	size_t ap;
	enum snmp_band band;
	int table;
	char ident[SNMP_TEXT_MAX];
	char name[SNMP_TEXT_MAX];
	bool vap;
	bool has_clients;
	double clients;
	struct snmp_util util[SNMP_MAX_VARIANTS];
	size_t n_util;
	bool has_noise, has_channel, has_frequency;
	double noise, channel, frequency;
};

struct ssid_rec {
	struct snmp_ssid_row out;
	char index[64];			/* table rows: to tell same-named WLANs apart */
	int table;
};

struct build {
	const struct snmp_values *v;
	const char *self_name;
	snmp_rows_error_fn error;
	void *ctx;
	unsigned errors;

	struct ap_rec *aps;
	size_t n_aps, cap_aps;
	struct strmap ap_keys;
	struct radio_rec *radios;
	size_t n_radios, cap_radios;
	struct strmap radio_keys;
	struct ssid_rec *wlans;		/* rows of ssid tables with clients */
	size_t n_wlans, cap_wlans;
	struct ssid_rec *derived;	/* sums of row SSIDs, and listed SSIDs */
	size_t n_derived, cap_derived;
	struct strmap derived_keys;
	double stations;
	bool station_table;
	bool tables_answered;		/* the device speaks this profile's MIB */
	bool vap_counts;		/* radio clients are sums of VAP rows */
	bool ap_table;			/* an ap table answered */
};

static void report(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(struct build *b, const char *fmt, ...)
{
	b->errors++;
	if (!b->error)
		return;
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	b->error(b->ctx, msg);
}

static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(v, *cap * size);
}

/* ---- a decoded row ---- */

struct row {
	const struct snmp_table *t;
	int ti;
	const struct snmp_cell *cell;
	int driver;			/* the column the row came from */
	size_t off[MAX_PARTS], len[MAX_PARTS];
	char capture[SNMP_TEXT_MAX];
};

static size_t part_width(const struct snmp_part *p, const oid *idx, size_t pos, size_t len)
{
	size_t left = len - pos;
	switch (p->type) {
	case SNMP_PART_INT:
	case SNMP_PART_IFINDEX:
		return left >= 1 ? 1 : 0;
	case SNMP_PART_MAC:
		return left >= 6 ? 6 : 0;
	case SNMP_PART_IPV4:
		return left >= 4 ? 4 : 0;
	case SNMP_PART_FIXED:
		return left >= (size_t)p->arcs ? (size_t)p->arcs : 0;
	case SNMP_PART_STRING:
		return left >= 1 && idx[pos] < left ? 1 + (size_t)idx[pos] : 0;
	default:
		return left;
	}
}

static bool octets(const oid *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] > 255)
			return false;
	return true;
}

static bool decode(struct row *r)
{
	const struct snmp_cell *c = r->cell;
	size_t pos = 0;
	for (int i = 0; i < r->t->n_parts; i++) {
		const struct snmp_part *p = &r->t->parts[i];
		size_t w = part_width(p, c->idx, pos, c->idx_len);
		if (w == 0)
			return false;
		bool text = p->type == SNMP_PART_STRING || p->type == SNMP_PART_IMPLIED;
		if ((text || p->type == SNMP_PART_MAC || p->type == SNMP_PART_IPV4) &&
		    !octets(c->idx + pos + (p->type == SNMP_PART_STRING), w - (p->type == SNMP_PART_STRING)))
			return false;
		r->off[i] = pos;
		r->len[i] = w;
		pos += w;
	}
	return pos == c->idx_len;
}

static void arcs_text(const oid *a, size_t n, char *buf, size_t size)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < size; i++)
		buf[k++] = isprint((int)a[i]) ? (char)a[i] : '?';
	buf[k] = '\0';
}

static void render_part(const struct row *r, int part, char *buf, size_t size)
{
	const oid *a = r->cell->idx + r->off[part];
	size_t n = r->len[part];
	switch (r->t->parts[part].type) {
	case SNMP_PART_INT:
		snprintf(buf, size, "%lu", (unsigned long)a[0]);
		break;
	case SNMP_PART_IFINDEX:
		snprintf(buf, size, "if%lu", (unsigned long)a[0]);
		break;
	case SNMP_PART_MAC:
		snprintf(buf, size, "%02lx:%02lx:%02lx:%02lx:%02lx:%02lx", (unsigned long)a[0],
			 (unsigned long)a[1], (unsigned long)a[2], (unsigned long)a[3],
			 (unsigned long)a[4], (unsigned long)a[5]);
		break;
	case SNMP_PART_STRING:
		arcs_text(a + 1, n - 1, buf, size);
		break;
	case SNMP_PART_IMPLIED:
		arcs_text(a, n, buf, size);
		break;
	default:
		snmp_oid_format(a, n, buf, size);
		break;
	}
}

/* Every part but the AP's, for a radio's identity and default name. */
static void render_rest(const struct row *r, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; i < r->t->n_parts && off + 1 < size; i++) {
		if (i == r->t->ap_part)
			continue;
		char part[SNMP_TEXT_MAX];
		render_part(r, i, part, sizeof part);
		int n = snprintf(buf + off, size - off, "%s%s", off ? "." : "", part);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/* ---- references ---- */

static size_t template_text(const struct row *r, const char *tpl, char *buf, size_t size)
{
	size_t k = 0;
	for (const char *s = tpl; *s && k + 1 < size;) {
		if (*s != '$') {
			buf[k++] = *s++;
			continue;
		}
		char val[SNMP_TEXT_MAX] = "";
		if (s[1] == '*') {
			strlcpy_hr(val, r->capture, sizeof val);
			s += 2;
		} else {
			char name[64];
			size_t n = 0;
			for (s++; (isalnum((unsigned char)*s) || *s == '_') && n + 1 < sizeof name; s++)
				name[n++] = *s;
			name[n] = '\0';
			for (int i = 0; i < r->t->n_parts; i++)
				if (strcmp(r->t->parts[i].name, name) == 0)
					render_part(r, i, val, sizeof val);
		}
		for (const char *c = val; *c && k + 1 < size; c++)
			buf[k++] = *c;
	}
	buf[k] = '\0';
	return k;
}

/* The key a reference looks its cell up by; 0 when it cannot be built. */
static size_t ref_key(const struct row *r, const struct snmp_ref *ref, oid *key)
{
	size_t n = 0;
	if (ref->key == SNMP_KEY_PARTS_JOIN) {
		for (int i = 0; i < ref->n_key_parts; i++) {
			int part = ref->key_parts[i];
			if (n + r->len[part] > KEY_MAX)
				return 0;
			memcpy(key + n, r->cell->idx + r->off[part], r->len[part] * sizeof(oid));
			n += r->len[part];
		}
		return n;
	}
	for (int i = 0; i < ref->n_tokens; i++) {
		const struct snmp_key_token *k = &ref->tokens[i];
		if (k->part >= 0) {
			if (n + r->len[k->part] > KEY_MAX)
				return 0;
			memcpy(key + n, r->cell->idx + r->off[k->part], r->len[k->part] * sizeof(oid));
			n += r->len[k->part];
			continue;
		}
		char text[SNMP_TEXT_MAX];
		size_t len = template_text(r, k->text, text, sizeof text);
		if (k->enc == SNMP_ENC_NUMBER) {
			double v;
			if (n + 1 > KEY_MAX || !snmp_text_number(text, &v) || v < 0 || v > 4294967295.0)
				return 0;
			key[n++] = (oid)v;
			continue;
		}
		if (n + len + 1 > KEY_MAX)
			return 0;
		if (k->enc == SNMP_ENC_STRING)
			key[n++] = (oid)len;
		for (size_t c = 0; c < len; c++)
			key[n++] = (unsigned char)text[c];
	}
	return n;
}

static const struct snmp_cell *ref_cell(const struct build *b, const struct row *r,
					const struct snmp_ref *ref)
{
	const struct snmp_walk *w;
	if (ref->kind == SNMP_REF_IFMIB)
		w = b->v->ifmib ? &b->v->ifmib[ref->column] : NULL;
	else
		w = &b->v->columns[ref->column];
	if (!w)
		return NULL;
	const struct snmp_cell *c;
	if (ref->key == SNMP_KEY_SAME) {
		c = ref->column == r->driver && ref->kind == SNMP_REF_COLUMN ? r->cell
			: snmp_walk_find(w, r->cell->idx, r->cell->idx_len);
	} else {
		oid key[KEY_MAX];
		size_t n = ref_key(r, ref, key);
		c = n ? snmp_walk_find(w, key, n) : NULL;
	}
	return snmp_cell_missing(c) ? NULL : c;
}

static bool ref_text(const struct build *b, const struct row *r, const struct snmp_ref *ref,
		     char *buf, size_t size)
{
	buf[0] = '\0';
	if (ref->kind == SNMP_REF_PART) {
		render_part(r, ref->part, buf, size);
		return true;
	}
	if (ref->kind == SNMP_REF_CAPTURE) {
		strlcpy_hr(buf, r->capture, size);
		return true;
	}
	const struct snmp_cell *c = ref_cell(b, r, ref);
	if (!c)
		return false;
	snmp_cell_text(c, buf, size);
	return true;
}

/* The first reference of a list that gives a non-empty text. */
static bool refs_text(const struct build *b, const struct row *r, const struct snmp_refs *refs,
		      char *buf, size_t size)
{
	for (size_t i = 0; i < refs->n; i++)
		if (ref_text(b, r, &refs->v[i], buf, size) && buf[0])
			return true;
	buf[0] = '\0';
	return false;
}

static bool ref_number(struct build *b, const struct row *r, const struct snmp_ref *ref,
		       const char *what, double *out)
{
	if (ref->kind == SNMP_REF_PART || ref->kind == SNMP_REF_CAPTURE) {
		char text[SNMP_TEXT_MAX];
		ref_text(b, r, ref, text, sizeof text);
		if (ref->kind == SNMP_REF_PART && r->len[ref->part] == 1 &&
		    r->t->parts[ref->part].type != SNMP_PART_STRING) {
			*out = (double)r->cell->idx[r->off[ref->part]];
			return true;
		}
		return snmp_text_number(text, out);
	}
	const struct snmp_cell *c = ref_cell(b, r, ref);
	if (!c)
		return false;
	if (snmp_cell_number(c, out))
		return true;
	char idx[160], text[SNMP_TEXT_MAX];
	snmp_oid_format(r->cell->idx, r->cell->idx_len, idx, sizeof idx);
	snmp_cell_text(c, text, sizeof text);
	if (c->type == ASN_OCTET_STR)
		report(b, "table %s row %s: %s \"%s\" is not a number", r->t->name, idx, what, text);
	else
		report(b, "table %s row %s: %s is of the wrong type (%u)", r->t->name, idx, what,
		       (unsigned)c->type);
	return false;
}

/* A count or percent: scaled, and never negative. */
static bool ref_value(struct build *b, const struct row *r, const struct snmp_ref *ref,
		      const char *what, double *out)
{
	double v;
	if (!ref_number(b, r, ref, what, &v))
		return false;
	if (v < 0) {
		char idx[160];
		snmp_oid_format(r->cell->idx, r->cell->idx_len, idx, sizeof idx);
		report(b, "table %s row %s: negative %s", r->t->name, idx, what);
		return false;
	}
	*out = v * r->t->multiplier / r->t->divisor;
	return true;
}

/* ---- match and filters ---- */

static bool match_capture(struct row *r)
{
	char text[SNMP_TEXT_MAX];
	render_part(r, r->t->string_part, text, sizeof text);
	const char *pat = r->t->match, *star = strchr(pat, '*');
	bool simple = star && !strchr(star + 1, '*') && !strpbrk(pat, "?[\\");
	if (!simple) {
		strlcpy_hr(r->capture, text, sizeof r->capture);
		return glob_match(pat, text);
	}
	size_t pre = (size_t)(star - pat), suf = strlen(star + 1), len = strlen(text);
	if (len < pre + suf || strncmp(text, pat, pre) != 0 || strcmp(text + len - suf, star + 1) != 0)
		return false;
	snprintf(r->capture, sizeof r->capture, "%.*s", (int)(len - pre - suf), text + pre);
	return true;
}

static bool row_kept(const struct build *b, const struct row *r)
{
	for (size_t i = 0; i < r->t->n_filters; i++) {
		const struct snmp_filter *f = &r->t->filters[i];
		char text[SNMP_TEXT_MAX];
		ref_text(b, r, &f->ref, text, sizeof text);
		bool hit = glob_match(f->glob, text);
		if (hit != f->keep)
			return false;
	}
	return true;
}

/* ---- APs ---- */

/* key identifies the AP across tables; name is how the device calls it,
 * shown when no table names it (a MAC, an index). */
static size_t ap_add(struct build *b, const char *key, const char *name, bool self)
{
	size_t i;
	if (strmap_get(&b->ap_keys, key, &i)) {
		if (!b->aps[i].named && name && name[0]) {
			strlcpy_hr(b->aps[i].out.name, name, sizeof b->aps[i].out.name);
			b->aps[i].named = true;
		}
		return i;
	}
	b->aps = grow(b->aps, &b->cap_aps, b->n_aps, sizeof *b->aps);
	i = b->n_aps++;
	struct ap_rec *a = &b->aps[i];
	memset(a, 0, sizeof *a);
	a->out.self = self;
	a->named = name && name[0];
	strlcpy_hr(a->out.name, a->named ? name : key + (key[0] ? 2 : 0), sizeof a->out.name);
	strmap_put(&b->ap_keys, key, i);
	return i;
}

static size_t self_ap(struct build *b)
{
	return ap_add(b, "", b->self_name, true);
}

/* "a:" and the AP part as the device would print it (a MAC, a name). */
static void ap_key_of(const struct row *r, char *key, size_t size)
{
	key[0] = 'a';
	key[1] = ':';
	render_part(r, r->t->ap_part, key + 2, size - 2);
}

/* The AP a radio, vap or station row belongs to. */
static size_t row_ap(struct build *b, const struct row *r)
{
	char name[SNMP_TEXT_MAX], key[SNMP_TEXT_MAX + 4];
	bool named = refs_text(b, r, &r->t->ap, name, sizeof name);
	if (r->t->ap_part >= 0) {
		ap_key_of(r, key, sizeof key);
		return ap_add(b, key, named ? name : NULL, false);
	}
	if (named) {
		snprintf(key, sizeof key, "n:%s", name);
		return ap_add(b, key, name, false);
	}
	return self_ap(b);
}

static void take_ap_row(struct build *b, const struct row *r)
{
	char key[SNMP_TEXT_MAX + 4], name[SNMP_TEXT_MAX];
	if (r->t->ap_part >= 0) {
		ap_key_of(r, key, sizeof key);
	} else {
		key[0] = 'a';
		key[1] = ':';
		snmp_oid_format(r->cell->idx, r->cell->idx_len, key + 2, sizeof key - 2);
	}
	if (!refs_text(b, r, &r->t->label, name, sizeof name))
		name[0] = '\0';
	size_t i = ap_add(b, key, name, false);
	struct ap_rec *a = &b->aps[i];
	a->listed = true;
	b->ap_table = true;
	double v;
	if (r->t->has_clients && ref_value(b, r, &r->t->clients, "clients", &v)) {
		a->has_direct = true;
		a->direct += v;
	}
	for (size_t k = 0; k < r->t->n_clients_band; k++) {
		const struct snmp_variant *cb = &r->t->clients_band[k];
		enum snmp_band band = snmp_band_parse(cb->name);
		if (!ref_value(b, r, &cb->ref, "clients", &v))
			continue;
		a->has_direct = true;
		a->direct += v;
		a->out.has_band[band] = true;
		a->out.band[band] += v;
	}
}

/* ---- radios ---- */

static size_t radio_get(struct build *b, size_t ap, enum snmp_band band, int table,
			const char *ident, const char *name, bool vap)
{
	char key[SNMP_TEXT_MAX * 2];
	snprintf(key, sizeof key, "%zu|%d|%d|%d|%s", ap, (int)band, table, vap, ident);
	size_t i;
	if (strmap_get(&b->radio_keys, key, &i))
		return i;
	b->radios = grow(b->radios, &b->cap_radios, b->n_radios, sizeof *b->radios);
	i = b->n_radios++;
	struct radio_rec *x = &b->radios[i];
	memset(x, 0, sizeof *x);
	x->ap = ap;
	x->band = band;
	x->table = table;
	x->vap = vap;
	strlcpy_hr(x->ident, ident, sizeof x->ident);
	strlcpy_hr(x->name, name, sizeof x->name);
	strmap_put(&b->radio_keys, key, i);
	return i;
}

static void util_add(struct snmp_util *u, size_t *n, const char *variant, double v)
{
	for (size_t i = 0; i < *n; i++)
		if ((!u[i].variant && !variant) ||
		    (u[i].variant && variant && strcmp(u[i].variant, variant) == 0))
			return;		/* the first figure of a variant stands */
	if (*n < SNMP_MAX_VARIANTS)
		u[(*n)++] = (struct snmp_util){ variant, v };
}

/* Noise floor and channel as the device states them: the first row of a
 * radio that has them stands. Noise floors are negative dBm; a device
 * stating the magnitude (94) means -94. */
static void take_radio_extras(struct build *b, const struct row *r, struct radio_rec *x)
{
	const struct snmp_table *t = r->t;
	double v;
	if (t->has_noise && !x->has_noise && ref_number(b, r, &t->noise, "noise", &v) && v != 0) {
		x->has_noise = true;
		x->noise = -fabs(v);
	}
	if (t->has_channel && !x->has_channel && ref_number(b, r, &t->channel, "channel", &v) && v > 0) {
		x->has_channel = true;
		x->channel = v;
	}
	if (t->has_frequency && !x->has_frequency &&
	    ref_number(b, r, &t->frequency, "frequency", &v) && v > 0) {
		x->has_frequency = true;
		x->frequency = v;
	}
}

/* IEEE 802.11 channel numbers from centre frequencies (MHz); 0 outside
 * the bands that number them so. */
static double channel_of_mhz(double f)
{
	if (f == 2484)
		return 14;
	if (f >= 2412 && f <= 2472)
		return (f - 2407) / 5;
	if (f >= 5000 && f <= 5925)
		return (f - 5000) / 5;
	if (f >= 4910 && f < 5000)
		return (f - 4000) / 5;
	if (f == 5935)
		return 2;
	if (f >= 5955 && f <= 7115)
		return (f - 5950) / 5;
	return 0;
}

static void ssid_derived_add(struct build *b, const char *name, bool has, double clients,
			     enum snmp_band band, bool has_band)
{
	size_t i;
	if (!strmap_get(&b->derived_keys, name, &i)) {
		b->derived = grow(b->derived, &b->cap_derived, b->n_derived, sizeof *b->derived);
		i = b->n_derived++;
		memset(&b->derived[i], 0, sizeof b->derived[i]);
		strlcpy_hr(b->derived[i].out.name, name, sizeof b->derived[i].out.name);
		strmap_put(&b->derived_keys, name, i);
	}
	struct snmp_ssid_row *s = &b->derived[i].out;
	if (!has)
		return;
	s->has_clients = true;
	s->clients += clients;
	if (has_band) {
		s->has_band[band] = true;
		s->band[band] += clients;
	}
}

/* Which radio of the AP a row is: the row itself for radio tables, else
 * the radio it names, else its band. */
static void radio_ident(const struct build *b, const struct row *r, enum snmp_band band,
			char *ident, char *name, size_t size)
{
	if (r->t->rows == SNMP_ROWS_RADIO) {
		render_rest(r, ident, size);
		if (!refs_text(b, r, &r->t->label, name, size))
			strlcpy_hr(name, ident, size);
		return;
	}
	if (refs_text(b, r, &r->t->radio, name, size)) {
		snprintf(ident, size, "r:%.120s", name);
		return;
	}
	if (r->t->radio_part >= 0) {
		render_part(r, r->t->radio_part, name, size);
		snprintf(ident, size, "r:%.120s", name);
		return;
	}
	snprintf(ident, size, "b:%s", snmp_band_name(band));
	strlcpy_hr(name, snmp_band_name(band), size);
}

/* The first band reference that gives a band; *known when any gave a value. */
static enum snmp_band row_band(const struct build *b, const struct row *r, bool *known)
{
	const struct snmp_table *t = r->t;
	for (size_t i = 0; i < t->band.n; i++) {
		char text[SNMP_TEXT_MAX];
		if (!ref_text(b, r, &t->band.v[i], text, sizeof text) || !text[0])
			continue;
		*known = true;
		enum snmp_band band = snmp_table_band_ref(t, i, text);
		if (band != SNMP_BAND_UNKNOWN)
			return band;
	}
	return SNMP_BAND_UNKNOWN;
}

static void take_radio_row(struct build *b, const struct row *r)
{
	const struct snmp_table *t = r->t;
	size_t ap = row_ap(b, r);
	bool band_known = false;
	enum snmp_band band = row_band(b, r, &band_known);
	if (t->band.n && !band_known) {
		char idx[160];
		snmp_oid_format(r->cell->idx, r->cell->idx_len, idx, sizeof idx);
		report(b, "table %s row %s: no band (%s)", t->name, idx, t->band.v[0].source);
	}
	bool vap = t->unknown_band_vap && band == SNMP_BAND_UNKNOWN;
	bool has = false;
	double clients = 0;
	if (t->rows == SNMP_ROWS_STATION) {
		has = true;
		clients = 1;
		b->stations++;
		char ssid[SNMP_TEXT_MAX];
		if (refs_text(b, r, &t->ssid, ssid, sizeof ssid))
			ssid_derived_add(b, ssid, true, 1, band, band_known);
		if (!band_known && !t->radio.n && t->radio_part < 0) {
			b->aps[ap].has_rows = true;	/* a station on no known radio */
			b->aps[ap].rows += 1;
			return;
		}
	} else if (t->has_clients) {
		has = ref_value(b, r, &t->clients, "clients", &clients);
	}
	char ident[SNMP_TEXT_MAX], name[SNMP_TEXT_MAX];
	radio_ident(b, r, band, ident, name, sizeof ident);
	size_t ri = radio_get(b, ap, band, r->ti, ident, name, vap);
	struct radio_rec *x = &b->radios[ri];
	if (has) {
		x->has_clients = true;
		x->clients += clients;
		b->vap_counts |= t->rows == SNMP_ROWS_VAP;
	}
	for (size_t k = 0; k < t->n_utilization; k++) {
		double v;
		if (ref_value(b, r, &t->utilization[k].ref, "utilization", &v))
			util_add(x->util, &x->n_util, t->utilization[k].name, v);
	}
	take_radio_extras(b, r, x);
	char ssid[SNMP_TEXT_MAX];
	if (t->rows != SNMP_ROWS_STATION && refs_text(b, r, &t->ssid, ssid, sizeof ssid))
		ssid_derived_add(b, ssid, has, clients, band, band_known && !vap);
}

/* ---- SSID tables ---- */

static void take_ssid_row(struct build *b, const struct row *r)
{
	const struct snmp_table *t = r->t;
	char name[SNMP_TEXT_MAX];
	if (t->label.n) {
		refs_text(b, r, &t->label, name, sizeof name);
	} else {	/* no name column: the SSID is the index (a string part) */
		int part = t->string_part;
		for (int i = 0; i < t->n_parts; i++)
			if (strcmp(t->parts[i].name, "ssid") == 0)
				part = i;
		if (part >= 0)
			render_part(r, part, name, sizeof name);
		else
			snmp_oid_format(r->cell->idx, r->cell->idx_len, name, sizeof name);
	}
	if (!name[0]) {
		char idx[160];
		snmp_oid_format(r->cell->idx, r->cell->idx_len, idx, sizeof idx);
		report(b, "table %s row %s has no name", t->name, idx);
		return;
	}
	if (!t->has_clients && !t->n_clients_band) {
		ssid_derived_add(b, name, false, 0, SNMP_BAND_UNKNOWN, false);
		return;
	}
	struct ssid_rec s = { 0 };
	strlcpy_hr(s.out.name, name, sizeof s.out.name);
	snmp_oid_format(r->cell->idx, r->cell->idx_len, s.index, sizeof s.index);
	s.table = r->ti;
	double v;
	if (t->has_clients && ref_value(b, r, &t->clients, "clients", &v)) {
		s.out.has_clients = true;
		s.out.clients = v;
	}
	for (size_t k = 0; k < t->n_clients_band; k++) {
		const struct snmp_variant *cb = &t->clients_band[k];
		enum snmp_band band = snmp_band_parse(cb->name);
		if (!ref_value(b, r, &cb->ref, "clients", &v))
			continue;
		s.out.has_clients = true;
		s.out.clients += v;
		s.out.has_band[band] = true;
		s.out.band[band] += v;
	}
	if (!s.out.has_clients)
		return;
	b->wlans = grow(b->wlans, &b->cap_wlans, b->n_wlans, sizeof *b->wlans);
	b->wlans[b->n_wlans++] = s;
}

/* ---- tables ---- */

static int table_driver(const struct build *b, const struct snmp_table *t)
{
	for (size_t i = 0; i < t->n_drivers; i++)
		if (b->v->columns[t->drivers[i]].n > 0)
			return t->drivers[i];
	return -1;
}

static void take_table(struct build *b, int ti)
{
	const struct snmp_table *t = &b->v->p->tables[ti];
	if (t->rows == SNMP_ROWS_STATION)
		b->station_table = true;
	int driver = table_driver(b, t);
	if (driver < 0)
		return;
	b->tables_answered = true;
	const struct snmp_walk *w = &b->v->columns[driver];
	for (size_t i = 0; i < w->n; i++) {
		struct row r = { .t = t, .ti = ti, .cell = &w->cells[i], .driver = driver };
		if (snmp_cell_missing(r.cell))
			continue;
		if (!decode(&r)) {
			char idx[160];
			snmp_oid_format(r.cell->idx, r.cell->idx_len, idx, sizeof idx);
			report(b, "table %s: index %s does not decode as its index parts", t->name, idx);
			continue;
		}
		if ((t->match && !match_capture(&r)) || !row_kept(b, &r))
			continue;
		switch (t->rows) {
		case SNMP_ROWS_AP: take_ap_row(b, &r); break;
		case SNMP_ROWS_SSID: take_ssid_row(b, &r); break;
		default: take_radio_row(b, &r); break;
		}
	}
}

/* ---- scalars ---- */

static void take_scalars(struct build *b, struct snmp_result *res)
{
	const struct snmp_profile *p = b->v->p;
	enum snmp_band band = SNMP_BAND_UNKNOWN;
	for (size_t i = 0; i < p->n_scalars; i++) {
		const struct snmp_scalar *s = &p->scalars[i];
		const struct snmp_cell *c = b->v->scalars[i];
		double v;
		if (!c)
			continue;
		if (!snmp_cell_number(c, &v)) {
			char text[SNMP_TEXT_MAX];
			snmp_cell_text(c, text, sizeof text);
			report(b, "scalar %s: \"%s\" is not a number", s->title, text);
			continue;
		}
		if (s->kind == SNMP_SCALAR_FREQUENCY)
			band = snmp_band_of_mhz(s->khz ? v / 1000 : v);
		else if (s->kind == SNMP_SCALAR_CHANNEL)
			band = snmp_band_of_channel((long)v);
	}
	for (size_t i = 0; i < p->n_scalars; i++) {
		const struct snmp_scalar *s = &p->scalars[i];
		const struct snmp_cell *c = b->v->scalars[i];
		double v;
		if (!c || !snmp_cell_number(c, &v))
			continue;
		if (v < 0) {
			report(b, "scalar %s: negative value", s->title);
			continue;
		}
		v = v * s->multiplier / s->divisor;
		if (s->kind == SNMP_SCALAR_CLIENTS && !res->has_total) {
			res->has_total = true;
			res->total = v;
		} else if (s->kind == SNMP_SCALAR_APS && res->n_aps_counts < 8) {
			res->aps_counts[res->n_aps_counts++] = (struct snmp_count){ s->variant, v };
		} else if (s->kind == SNMP_SCALAR_UTILIZATION) {
			size_t ri = radio_get(b, self_ap(b), band, -1, "b:scalar", snmp_band_name(band),
					      false);
			util_add(b->radios[ri].util, &b->radios[ri].n_util, s->variant, v);
		}
	}
}

/* ---- results ---- */

/* Radios of one AP in one band become one radio, unless one table lists
 * several of them: then each keeps its name (Xirrus iap1..iap8). */
static bool band_split(const struct build *b, size_t from, const size_t *order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			const struct radio_rec *x = &b->radios[order[from + i]];
			const struct radio_rec *y = &b->radios[order[from + j]];
			if (x->table == y->table && strcmp(x->ident, y->ident) != 0)
				return true;
		}
	return false;
}

static struct snmp_radio_row *radio_out(struct snmp_result *res, size_t *cap,
					const struct radio_rec *x, const char *name)
{
	for (size_t i = 0; i < res->n_radios; i++) {
		struct snmp_radio_row *o = &res->radios[i];
		if (o->ap == x->ap && o->band == x->band && o->vap == x->vap && strcmp(o->name, name) == 0)
			return o;
	}
	res->radios = grow(res->radios, cap, res->n_radios, sizeof *res->radios);
	struct snmp_radio_row *o = &res->radios[res->n_radios++];
	memset(o, 0, sizeof *o);
	o->ap = x->ap;
	o->band = x->band;
	o->vap = x->vap;
	strlcpy_hr(o->name, name, sizeof o->name);
	return o;
}

/* qsort's comparison has no context argument; builds run on one thread. */
static __thread const struct build *sort_ctx;

static int radio_order(const void *pa, const void *pb)
{
	const struct radio_rec *x = &sort_ctx->radios[*(const size_t *)pa];
	const struct radio_rec *y = &sort_ctx->radios[*(const size_t *)pb];
	if (x->ap != y->ap)
		return x->ap < y->ap ? -1 : 1;
	if (x->vap != y->vap)
		return x->vap ? 1 : -1;
	if (x->band != y->band)
		return x->band < y->band ? -1 : 1;
	return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

static void finish_radios(struct build *b, struct snmp_result *res)
{
	size_t *order = xcalloc(b->n_radios + 1, sizeof *order), cap = 0;
	for (size_t i = 0; i < b->n_radios; i++)
		order[i] = i;
	sort_ctx = b;
	qsort(order, b->n_radios, sizeof *order, radio_order);
	for (size_t i = 0; i < b->n_radios;) {
		const struct radio_rec *first = &b->radios[order[i]];
		size_t n = 1;
		while (i + n < b->n_radios && b->radios[order[i + n]].ap == first->ap &&
		       b->radios[order[i + n]].band == first->band &&
		       b->radios[order[i + n]].vap == first->vap)
			n++;
		bool split = first->vap || band_split(b, i, order, n);
		for (size_t k = 0; k < n; k++) {
			const struct radio_rec *x = &b->radios[order[i + k]];
			struct snmp_radio_row *o = radio_out(res, &cap, x, split ? x->name : "");
			/* where VAP rows count a radio's clients, a radio without VAPs has none */
			o->has_clients |= b->vap_counts && !x->vap;
			if (x->has_clients) {
				o->has_clients = true;
				o->clients += x->clients;
			}
			for (size_t u = 0; u < x->n_util; u++)
				util_add(o->util, &o->n_util, x->util[u].variant, x->util[u].value);
			if (x->has_noise && !o->has_noise) {
				o->has_noise = true;
				o->noise = x->noise;
			}
			if (x->has_channel && !o->has_channel) {
				o->has_channel = true;
				o->channel = x->channel;
			}
			if (x->has_frequency && !o->has_frequency) {
				o->has_frequency = true;
				o->frequency = x->frequency;
				double ch = channel_of_mhz(x->frequency);
				if (!o->has_channel && ch > 0 && ch == floor(ch)) {
					o->has_channel = true;
					o->channel = ch;
				}
			}
			if (x->has_clients) {
				struct ap_rec *a = &b->aps[x->ap];
				a->has_rows = true;
				a->rows += x->clients;
				if (!x->vap) {
					a->out.has_band[x->band] = true;
					a->out.band[x->band] += x->clients;
				}
			}
		}
		i += n;
	}
	free(order);
}

static void finish_ssids(struct build *b, struct snmp_result *res)
{
	if (b->n_wlans) {
		res->ssids = xcalloc(b->n_wlans, sizeof *res->ssids);
		for (size_t i = 0; i < b->n_wlans; i++) {
			res->ssids[i] = b->wlans[i].out;
			size_t same = 0;
			for (size_t j = 0; j < b->n_wlans; j++)
				same += strcmp(b->wlans[j].out.name, b->wlans[i].out.name) == 0;
			if (same > 1)
				snprintf(res->ssids[i].name, sizeof res->ssids[i].name, "%s[%s]",
					 b->wlans[i].out.name, b->wlans[i].index);
		}
		res->n_ssids = b->n_wlans;
		return;
	}
	res->ssids = xcalloc(b->n_derived + 1, sizeof *res->ssids);
	for (size_t i = 0; i < b->n_derived; i++) {
		res->ssids[i] = b->derived[i].out;
		res->ssids[i].has_clients = true;	/* listed SSIDs count zero */
	}
	res->n_ssids = b->n_derived;
}

static void finish_aps(struct build *b, struct snmp_result *res)
{
	res->aps = xcalloc(b->n_aps + 1, sizeof *res->aps);
	for (size_t i = 0; i < b->n_aps; i++) {
		struct ap_rec *a = &b->aps[i];
		if (b->ap_table && !a->listed && !a->named && !a->out.self)
			report(b, "radio rows of AP %s: its AP is not in the AP table (kept, named by "
			       "its index)", a->out.name);
		a->out.has_clients = a->has_rows || a->has_direct;
		a->out.clients = a->has_rows ? a->rows : a->direct;
		res->aps[i] = a->out;
	}
	res->n_aps = b->n_aps;
}

static void finish_total(struct build *b, struct snmp_result *res)
{
	const struct snmp_profile *p = b->v->p;
	if (!res->has_total) {
		double sum = 0;
		bool any = false;
		switch (p->total) {
		case SNMP_TOTAL_SSID:
			for (size_t i = 0; i < res->n_ssids; i++) {
				any |= res->ssids[i].has_clients;
				sum += res->ssids[i].clients;
			}
			break;
		case SNMP_TOTAL_RADIO:
			for (size_t i = 0; i < res->n_radios; i++) {
				any |= res->radios[i].has_clients;
				sum += res->radios[i].clients;
			}
			break;
		case SNMP_TOTAL_AP:
			for (size_t i = 0; i < res->n_aps; i++) {
				any |= res->aps[i].has_clients;
				sum += res->aps[i].clients;
			}
			break;
		case SNMP_TOTAL_STATION:
			any = b->station_table && (b->stations > 0 || b->tables_answered);
			sum = b->stations;
			break;
		default:
			break;
		}
		res->has_total = any;
		res->total = sum;
	}
	/* The device that is one AP, with no rows of its own: its total. */
	if (b->v->device_ap && res->has_total) {
		size_t self = self_ap(b);
		if (self >= res->n_aps) {
			res->aps = xrealloc(res->aps, (self + 1) * sizeof *res->aps);
			res->aps[self] = b->aps[self].out;
			res->n_aps = self + 1;
		}
		if (!res->aps[self].has_clients) {
			res->aps[self].has_clients = true;
			res->aps[self].clients = res->total;
		}
	}
}

static void count_values(struct snmp_result *res)
{
	size_t n = res->has_total;
	for (size_t i = 0; i < res->n_aps; i++)
		n += res->aps[i].has_clients;
	for (size_t i = 0; i < res->n_radios; i++)
		n += res->radios[i].has_clients;
	for (size_t i = 0; i < res->n_ssids; i++)
		n += res->ssids[i].has_clients;
	res->client_values = n;
}

void snmp_rows_build(const struct snmp_values *v, const char *self_name, struct snmp_result *res,
		     snmp_rows_error_fn error, void *ctx)
{
	memset(res, 0, sizeof *res);
	struct build b = { .v = v, .self_name = self_name, .error = error, .ctx = ctx };
	if (v->device_ap)
		self_ap(&b);
	take_scalars(&b, res);
	for (size_t t = 0; t < v->p->n_tables; t++)
		if (v->table_read[t])
			take_table(&b, (int)t);
	finish_radios(&b, res);
	finish_ssids(&b, res);
	finish_aps(&b, res);
	finish_total(&b, res);
	count_values(res);
	free(b.aps);
	strmap_free(&b.ap_keys);
	free(b.radios);
	strmap_free(&b.radio_keys);
	free(b.wlans);
	free(b.derived);
	strmap_free(&b.derived_keys);
}

void snmp_result_free(struct snmp_result *r)
{
	free(r->aps);
	free(r->radios);
	free(r->ssids);
	memset(r, 0, sizeof *r);
}
