/* A finished SNMP poll as samples: APs, radios, SSIDs, totals, no_data, and the --probe report. */
#include "config.h"
#include "collectors/snmp_target.h"
#include "collectors/snmp_switch.h"
#include "base/log.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MISSING 64

static void emit(struct target *t, const char *entity, const char *metric, double v,
		 const char *text)
{
	collector_emit(t->c, entity, metric, v, target_now(t), text);
}

/* ---- what the poll read, as the rows builder sees it ---- */

struct poll_values {
	struct snmp_values v;
	struct snmp_walk *columns;
	const struct snmp_cell **scalars;
	struct snmp_walk ifmib[IF_LOOKUP_COLS];
};

static void values_of(const struct target *t, struct poll_values *pv)
{
	const struct snmp_profile *p = t->profile;
	memset(pv, 0, sizeof *pv);
	pv->columns = xcalloc(p->n_columns + 1, sizeof *pv->columns);
	for (size_t i = 0; i < p->n_columns; i++)
		if (t->pcols[i].walked)
			pv->columns[i] = (struct snmp_walk){ t->pcols[i].cells, t->pcols[i].n };
	/* a scalar's answer is its first alternative that answered */
	pv->scalars = xcalloc(p->n_scalars + 1, sizeof *pv->scalars);
	size_t k = 0;
	for (size_t i = 0; i < p->n_scalars; i++)
		for (size_t a = 0; a < p->scalars[i].n_oids; a++, k++)
			if (!pv->scalars[i] && !snmp_cell_missing(&t->scalar_cells[k]))
				pv->scalars[i] = &t->scalar_cells[k];
	for (size_t i = 0; i < IF_LOOKUP_COLS; i++)
		pv->ifmib[i] = (struct snmp_walk){ t->ifcols[i].cells, t->ifcols[i].n };
	pv->v.p = p;
	pv->v.columns = pv->columns;
	pv->v.scalars = pv->scalars;
	pv->v.ifmib = t->ifcols[IF_NAME].walked ? pv->ifmib : NULL;
	pv->v.table_read = t->table_read;
	pv->v.device_ap = t->device_ap;
}

static void values_free(struct poll_values *pv)
{
	free(pv->columns);
	free(pv->scalars);
}

static void on_row_error(void *ctx, const char *msg)
{
	target_error(ctx, "%s", msg);
}

/* ---- objects the profile expected and the device did not answer ---- */

struct missing {
	char *v[MAX_MISSING];
	size_t n;
	char client_oids[2][128];	/* the client sources among them */
	size_t n_client;
};

static void missing_add(struct missing *m, const struct snmp_oid *o, const char *what, bool client)
{
	char text[256];
	snmp_oid_format(o->arcs, o->len, text, sizeof text);
	if (client && m->n_client < 2)
		strlcpy_hr(m->client_oids[m->n_client++], text, sizeof m->client_oids[0]);
	if (m->n < MAX_MISSING)
		m->v[m->n++] = xasprintf("%s (%s)", text, what);
}

static bool is_client_column(const struct snmp_table *tab, int col)
{
	if (tab->has_clients && tab->clients.kind == SNMP_REF_COLUMN && tab->clients.column == col)
		return true;
	for (size_t i = 0; i < tab->n_clients_band; i++)
		if (tab->clients_band[i].ref.column == col)
			return true;
	return tab->rows == SNMP_ROWS_STATION && tab->n_drivers && tab->drivers[0] == col;
}

static void missing_of(const struct target *t, struct missing *m)
{
	const struct snmp_profile *p = t->profile;
	memset(m, 0, sizeof *m);
	size_t k = 0;
	for (size_t i = 0; i < p->n_scalars; i++) {
		bool any = false;
		for (size_t a = 0; a < p->scalars[i].n_oids; a++)
			any |= !snmp_cell_missing(&t->scalar_cells[k + a]);
		if (!any && p->scalars[i].n_oids) {
			char what[96];
			snprintf(what, sizeof what, "scalar %s", p->scalars[i].title);
			missing_add(m, &t->scalar_oids[k], what, p->scalars[i].kind == SNMP_SCALAR_CLIENTS);
		}
		k += p->scalars[i].n_oids;
	}
	for (size_t i = 0; i < p->n_tables; i++) {
		const struct snmp_table *tab = &p->tables[i];
		for (size_t c = 0; c < tab->n_columns; c++) {
			const struct column *col = &t->pcols[tab->columns[c]];
			if (!col->walked || col->n > 0)
				continue;
			char what[160];
			snprintf(what, sizeof what, "table %s: %s", tab->name,
				 p->columns[tab->columns[c]].source);
			missing_add(m, &col->root, what, is_client_column(tab, tab->columns[c]));
		}
	}
}

static void missing_free(struct missing *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
}

/* ---- APs: config names, unplanned rows, configured APs not listed ---- */

static int match_ap(const struct target *t, const struct snmp_ap_row *a)
{
	const struct conf *conf = t->c->conf;
	for (size_t i = 0; i < conf->n_aps; i++) {
		const struct conf_ap *ap = &conf->aps[i];
		if (!ap->target || strcmp(ap->target, t->name) != 0)
			continue;
		if (ap->match_name && strcmp(ap->match_name, a->name) == 0)
			return (int)i;
		if (a->self && ap->address && strcmp(ap->address, t->conf->address) == 0)
			return (int)i;
	}
	return -1;
}

static const char *const band_metric[SNMP_BANDS] = {
	NULL, "clients_2g4", "clients_5g", "clients_6g", "clients_3g5", "clients_60g"
};

static void emit_ap(struct target *t, const struct snmp_ap_row *a, const char *entity, bool planned)
{
	emit(t, entity, "clients", a->clients, a->name);
	for (int b = SNMP_BAND_2G4; b < SNMP_BANDS; b++)
		if (a->has_band[b])
			emit(t, entity, band_metric[b], a->band[b], a->name);
	if (!planned)
		emit(t, entity, "unplanned", 1, a->name);
}

/* Configured APs of this target that the device did not list are unknown. */
static void emit_missing_aps(struct target *t, const bool *seen)
{
	const struct conf *conf = t->c->conf;
	for (size_t i = 0; i < conf->n_aps; i++) {
		const struct conf_ap *ap = &conf->aps[i];
		if (!ap->target || strcmp(ap->target, t->name) != 0 || seen[i])
			continue;
		char entity[SAMPLE_ENTITY_MAX], text[SAMPLE_TEXT_MAX];
		entity_of(entity, sizeof entity, "ap:", ap->name);
		snprintf(text, sizeof text, "%s: not listed by %s", ap->match_name ? ap->match_name : ap->name,
			 t->name);
		emit(t, entity, "clients", NAN, text);
	}
}

/* Emits the APs; names[i] gets AP i's entity name for its radios. */
static void emit_aps(struct target *t, const struct snmp_result *r, char (*names)[SAMPLE_ENTITY_MAX])
{
	const struct conf *conf = t->c->conf;
	bool *seen = xcalloc(conf->n_aps + 1, sizeof *seen);
	bool listed = false;
	for (size_t i = 0; i < r->n_aps; i++) {
		const struct snmp_ap_row *a = &r->aps[i];
		int ci = match_ap(t, a);
		const char *name = ci >= 0 ? conf->aps[ci].name : a->name;
		strlcpy_hr(names[i], name, sizeof names[i]);
		if (!a->has_clients)
			continue;
		listed = true;
		if (ci >= 0)
			seen[ci] = true;
		char entity[SAMPLE_ENTITY_MAX];
		entity_of(entity, sizeof entity, "ap:", name);
		emit_ap(t, a, entity, ci >= 0);
	}
	if (listed)
		emit_missing_aps(t, seen);
	free(seen);
}

/* ---- radios, SSIDs, totals ---- */

static void emit_radio(struct target *t, const struct snmp_radio_row *x, const char *ap)
{
	char name[SAMPLE_ENTITY_MAX], entity[SAMPLE_ENTITY_MAX];
	size_t n = strlcpy_hr(name, ap, sizeof name);	/* cut long names, never overflow */
	if (!x->vap && n < sizeof name) {
		n += strlcpy_hr(name + n, "/", sizeof name - n);
		if (n < sizeof name)
			n += strlcpy_hr(name + n, snmp_band_name(x->band), sizeof name - n);
	}
	if ((x->vap || x->name[0]) && n < sizeof name) {
		n += strlcpy_hr(name + n, "/", sizeof name - n);
		if (n < sizeof name)
			strlcpy_hr(name + n, x->name, sizeof name - n);
	}
	entity_of(entity, sizeof entity, x->vap ? "vap:" : "radio:", name);
	if (x->has_clients)
		emit(t, entity, "clients", x->clients, NULL);
	for (size_t i = 0; i < x->n_util; i++) {
		char metric[SAMPLE_METRIC_MAX];
		if (x->util[i].variant)
			snprintf(metric, sizeof metric, "utilization#%s", x->util[i].variant);
		else
			snprintf(metric, sizeof metric, "utilization");
		emit(t, entity, metric, x->util[i].value, NULL);
	}
	if (x->has_noise)
		emit(t, entity, "noise", x->noise, NULL);
	if (x->has_channel)
		emit(t, entity, "channel", x->channel, NULL);
	if (x->has_frequency)
		emit(t, entity, "frequency", x->frequency, NULL);
	log_debug("snmp: target %s: %s clients %.0f", t->name, entity,
		  x->has_clients ? x->clients : NAN);
}

static void emit_ssids(struct target *t, const struct snmp_result *r)
{
	for (size_t i = 0; i < r->n_ssids; i++) {
		const struct snmp_ssid_row *s = &r->ssids[i];
		if (!s->has_clients)
			continue;
		char entity[SAMPLE_ENTITY_MAX];
		entity_of(entity, sizeof entity, "ssid:", s->name);
		emit(t, entity, "clients", s->clients, t->name);
		for (int b = SNMP_BAND_2G4; b < SNMP_BANDS; b++)
			if (s->has_band[b])
				emit(t, entity, band_metric[b], s->band[b], t->name);
		log_debug("snmp: target %s: ssid \"%s\" clients %.0f", t->name, s->name, s->clients);
	}
}

static void emit_totals(struct target *t, const struct snmp_result *r)
{
	char entity[SAMPLE_ENTITY_MAX];
	entity_of(entity, sizeof entity, "target:", t->name);
	if (r->has_total)
		emit(t, entity, "clients", r->total, NULL);
	for (size_t i = 0; i < r->n_aps_counts; i++) {
		char metric[SAMPLE_METRIC_MAX];
		if (r->aps_counts[i].variant)
			snprintf(metric, sizeof metric, "aps#%s", r->aps_counts[i].variant);
		else
			snprintf(metric, sizeof metric, "aps");
		emit(t, entity, metric, r->aps_counts[i].value, NULL);
	}
}

static void sysobjectid_text(const struct target *t, char *buf, size_t size)
{
	if (t->sysoid_len)
		snmp_oid_format(t->sysoid, t->sysoid_len, buf, size);
	else
		snprintf(buf, size, "unknown");
}

/* Why a device that answers gives no client figure: the first client
 * source that came back empty, and what the device is. */
static void no_data_reason(const struct target *t, const struct missing *m, char *text, size_t size)
{
	char soid[128], what[96];
	sysobjectid_text(t, soid, sizeof soid);
	if (m->n_client)
		snprintf(what, sizeof what, "%.70s empty", m->client_oids[0]);
	else
		snprintf(what, sizeof what, "no client rows");
	snprintf(text, size, "profile %.24s: %.76s; sysObjectID %.34s", t->profile->name, what, soid);
}

/* no_data: the device answers, but the profile finds no client figure. */
static void emit_no_data(struct target *t, const struct snmp_result *r, const struct missing *m)
{
	if (!t->profile->has_clients)
		return;
	char entity[SAMPLE_ENTITY_MAX], text[SAMPLE_TEXT_MAX];
	entity_of(entity, sizeof entity, "target:", t->name);
	if (r->client_values > 0) {
		if (t->no_data == 1)
			log_info("snmp: target %s: client counts are back", t->name);
		t->no_data = 0;
		emit(t, entity, "no_data", 0, NULL);
		return;
	}
	no_data_reason(t, m, text, sizeof text);
	if (t->no_data != 1)
		log_warn("snmp: target %s answers but gives no client counts: %s", t->name, text);
	t->no_data = 1;
	emit(t, entity, "no_data", 1, text);
}

void snmp_emit_profile(struct target *t)
{
	if (t->profile_announced)
		return;
	t->profile_announced = true;
	if (t->profile_configured)
		return;		/* the config says it; /api/v1/targets shows "configured" */
	char entity[SAMPLE_ENTITY_MAX];
	entity_of(entity, sizeof entity, "target:", t->name);
	bool matched = t->profile && strncmp(t->profile_reason, "generic-ifmib: no profile", 25) != 0;
	emit(t, entity, "profile", matched ? 1 : 0, t->profile_reason);
}

/* ---- the probe report ---- */

static struct snmp_probe_iface *probe_ifaces(const struct target *t, size_t *n)
{
	const struct column *names = &t->ifcols[IF_NAME], *descrs = &t->ifcols[IF_DESCR];
	const struct column *base = names->n ? names : descrs;
	struct snmp_probe_iface *v = xcalloc(base->n + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < base->n; i++) {
		const struct snmp_cell *c = &base->cells[i];
		if (c->idx_len != 1)
			continue;
		struct snmp_probe_iface *f = &v[(*n)++];
		f->ifindex = (long)c->idx[0];
		snmp_cell_text(c, f->name, sizeof f->name);
		struct snmp_walk w[IF_PROBE_COLS] = { { NULL, 0 } };
		for (size_t k = 0; t->ifprobe && k < IF_PROBE_COLS; k++)
			w[k] = (struct snmp_walk){ t->ifprobe[k].cells, t->ifprobe[k].n };
		const struct snmp_cell *in = snmp_walk_find(&w[IF_HC_IN], c->idx, 1);
		const struct snmp_cell *out = snmp_walk_find(&w[IF_HC_OUT], c->idx, 1);
		const struct snmp_cell *speed = snmp_walk_find(&w[IF_HIGH_SPEED], c->idx, 1);
		const struct snmp_cell *oper = snmp_walk_find(&w[IF_OPER], c->idx, 1);
		f->has_octets = in && out && in->type == ASN_COUNTER64 && out->type == ASN_COUNTER64;
		f->hc = f->has_octets;
		f->in = f->has_octets ? in->num : 0;
		f->out = f->has_octets ? out->num : 0;
		f->speed_mbps = speed && speed->type == ASN_GAUGE ? (double)speed->num : 0;
		f->oper = oper && oper->type == ASN_INTEGER ? (int)oper->num : 0;
	}
	return v;
}

static void probe_report(struct target *t, bool answered, const struct snmp_result *r,
			 const struct missing *m)
{
	char soid[256];
	sysobjectid_text(t, soid, sizeof soid);
	size_t n_ifaces = 0;
	struct snmp_probe_iface *ifaces = answered ? probe_ifaces(t, &n_ifaces) : NULL;
	char reason[SAMPLE_TEXT_MAX] = "";
	if (r && m && r->client_values == 0 && t->profile && t->profile->has_clients)
		no_data_reason(t, m, reason, sizeof reason);
	struct snmp_probe_report rep = {
		.target = t->name, .address = t->conf->address, .answered = answered,
		.fail_reason = t->fail_reason, .sysname = t->sysname, .sysdescr = t->sysdescr,
		.sysobjectid = soid, .profile = t->profile ? t->profile->name : NULL,
		.profile_reason = t->profile_reason, .device_ap = t->device_ap, .result = r,
		.missing = m ? (const char *const *)m->v : NULL, .n_missing = m ? m->n : 0,
		.ifaces = ifaces, .n_ifaces = n_ifaces, .no_data_reason = reason,
		.switch_text = answered ? switch_probe_text(t) : NULL,
	};
	t->st->probe_fn(t->st->probe_ctx, &rep);
	free(ifaces);
}

void snmp_emit_probe_failed(struct target *t)
{
	probe_report(t, false, NULL, NULL);
}

/* ---- the poll ---- */

void snmp_emit_poll(struct target *t)
{
	if (t->sw) {
		switch_emit(t);
		if (t->st->probe_fn)
			probe_report(t, true, NULL, NULL);
		return;
	}
	snmp_emit_profile(t);
	/* uplinks only (generic-ifmib): nothing to build, keep the poll cheap */
	bool nothing = !t->profile || !t->pcols || (!t->profile->n_tables && !t->profile->n_scalars);
	if (nothing) {
		if (t->st->probe_fn)
			probe_report(t, true, NULL, NULL);
		return;
	}
	struct poll_values pv;
	values_of(t, &pv);
	struct snmp_result r;
	snmp_rows_build(&pv.v, t->sysname, &r, on_row_error, t);
	struct missing m;
	missing_of(t, &m);
	if (t->st->probe_fn)
		probe_report(t, true, &r, &m);
	char (*names)[SAMPLE_ENTITY_MAX] = xcalloc(r.n_aps + 1, sizeof *names);
	emit_aps(t, &r, names);
	for (size_t i = 0; i < r.n_radios; i++)
		emit_radio(t, &r.radios[i], names[r.radios[i].ap]);
	emit_ssids(t, &r);
	emit_totals(t, &r);
	emit_no_data(t, &r, &m);
	free(names);
	missing_free(&m);
	snmp_result_free(&r);
	values_free(&pv);
}
