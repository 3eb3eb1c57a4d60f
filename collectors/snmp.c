/* The SNMP collector: asynchronous net-snmp polls of every target in the event loop. */
#include "config.h"
#include "collectors/snmp.h"
#include "collectors/snmp_target.h"
#include "collectors/snmp_switch.h"
#include "base/log.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const oid OID_SYS_DESCR[] = { 1, 3, 6, 1, 2, 1, 1, 1, 0 };
static const oid OID_SYS_OBJECTID[] = { 1, 3, 6, 1, 2, 1, 1, 2, 0 };
static const oid OID_SYS_UPTIME[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
static const oid OID_SYS_NAME[] = { 1, 3, 6, 1, 2, 1, 1, 5, 0 };
static const oid OID_IF_DESCR[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 2 };
static const oid OID_IF_SPEED[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 5 };
static const oid OID_IF_OPER[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 8 };
static const oid OID_IF_IN[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 10 };
static const oid OID_IF_OUT[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 16 };
static const oid OID_IF_NAME[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1 };
static const oid OID_IF_HC_IN[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6 };
static const oid OID_IF_HC_OUT[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10 };
static const oid OID_IF_HIGH_SPEED[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15 };
static const oid OID_IF_ALIAS[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18 };

#define OIDLEN(a) (sizeof (a) / sizeof *(a))
#define BASE_FIXED 2		/* sysUpTime, sysName */

static void poll_start(struct target *t);
static void profile_put(struct snmp_state *st, struct snmp_profile *p);
static bool step_send(struct target *t);
static void step_next(struct target *t);
static void poll_finish(struct target *t, bool ok);
static void arm_timer(struct target *t);
static void sync_uplinks(struct target *t);
static void schedule_poll(struct target *t, double delay);
static bool send_probe(struct target *t);
static int on_snmp_event(int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic);

/* ---- helpers ---- */

double target_now(const struct target *t)
{
	return collector_now(t->c);
}

static double now_of(const struct target *t)
{
	return collector_now(t->c);
}

void column_init(struct column *col, const oid *root, size_t len)
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
	col->walked = false;
	col->answers = 0;
	memcpy(col->cursor, col->root.arcs, col->root.len * sizeof(oid));
	col->cursor_len = col->root.len;
}

void column_free(struct column *col)
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

/* A cell from a varbind: numbers as numbers, strings (and object ids, as
 * dotted text) as printable text. */
static void cell_set(struct snmp_cell *c, const netsnmp_variable_list *v, const oid *idx,
		     size_t idx_len)
{
	memset(c, 0, sizeof *c);
	c->idx_len = idx_len < SNMP_MAX_INDEX ? idx_len : SNMP_MAX_INDEX;
	if (idx_len)
		memcpy(c->idx, idx, c->idx_len * sizeof *idx);
	c->type = v->type;
	char buf[SYSDESCR_MAX];
	switch (v->type) {
	case ASN_INTEGER:
		c->negative = *v->val.integer < 0;
		c->num = c->negative ? (uint64_t)-(int64_t)*v->val.integer : (uint64_t)*v->val.integer;
		break;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
		c->num = (uint64_t)(*v->val.integer & 0xffffffffUL);
		break;
	case ASN_COUNTER64:
		c->num = ((uint64_t)v->val.counter64->high << 32) | v->val.counter64->low;
		break;
	case ASN_OCTET_STR:
		printable_copy(buf, sizeof buf, v->val.string, v->val_len);
		c->text = xstrdup(buf);
		break;
	case ASN_OBJECT_ID:
		snmp_oid_format(v->val.objid, v->val_len / sizeof(oid), buf, sizeof buf);
		c->text = xstrdup(buf);
		break;
	default:
		break;
	}
}

static struct snmp_cell *column_add(struct column *col, const netsnmp_variable_list *v,
				    const oid *idx, size_t idx_len)
{
	if (col->n == col->cap) {
		col->cap = col->cap ? col->cap * 2 : 64;
		col->cells = xrealloc(col->cells, col->cap * sizeof *col->cells);
	}
	struct snmp_cell *c = &col->cells[col->n++];
	cell_set(c, v, idx, idx_len);
	return c;
}

/* "kind:name", cut to the buffer. */
void entity_of(char *buf, size_t size, const char *kind, const char *name)
{
	size_t n = strlcpy_hr(buf, kind, size);
	if (n < size)
		strlcpy_hr(buf + n, name, size - n);
}

/* A malformed or unexpected reply: counted, logged (a few per poll). */
void target_error(struct target *t, const char *fmt, ...)
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

long target_bulk_reps(const struct target *t)
{
	long reps = t->conf->max_repetitions > 0 ? t->conf->max_repetitions : 25;
	if (t->reps_cap > 0 && t->reps_cap < reps)
		reps = t->reps_cap;
	return t->bulk_reps > 0 && t->bulk_reps < reps ? t->bulk_reps : reps;
}

static netsnmp_pdu *new_pdu(const struct target *t, int command)
{
	netsnmp_pdu *pdu = snmp_pdu_create(command);
	if (command == SNMP_MSG_GETBULK) {
		pdu->errstat = 0;	/* non-repeaters */
		pdu->errindex = target_bulk_reps(t);
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
bool target_walk(struct target *t, struct column *const *cols, size_t n)
{
	t->n_walk = 0;
	for (size_t i = 0; i < n && t->n_walk < MAX_COLS; i++) {
		if (!cols[i]->root.len)
			continue;
		column_clear(cols[i]);
		cols[i]->walked = true;
		t->walk[t->n_walk++] = cols[i];
	}
	return t->n_walk > 0 && send_walk(t);
}

static bool in_subtree(const struct column *col, const oid *name, size_t len)
{
	return len > col->root.len &&
	       netsnmp_oid_is_subtree(col->root.arcs, col->root.len, name, len) == 0;
}

/* An agent whose next OID goes backwards does not walk in OID order: its
 * tables are read whole (see send_tables). prev is the varbind before v in
 * the same column's share of this answer. */
static void note_order(struct target *t, const netsnmp_variable_list *prev,
		       const netsnmp_variable_list *v)
{
	if (prev && v->type != SNMP_ENDOFMIBVIEW && prev->type != SNMP_ENDOFMIBVIEW &&
	    snmp_oid_compare(v->name, v->name_length, prev->name, prev->name_length) <= 0)
		t->unsorted = true;	/* endOfMibView repeats the name it was asked for */
}

#define ENTRY_MAX_ANSWERS 200000	/* an unsorted agent's walk ends here at the latest */

/* Whether varbind v ends column col's walk. */
static bool walk_ends(struct target *t, struct column *col, const netsnmp_variable_list *v)
{
	if (v->type == SNMP_ENDOFMIBVIEW || !in_subtree(col, v->name, v->name_length))
		return true;
	int cmp = snmp_oid_compare(v->name, v->name_length, col->cursor, col->cursor_len);
	if (col->unordered)
		return cmp == 0 || ++col->answers > ENTRY_MAX_ANSWERS;
	if (cmp <= 0) {
		target_error(t, "walk: agent returned OIDs out of order");
		return true;
	}
	return false;
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
	const netsnmp_variable_list *prev[MAX_COLS] = { NULL };
	for (netsnmp_variable_list *v = resp->variables; v; v = v->next_variable, k++) {
		struct column *col = t->walk[t->active[k % t->n_active]];
		if (!col->unordered)
			note_order(t, prev[k % t->n_active], v);
		prev[k % t->n_active] = v;
		if (col->done)
			continue;
		if (walk_ends(t, col, v)) {
			col->done = true;
			continue;
		}
		column_add(col, v, v->name + col->root.len, v->name_length - col->root.len);
		if (v->name_length - col->root.len > SNMP_MAX_INDEX)
			target_error(t, "walk: index longer than %d arcs", SNMP_MAX_INDEX);
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
static const struct snmp_cell *got(const struct target *t, size_t k)
{
	if (k >= t->get.n || snmp_cell_missing(&t->get.cells[k]))
		return NULL;
	return &t->get.cells[k];
}

/* ---- profiles: shared, chosen, bound to a target ---- */

static struct snmp_profile *profile_ref(struct snmp_state *st, struct snmp_profile *p)
{
	for (size_t i = 0; p && i < st->n_profiles; i++)
		if (st->profiles[i].profile == p) {
			st->profiles[i].refs++;
			return p;
		}
	return p;
}

static void profile_share(struct snmp_state *st, struct snmp_profile *p)
{
	st->profiles = xrealloc(st->profiles, (st->n_profiles + 1) * sizeof *st->profiles);
	st->profiles[st->n_profiles++] = (struct shared_profile){ p, st->generation, 1 };
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
	if (p)
		profile_share(st, p);
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

/* Every profile file, read once per config for profile = "auto". */
static void catalog_load(struct snmp_state *st)
{
	if (st->catalog_loaded)
		return;
	st->catalog_loaded = true;
	char *errors = NULL;
	st->catalog = snmp_profile_load_all(NULL, &st->n_catalog, &errors);
	for (size_t i = 0; i < st->n_catalog; i++)
		profile_share(st, st->catalog[i]);
	for (char *line = errors ? strtok(errors, "\n") : NULL; line; line = strtok(NULL, "\n"))
		log_warn("snmp: profile skipped for profile = \"auto\": %s", line);
	free(errors);
}

static void catalog_release(struct snmp_state *st)
{
	for (size_t i = 0; i < st->n_catalog; i++)
		profile_put(st, st->catalog[i]);
	free(st->catalog);	/* the array only: shared_profile owns the profiles */
	st->catalog = NULL;
	st->n_catalog = 0;
	st->catalog_loaded = false;
}

static void resolve_oid(const struct target *t, const struct snmp_oid *o, bool rel,
			struct snmp_oid *out)
{
	if (!rel) {
		*out = *o;
		return;
	}
	out->len = 0;
	if (!t->sysoid_len || t->sysoid_len + o->len > MAX_OID_LEN)
		return;
	memcpy(out->arcs, t->sysoid, t->sysoid_len * sizeof(oid));
	memcpy(out->arcs + t->sysoid_len, o->arcs, o->len * sizeof(oid));
	out->len = t->sysoid_len + o->len;
}

static void scalar_cells_clear(struct target *t)
{
	for (size_t i = 0; i < t->n_scalar_oids; i++) {
		free(t->scalar_cells[i].text);
		memset(&t->scalar_cells[i], 0, sizeof t->scalar_cells[i]);
		t->scalar_cells[i].type = SNMP_NOSUCHOBJECT;
	}
}

static void unprepare(struct target *t)
{
	const struct snmp_profile *p = t->profile;
	for (size_t i = 0; p && t->pcols && i < p->n_columns; i++)
		column_free(&t->pcols[i]);
	free(t->pcols);
	scalar_cells_clear(t);
	free(t->scalar_cells);
	free(t->scalar_oids);
	free(t->table_read);
	free(t->table_skip);
	free(t->table_entry);
	if (t->entry)
		column_free(t->entry);
	free(t->entry);
	t->entry = NULL;
	t->table_entry = NULL;
	t->pcols = NULL;
	t->scalar_cells = NULL;
	t->scalar_oids = NULL;
	t->n_scalar_oids = 0;
	t->table_read = t->table_skip = NULL;
}

static bool prepared(const struct target *t)
{
	return t->profile && t->table_read;
}

/* The profile's OIDs for this device (some are relative to its
 * sysObjectID) and the per-poll state of its tables. */
static void prepare(struct target *t)
{
	const struct snmp_profile *p = t->profile;
	if (!p || prepared(t))
		return;
	t->pcols = xcalloc(p->n_columns + 1, sizeof *t->pcols);
	for (size_t i = 0; i < p->n_columns; i++) {
		struct snmp_oid o;
		resolve_oid(t, &p->columns[i].oid, p->columns[i].rel_sysobjectid, &o);
		column_init(&t->pcols[i], o.arcs, o.len);
	}
	size_t n = 0;
	for (size_t i = 0; i < p->n_scalars; i++)
		n += p->scalars[i].n_oids;
	t->scalar_oids = xcalloc(n + 1, sizeof *t->scalar_oids);
	t->scalar_cells = xcalloc(n + 1, sizeof *t->scalar_cells);
	t->n_scalar_oids = 0;
	for (size_t i = 0; i < p->n_scalars; i++)
		for (size_t k = 0; k < p->scalars[i].n_oids; k++)
			resolve_oid(t, &p->scalars[i].oids[k], p->scalars[i].rel_sysobjectid[k],
				    &t->scalar_oids[t->n_scalar_oids++]);
	scalar_cells_clear(t);
	t->table_read = xcalloc(p->n_tables + 1, sizeof *t->table_read);
	t->table_skip = xcalloc(p->n_tables + 1, sizeof *t->table_skip);
	t->table_entry = xcalloc(p->n_tables + 1, sizeof *t->table_entry);
	if (!t->auto_profile) {
		struct snmp_device dev = { t->sysoid, t->sysoid_len, t->sysdescr };
		t->device_ap = snmp_profile_device_ap(p, &dev);
	}
}

static void probes_free(struct target *t)
{
	free(t->probes);
	free(t->probe_ok);
	t->probes = NULL;
	t->probe_ok = NULL;
	t->n_probes = 0;
}

static bool probe_answered(void *ctx, const struct snmp_oid *o)
{
	const struct target *t = ctx;
	for (size_t i = 0; i < t->n_probes; i++)
		if (netsnmp_oid_equals(t->probes[i].arcs, t->probes[i].len, o->arcs, o->len) == 0)
			return t->probe_ok[i];
	return false;
}

/* profile = "auto": the longest declared sysObjectID prefix whose other
 * conditions hold; generic-ifmib when nothing matches. */
static void choose_profile(struct target *t)
{
	struct snmp_state *st = t->st;
	catalog_load(st);
	struct snmp_device dev = { t->sysoid, t->sysoid_len, t->sysdescr };
	char reason[SAMPLE_TEXT_MAX];
	bool device_ap = false;
	int i = snmp_profile_choose(st->catalog, st->n_catalog, &dev, probe_answered, t, &device_ap,
				    reason, sizeof reason);
	struct snmp_profile *p = NULL;
	if (i >= 0) {
		p = profile_ref(st, st->catalog[i]);
		snprintf(t->profile_reason, sizeof t->profile_reason, "%s", reason);
	} else {
		char *err = NULL;
		p = profile_get(st, "generic-ifmib", &err);
		free(err);
		snprintf(t->profile_reason, sizeof t->profile_reason, "generic-ifmib: %.140s", reason);
	}
	probes_free(t);
	t->profile = p;
	t->device_ap = device_ap;
	t->auto_profile = false;	/* chosen: it stays for this config */
	t->profile_announced = false;
	log_info("snmp: target %s: profile %s", t->name, t->profile_reason);
}

/* GETNEXT from just before X finds X itself or anything under it. */
static void probe_oid(const struct snmp_oid *x, oid *out, size_t *len)
{
	size_t n = x->len;
	memcpy(out, x->arcs, n * sizeof(oid));
	if (n > 1 && x->arcs[n - 1] == 0) {
		*len = n - 1;
		return;
	}
	out[n - 1] = x->arcs[n - 1] - 1;
	*len = n;
	for (int k = 0; k < 2 && *len < MAX_OID_LEN; k++)
		out[(*len)++] = 0xffffffffUL;
}

static bool send_detect(struct target *t)
{
	catalog_load(t->st);
	struct snmp_device dev = { t->sysoid, t->sysoid_len, t->sysdescr };
	probes_free(t);
	t->probes = xcalloc(MAX_PROBES, sizeof *t->probes);
	t->probe_ok = xcalloc(MAX_PROBES, sizeof *t->probe_ok);
	t->n_probes = snmp_profile_probes(t->st->catalog, t->st->n_catalog, &dev, t->probes,
					  MAX_PROBES);
	if (t->n_probes == 0)
		return false;
	netsnmp_pdu *pdu = new_pdu(t, SNMP_MSG_GETNEXT);
	for (size_t i = 0; i < t->n_probes; i++) {
		oid name[MAX_OID_LEN];
		size_t len;
		probe_oid(&t->probes[i], name, &len);
		snmp_add_null_var(pdu, name, len);
	}
	return send_pdu(t, pdu);
}

static void absorb_detect(struct target *t, netsnmp_pdu *resp)
{
	if (resp->errstat != SNMP_ERR_NOERROR)
		return;		/* v1 noSuchName: one probe failed, so treat all as absent */
	size_t k = 0;
	for (netsnmp_variable_list *v = resp->variables; v && k < t->n_probes; v = v->next_variable, k++) {
		const struct snmp_oid *x = &t->probes[k];
		t->probe_ok[k] = v->type != SNMP_ENDOFMIBVIEW && v->type != SNMP_NOSUCHOBJECT &&
				 v->type != SNMP_NOSUCHINSTANCE &&
				 netsnmp_oid_is_subtree(x->arcs, x->len, v->name, v->name_length) == 0;
	}
}

/* ---- the base GET: uptime, name, what the device is, the scalars ---- */

static bool need_sysinfo(const struct target *t)
{
	return !t->have_sysinfo &&
	       (t->auto_profile || t->st->probe_fn || (t->profile && t->profile->has_clients));
}

static bool send_base(struct target *t)
{
	netsnmp_pdu *pdu = new_pdu(t, SNMP_MSG_GET);
	snmp_add_null_var(pdu, OID_SYS_UPTIME, OIDLEN(OID_SYS_UPTIME));
	snmp_add_null_var(pdu, OID_SYS_NAME, OIDLEN(OID_SYS_NAME));
	t->base_sysinfo = need_sysinfo(t);
	if (t->base_sysinfo) {
		snmp_add_null_var(pdu, OID_SYS_DESCR, OIDLEN(OID_SYS_DESCR));
		snmp_add_null_var(pdu, OID_SYS_OBJECTID, OIDLEN(OID_SYS_OBJECTID));
	}
	t->base_scalars = prepared(t) && t->n_scalar_oids > 0;
	for (size_t i = 0; t->base_scalars && i < t->n_scalar_oids; i++)
		if (t->scalar_oids[i].len)
			snmp_add_null_var(pdu, t->scalar_oids[i].arcs, t->scalar_oids[i].len);
		else	/* unresolved (no sysObjectID): ask for something absent */
			snmp_add_null_var(pdu, OID_SYS_UPTIME, OIDLEN(OID_SYS_UPTIME) - 1);
	return send_pdu(t, pdu);
}

static void take_scalars(struct target *t, size_t first)
{
	for (size_t i = 0; i < t->n_scalar_oids; i++) {
		const struct snmp_cell *c = got(t, first + i);
		if (!c || !t->scalar_oids[i].len)
			continue;
		free(t->scalar_cells[i].text);
		t->scalar_cells[i] = *c;
		t->scalar_cells[i].text = c->text ? xstrdup(c->text) : NULL;
	}
}

static void take_sysinfo(struct target *t)
{
	const struct snmp_cell *descr = got(t, BASE_FIXED), *objid = got(t, BASE_FIXED + 1);
	struct snmp_oid o;
	t->sysdescr[0] = '\0';
	if (descr && descr->type == ASN_OCTET_STR)
		strlcpy_hr(t->sysdescr, descr->text, sizeof t->sysdescr);
	t->sysoid_len = 0;
	if (objid && objid->type == ASN_OBJECT_ID && snmp_oid_parse(objid->text, &o) == 0) {
		memcpy(t->sysoid, o.arcs, o.len * sizeof(oid));
		t->sysoid_len = o.len;
	}
	t->have_sysinfo = descr || objid;
}

static void absorb_base(struct target *t)
{
	const struct snmp_cell *up = got(t, 0), *name = got(t, 1);
	t->has_uptime = up && up->type == ASN_TIMETICKS;
	t->uptime = t->has_uptime ? (uint32_t)up->num : 0;
	if (name && name->type == ASN_OCTET_STR && name->text[0])
		strlcpy_hr(t->sysname, name->text, sizeof t->sysname);
	else
		snprintf(t->sysname, sizeof t->sysname, "%s", t->name);
	size_t next = BASE_FIXED;
	if (t->base_sysinfo) {
		take_sysinfo(t);
		next += 2;
	}
	if (t->base_scalars)
		take_scalars(t, next);
}

static bool send_scalars(struct target *t)
{
	if (!t->profile)
		return false;
	prepare(t);
	if (t->base_scalars || t->n_scalar_oids == 0)
		return false;
	netsnmp_pdu *pdu = new_pdu(t, SNMP_MSG_GET);
	for (size_t i = 0; i < t->n_scalar_oids; i++)
		if (t->scalar_oids[i].len)
			snmp_add_null_var(pdu, t->scalar_oids[i].arcs, t->scalar_oids[i].len);
		else
			snmp_add_null_var(pdu, OID_SYS_UPTIME, OIDLEN(OID_SYS_UPTIME) - 1);
	return send_pdu(t, pdu);
}

/* ---- the profile's tables ---- */

static bool clients_answered(const struct target *t, const struct snmp_table *tab)
{
	if (tab->has_clients && tab->clients.kind == SNMP_REF_COLUMN)
		return t->pcols[tab->clients.column].n > 0;
	for (size_t i = 0; i < tab->n_clients_band; i++)
		if (tab->clients_band[i].ref.kind == SNMP_REF_COLUMN &&
		    t->pcols[tab->clients_band[i].ref.column].n > 0)
			return true;
	for (size_t i = 0; tab->rows == SNMP_ROWS_STATION && i < tab->n_drivers; i++)
		if (t->pcols[tab->drivers[i]].n > 0)
			return true;
	return false;
}

/* A table is read: it counts unless an earlier alternative answered, and
 * when it answers, the later alternatives of its group are not read. */
static void table_done(struct target *t, size_t ti)
{
	const struct snmp_profile *p = t->profile;
	const struct snmp_table *tab = &p->tables[ti];
	t->table_read[ti] = !t->table_skip[ti];
	if (!t->table_read[ti] || !tab->alternative || !clients_answered(t, tab))
		return;
	for (size_t j = ti + 1; j < p->n_tables; j++)
		if (p->tables[j].alternative && strcmp(p->tables[j].alternative, tab->alternative) == 0)
			t->table_skip[j] = true;
}

/* Columns of a table that lie under its entry: an entry walk reads them. */
static bool under_entry(const struct target *t, const struct column *col)
{
	const struct column *e = t->entry;
	return e && e->root.len && col->root.len > e->root.len &&
	       netsnmp_oid_is_subtree(e->root.arcs, e->root.len, col->root.arcs, col->root.len) == 0;
}

static int compare_cells(const void *a, const void *b)
{
	const struct snmp_cell *x = a, *y = b;
	return snmp_oid_compare(x->idx, x->idx_len, y->idx, y->idx_len);
}

/* The entry walk's cells, dealt to the table's columns in index order. */
static void deal_entry(struct target *t, const struct snmp_table *tab)
{
	const struct column *entry = t->entry;
	size_t base = entry->root.len;
	for (size_t c = 0; c < tab->n_columns; c++) {
		struct column *col = &t->pcols[tab->columns[c]];
		if (!under_entry(t, col))
			continue;
		column_clear(col);
		col->walked = true;
		size_t rel = col->root.len - base;
		for (size_t i = 0; i < entry->n; i++) {
			const struct snmp_cell *e = &entry->cells[i];
			if (e->idx_len <= rel || memcmp(e->idx, col->root.arcs + base, rel * sizeof(oid)))
				continue;
			if (col->n == col->cap) {
				col->cap = col->cap ? col->cap * 2 : 64;
				col->cells = xrealloc(col->cells, col->cap * sizeof *col->cells);
			}
			struct snmp_cell *d = &col->cells[col->n++];
			*d = *e;
			d->idx_len = e->idx_len - rel;
			memmove(d->idx, e->idx + rel, d->idx_len * sizeof(oid));
			d->text = e->text ? xstrdup(e->text) : NULL;
		}
		if (col->n > 1)
			qsort(col->cells, col->n, sizeof *col->cells, compare_cells);
	}
}

static void entry_root(struct target *t, const struct snmp_table *tab)
{
	struct snmp_oid o;
	resolve_oid(t, &tab->oid, tab->rel_sysobjectid, &o);
	if (!t->entry)
		t->entry = xcalloc(1, sizeof *t->entry);
	column_free(t->entry);
	column_init(t->entry, o.arcs, o.len);
	t->entry->unordered = true;
}

/* The next batch of a table's columns; in entry mode the entry walk first,
 * then the columns outside it. false when the table is read. */
static bool send_table_batch(struct target *t, const struct snmp_table *tab)
{
	bool entry = t->table_entry[t->table_cursor];
	if (entry && t->entry_phase == 0) {
		entry_root(t, tab);
		t->entry_phase = 1;
		struct column *cols[1] = { t->entry };
		if (target_walk(t, cols, 1))
			return true;
	}
	while (t->column_cursor < tab->n_columns) {
		struct column *cols[MAX_COLS];
		size_t n = 0;
		while (t->column_cursor < tab->n_columns && n < MAX_COLS) {
			struct column *col = &t->pcols[tab->columns[t->column_cursor++]];
			if (!entry || !under_entry(t, col))
				cols[n++] = col;
		}
		if (n && target_walk(t, cols, n))
			return true;
		if (t->fail_reason[0])
			return false;
	}
	return false;
}

/* The next batch of columns of the next table to read; false when done. */
static bool send_tables(struct target *t)
{
	const struct snmp_profile *p = t->profile;
	while (p && t->table_cursor < p->n_tables) {
		const struct snmp_table *tab = &p->tables[t->table_cursor];
		if (t->column_cursor == 0 && t->entry_phase == 0) {
			if (t->table_skip[t->table_cursor] && !tab->referenced) {
				t->table_cursor++;
				continue;
			}
			t->unsorted = false;
		}
		if (send_table_batch(t, tab))
			return true;
		if (t->fail_reason[0])
			return false;
		if (t->table_entry[t->table_cursor]) {
			deal_entry(t, tab);
		} else if (t->unsorted) {
			/* rows went backwards: read this table again, whole */
			log_info("snmp: target %s: the agent walks table %s out of OID order; "
				 "reading its whole entry", t->name, tab->name);
			t->table_entry[t->table_cursor] = true;
			t->column_cursor = 0;
			t->entry_phase = 0;
			continue;
		}
		table_done(t, t->table_cursor);
		t->table_cursor++;
		t->column_cursor = 0;
		t->entry_phase = 0;
	}
	return false;
}

/* ---- uplinks ---- */

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
	for (size_t k = 0; k < IF_LOOKUP_COLS; k++) {
		const struct column *col = &t->ifcols[k];
		for (size_t i = 0; i < col->n; i++) {
			const struct snmp_cell *c = &col->cells[i];
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
		const struct snmp_cell *c = got(t, k);
		if (c && c->type == ASN_OCTET_STR && strcmp(c->text, interface) == 0)
			return true;
	}
	return false;
}

/* Pick the 64-bit counter, or the 32-bit one only where 64-bit is absent. */
static bool read_octets(const struct target *t, size_t hc, size_t lo, uint64_t *v, bool *is_hc)
{
	const struct snmp_cell *c = got(t, hc);
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
	const struct snmp_cell *c = got(t, UV_HIGH_SPEED);
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
	const struct snmp_cell *up = got(t, UV_UPTIME);
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


/* ---- the poll state machine ---- */

static bool want_ifnames(const struct target *t)
{
	return need_ifwalk(t) || (t->profile && t->profile->needs_ifmib) || t->st->probe_fn;
}

static bool send_ifnames(struct target *t)
{
	struct column *cols[IF_LOOKUP_COLS];
	for (size_t i = 0; i < IF_LOOKUP_COLS; i++)
		cols[i] = &t->ifcols[i];
	return want_ifnames(t) && target_walk(t, cols, IF_LOOKUP_COLS);
}

/* --probe: the counters of every interface. */
static bool send_probe_ifs(struct target *t)
{
	struct column *cols[IF_PROBE_COLS];
	for (size_t i = 0; t->ifprobe && i < IF_PROBE_COLS; i++)
		cols[i] = &t->ifprobe[i];
	return t->ifprobe && target_walk(t, cols, IF_PROBE_COLS);
}

static bool step_send(struct target *t)
{
	switch (t->step) {
	case STEP_BASE:
		return send_base(t);
	case STEP_DETECT:
		if (!t->auto_profile)
			return false;
		if (send_detect(t))
			return true;
		if (!t->fail_reason[0])
			choose_profile(t);
		return false;
	case STEP_SCALARS:
		return send_scalars(t);
	case STEP_IFNAMES:
		return send_ifnames(t);
	case STEP_UPLINK:
		while (t->uplink_cursor < t->n_uplinks && !t->uplinks[t->uplink_cursor].ifindex)
			t->uplink_cursor++;
		return t->uplink_cursor < t->n_uplinks &&
		       send_uplink(t, &t->uplinks[t->uplink_cursor]);
	case STEP_PROBE_IF:
		return send_probe_ifs(t);
	case STEP_TABLES:
		t->table_cursor = t->column_cursor = 0;
		t->entry_phase = 0;
		return prepared(t) && send_tables(t);
	case STEP_SWITCH:
		return switch_begin(t);
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
	snmp_emit_poll(t);
	poll_finish(t, true);
}

/* A walk's answer: more to walk, or the step's work is done. */
static bool walk_answer(struct target *t, netsnmp_pdu *resp)
{
	if (walk_absorb(t, resp)) {
		t->bulk_reps = 0;	/* past a walk's first request: every row */
		if (!send_walk(t))
			poll_finish(t, false);
		return true;
	}
	if (t->step == STEP_IFNAMES)
		resolve_uplinks(t);
	if (t->step == STEP_SWITCH && switch_next(t))
		return true;
	if (t->step == STEP_SWITCH && t->fail_reason[0]) {
		poll_finish(t, false);
		return true;
	}
	if (t->step == STEP_TABLES && send_tables(t))
		return true;
	if (t->step == STEP_TABLES && t->fail_reason[0]) {
		poll_finish(t, false);
		return true;
	}
	return false;
}

static void on_answer(struct target *t, netsnmp_pdu *resp)
{
	switch (t->step) {
	case STEP_BASE:
		get_absorb(t, resp);
		absorb_base(t);
		if (!t->auto_profile)
			prepare(t);
		break;
	case STEP_DETECT:
		absorb_detect(t, resp);
		choose_profile(t);
		break;
	case STEP_SCALARS:
		get_absorb(t, resp);
		take_scalars(t, 0);
		break;
	case STEP_UPLINK:
		get_absorb(t, resp);
		absorb_uplink(t, &t->uplinks[t->uplink_cursor]);
		break;
	case STEP_IFNAMES:
	case STEP_PROBE_IF:
	case STEP_TABLES:
	case STEP_SWITCH:
		if (walk_answer(t, resp))
			return;
		break;
	default:
		return;
	}
	step_next(t);
}

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

/* A GETBULK answer too big to send is dropped by some agents (snmpsimd,
 * and switches whose FDB tables sit next to long port bitmaps): a switch's
 * walk asks again for fewer rows, and keeps to that, before the target is
 * called down. */
static bool walk_smaller(struct target *t)
{
	long reps = target_bulk_reps(t);
	if (t->step != STEP_SWITCH || reps <= 1 || t->conf->snmp_version == CONF_SNMP_V1)
		return false;
	t->reps_cap = reps / 4 > 1 ? reps / 4 : 1;
	log_info("snmp: target %s: no answer to %ld rows a request, asking for %ld", t->name,
		 reps, t->reps_cap);
	return send_walk(t);
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
		if (walk_smaller(t))
			return 1;
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
	if (!ok && t->st->probe_fn)
		snmp_emit_probe_failed(t);
	if (!ok)
		switch_failed(t);
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

/* What one poll starts from: no answers yet, every table unread. */
static void poll_reset(struct target *t)
{
	t->poll_started = now_of(t);
	t->poll_errors = 0;
	t->fail_reason[0] = '\0';
	t->step = STEP_BASE;
	t->bulk_reps = 0;
	t->uplink_cursor = 0;
	t->base_sysinfo = t->base_scalars = false;
	for (size_t i = 0; i < IF_LOOKUP_COLS; i++)
		t->ifcols[i].walked = false;
	if (!prepared(t))
		return;
	scalar_cells_clear(t);
	for (size_t i = 0; i < t->profile->n_columns; i++)
		t->pcols[i].walked = false;
	memset(t->table_read, 0, t->profile->n_tables * sizeof *t->table_read);
	memset(t->table_skip, 0, t->profile->n_tables * sizeof *t->table_skip);
}

static void poll_start(struct target *t)
{
	if (t->step != STEP_IDLE) {
		log_debug("snmp: target %s: previous poll still running, skipping", t->name);
		return;
	}
	poll_reset(t);
	sync_uplinks(t);
	if (!t->sessp) {
		t->step = STEP_IDLE;
		snprintf(t->fail_reason, sizeof t->fail_reason, "no SNMP session");
		poll_finish(t, false);
		return;
	}
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


static void init_ifcols(struct target *t)
{
	static const oid *const roots[IF_LOOKUP_COLS] = { OID_IF_NAME, OID_IF_DESCR, OID_IF_ALIAS };
	static const size_t lens[IF_LOOKUP_COLS] = {
		OIDLEN(OID_IF_NAME), OIDLEN(OID_IF_DESCR), OIDLEN(OID_IF_ALIAS)
	};
	for (size_t i = 0; i < IF_LOOKUP_COLS; i++)
		column_init(&t->ifcols[i], roots[i], lens[i]);
	column_init(&t->get, NULL, 0);
}

/* --probe also prints every interface's counters. */
static void init_ifprobe(struct target *t)
{
	static const oid *const roots[IF_PROBE_COLS] = {
		OID_IF_HC_IN, OID_IF_HC_OUT, OID_IF_HIGH_SPEED, OID_IF_OPER
	};
	static const size_t lens[IF_PROBE_COLS] = {
		OIDLEN(OID_IF_HC_IN), OIDLEN(OID_IF_HC_OUT), OIDLEN(OID_IF_HIGH_SPEED), OIDLEN(OID_IF_OPER)
	};
	t->ifprobe = xcalloc(IF_PROBE_COLS, sizeof *t->ifprobe);
	for (size_t i = 0; i < IF_PROBE_COLS; i++)
		column_init(&t->ifprobe[i], roots[i], lens[i]);
}

static bool is_auto(const char *profile)
{
	return !profile || !*profile || strcmp(profile, "auto") == 0;
}

static struct target *target_alloc(struct snmp_state *st, const struct conf_target *conf)
{
	struct target *t = xcalloc(1, sizeof *t);
	t->st = st;
	t->c = st->c;
	t->conf = conf;
	t->name = xstrdup(conf->name);
	t->up = -1;
	t->no_data = -1;
	t->fd = -1;
	t->timer_ev = event_new(t->c->base, -1, 0, on_timer, t);
	t->poll_ev = event_new(t->c->base, -1, 0, on_poll_due, t);
	init_ifcols(t);
	if (st->probe_fn)
		init_ifprobe(t);
	return t;
}

/* The configured profile, or none yet when the device will choose it.
 * false when the configured file does not load. */
static bool target_profile(struct target *t)
{
	if (t->conf->is_switch) {
		t->sw = switch_new();	/* read by its own walks, no profile */
		return true;
	}
	if (is_auto(t->conf->profile)) {
		t->auto_profile = true;
		return true;
	}
	char *err = NULL;
	t->profile = profile_get(t->st, t->conf->profile, &err);
	if (!t->profile) {
		log_err("snmp: target %s: %s", t->name, err);
		snprintf(t->fail_reason, sizeof t->fail_reason, "profile: %s", err);
		free(err);
		return false;
	}
	snprintf(t->profile_reason, sizeof t->profile_reason, "%s: configured", t->profile->name);
	t->profile_configured = true;
	return true;
}

static struct target *target_new(struct snmp_state *st, const struct conf_target *conf)
{
	struct target *t = target_alloc(st, conf);
	if (target_profile(t) && open_session(t) != 0)
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
	column_free(&t->get);
	for (size_t i = 0; i < IF_LOOKUP_COLS; i++)
		column_free(&t->ifcols[i]);
	for (size_t i = 0; t->ifprobe && i < IF_PROBE_COLS; i++)
		column_free(&t->ifprobe[i]);
	free(t->ifprobe);
	probes_free(t);
	unprepare(t);
	for (size_t i = 0; i < t->n_uplinks; i++)
		free(t->uplinks[i].name);
	free(t->uplinks);
	profile_put(t->st, t->profile);
	switch_free(t->sw);
	free(t->name);
	free(t);
}

/* A target stays (session, counters, health, chosen profile) when nothing
 * about how it is reached or read changed. */
static bool same_target(const struct conf_target *a, const struct conf_target *b)
{
	return same_string(a->address, b->address) && a->port == b->port &&
	       a->snmp_version == b->snmp_version && same_string(a->community, b->community) &&
	       same_string(a->profile, b->profile) && a->is_switch == b->is_switch &&
	       a->timeout == b->timeout &&
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

static bool target_usable(const struct target *t)
{
	return t->profile || t->auto_profile || t->sw;
}

static void start_target(struct target *t, double delay)
{
	if (!target_usable(t)) {
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
	catalog_release(st);
	st->targets = NULL;
	st->n_targets = 0;
	for (size_t i = 0; i < conf->n_targets; i++) {
		const struct conf_target *ct = &conf->targets[i];
		struct target *keep = NULL;
		for (size_t k = 0; k < n_old && !keep; k++)
			if (old[k] && strcmp(old[k]->name, ct->name) == 0 &&
			    same_target(old[k]->conf, ct) && target_usable(old[k])) {
				keep = old[k];
				old[k] = NULL;
			}
		if (keep) {
			keep->conf = ct;
			switch_forget(keep);	/* rooms may have moved: its next poll says */
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
	catalog_release(st);
	for (size_t i = 0; i < st->n_profiles; i++)
		snmp_profile_free(st->profiles[i].profile);
	free(st->profiles);
	free(st);
	c->priv = NULL;
	if (had_library)
		snmp_shutdown("headroomd");
}

/* ---- headroomd --probe ---- */

int snmp_probe_start(struct collector *c, const struct conf_target *ct, snmp_probe_report_fn fn,
		     void *ctx)
{
	struct snmp_state *st = xcalloc(1, sizeof *st);
	st->c = c;
	c->priv = st;
	st->probe_target = ct;
	st->probe_fn = fn;
	st->probe_ctx = ctx;
	library_init();
	st->library = true;
	st->once_pending = 1;
	struct target *t = target_new(st, ct);
	add_target(st, t);
	start_target(t, 0);
	return 0;
}

/* ---- replay (fuzzing) ---- */

void snmp_replay_poll(struct collector *c, const struct conf_target *conf,
		      netsnmp_pdu *const *replies, size_t n)
{
	struct snmp_state st = { .c = c };
	struct target *t = target_alloc(&st, conf);
	bool usable = target_profile(t);
	for (size_t i = 0; usable && i < n;) {
		poll_reset(t);
		sync_uplinks(t);
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
	catalog_release(&st);
	for (size_t i = 0; i < st.n_profiles; i++)
		snmp_profile_free(st.profiles[i].profile);
	free(st.profiles);
}

const struct collector_ops snmp_collector_ops = {
	.name = "snmp",
	.start = snmp_start,
	.reconfigure = snmp_reconfigure,
	.stop = snmp_stop,
};
