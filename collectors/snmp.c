/* The SNMP collector: asynchronous net-snmp polls of every target in the event loop. */
#include "config.h"
#include "collectors/snmp.h"
#include "collectors/snmp_profile.h"
#include "collectors/snmp_rate.h"
#include "base/log.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

/* net-snmp spells GETBULK's fields as macros over errstat/errindex; they
 * would rewrite struct conf_target's max_repetitions too. */
#undef max_repetitions
#undef non_repeaters

#define MAX_INDEX 32		/* index arcs kept per table cell */
#define MAX_COLS 4		/* columns walked side by side */
#define TEXT_MAX 128
#define ERRORS_LOGGED_PER_POLL 5

static const oid OID_SYS_UPTIME[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
static const oid OID_SYS_NAME[] = { 1, 3, 6, 1, 2, 1, 1, 5, 0 };
static const oid OID_IF_DESCR[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 2 };
static const oid OID_IF_SPEED[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 5 };
static const oid OID_IF_IN[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 10 };
static const oid OID_IF_OUT[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 16 };
static const oid OID_IF_NAME[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1 };
static const oid OID_IF_HC_IN[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6 };
static const oid OID_IF_HC_OUT[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10 };
static const oid OID_IF_HIGH_SPEED[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15 };
static const oid OID_IF_ALIAS[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18 };

#define OIDLEN(a) (sizeof (a) / sizeof *(a))

/* ---- data ---- */

struct cell {
	oid idx[MAX_INDEX];
	size_t idx_len;
	u_char type;			/* ASN type or SNMP exception */
	bool negative;
	uint64_t num;
	char *text;			/* OCTET STRING, printable, NUL-terminated */
};

struct column {
	struct snmp_oid root;
	struct cell *cells;
	size_t n, cap;
	oid cursor[MAX_OID_LEN];
	size_t cursor_len;
	bool done;
};

enum step {
	STEP_IDLE = 0, STEP_BASE, STEP_IFNAMES, STEP_UPLINK, STEP_APS, STEP_RADIOS, STEP_SSIDS,
	STEP_DONE
};

/* The columns walked side by side for a table, by name. */
enum if_col { IF_NAME, IF_DESCR, IF_ALIAS, IF_COLS };	/* the order an interface is looked up in */
enum radio_col { RADIO_CLIENTS, RADIO_BAND, RADIO_AP_NAME, RADIO_SSID, RADIO_COLS };
enum ssid_col { SSID_NAME, SSID_CLIENTS, SSID_COLS };
_Static_assert(IF_COLS <= MAX_COLS && RADIO_COLS <= MAX_COLS && SSID_COLS <= MAX_COLS,
	       "a table's columns are walked in one request");

struct uplink_state {
	char *name;
	long ifindex;			/* 0: not resolved yet */
	struct snmp_counter in, out;
	bool configured;
};

struct snmp_state;

struct target {
	struct snmp_state *st;
	struct collector *c;
	const struct conf_target *conf;
	char *name;
	struct snmp_profile *profile;
	void *sessp;
	int fd;
	netsnmp_large_fd_set fdset, scratch;
	bool fdsets;
	struct event *read_ev, *timer_ev, *poll_ev;
	bool v3_ready;			/* engine discovered, keys localized */

	/* the poll in progress */
	enum step step;
	bool waiting;			/* a request is outstanding */
	double poll_started;
	size_t uplink_cursor;
	unsigned poll_errors;
	char fail_reason[SAMPLE_TEXT_MAX];
	struct column get;		/* GET answers in varbind order */
	struct column *walk[MAX_COLS];
	size_t n_walk;
	size_t active[MAX_COLS], n_active;
	struct column ifcols[IF_COLS];
	struct column apcol;
	struct column radiocols[RADIO_COLS];
	struct column ssidcols[SSID_COLS];
	bool has_uptime;
	uint32_t uptime;
	char sysname[TEXT_MAX];

	/* across polls */
	struct uplink_state *uplinks;
	size_t n_uplinks;
	int failures;			/* consecutive failed polls */
	int up;				/* -1 unknown, 0 down, 1 up */
	unsigned long errors_total;
	bool polled_once;
	bool counted_once;
};

/* Profiles are immutable once loaded: targets of one config share them. */
struct shared_profile {
	struct snmp_profile *profile;
	unsigned generation;		/* the config it was loaded for */
	int refs;
};

struct snmp_state {
	struct collector *c;
	struct shared_profile *profiles;
	size_t n_profiles;
	unsigned generation;
	struct target **targets;
	size_t n_targets;
	size_t once_pending;
	bool once_reported;
	bool library;			/* init_snmp done */
};

static void poll_start(struct target *t);
static void profile_put(struct snmp_state *st, struct snmp_profile *p);
static bool step_send(struct target *t);
static void step_next(struct target *t);
static void poll_finish(struct target *t, bool ok);
static void arm_timer(struct target *t);

/* ---- helpers ---- */

static double now_of(const struct target *t)
{
	return collector_now(t->c);
}

static void column_init(struct column *col, const oid *root, size_t len)
{
	memset(col, 0, sizeof *col);
	if (len > MAX_OID_LEN)
		len = MAX_OID_LEN;
	if (len)
		memcpy(col->root.arcs, root, len * sizeof *root);
	col->root.len = len;
}

static void column_clear(struct column *col)
{
	for (size_t i = 0; i < col->n; i++)
		free(col->cells[i].text);
	col->n = 0;
	col->done = false;
	memcpy(col->cursor, col->root.arcs, col->root.len * sizeof(oid));
	col->cursor_len = col->root.len;
}

static void column_free(struct column *col)
{
	column_clear(col);
	free(col->cells);
	col->cells = NULL;
	col->cap = 0;
}

static void printable_copy(char *dst, size_t size, const u_char *src, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = isprint(src[i]) ? (char)src[i] : '?';
	dst[n] = '\0';
	/* Agents often pad strings with NULs; drop trailing fill. */
	while (n > 0 && dst[n - 1] == '?' && src[n - 1] == '\0')
		dst[--n] = '\0';
}

static struct cell *column_add(struct column *col, const netsnmp_variable_list *v,
			       const oid *idx, size_t idx_len)
{
	if (col->n == col->cap) {
		col->cap = col->cap ? col->cap * 2 : 64;
		col->cells = xrealloc(col->cells, col->cap * sizeof *col->cells);
	}
	struct cell *c = &col->cells[col->n++];
	memset(c, 0, sizeof *c);
	c->idx_len = idx_len < MAX_INDEX ? idx_len : MAX_INDEX;
	if (idx_len)
		memcpy(c->idx, idx, c->idx_len * sizeof *idx);
	c->type = v->type;
	switch (v->type) {
	case ASN_INTEGER:
		c->negative = *v->val.integer < 0;
		c->num = c->negative ? 0 : (uint64_t)*v->val.integer;
		break;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
		c->num = (uint64_t)(*v->val.integer & 0xffffffffUL);
		break;
	case ASN_COUNTER64:
		c->num = ((uint64_t)v->val.counter64->high << 32) | v->val.counter64->low;
		break;
	case ASN_OCTET_STR: {
		char buf[TEXT_MAX];
		printable_copy(buf, sizeof buf, v->val.string, v->val_len);
		c->text = xstrdup(buf);
		break;
	}
	default:
		break;
	}
	return c;
}

static int idx_compare(const oid *a, size_t alen, const oid *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Walked columns are in OID order, so cells are sorted by index. */
static const struct cell *column_find(const struct column *col, const oid *idx, size_t len)
{
	size_t lo = 0, hi = col->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = idx_compare(col->cells[mid].idx, col->cells[mid].idx_len, idx, len);
		if (cmp == 0)
			return &col->cells[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* "kind:name", cut to the buffer. */
static void entity_of(char *buf, size_t size, const char *kind, const char *name)
{
	size_t n = strlcpy_hr(buf, kind, size);
	if (n < size)
		strlcpy_hr(buf + n, name, size - n);
}

static void format_index(char *buf, size_t size, const oid *idx, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < len && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, i ? ".%lu" : "%lu", (unsigned long)idx[i]);
}

static void target_error(struct target *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A malformed or unexpected reply: counted, logged (a few per poll). */
static void target_error(struct target *t, const char *fmt, ...)
{
	t->errors_total++;
	if (++t->poll_errors > ERRORS_LOGGED_PER_POLL)
		return;
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_warn("snmp: target %s: %s", t->name, msg);
}

static const char *type_name(u_char type)
{
	switch (type) {
	case ASN_INTEGER: return "INTEGER";
	case ASN_OCTET_STR: return "OCTET STRING";
	case ASN_OBJECT_ID: return "OBJECT IDENTIFIER";
	case ASN_IPADDRESS: return "IpAddress";
	case ASN_COUNTER: return "Counter32";
	case ASN_GAUGE: return "Gauge32";
	case ASN_TIMETICKS: return "TimeTicks";
	case ASN_COUNTER64: return "Counter64";
	case SNMP_NOSUCHOBJECT: return "noSuchObject";
	case SNMP_NOSUCHINSTANCE: return "noSuchInstance";
	case SNMP_ENDOFMIBVIEW: return "endOfMibView";
	case ASN_NULL: return "NULL";
	default: return "unknown type";
	}
}

static bool is_number_type(u_char type)
{
	return type == ASN_INTEGER || type == ASN_COUNTER || type == ASN_GAUGE ||
	       type == ASN_COUNTER64;
}

static bool parse_text_count(const char *s, double *out)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || *end || v > 10000000UL)
		return false;
	*out = (double)v;
	return true;
}

/* A client count from a cell, per the profile's value type. */
static bool cell_count(struct target *t, const struct cell *c, enum snmp_vtype vt,
		       const char *what, double *out)
{
	char idx[160];
	format_index(idx, sizeof idx, c->idx, c->idx_len);
	if (is_number_type(c->type)) {
		if (c->negative) {
			target_error(t, "%s.%s: negative count", what, idx);
			return false;
		}
		*out = (double)c->num;
		return true;
	}
	if (c->type == ASN_OCTET_STR && vt == SNMP_VT_TEXT) {
		if (parse_text_count(c->text, out))
			return true;
		target_error(t, "%s.%s: text count \"%s\" is not a number", what, idx, c->text);
		return false;
	}
	target_error(t, "%s.%s: %s where a count was expected", what, idx, type_name(c->type));
	return false;
}

static void cell_text(const struct cell *c, char *buf, size_t size)
{
	if (c->type == ASN_OCTET_STR)
		strlcpy_hr(buf, c->text, size);
	else if (is_number_type(c->type) || c->type == ASN_TIMETICKS)
		snprintf(buf, size, "%s%llu", c->negative ? "-" : "", (unsigned long long)c->num);
	else
		buf[0] = '\0';
}

/* ---- requests ---- */

static bool send_pdu(struct target *t, netsnmp_pdu *pdu)
{
	if (!t->sessp) {	/* snmp_replay_poll: the caller holds the answers */
		snmp_free_pdu(pdu);
		t->waiting = true;
		return true;
	}
	if (!snmp_sess_async_send(t->sessp, pdu, NULL, NULL)) {
		char *msg = NULL;
		int liberr = 0, syserr = 0;
		snmp_sess_error(t->sessp, &liberr, &syserr, &msg);
		snprintf(t->fail_reason, sizeof t->fail_reason, "send failed: %s", msg ? msg : "?");
		free(msg);
		snmp_free_pdu(pdu);
		return false;
	}
	t->waiting = true;
	arm_timer(t);
	return true;
}

static netsnmp_pdu *new_pdu(const struct target *t, int command)
{
	netsnmp_pdu *pdu = snmp_pdu_create(command);
	if (command == SNMP_MSG_GETBULK) {
		pdu->errstat = 0;	/* non-repeaters */
		pdu->errindex = t->conf->max_repetitions > 0 ? t->conf->max_repetitions : 25;
	}
	return pdu;
}

static bool send_walk(struct target *t)
{
	bool v1 = t->conf->snmp_version == CONF_SNMP_V1;
	netsnmp_pdu *pdu = new_pdu(t, v1 ? SNMP_MSG_GETNEXT : SNMP_MSG_GETBULK);
	t->n_active = 0;
	for (size_t i = 0; i < t->n_walk; i++) {
		struct column *col = t->walk[i];
		if (col->done)
			continue;
		t->active[t->n_active++] = i;
		snmp_add_null_var(pdu, col->cursor, col->cursor_len);
	}
	if (t->n_active == 0) {
		snmp_free_pdu(pdu);
		return false;
	}
	return send_pdu(t, pdu);
}

/* Start walking columns side by side; false when there is nothing to do. */
static bool walk_begin(struct target *t, struct column *cols, size_t n)
{
	t->n_walk = 0;
	for (size_t i = 0; i < n && i < MAX_COLS; i++) {
		if (!cols[i].root.len)
			continue;
		column_clear(&cols[i]);
		t->walk[t->n_walk++] = &cols[i];
	}
	return t->n_walk > 0 && send_walk(t);
}

static bool in_subtree(const struct column *col, const oid *name, size_t len)
{
	return len > col->root.len &&
	       netsnmp_oid_is_subtree(col->root.arcs, col->root.len, name, len) == 0;
}

/* One GETBULK answer: varbind i belongs to active column i mod n_active. */
static bool walk_absorb(struct target *t, netsnmp_pdu *resp)
{
	bool v1 = t->conf->snmp_version == CONF_SNMP_V1;
	if (resp->errstat != SNMP_ERR_NOERROR) {
		if (!(v1 && resp->errstat == SNMP_ERR_NOSUCHNAME))
			target_error(t, "walk: agent error %s", snmp_errstring((int)resp->errstat));
		for (size_t i = 0; i < t->n_walk; i++)
			t->walk[i]->done = true;
		return false;
	}
	size_t k = 0;
	for (netsnmp_variable_list *v = resp->variables; v; v = v->next_variable, k++) {
		struct column *col = t->walk[t->active[k % t->n_active]];
		if (col->done)
			continue;
		if (v->type == SNMP_ENDOFMIBVIEW || !in_subtree(col, v->name, v->name_length)) {
			col->done = true;
			continue;
		}
		if (snmp_oid_compare(v->name, v->name_length, col->cursor, col->cursor_len) <= 0) {
			target_error(t, "walk: agent returned OIDs out of order");
			col->done = true;
			continue;
		}
		column_add(col, v, v->name + col->root.len, v->name_length - col->root.len);
		if (v->name_length - col->root.len > MAX_INDEX)
			target_error(t, "walk: index longer than %d arcs", MAX_INDEX);
		memcpy(col->cursor, v->name, v->name_length * sizeof(oid));
		col->cursor_len = v->name_length;
	}
	if (k == 0)
		for (size_t i = 0; i < t->n_walk; i++)
			t->walk[i]->done = true;
	for (size_t i = 0; i < t->n_walk; i++)
		if (!t->walk[i]->done)
			return true;
	return false;
}

static bool send_get(struct target *t, const oid *const *oids, const size_t *lens, size_t n)
{
	netsnmp_pdu *pdu = new_pdu(t, SNMP_MSG_GET);
	for (size_t i = 0; i < n; i++)
		snmp_add_null_var(pdu, oids[i], lens[i]);
	return send_pdu(t, pdu);
}

static void get_absorb(struct target *t, netsnmp_pdu *resp)
{
	column_clear(&t->get);
	if (resp->errstat != SNMP_ERR_NOERROR) {
		target_error(t, "get: agent error %s at varbind %ld",
			     snmp_errstring((int)resp->errstat), resp->errindex);
		return;
	}
	for (netsnmp_variable_list *v = resp->variables; v; v = v->next_variable)
		column_add(&t->get, v, NULL, 0);
}

/* The k-th answer of the last GET, or NULL when missing or an exception. */
static const struct cell *got(const struct target *t, size_t k)
{
	if (k >= t->get.n)
		return NULL;
	const struct cell *c = &t->get.cells[k];
	if (c->type == SNMP_NOSUCHOBJECT || c->type == SNMP_NOSUCHINSTANCE ||
	    c->type == SNMP_ENDOFMIBVIEW || c->type == ASN_NULL)
		return NULL;
	return c;
}

/* ---- steps ---- */

static bool send_base(struct target *t)
{
	netsnmp_pdu *pdu = new_pdu(t, SNMP_MSG_GET);
	snmp_add_null_var(pdu, OID_SYS_UPTIME, OIDLEN(OID_SYS_UPTIME));
	snmp_add_null_var(pdu, OID_SYS_NAME, OIDLEN(OID_SYS_NAME));
	for (size_t i = 0; i < t->profile->n_scalars; i++)
		snmp_add_null_var(pdu, t->profile->scalars[i].oid.arcs, t->profile->scalars[i].oid.len);
	return send_pdu(t, pdu);
}

static void absorb_base(struct target *t)
{
	const struct cell *up = got(t, 0), *name = got(t, 1);
	t->has_uptime = up && up->type == ASN_TIMETICKS;
	t->uptime = t->has_uptime ? (uint32_t)up->num : 0;
	if (name && name->type == ASN_OCTET_STR)
		strlcpy_hr(t->sysname, name->text, sizeof t->sysname);
	else
		snprintf(t->sysname, sizeof t->sysname, "%s", t->name);
	char entity[SAMPLE_ENTITY_MAX];
	entity_of(entity, sizeof entity, "target:", t->name);
	for (size_t i = 0; i < t->profile->n_scalars; i++) {
		const struct snmp_scalar *s = &t->profile->scalars[i];
		const struct cell *c = got(t, 2 + i);
		double v;
		if (!c) {
			target_error(t, "scalar %s: no such object", s->metric);
			continue;
		}
		if (cell_count(t, c, s->type, s->metric, &v))
			collector_emit(t->c, entity, s->metric, v, now_of(t), NULL);
	}
}

static void sync_uplinks(struct target *t)
{
	const struct conf *conf = t->c->conf;
	for (size_t i = 0; i < t->n_uplinks; i++)
		t->uplinks[i].configured = false;
	for (size_t i = 0; i < conf->n_uplinks; i++) {
		const struct conf_uplink *u = &conf->uplinks[i];
		if (!u->target || strcmp(u->target, t->name) != 0 || !u->interface)
			continue;
		struct uplink_state *s = NULL;
		for (size_t j = 0; j < t->n_uplinks && !s; j++)
			if (strcmp(t->uplinks[j].name, u->name) == 0)
				s = &t->uplinks[j];
		if (!s) {
			t->uplinks = xrealloc(t->uplinks, (t->n_uplinks + 1) * sizeof *t->uplinks);
			s = &t->uplinks[t->n_uplinks++];
			memset(s, 0, sizeof *s);
			s->name = xstrdup(u->name);
		}
		s->configured = true;
	}
	size_t keep = 0;
	for (size_t i = 0; i < t->n_uplinks; i++) {
		if (t->uplinks[i].configured)
			t->uplinks[keep++] = t->uplinks[i];
		else
			free(t->uplinks[i].name);
	}
	t->n_uplinks = keep;
}

static const struct conf_uplink *uplink_conf(const struct target *t, const char *name)
{
	int i = conf_uplink_index(t->c->conf, name);
	return i >= 0 ? &t->c->conf->uplinks[i] : NULL;
}

static long find_ifindex(const struct target *t, const char *interface)
{
	for (size_t k = 0; k < IF_COLS; k++) {
		const struct column *col = &t->ifcols[k];
		for (size_t i = 0; i < col->n; i++) {
			const struct cell *c = &col->cells[i];
			if (c->type == ASN_OCTET_STR && c->idx_len == 1 && strcmp(c->text, interface) == 0)
				return (long)c->idx[0];
		}
	}
	return 0;
}

static void resolve_uplinks(struct target *t)
{
	for (size_t i = 0; i < t->n_uplinks; i++) {
		struct uplink_state *s = &t->uplinks[i];
		const struct conf_uplink *u = uplink_conf(t, s->name);
		if (s->ifindex || !u)
			continue;
		s->ifindex = find_ifindex(t, u->interface);
		if (s->ifindex)
			log_info("snmp: target %s: uplink %s is interface \"%s\" (ifIndex %ld)",
				 t->name, s->name, u->interface, s->ifindex);
		else
			target_error(t, "uplink %s: no interface named \"%s\" (ifName, ifDescr or ifAlias)",
				     s->name, u->interface);
	}
}

static bool need_ifwalk(const struct target *t)
{
	for (size_t i = 0; i < t->n_uplinks; i++)
		if (!t->uplinks[i].ifindex)
			return true;
	return false;
}

enum { UV_UPTIME, UV_NAME, UV_DESCR, UV_ALIAS, UV_HC_IN, UV_HC_OUT, UV_IN, UV_OUT,
       UV_HIGH_SPEED, UV_SPEED, UV_COUNT };

static bool send_uplink(struct target *t, const struct uplink_state *s)
{
	static const oid *const cols[UV_COUNT] = {
		OID_SYS_UPTIME, OID_IF_NAME, OID_IF_DESCR, OID_IF_ALIAS, OID_IF_HC_IN, OID_IF_HC_OUT,
		OID_IF_IN, OID_IF_OUT, OID_IF_HIGH_SPEED, OID_IF_SPEED
	};
	static const size_t col_lens[UV_COUNT] = {
		OIDLEN(OID_SYS_UPTIME), OIDLEN(OID_IF_NAME), OIDLEN(OID_IF_DESCR),
		OIDLEN(OID_IF_ALIAS), OIDLEN(OID_IF_HC_IN), OIDLEN(OID_IF_HC_OUT),
		OIDLEN(OID_IF_IN), OIDLEN(OID_IF_OUT), OIDLEN(OID_IF_HIGH_SPEED),
		OIDLEN(OID_IF_SPEED)
	};
	oid names[UV_COUNT][16];
	const oid *ptrs[UV_COUNT];
	size_t lens[UV_COUNT];
	for (size_t k = 0; k < UV_COUNT; k++) {
		memcpy(names[k], cols[k], col_lens[k] * sizeof(oid));
		lens[k] = col_lens[k];
		if (k != UV_UPTIME)
			names[k][lens[k]++] = (oid)s->ifindex;
		ptrs[k] = names[k];
	}
	return send_get(t, ptrs, lens, UV_COUNT);
}

static bool names_interface(const struct target *t, const char *interface)
{
	for (size_t k = UV_NAME; k <= UV_ALIAS; k++) {
		const struct cell *c = got(t, k);
		if (c && c->type == ASN_OCTET_STR && strcmp(c->text, interface) == 0)
			return true;
	}
	return false;
}

/* Pick the 64-bit counter, or the 32-bit one only where 64-bit is absent. */
static bool read_octets(const struct target *t, size_t hc, size_t lo, uint64_t *v, bool *is_hc)
{
	const struct cell *c = got(t, hc);
	if (c && c->type == ASN_COUNTER64) {
		*v = c->num;
		*is_hc = true;
		return true;
	}
	c = got(t, lo);
	if (c && c->type == ASN_COUNTER) {
		*v = c->num;
		*is_hc = false;
		return true;
	}
	return false;
}

static double link_speed_mbps(const struct target *t)
{
	const struct cell *c = got(t, UV_HIGH_SPEED);
	if (c && c->type == ASN_GAUGE && c->num > 0)
		return (double)c->num;
	c = got(t, UV_SPEED);
	if (c && c->type == ASN_GAUGE && c->num > 0 && c->num < 0xffffffffULL)
		return (double)c->num / 1e6;
	return 0;
}

static void report_rate(struct target *t, const char *uplink, const char *dir,
			enum snmp_rate_result r)
{
	if (r == SNMP_RATE_REBOOT || r == SNMP_RATE_RESET)
		log_info("snmp: target %s: uplink %s %s: %s, interval discarded", t->name, uplink,
			 dir, snmp_rate_result_name(r));
}

static void absorb_uplink(struct target *t, struct uplink_state *s)
{
	const struct conf_uplink *u = uplink_conf(t, s->name);
	if (!u || t->get.n == 0)
		return;
	if (!names_interface(t, u->interface)) {
		target_error(t, "uplink %s: ifIndex %ld is no longer \"%s\"; looking it up again",
			     s->name, s->ifindex, u->interface);
		s->ifindex = 0;
		memset(&s->in, 0, sizeof s->in);
		memset(&s->out, 0, sizeof s->out);
		return;
	}
	uint64_t in, out;
	bool hc_in, hc_out;
	if (!read_octets(t, UV_HC_IN, UV_IN, &in, &hc_in) ||
	    !read_octets(t, UV_HC_OUT, UV_OUT, &out, &hc_out)) {
		target_error(t, "uplink %s: no octet counters on ifIndex %ld", s->name, s->ifindex);
		return;
	}
	const struct cell *up = got(t, UV_UPTIME);
	bool has_up = up && up->type == ASN_TIMETICKS;
	uint32_t uptime = has_up ? (uint32_t)up->num : 0;
	double now = now_of(t), speed = link_speed_mbps(t);
	double max_bps = (u->capacity_mbps > 0 ? u->capacity_mbps : speed) * 1e6;
	double bps_in = NAN, bps_out = NAN;
	enum snmp_rate_result ri = snmp_rate_update(&s->in, in, hc_in, has_up, uptime, now, max_bps, &bps_in);
	enum snmp_rate_result ro = snmp_rate_update(&s->out, out, hc_out, has_up, uptime, now, max_bps, &bps_out);
	report_rate(t, s->name, "in", ri);
	report_rate(t, s->name, "out", ro);
	char entity[SAMPLE_ENTITY_MAX];
	entity_of(entity, sizeof entity, "uplink:", s->name);
	collector_emit(t->c, entity, "octets_in_total", (double)in, now, NULL);
	collector_emit(t->c, entity, "octets_out_total", (double)out, now, NULL);
	if (speed > 0)
		collector_emit(t->c, entity, "capacity_mbps", speed, now, NULL);
	if (ri == SNMP_RATE_OK && ro == SNMP_RATE_OK) {
		collector_emit(t->c, entity, "bps_in", bps_in, now, NULL);
		collector_emit(t->c, entity, "bps_out", bps_out, now, NULL);
		log_debug("snmp: target %s: uplink %s: in %llu out %llu octets, %.0f / %.0f bit/s",
			  t->name, s->name, (unsigned long long)in, (unsigned long long)out,
			  bps_in, bps_out);
	} else {
		log_debug("snmp: target %s: uplink %s: in %llu out %llu octets, no rate (%s)",
			  t->name, s->name, (unsigned long long)in, (unsigned long long)out,
			  snmp_rate_result_name(ri != SNMP_RATE_OK ? ri : ro));
	}
}

/* ---- joining tables into APs and SSIDs ---- */

struct ap_row {
	oid key[MAX_INDEX];
	size_t key_len;
	char name[TEXT_MAX];
	double clients;
	double band[4];			/* by enum snmp_band */
	bool has_band[4];
	int conf_idx;			/* matched ap block, -1 when unplanned */
};

struct ap_list {
	struct ap_row *rows;
	size_t n, cap;
};

static struct ap_row *ap_list_add(struct ap_list *l, const oid *key, size_t len, const char *name)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->rows = xrealloc(l->rows, l->cap * sizeof *l->rows);
	}
	struct ap_row *r = &l->rows[l->n++];
	memset(r, 0, sizeof *r);
	r->key_len = len;
	if (len)
		memcpy(r->key, key, len * sizeof *key);
	r->conf_idx = -1;
	strlcpy_hr(r->name, name, sizeof r->name);
	return r;
}

static struct ap_row *ap_list_find(struct ap_list *l, const oid *key, size_t len)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = idx_compare(l->rows[mid].key, l->rows[mid].key_len, key, len);
		if (cmp == 0)
			return &l->rows[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct ssid_sum {
	char name[TEXT_MAX];
	double clients;
};

struct ssid_list {
	struct ssid_sum *rows;
	size_t n, cap;
};

static void ssid_add(struct ssid_list *l, const char *name, double clients)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->rows[i].name, name) == 0) {
			l->rows[i].clients += clients;
			return;
		}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->rows = xrealloc(l->rows, l->cap * sizeof *l->rows);
	}
	strlcpy_hr(l->rows[l->n].name, name, sizeof l->rows[l->n].name);
	l->rows[l->n++].clients = clients;
}

static void build_ap_table(struct target *t, struct ap_list *aps)
{
	for (size_t i = 0; i < t->apcol.n; i++) {
		const struct cell *c = &t->apcol.cells[i];
		if (c->type != ASN_OCTET_STR || !c->text[0]) {
			target_error(t, "AP name table: %s instead of a name", type_name(c->type));
			continue;
		}
		ap_list_add(aps, c->idx, c->idx_len, c->text);
	}
}

/* The AP a radio row belongs to, creating it from the radio's own AP
 * name column or the device's sysName when the profile says so. */
static struct ap_row *radio_ap(struct target *t, struct ap_list *aps, const struct cell *r)
{
	const struct snmp_profile *p = t->profile;
	bool standalone = !p->ap_name.len && !p->radio_ap_name.len;
	if (standalone)
		return aps->n ? &aps->rows[0] : ap_list_add(aps, NULL, 0, t->sysname);
	if (r->idx_len <= (size_t)p->index_extra_arcs) {
		target_error(t, "radio row index too short to name its AP");
		return NULL;
	}
	size_t key_len = r->idx_len - (size_t)p->index_extra_arcs;
	if (p->ap_name.len) {
		struct ap_row *a = ap_list_find(aps, r->idx, key_len);
		if (!a) {
			char idx[160];
			format_index(idx, sizeof idx, r->idx, r->idx_len);
			target_error(t, "radio %s: its AP is not in the AP name table", idx);
		}
		return a;
	}
	/* AP name per radio row: rows of one AP are adjacent in OID order. */
	if (aps->n && idx_compare(aps->rows[aps->n - 1].key, aps->rows[aps->n - 1].key_len,
				  r->idx, key_len) == 0)
		return &aps->rows[aps->n - 1];
	const struct cell *name = column_find(&t->radiocols[RADIO_AP_NAME], r->idx, r->idx_len);
	if (!name || name->type != ASN_OCTET_STR || !name->text[0]) {
		target_error(t, "radio row without an AP name");
		return NULL;
	}
	return ap_list_add(aps, r->idx, key_len, name->text);
}

static enum snmp_band radio_band(struct target *t, const struct cell *r)
{
	if (!t->profile->radio_band.len)
		return SNMP_BAND_UNKNOWN;
	const struct cell *b = column_find(&t->radiocols[RADIO_BAND], r->idx, r->idx_len);
	if (!b) {
		target_error(t, "radio row without a band column");
		return SNMP_BAND_UNKNOWN;
	}
	char text[TEXT_MAX];
	cell_text(b, text, sizeof text);
	return snmp_profile_band(t->profile, text);
}

static void join_radios(struct target *t, struct ap_list *aps, struct ssid_list *ssids)
{
	const struct column *clients = &t->radiocols[RADIO_CLIENTS];
	if (clients->n == 0) {
		target_error(t, "radio table is empty");
		return;
	}
	for (size_t i = 0; i < clients->n; i++) {
		const struct cell *r = &clients->cells[i];
		double n;
		if (!cell_count(t, r, t->profile->radio_type, "radio clients", &n))
			continue;
		struct ap_row *a = radio_ap(t, aps, r);
		if (!a)
			continue;
		enum snmp_band band = radio_band(t, r);
		a->clients += n;
		a->band[band] += n;
		a->has_band[band] = true;
		char idx[160], ssid[TEXT_MAX] = "";
		format_index(idx, sizeof idx, r->idx, r->idx_len);
		if (t->profile->radio_ssid.len) {
			const struct cell *s = column_find(&t->radiocols[RADIO_SSID], r->idx, r->idx_len);
			if (s && s->type == ASN_OCTET_STR) {
				strlcpy_hr(ssid, s->text, sizeof ssid);
				if (!t->profile->ssid_name.len && ssid[0])
					ssid_add(ssids, ssid, n);
			} else {
				target_error(t, "radio %s: no SSID", idx);
			}
		}
		log_debug("snmp: target %s: radio %s ap \"%s\" band %s ssid \"%s\" clients %.0f",
			  t->name, idx, a->name, snmp_band_name(band), ssid, n);
	}
}

static void join_ssids(struct target *t, struct ssid_list *ssids)
{
	const struct column *names = &t->ssidcols[SSID_NAME], *clients = &t->ssidcols[SSID_CLIENTS];
	if (clients->n == 0) {
		target_error(t, "SSID table is empty");
		return;
	}
	for (size_t i = 0; i < clients->n; i++) {
		const struct cell *c = &clients->cells[i];
		char idx[160];
		format_index(idx, sizeof idx, c->idx, c->idx_len);
		double n;
		if (!cell_count(t, c, t->profile->ssid_type, "SSID clients", &n))
			continue;
		const struct cell *name = column_find(names, c->idx, c->idx_len);
		if (!name || name->type != ASN_OCTET_STR || !name->text[0]) {
			target_error(t, "SSID row %s has no name", idx);
			continue;
		}
		log_debug("snmp: target %s: wlan %s ssid \"%s\" clients %.0f", t->name, idx,
			  name->text, n);
		ssid_add(ssids, name->text, n);
	}
}

static int match_ap(const struct target *t, const struct ap_row *a)
{
	const struct conf *conf = t->c->conf;
	bool standalone = !t->profile->ap_name.len && !t->profile->radio_ap_name.len;
	for (size_t i = 0; i < conf->n_aps; i++) {
		const struct conf_ap *ap = &conf->aps[i];
		if (!ap->target || strcmp(ap->target, t->name) != 0)
			continue;
		if (strcmp(ap->match_name, a->name) == 0)
			return (int)i;
		if (standalone && ap->address && strcmp(ap->address, t->conf->address) == 0)
			return (int)i;
	}
	return -1;
}

static void emit_ap(struct target *t, const struct ap_row *a, const struct conf_ap *ap, double now)
{
	static const char *const band_metric[4] = { NULL, "clients_2g4", "clients_5g", "clients_6g" };
	char entity[SAMPLE_ENTITY_MAX];
	entity_of(entity, sizeof entity, "ap:", ap ? ap->name : a->name);
	collector_emit(t->c, entity, "clients", a->clients, now, a->name);
	for (int b = SNMP_BAND_2G4; b <= SNMP_BAND_6G; b++)
		if (a->has_band[b])
			collector_emit(t->c, entity, band_metric[b], a->band[b], now, a->name);
	if (!ap)
		collector_emit(t->c, entity, "unplanned", 1, now, a->name);
}

/* Configured APs of this target the device did not list are unknown. */
static void emit_missing_aps(struct target *t, const struct ap_list *aps, double now)
{
	const struct conf *conf = t->c->conf;
	bool *seen = xcalloc(conf->n_aps + 1, sizeof *seen);
	for (size_t k = 0; k < aps->n; k++)
		if (aps->rows[k].conf_idx >= 0)
			seen[aps->rows[k].conf_idx] = true;
	for (size_t i = 0; i < conf->n_aps; i++) {
		const struct conf_ap *ap = &conf->aps[i];
		if (!ap->target || strcmp(ap->target, t->name) != 0 || seen[i])
			continue;
		char entity[SAMPLE_ENTITY_MAX], text[SAMPLE_TEXT_MAX];
		entity_of(entity, sizeof entity, "ap:", ap->name);
		snprintf(text, sizeof text, "%s: not listed by %s", ap->match_name, t->name);
		collector_emit(t->c, entity, "clients", NAN, now, text);
	}
	free(seen);
}

static void emit_wireless(struct target *t)
{
	const struct snmp_profile *p = t->profile;
	struct ap_list aps = { 0 };
	struct ssid_list ssids = { 0 };
	double now = now_of(t);
	if (p->ap_name.len)
		build_ap_table(t, &aps);
	if (p->has_radio)
		join_radios(t, &aps, &ssids);
	if (p->ssid_name.len)
		join_ssids(t, &ssids);
	for (size_t i = 0; i < aps.n; i++) {
		struct ap_row *a = &aps.rows[i];
		if (!p->ap_name.len || a->has_band[0] || a->has_band[1] || a->has_band[2] ||
		    a->has_band[3]) {
			a->conf_idx = match_ap(t, a);
			emit_ap(t, a, a->conf_idx >= 0 ? &t->c->conf->aps[a->conf_idx] : NULL, now);
		}
	}
	if (p->has_radio && t->radiocols[RADIO_CLIENTS].n > 0)
		emit_missing_aps(t, &aps, now);
	for (size_t i = 0; i < ssids.n; i++) {
		char entity[SAMPLE_ENTITY_MAX];
		entity_of(entity, sizeof entity, "ssid:", ssids.rows[i].name);
		collector_emit(t->c, entity, "clients", ssids.rows[i].clients, now, t->name);
	}
	free(aps.rows);
	free(ssids.rows);
}

/* ---- the poll state machine ---- */

static bool step_send(struct target *t)
{
	const struct snmp_profile *p = t->profile;
	switch (t->step) {
	case STEP_BASE:
		return send_base(t);
	case STEP_IFNAMES:
		return need_ifwalk(t) && walk_begin(t, t->ifcols, IF_COLS);
	case STEP_UPLINK:
		while (t->uplink_cursor < t->n_uplinks && !t->uplinks[t->uplink_cursor].ifindex)
			t->uplink_cursor++;
		return t->uplink_cursor < t->n_uplinks &&
		       send_uplink(t, &t->uplinks[t->uplink_cursor]);
	case STEP_APS:
		return p->ap_name.len && walk_begin(t, &t->apcol, 1);
	case STEP_RADIOS:
		return p->has_radio && walk_begin(t, t->radiocols, RADIO_COLS);
	case STEP_SSIDS:
		return p->ssid_name.len && walk_begin(t, t->ssidcols, SSID_COLS);
	default:
		return false;
	}
}

/* Move to the next step that has something to send, or finish. */
static void step_next(struct target *t)
{
	while (t->step < STEP_DONE) {
		if (t->step == STEP_UPLINK && t->uplink_cursor + 1 < t->n_uplinks) {
			t->uplink_cursor++;
		} else {
			t->step++;
			t->uplink_cursor = 0;
		}
		if (t->step == STEP_DONE)
			break;
		t->fail_reason[0] = '\0';
		if (step_send(t))
			return;
		if (t->fail_reason[0]) {
			poll_finish(t, false);
			return;
		}
	}
	emit_wireless(t);
	poll_finish(t, true);
}

static void on_answer(struct target *t, netsnmp_pdu *resp)
{
	switch (t->step) {
	case STEP_BASE:
		get_absorb(t, resp);
		absorb_base(t);
		break;
	case STEP_UPLINK:
		get_absorb(t, resp);
		absorb_uplink(t, &t->uplinks[t->uplink_cursor]);
		break;
	case STEP_IFNAMES:
	case STEP_APS:
	case STEP_RADIOS:
	case STEP_SSIDS:
		if (walk_absorb(t, resp)) {
			if (send_walk(t))
				return;
			poll_finish(t, false);
			return;
		}
		if (t->step == STEP_IFNAMES)
			resolve_uplinks(t);
		break;
	default:
		return;
	}
	step_next(t);
}

/* An SNMPv3 Report: the answer to our engine discovery probe, or an error. */
static bool on_report(struct target *t, netsnmp_pdu *resp)
{
	netsnmp_session *ss = snmp_sess_session(t->sessp);
	if (!t->v3_ready && resp->securityEngineIDLen > 0) {
		if (ss->securityEngineIDLen == 0) {
			ss->securityEngineID = netsnmp_memdup(resp->securityEngineID,
							     resp->securityEngineIDLen);
			ss->securityEngineIDLen = resp->securityEngineIDLen;
		}
		if (ss->contextEngineIDLen == 0) {
			ss->contextEngineID = netsnmp_memdup(ss->securityEngineID,
							    ss->securityEngineIDLen);
			ss->contextEngineIDLen = ss->securityEngineIDLen;
		}
		if (usm_create_user_from_session(ss) != SNMPERR_SUCCESS) {
			snprintf(t->fail_reason, sizeof t->fail_reason, "SNMPv3: cannot set up the user");
			return false;
		}
		t->v3_ready = true;
		t->fail_reason[0] = '\0';
		if (step_send(t))
			return true;
		if (!t->fail_reason[0])
			snprintf(t->fail_reason, sizeof t->fail_reason, "nothing to send");
		return false;
	}
	int kind = snmpv3_get_report_type(resp);
	snprintf(t->fail_reason, sizeof t->fail_reason, "SNMPv3: %s", snmp_api_errstring(kind));
	return false;
}

/* RFC 3414 discovery: an unauthenticated request the agent answers with a
 * Report carrying its engine ID. Sent from the loop, never blocking it. */
static bool send_probe(struct target *t)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
	pdu->version = SNMP_VERSION_3;
	pdu->securityName = strdup("");
	pdu->securityNameLen = 0;
	pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
	pdu->securityModel = SNMP_SEC_MODEL_USM;
	return send_pdu(t, pdu);
}

static int on_snmp_event(int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic)
{
	struct target *t = magic;
	if (op == NETSNMP_CALLBACK_OP_RESEND) {
		log_debug("snmp: target %s: no answer yet, sending again", t->name);
		return 1;
	}
	if (op == NETSNMP_CALLBACK_OP_SEC_ERROR) {
		snprintf(t->fail_reason, sizeof t->fail_reason, "SNMPv3 security error");
		return 1;
	}
	if (!t->waiting)
		return 1;
	t->waiting = false;
	switch (op) {
	case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
		if (pdu->command == SNMP_MSG_REPORT) {
			if (!on_report(t, pdu))
				poll_finish(t, false);
			return 1;
		}
		on_answer(t, pdu);
		return 1;
	case NETSNMP_CALLBACK_OP_TIMED_OUT:
		snprintf(t->fail_reason, sizeof t->fail_reason, "no answer after %ld tries of %.1f s",
			 t->conf->retries + 1, t->conf->timeout);
		break;
	case NETSNMP_CALLBACK_OP_SEND_FAILED:
		snprintf(t->fail_reason, sizeof t->fail_reason, "send failed");
		break;
	case NETSNMP_CALLBACK_OP_DISCONNECT:
		snprintf(t->fail_reason, sizeof t->fail_reason, "disconnected");
		break;
	default:
		t->waiting = true;	/* not final */
		return 1;
	}
	poll_finish(t, false);
	return 1;
}

/* The rule is spelled out in snmp.h: with the 600 s cap a target that
 * comes back is polled again within ten minutes (or one interval). */
static double backoff_seconds(const struct target *t)
{
	double interval = (double)(t->conf->interval > 0 ? t->conf->interval : 30);
	double cap = fmin(8 * interval, 600);
	if (cap < interval)
		cap = interval;
	double d = interval * pow(2, t->failures < 10 ? t->failures : 10);
	return fmin(d, cap);
}

static void schedule_poll(struct target *t, double delay)
{
	if (delay < 0)
		delay = 0;
	struct timeval tv = { (time_t)delay, (suseconds_t)((delay - floor(delay)) * 1e6) };
	event_add(t->poll_ev, &tv);
}

static void once_done(struct target *t)
{
	struct snmp_state *st = t->st;
	if (!t->c->once || t->counted_once)
		return;
	t->counted_once = true;
	if (st->once_pending > 0 && --st->once_pending == 0 && !st->once_reported) {
		st->once_reported = true;
		t->c->sink->cycle_done(t->c->sink, "snmp");
	}
}

static void emit_health(struct target *t, bool ok, double now)
{
	char entity[SAMPLE_ENTITY_MAX];
	entity_of(entity, sizeof entity, "target:", t->name);
	collector_emit(t->c, entity, "up", ok ? 1 : 0, now, ok ? NULL : t->fail_reason);
	if (ok)
		collector_emit(t->c, entity, "poll_ms", (now - t->poll_started) * 1000.0, now, NULL);
	collector_emit(t->c, entity, "errors_total", (double)t->errors_total, now, NULL);
}

static void poll_finish(struct target *t, bool ok)
{
	double now = now_of(t);
	t->step = STEP_IDLE;
	t->waiting = false;
	if (ok && t->poll_errors > ERRORS_LOGGED_PER_POLL)
		log_warn("snmp: target %s: %u more malformed values this poll", t->name,
			 t->poll_errors - ERRORS_LOGGED_PER_POLL);
	if (!ok && !t->fail_reason[0])
		snprintf(t->fail_reason, sizeof t->fail_reason, "poll failed");
	emit_health(t, ok, now);
	if (ok) {
		if (t->up == 0)
			log_info("snmp: target %s is up again", t->name);
		t->up = 1;
		t->failures = 0;
	} else {
		t->failures++;
		if (t->up != 0)
			log_warn("snmp: target %s is down: %s", t->name, t->fail_reason);
		t->up = 0;
	}
	t->polled_once = true;
	if (t->c->once) {
		once_done(t);
		return;
	}
	double interval = (double)t->conf->interval;
	double next = ok ? t->poll_started + interval - now : backoff_seconds(t);
	if (!ok)
		log_info("snmp: target %s: next try in %.0f s (backoff)", t->name, next);
	schedule_poll(t, next);
}

static void poll_start(struct target *t)
{
	if (t->step != STEP_IDLE) {
		log_debug("snmp: target %s: previous poll still running, skipping", t->name);
		return;
	}
	t->poll_started = now_of(t);
	t->poll_errors = 0;
	t->fail_reason[0] = '\0';
	sync_uplinks(t);
	if (!t->sessp) {
		snprintf(t->fail_reason, sizeof t->fail_reason, "no SNMP session");
		poll_finish(t, false);
		return;
	}
	t->step = STEP_BASE;
	t->uplink_cursor = 0;
	bool probe = t->conf->snmp_version == CONF_SNMP_V3 && !t->v3_ready;
	if (!(probe ? send_probe(t) : step_send(t)))
		poll_finish(t, false);
}

/* ---- libevent glue ---- */

static void arm_timer(struct target *t)
{
	int numfds = 0, block = 1;
	struct timeval tv = { 0, 0 };
	snmp_sess_select_info2_flags(t->sessp, &numfds, &t->scratch, &tv, &block,
				     NETSNMP_SELECT_NOALARMS);
	if (!block) {
		event_add(t->timer_ev, &tv);
	} else {
		event_del(t->timer_ev);
		if (t->waiting) {
			/* net-snmp dropped the request without a final callback. */
			t->waiting = false;
			if (!t->fail_reason[0])
				snprintf(t->fail_reason, sizeof t->fail_reason, "request dropped");
			poll_finish(t, false);
		}
	}
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct target *t = arg;
	/* net-snmp clears the bit of the socket it read from. */
	NETSNMP_LARGE_FD_SET(t->fd, &t->fdset);
	snmp_sess_read2(t->sessp, &t->fdset);
	arm_timer(t);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct target *t = arg;
	snmp_sess_timeout(t->sessp);
	arm_timer(t);
}

static void on_poll_due(evutil_socket_t fd, short what, void *arg)
{
	poll_start(arg);
}

/* ---- sessions ---- */

static const oid *auth_protocol(const char *name, size_t *len)
{
	static const struct { const char *name; const oid *o; } protos[] = {
		{ "MD5", usmHMACMD5AuthProtocol }, { "SHA", usmHMACSHA1AuthProtocol },
		{ "SHA-224", usmHMAC128SHA224AuthProtocol }, { "SHA-256", usmHMAC192SHA256AuthProtocol },
		{ "SHA-384", usmHMAC256SHA384AuthProtocol }, { "SHA-512", usmHMAC384SHA512AuthProtocol },
	};
	for (size_t i = 0; i < sizeof protos / sizeof *protos; i++)
		if (strcmp(protos[i].name, name) == 0) {
			*len = USM_AUTH_PROTO_SHA_LEN;
			return protos[i].o;
		}
	return NULL;
}

static const oid *priv_protocol(const char *name, size_t *len)
{
	if (strcmp(name, "AES") == 0) {
		*len = USM_PRIV_PROTO_AES_LEN;
		return usmAESPrivProtocol;
	}
#ifdef NETSNMP_DRAFT_BLUMENTHAL_AES_04
	if (strcmp(name, "AES-192") == 0) {
		*len = OIDLEN(usmAES192PrivProtocol);
		return usmAES192PrivProtocol;
	}
	if (strcmp(name, "AES-256") == 0) {
		*len = OIDLEN(usmAES256PrivProtocol);
		return usmAES256PrivProtocol;
	}
#endif
#ifndef NETSNMP_DISABLE_DES
	if (strcmp(name, "DES") == 0) {
		*len = USM_PRIV_PROTO_DES_LEN;
		return usmDESPrivProtocol;
	}
#endif
	return NULL;
}

static int setup_v3(struct target *t, netsnmp_session *s)
{
	const struct conf_target *c = t->conf;
	s->version = SNMP_VERSION_3;
	s->flags |= SNMP_FLAGS_DONT_PROBE;	/* discovery happens in the loop, see on_report */
	s->securityName = c->v3_user;
	s->securityNameLen = strlen(c->v3_user);
	if (c->v3_context) {
		s->contextName = c->v3_context;
		s->contextNameLen = strlen(c->v3_context);
	}
	if (strcmp(c->v3_security_level, "noAuthNoPriv") == 0) {
		s->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
		return 0;
	}
	s->securityLevel = strcmp(c->v3_security_level, "authPriv") == 0 ? SNMP_SEC_LEVEL_AUTHPRIV
									  : SNMP_SEC_LEVEL_AUTHNOPRIV;
	size_t alen = 0;
	const oid *auth = auth_protocol(c->v3_auth_protocol, &alen);
	if (!auth) {
		snprintf(t->fail_reason, sizeof t->fail_reason, "auth protocol %s unsupported",
			 c->v3_auth_protocol);
		return -1;
	}
	s->securityAuthProto = snmp_duplicate_objid(auth, alen);
	s->securityAuthProtoLen = alen;
	s->securityAuthKeyLen = USM_AUTH_KU_LEN;
	if (generate_Ku(s->securityAuthProto, (u_int)alen, (const u_char *)c->v3_auth_passphrase,
			strlen(c->v3_auth_passphrase), s->securityAuthKey,
			&s->securityAuthKeyLen) != SNMPERR_SUCCESS) {
		snprintf(t->fail_reason, sizeof t->fail_reason, "cannot derive the auth key");
		return -1;
	}
	if (s->securityLevel != SNMP_SEC_LEVEL_AUTHPRIV)
		return 0;
	size_t plen = 0;
	const oid *priv = priv_protocol(c->v3_priv_protocol, &plen);
	if (!priv) {
		snprintf(t->fail_reason, sizeof t->fail_reason, "privacy protocol %s unsupported",
			 c->v3_priv_protocol);
		return -1;
	}
	s->securityPrivProto = snmp_duplicate_objid(priv, plen);
	s->securityPrivProtoLen = plen;
	s->securityPrivKeyLen = USM_PRIV_KU_LEN;
	if (generate_Ku(s->securityAuthProto, (u_int)alen, (const u_char *)c->v3_priv_passphrase,
			strlen(c->v3_priv_passphrase), s->securityPrivKey,
			&s->securityPrivKeyLen) != SNMPERR_SUCCESS) {
		snprintf(t->fail_reason, sizeof t->fail_reason, "cannot derive the privacy key");
		return -1;
	}
	return 0;
}

static int open_session(struct target *t)
{
	const struct conf_target *c = t->conf;
	netsnmp_session s;
	snmp_sess_init(&s);
	char peer[300];
	if (strchr(c->address, ':'))
		snprintf(peer, sizeof peer, "udp6:[%s]:%ld", c->address, c->port);
	else
		snprintf(peer, sizeof peer, "udp:%s:%ld", c->address, c->port);
	s.peername = peer;
	s.timeout = (long)(c->timeout * 1e6);
	s.retries = (int)c->retries;
	s.callback = on_snmp_event;
	s.callback_magic = t;
	int rc = 0;
	if (c->snmp_version == CONF_SNMP_V3) {
		rc = setup_v3(t, &s);
	} else {
		s.version = c->snmp_version == CONF_SNMP_V1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
		s.community = (u_char *)c->community;
		s.community_len = strlen(c->community);
	}
	if (rc == 0) {
		t->sessp = snmp_sess_open(&s);
		if (!t->sessp)
			snprintf(t->fail_reason, sizeof t->fail_reason, "cannot open a session to %.80s: %s",
				 peer, snmp_api_errstring(s.s_snmp_errno));
	}
	SNMP_FREE(s.securityAuthProto);
	SNMP_FREE(s.securityPrivProto);
	if (!t->sessp)
		return -1;
	netsnmp_transport *tr = snmp_sess_transport(t->sessp);
	t->fd = tr->sock;
	netsnmp_large_fd_set_init(&t->fdset, t->fd + 1);
	netsnmp_large_fd_set_init(&t->scratch, t->fd + 1);
	t->fdsets = true;
	t->read_ev = event_new(t->c->base, t->fd, EV_READ | EV_PERSIST, on_readable, t);
	event_add(t->read_ev, NULL);
	return 0;
}

static void init_columns(struct target *t)
{
	const struct snmp_profile *p = t->profile;
	column_init(&t->ifcols[IF_NAME], OID_IF_NAME, OIDLEN(OID_IF_NAME));
	column_init(&t->ifcols[IF_DESCR], OID_IF_DESCR, OIDLEN(OID_IF_DESCR));
	column_init(&t->ifcols[IF_ALIAS], OID_IF_ALIAS, OIDLEN(OID_IF_ALIAS));
	column_init(&t->apcol, p->ap_name.arcs, p->ap_name.len);
	column_init(&t->radiocols[RADIO_CLIENTS], p->radio_clients.arcs, p->radio_clients.len);
	column_init(&t->radiocols[RADIO_BAND], p->radio_band.arcs, p->radio_band.len);
	column_init(&t->radiocols[RADIO_AP_NAME], p->radio_ap_name.arcs, p->radio_ap_name.len);
	column_init(&t->radiocols[RADIO_SSID], p->radio_ssid.arcs, p->radio_ssid.len);
	column_init(&t->ssidcols[SSID_NAME], p->ssid_name.arcs, p->ssid_name.len);
	column_init(&t->ssidcols[SSID_CLIENTS], p->ssid_clients.arcs, p->ssid_clients.len);
	column_init(&t->get, NULL, 0);
}

static struct snmp_profile *profile_get(struct snmp_state *st, const char *name, char **err)
{
	for (size_t i = 0; i < st->n_profiles; i++) {
		struct shared_profile *sp = &st->profiles[i];
		if (sp->generation == st->generation && strcmp(sp->profile->name, name) == 0) {
			sp->refs++;
			return sp->profile;
		}
	}
	struct snmp_profile *p = snmp_profile_load(NULL, name, err);
	if (!p)
		return NULL;
	st->profiles = xrealloc(st->profiles, (st->n_profiles + 1) * sizeof *st->profiles);
	st->profiles[st->n_profiles++] = (struct shared_profile){ p, st->generation, 1 };
	return p;
}

static void profile_put(struct snmp_state *st, struct snmp_profile *p)
{
	for (size_t i = 0; p && i < st->n_profiles; i++) {
		if (st->profiles[i].profile != p)
			continue;
		if (--st->profiles[i].refs == 0) {
			snmp_profile_free(p);
			st->profiles[i] = st->profiles[--st->n_profiles];
		}
		return;
	}
}

static struct target *target_new(struct snmp_state *st, const struct conf_target *conf)
{
	struct target *t = xcalloc(1, sizeof *t);
	t->st = st;
	t->c = st->c;
	t->conf = conf;
	t->name = xstrdup(conf->name);
	t->up = -1;
	t->fd = -1;
	t->timer_ev = event_new(t->c->base, -1, 0, on_timer, t);
	t->poll_ev = event_new(t->c->base, -1, 0, on_poll_due, t);
	char *err = NULL;
	t->profile = profile_get(st, conf->profile, &err);
	if (!t->profile) {
		log_err("snmp: target %s: %s", t->name, err);
		snprintf(t->fail_reason, sizeof t->fail_reason, "profile: %s", err);
		free(err);
		return t;
	}
	init_columns(t);
	if (open_session(t) != 0)
		log_err("snmp: target %s: %s", t->name, t->fail_reason);
	return t;
}

static void target_free(struct target *t)
{
	if (!t)
		return;
	if (t->read_ev)
		event_free(t->read_ev);
	event_free(t->timer_ev);
	event_free(t->poll_ev);
	if (t->sessp)
		snmp_sess_close(t->sessp);
	if (t->fdsets) {
		netsnmp_large_fd_set_cleanup(&t->fdset);
		netsnmp_large_fd_set_cleanup(&t->scratch);
	}
	if (t->profile) {
		column_free(&t->get);
		for (size_t i = 0; i < IF_COLS; i++)
			column_free(&t->ifcols[i]);
		column_free(&t->apcol);
		for (size_t i = 0; i < RADIO_COLS; i++)
			column_free(&t->radiocols[i]);
		for (size_t i = 0; i < SSID_COLS; i++)
			column_free(&t->ssidcols[i]);
	}
	for (size_t i = 0; i < t->n_uplinks; i++)
		free(t->uplinks[i].name);
	free(t->uplinks);
	profile_put(t->st, t->profile);
	free(t->name);
	free(t);
}

/* A target stays (session, counters, health) when nothing about how it is
 * reached or read changed. */
static bool same_target(const struct conf_target *a, const struct conf_target *b)
{
	return same_string(a->address, b->address) && a->port == b->port &&
	       a->snmp_version == b->snmp_version && same_string(a->community, b->community) &&
	       same_string(a->profile, b->profile) && a->timeout == b->timeout &&
	       a->retries == b->retries && same_string(a->v3_user, b->v3_user) &&
	       same_string(a->v3_security_level, b->v3_security_level) &&
	       same_string(a->v3_auth_protocol, b->v3_auth_protocol) &&
	       same_string(a->v3_auth_passphrase, b->v3_auth_passphrase) &&
	       same_string(a->v3_priv_protocol, b->v3_priv_protocol) &&
	       same_string(a->v3_priv_passphrase, b->v3_priv_passphrase) &&
	       same_string(a->v3_context, b->v3_context);
}

/* ---- net-snmp library setup ---- */

static int on_snmp_log(int major, int minor, void *server_arg, void *client_arg)
{
	const struct snmp_log_message *m = server_arg;
	if (m && m->msg)
		log_debug("net-snmp: %.*s", (int)strcspn(m->msg, "\n"), m->msg);
	return 0;
}

static void library_init(void)
{
	/* Only our own settings: no snmp.conf of the user or the system, no
	 * persistent state files, and library messages go to our debug log. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
	snmp_disable_log();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_snmp_log, NULL);
	netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
	init_snmp("headroomd");
}

/* ---- collector ops ---- */

static void add_target(struct snmp_state *st, struct target *t)
{
	st->targets = xrealloc(st->targets, (st->n_targets + 1) * sizeof *st->targets);
	st->targets[st->n_targets++] = t;
}

static void start_target(struct target *t, double delay)
{
	if (!t->profile) {
		t->poll_started = now_of(t);
		poll_finish(t, false);
		return;
	}
	schedule_poll(t, delay);
}

static int snmp_start(struct collector *c)
{
	struct snmp_state *st = xcalloc(1, sizeof *st);
	st->c = c;
	c->priv = st;
	if (c->conf->n_targets == 0) {
		if (c->once)
			c->sink->cycle_done(c->sink, "snmp");
		return 0;
	}
	library_init();
	st->library = true;
	st->once_pending = c->conf->n_targets;
	for (size_t i = 0; i < c->conf->n_targets; i++)
		add_target(st, target_new(st, &c->conf->targets[i]));
	for (size_t i = 0; i < st->n_targets; i++)
		start_target(st->targets[i], 0);
	log_info("snmp: polling %zu targets", st->n_targets);
	return 0;
}

static int snmp_reconfigure(struct collector *c, const struct conf *conf)
{
	struct snmp_state *st = c->priv;
	if (!st->library && conf->n_targets > 0) {
		library_init();
		st->library = true;
	}
	struct target **old = st->targets;
	size_t n_old = st->n_targets;
	st->generation++;	/* new targets read the profile files again */
	st->targets = NULL;
	st->n_targets = 0;
	for (size_t i = 0; i < conf->n_targets; i++) {
		const struct conf_target *ct = &conf->targets[i];
		struct target *keep = NULL;
		for (size_t k = 0; k < n_old && !keep; k++)
			if (old[k] && strcmp(old[k]->name, ct->name) == 0 &&
			    same_target(old[k]->conf, ct) && old[k]->profile) {
				keep = old[k];
				old[k] = NULL;
			}
		if (keep) {
			keep->conf = ct;
			add_target(st, keep);
		} else {
			struct target *t = target_new(st, ct);
			add_target(st, t);
			start_target(t, 0);
		}
	}
	for (size_t k = 0; k < n_old; k++)
		target_free(old[k]);
	free(old);
	log_info("snmp: reconfigured, polling %zu targets", st->n_targets);
	return 0;
}

static void snmp_stop(struct collector *c)
{
	struct snmp_state *st = c->priv;
	if (!st)
		return;
	bool had_library = st->library;
	for (size_t i = 0; i < st->n_targets; i++)
		target_free(st->targets[i]);
	free(st->targets);
	free(st->profiles);
	free(st);
	c->priv = NULL;
	if (had_library)
		snmp_shutdown("headroomd");
}

/* ---- replay (fuzzing) ---- */

void snmp_replay_poll(struct collector *c, const struct conf_target *conf,
		      netsnmp_pdu *const *replies, size_t n)
{
	struct snmp_state st = { .c = c };
	struct target *t = xcalloc(1, sizeof *t);
	t->st = &st;
	t->c = c;
	t->conf = conf;
	t->name = xstrdup(conf->name);
	t->up = -1;
	t->fd = -1;
	t->timer_ev = event_new(c->base, -1, 0, on_timer, t);
	t->poll_ev = event_new(c->base, -1, 0, on_poll_due, t);
	char *err = NULL;
	t->profile = profile_get(&st, conf->profile, &err);
	free(err);
	if (t->profile)
		init_columns(t);
	for (size_t i = 0; t->profile && i < n;) {
		t->poll_started = now_of(t);
		t->poll_errors = 0;
		t->fail_reason[0] = '\0';
		sync_uplinks(t);
		t->step = STEP_BASE;
		t->uplink_cursor = 0;
		if (!step_send(t))
			poll_finish(t, false);
		for (; i < n && t->step != STEP_IDLE && t->waiting; i++) {
			t->waiting = false;
			on_answer(t, replies[i]);
		}
		if (t->step != STEP_IDLE)
			poll_finish(t, false);
	}
	target_free(t);
	free(st.profiles);
}

const struct collector_ops snmp_collector_ops = {
	.name = "snmp",
	.start = snmp_start,
	.reconfigure = snmp_reconfigure,
	.stop = snmp_stop,
};
