/* snmp_switch: a switch's ports, learned MACs (hashed) per port and VLAN, uplinks, and rooms' wired counts. */
#include "config.h"
#include "collectors/snmp_switch.h"
#include "collectors/client_key.h"
#include "collectors/snmp_target.h"
#include "base/log.h"
#include "base/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum sw_col {
	C_IFINDEX, C_IFDESCR, C_IFTYPE, C_IFSPEED, C_IFOPER, C_IFNAME, C_IFHIGH, C_IFALIAS,
	C_BASEPORT, C_VLANFDB, C_PVID, C_LLDP_REM, C_LLDP_LOCID, C_LLDP_LOCDESC,
	C_QPORT, C_QSTATUS, C_DPORT, C_DSTATUS, SW_COLS
};

#define OID_MAX_ARCS 14
static const struct {
	oid arcs[OID_MAX_ARCS];
	size_t len;
} sw_oids[SW_COLS] = {
	[C_IFINDEX] = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 1 }, 10 },
	[C_IFDESCR] = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 2 }, 10 },
	[C_IFTYPE] = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 3 }, 10 },
	[C_IFSPEED] = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 5 }, 10 },
	[C_IFOPER] = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 8 }, 10 },
	[C_IFNAME] = { { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1 }, 11 },
	[C_IFHIGH] = { { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15 }, 11 },
	[C_IFALIAS] = { { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18 }, 11 },
	[C_BASEPORT] = { { 1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2 }, 11 },
	[C_VLANFDB] = { { 1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 2, 1, 3 }, 13 },
	[C_PVID] = { { 1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 5, 1, 1 }, 13 },
	[C_LLDP_REM] = { { 1, 0, 8802, 1, 1, 2, 1, 4, 1, 1, 9 }, 11 },
	[C_LLDP_LOCID] = { { 1, 0, 8802, 1, 1, 2, 1, 3, 7, 1, 3 }, 11 },
	[C_LLDP_LOCDESC] = { { 1, 0, 8802, 1, 1, 2, 1, 3, 7, 1, 4 }, 11 },
	[C_QPORT] = { { 1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 2 }, 13 },
	[C_QSTATUS] = { { 1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 3 }, 13 },
	[C_DPORT] = { { 1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 2 }, 11 },
	[C_DSTATUS] = { { 1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3 }, 11 },
};

/* Walked side by side, one group after the other. */
static const struct {
	int first, n;
} groups[] = { { C_IFINDEX, 8 }, { C_BASEPORT, 6 }, { C_QPORT, 2 }, { C_DPORT, 2 } };
#define N_GROUPS (sizeof groups / sizeof *groups)
#define GROUP_DFDB 3

#define FDB_LEARNED 3

/* One room's share of one switch, kept until its next poll. */
struct room_share {
	int room;
	uint64_t *macs;			/* hashed, sorted, distinct */
	size_t n;
	long ports, up, used;
};

struct switch_state {
	struct column cols[SW_COLS];
	size_t group;
	struct room_share *rooms;
	size_t n_rooms;
	bool have;			/* the shares hold a good poll */
	char *probe_text;
};

struct vlan_count {
	long vlan, n;
};

struct swport {
	long ifindex;
	char name[SNMP_TEXT_MAX], descr[SNMP_TEXT_MAX], alias[SNMP_TEXT_MAX];
	long oper, type, speed, pvid;	/* -1: unknown */
	long macs;
	struct vlan_count *byvlan;
	size_t n_byvlan;
	bool uplink, lldp, many;
	char why[SAMPLE_TEXT_MAX];
	int wired;			/* conf wired block, -1 none */
};

struct fdb_row {
	uint32_t port;			/* index into the port array */
	long vlan;
	uint64_t mac;
};

struct fdb_stats {
	long rows, counted, dropped_status, dropped_port0, dropped_unmapped;
};

/* ---- state ---- */

struct switch_state *switch_new(void)
{
	struct switch_state *sw = xcalloc(1, sizeof *sw);
	for (size_t i = 0; i < SW_COLS; i++)
		column_init(&sw->cols[i], sw_oids[i].arcs, sw_oids[i].len);
	return sw;
}

static void shares_clear(struct switch_state *sw)
{
	for (size_t i = 0; i < sw->n_rooms; i++)
		free(sw->rooms[i].macs);
	free(sw->rooms);
	sw->rooms = NULL;
	sw->n_rooms = 0;
	sw->have = false;
}

void switch_free(struct switch_state *sw)
{
	if (!sw)
		return;
	for (size_t i = 0; i < SW_COLS; i++)
		column_free(&sw->cols[i]);
	shares_clear(sw);
	free(sw->probe_text);
	free(sw);
}

/* ---- the walks ---- */

static bool walk_group(struct target *t)
{
	struct switch_state *sw = t->sw;
	for (; sw->group < N_GROUPS; sw->group++) {
		/* BRIDGE-MIB only when the Q-BRIDGE FDB is empty */
		if (sw->group == GROUP_DFDB && sw->cols[C_QPORT].n > 0)
			continue;
		struct column *cols[MAX_COLS];
		size_t n = (size_t)groups[sw->group].n;
		for (size_t i = 0; i < n; i++)
			cols[i] = &sw->cols[groups[sw->group].first + (int)i];
		/* An empty column's first answer is rows of whatever follows
		 * it, port bitmaps of kilobytes each: ask for few. */
		t->bulk_reps = 5;
		if (target_walk(t, cols, n))
			return true;
		if (t->fail_reason[0])
			return false;
	}
	return false;
}

bool switch_begin(struct target *t)
{
	if (!t->sw)
		return false;
	for (size_t i = 0; i < SW_COLS; i++)
		column_free(&t->sw->cols[i]);
	t->sw->group = 0;
	return walk_group(t);
}

bool switch_next(struct target *t)
{
	t->sw->group++;
	return walk_group(t);
}

/* ---- reading cells ---- */

static const struct snmp_cell *cell_at(const struct column *col, const oid *idx, size_t len)
{
	struct snmp_walk w = { col->cells, col->n };
	const struct snmp_cell *c = snmp_walk_find(&w, idx, len);
	return snmp_cell_missing(c) ? NULL : c;
}

static const struct snmp_cell *cell1(const struct column *col, long i)
{
	oid idx = (oid)i;
	return i >= 0 ? cell_at(col, &idx, 1) : NULL;
}

static long num_of(const struct snmp_cell *c)
{
	double d;
	return c && snmp_cell_number(c, &d) && d >= 0 ? (long)d : -1;
}

static void text_of(const struct snmp_cell *c, char *buf, size_t size)
{
	buf[0] = '\0';
	if (c && c->type == ASN_OCTET_STR && c->text)
		strlcpy_hr(buf, c->text, size);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* ---- the ports: every ifIndex of ifTable or ifXTable ---- */

static struct swport *ports_read(const struct switch_state *sw, size_t *n)
{
	static const int keyed[] = { C_IFINDEX, C_IFDESCR, C_IFTYPE, C_IFOPER, C_IFNAME };
	size_t cap = 0;
	for (size_t k = 0; k < sizeof keyed / sizeof *keyed; k++)
		cap += sw->cols[keyed[k]].n;
	long *idx = xcalloc(cap ? cap : 1, sizeof *idx);
	size_t m = 0;
	for (size_t k = 0; k < sizeof keyed / sizeof *keyed; k++) {
		const struct column *col = &sw->cols[keyed[k]];
		for (size_t i = 0; i < col->n; i++)
			if (col->cells[i].idx_len == 1)
				idx[m++] = (long)col->cells[i].idx[0];
	}
	qsort(idx, m, sizeof *idx, cmp_long);
	struct swport *p = xcalloc(m ? m : 1, sizeof *p);
	size_t np = 0;
	for (size_t i = 0; i < m; i++) {
		if (np && p[np - 1].ifindex == idx[i])
			continue;
		struct swport *x = &p[np++];
		long ix = idx[i];
		x->ifindex = ix;
		text_of(cell1(&sw->cols[C_IFNAME], ix), x->name, sizeof x->name);
		text_of(cell1(&sw->cols[C_IFDESCR], ix), x->descr, sizeof x->descr);
		text_of(cell1(&sw->cols[C_IFALIAS], ix), x->alias, sizeof x->alias);
		x->oper = num_of(cell1(&sw->cols[C_IFOPER], ix));
		x->type = num_of(cell1(&sw->cols[C_IFTYPE], ix));
		const struct snmp_cell *hs = cell1(&sw->cols[C_IFHIGH], ix);
		long sp = num_of(cell1(&sw->cols[C_IFSPEED], ix));
		x->speed = hs ? num_of(hs) : sp >= 0 ? sp / 1000000 : -1;
		x->pvid = -1;
		x->wired = -1;
	}
	free(idx);
	*n = np;
	return p;
}

static struct swport *port_of(struct swport *p, size_t n, long ifindex)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p[mid].ifindex == ifindex)
			return &p[mid];
		if (p[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- the bridge-port map ---- */

struct bridge_map {
	long *port, *ifindex;		/* sorted by port */
	long *raw;			/* the agent's own port numbers */
	size_t n;
	bool ordinal;
};

static long bridge_ifindex(const struct bridge_map *bm, long port)
{
	size_t lo = 0, hi = bm->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (bm->port[mid] == port)
			return bm->ifindex[mid];
		if (bm->port[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Whether any non-zero FDB port is a key of the map. */
static bool fdb_ports_known(const struct bridge_map *bm, const struct column *fdb, bool *any)
{
	*any = false;
	for (size_t i = 0; i < fdb->n; i++) {
		long port = num_of(&fdb->cells[i]);
		if (port <= 0)
			continue;
		*any = true;
		if (bridge_ifindex(bm, port) >= 0)
			return true;
	}
	return false;
}

static void bridge_read(const struct switch_state *sw, const struct column *fdb,
			struct bridge_map *bm)
{
	const struct column *col = &sw->cols[C_BASEPORT];
	bm->port = xcalloc(col->n + 1, sizeof *bm->port);
	bm->ifindex = xcalloc(col->n + 1, sizeof *bm->ifindex);
	bm->raw = xcalloc(col->n + 1, sizeof *bm->raw);
	bm->n = 0;
	bm->ordinal = false;
	for (size_t i = 0; i < col->n; i++) {	/* walk order: sorted by port */
		if (col->cells[i].idx_len != 1)
			continue;
		bm->port[bm->n] = bm->raw[bm->n] = (long)col->cells[i].idx[0];
		bm->ifindex[bm->n++] = num_of(&col->cells[i]);
	}
	bool any;
	if (bm->n && !fdb_ports_known(bm, fdb, &any) && any) {
		/* FDB ports 1..n against bridge ports 49153..: the n-th port */
		for (size_t i = 0; i < bm->n; i++)
			bm->port[i] = (long)i + 1;
		bm->ordinal = true;
	}
}

static void bridge_free(struct bridge_map *bm)
{
	free(bm->port);
	free(bm->ifindex);
	free(bm->raw);
}

/* ---- FDB id -> VLAN ---- */

struct fid_vlan {
	long fid, vlan;
};

static int cmp_fid_vlan(const void *a, const void *b)
{
	const struct fid_vlan *x = a, *y = b;
	if (x->fid != y->fid)
		return (x->fid > y->fid) - (x->fid < y->fid);
	return (x->vlan > y->vlan) - (x->vlan < y->vlan);
}

struct vlan_map {
	struct fid_vlan *v;
	size_t n;
};

static void vlan_map_read(const struct column *col, struct vlan_map *vm)
{
	vm->v = xcalloc(col->n + 1, sizeof *vm->v);
	vm->n = 0;
	for (size_t i = 0; i < col->n; i++) {
		long fid = num_of(&col->cells[i]);
		if (col->cells[i].idx_len != 2 || fid < 0)
			continue;
		vm->v[vm->n].fid = fid;
		vm->v[vm->n++].vlan = (long)col->cells[i].idx[1];
	}
	qsort(vm->v, vm->n, sizeof *vm->v, cmp_fid_vlan);
}

/* The VLAN of an FDB id: its one VLAN, else (none, or shared) the id. */
static long vlan_of(const struct vlan_map *vm, long fid)
{
	long vlan = -1;
	for (size_t i = 0; i < vm->n; i++) {
		if (vm->v[i].fid != fid)
			continue;
		if (vlan >= 0 && vm->v[i].vlan != vlan)
			return fid;
		vlan = vm->v[i].vlan;
	}
	return vlan >= 0 ? vlan : fid;
}

/* ---- the FDB ---- */

/* The fdbId (or -1 for BRIDGE-MIB) and MAC of an FDB index; false when the
 * index has no such shape. A length arc before the MAC is skipped. */
static bool fdb_index(const struct snmp_cell *c, bool q, long *fid, uint8_t mac[6])
{
	const oid *a = c->idx;
	size_t n = c->idx_len;
	if (q) {
		if (n == 8 && a[1] == 6) {
			*fid = (long)a[0];
			a += 2;
			n = 6;
		} else if (n == 7) {
			*fid = (long)a[0];
			a += 1;
			n = 6;
		} else {
			return false;
		}
	} else {
		*fid = -1;
		if (n == 7 && a[0] == 6) {
			a += 1;
			n = 6;
		}
		if (n != 6)
			return false;
	}
	for (size_t i = 0; i < 6; i++) {
		if (a[i] > 255)
			return false;
		mac[i] = (uint8_t)a[i];
	}
	return true;
}

static struct fdb_row *fdb_read(struct target *t, struct swport *p, size_t np,
				const struct bridge_map *bm, const struct vlan_map *vm,
				const struct sipkey *key, size_t *nrows, struct fdb_stats *fs)
{
	const struct switch_state *sw = t->sw;
	bool q = sw->cols[C_QPORT].n > 0;
	const struct column *ports = &sw->cols[q ? C_QPORT : C_DPORT];
	const struct column *status = &sw->cols[q ? C_QSTATUS : C_DSTATUS];
	bool has_status = status->n > 0;
	struct fdb_row *rows = xcalloc(ports->n + 1, sizeof *rows);
	size_t n = 0;
	memset(fs, 0, sizeof *fs);
	for (size_t i = 0; i < ports->n; i++) {
		const struct snmp_cell *c = &ports->cells[i];
		long fid;
		uint8_t mac[6];
		if (!fdb_index(c, q, &fid, mac)) {
			target_error(t, "FDB: index of %zu arcs is no MAC", c->idx_len);
			continue;
		}
		fs->rows++;
		if (has_status && num_of(cell_at(status, c->idx, c->idx_len)) != FDB_LEARNED) {
			fs->dropped_status++;	/* self(4), mgmt(5), other, invalid */
			continue;
		}
		long port = num_of(c);
		if (port <= 0) {
			fs->dropped_port0++;
			continue;
		}
		struct swport *x = port_of(p, np, bridge_ifindex(bm, port));
		if (!x) {
			fs->dropped_unmapped++;
			continue;
		}
		rows[n].port = (uint32_t)(x - p);
		rows[n].vlan = q ? vlan_of(vm, fid) : 0;
		rows[n].mac = client_hash(key, mac, sizeof mac);
		memset(mac, 0, sizeof mac);
		n++;
	}
	fs->counted = (long)n;
	*nrows = n;
	return rows;
}

static int cmp_port_mac(const void *a, const void *b)
{
	const struct fdb_row *x = a, *y = b;
	if (x->port != y->port)
		return (x->port > y->port) - (x->port < y->port);
	return (x->mac > y->mac) - (x->mac < y->mac);
}

static int cmp_port_vlan_mac(const void *a, const void *b)
{
	const struct fdb_row *x = a, *y = b;
	if (x->port != y->port)
		return (x->port > y->port) - (x->port < y->port);
	if (x->vlan != y->vlan)
		return (x->vlan > y->vlan) - (x->vlan < y->vlan);
	return (x->mac > y->mac) - (x->mac < y->mac);
}

/* Distinct MACs per port, and per port and VLAN. */
static void count_macs(struct swport *p, struct fdb_row *rows, size_t n)
{
	qsort(rows, n, sizeof *rows, cmp_port_mac);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || rows[i].port != rows[i - 1].port || rows[i].mac != rows[i - 1].mac)
			p[rows[i].port].macs++;
	qsort(rows, n, sizeof *rows, cmp_port_vlan_mac);
	for (size_t i = 0; i < n; i++) {
		struct swport *x = &p[rows[i].port];
		bool new_vlan = i == 0 || rows[i].port != rows[i - 1].port ||
				rows[i].vlan != rows[i - 1].vlan;
		if (new_vlan) {
			x->byvlan = xrealloc(x->byvlan, (x->n_byvlan + 1) * sizeof *x->byvlan);
			x->byvlan[x->n_byvlan].vlan = rows[i].vlan;
			x->byvlan[x->n_byvlan++].n = 0;
		}
		if (new_vlan || rows[i].mac != rows[i - 1].mac)
			x->byvlan[x->n_byvlan - 1].n++;
	}
}

/* ---- uplinks ---- */

/* The one port whose ifName or ifDescr is text, or NULL. */
static struct swport *port_named(struct swport *p, size_t n, const char *text)
{
	struct swport *found = NULL;
	for (size_t i = 0; text[0] && i < n; i++) {
		if (strcmp(p[i].name, text) != 0 && strcmp(p[i].descr, text) != 0)
			continue;
		if (found)
			return NULL;
		found = &p[i];
	}
	return found;
}

/* The port of an LLDP local port number: by its description or id as a
 * name, else the number as an ifIndex, else as a bridge port. */
static struct swport *lldp_port(const struct switch_state *sw, struct swport *p, size_t n,
				const struct bridge_map *bm, long lp)
{
	static const int how[] = { C_LLDP_LOCDESC, C_LLDP_LOCID };
	char text[SNMP_TEXT_MAX];
	for (size_t k = 0; k < 2; k++) {
		text_of(cell1(&sw->cols[how[k]], lp), text, sizeof text);
		struct swport *x = port_named(p, n, text);
		if (x)
			return x;
	}
	struct swport *x = port_of(p, n, lp);
	return x ? x : port_of(p, n, bridge_ifindex(bm, lp));
}

static void mark_lldp(const struct switch_state *sw, struct swport *p, size_t n,
		      const struct bridge_map *bm)
{
	const struct column *rem = &sw->cols[C_LLDP_REM];
	for (size_t i = 0; i < rem->n; i++) {
		if (rem->cells[i].idx_len < 3)
			continue;
		struct swport *x = lldp_port(sw, p, n, bm, (long)rem->cells[i].idx[1]);
		if (!x || x->lldp)
			continue;
		x->lldp = true;
		char name[SNMP_TEXT_MAX];
		text_of(&rem->cells[i], name, sizeof name);
		if (!x->why[0])
			snprintf(x->why, sizeof x->why, "LLDP neighbour %s", name[0] ? name : "?");
	}
}

/* "Gi1/0/1-24": a name made of the prefix and a number in the range. */
static bool range_match(const char *pattern, const char *name)
{
	const char *dash = strrchr(pattern, '-');
	if (!dash || !isdigit((unsigned char)dash[1]) || dash == pattern)
		return false;
	const char *lo_start = dash;
	while (lo_start > pattern && isdigit((unsigned char)lo_start[-1]))
		lo_start--;
	if (lo_start == dash)
		return false;
	char *end;
	long hi = strtol(dash + 1, &end, 10);
	if (*end)
		return false;
	long lo = strtol(lo_start, NULL, 10);
	size_t plen = (size_t)(lo_start - pattern);
	if (strncmp(name, pattern, plen) != 0 || !isdigit((unsigned char)name[plen]))
		return false;
	long k = strtol(name + plen, &end, 10);
	return !*end && k >= lo && k <= hi;
}

/* A pattern names a port by range or glob on ifName or ifDescr, or by
 * glob on ifAlias. */
static bool pattern_names(const char *pattern, const struct swport *x)
{
	const char *texts[] = { x->name, x->descr };
	for (size_t k = 0; k < 2; k++)
		if (texts[k][0] && (range_match(pattern, texts[k]) ||
				    fnmatch(pattern, texts[k], FNM_CASEFOLD) == 0))
			return true;
	return x->alias[0] && fnmatch(pattern, x->alias, FNM_CASEFOLD) == 0;
}

static void mark_uplinks(const struct conf_target *ct, struct swport *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct swport *x = &p[i];
		for (size_t k = 0; k < ct->n_uplink_ports && !x->uplink; k++)
			if (pattern_names(ct->uplink_ports[k], x)) {
				x->uplink = true;
				snprintf(x->why, sizeof x->why, "uplink_ports \"%s\"", ct->uplink_ports[k]);
			}
		if (!x->uplink && x->lldp && ct->lldp_uplinks)
			x->uplink = true;	/* why: set by mark_lldp */
		x->many = ct->uplink_macs > 0 && x->macs >= ct->uplink_macs;
		if (!x->uplink && x->many) {
			x->uplink = true;
			snprintf(x->why, sizeof x->why, "%ld MACs, uplink_macs %ld", x->macs,
				 ct->uplink_macs);
		}
	}
}

/* ---- rooms ---- */

static bool port_in_vlans(const struct swport *x, const struct conf_wired *w)
{
	for (size_t k = 0; k < w->n_vlans; k++) {
		if (x->pvid == w->vlans[k])
			return true;
		for (size_t v = 0; v < x->n_byvlan; v++)
			if (x->byvlan[v].vlan == w->vlans[k])
				return true;
	}
	return false;
}

/* A room's ports are sockets: ethernet (or of no stated type), never a
 * VLAN interface, a LAG or a stack port that a glob happens to name. */
static bool is_socket(const struct swport *x)
{
	return x->type < 0 || x->type == 6 || x->type == 62 || x->type == 69 || x->type == 117;
}

static void assign_rooms(const struct target *t, struct swport *p, size_t n)
{
	const struct conf *conf = t->c->conf;
	for (size_t i = 0; i < n; i++) {
		struct swport *x = &p[i];
		if (!is_socket(x))
			continue;
		for (size_t b = 0; b < conf->n_wired && x->wired < 0 && !x->uplink; b++) {
			const struct conf_wired *w = &conf->wired[b];
			if (!w->target || strcmp(w->target, t->name) != 0 || w->room_idx < 0)
				continue;
			bool named = port_in_vlans(x, w);
			for (size_t k = 0; k < w->n_ports && !named; k++)
				named = pattern_names(w->ports[k], x);
			if (named)
				x->wired = (int)b;
		}
	}
}

static void pvid_read(const struct switch_state *sw, struct swport *p, size_t n,
		      const struct bridge_map *bm)
{
	const struct column *col = &sw->cols[C_PVID];
	for (size_t i = 0; i < col->n; i++) {
		if (col->cells[i].idx_len != 1)
			continue;
		/* dot1qPvid is keyed by the bridge port as the agent numbers it */
		long port = (long)col->cells[i].idx[0];
		long ifindex = -1;
		for (size_t k = 0; k < bm->n && ifindex < 0; k++)
			if (bm->raw[k] == port)
				ifindex = bm->ifindex[k];
		struct swport *x = port_of(p, n, ifindex);
		if (x)
			x->pvid = num_of(&col->cells[i]);
	}
}

static struct room_share *share_of(struct switch_state *sw, int room)
{
	for (size_t i = 0; i < sw->n_rooms; i++)
		if (sw->rooms[i].room == room)
			return &sw->rooms[i];
	sw->rooms = xrealloc(sw->rooms, (sw->n_rooms + 1) * sizeof *sw->rooms);
	struct room_share *s = &sw->rooms[sw->n_rooms++];
	memset(s, 0, sizeof *s);
	s->room = room;
	return s;
}

static size_t sort_unique(uint64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_u64);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (m == 0 || v[i] != v[m - 1])
			v[m++] = v[i];
	return m;
}

/* Every room this switch serves gets a share, empty when no port of it is
 * found, so the room says 0 ports rather than nothing. */
static void keep_shares(struct target *t, const struct swport *p, size_t n,
			const struct fdb_row *rows, size_t nrows)
{
	struct switch_state *sw = t->sw;
	const struct conf *conf = t->c->conf;
	shares_clear(sw);
	for (size_t b = 0; b < conf->n_wired; b++)
		if (conf->wired[b].target && strcmp(conf->wired[b].target, t->name) == 0 &&
		    conf->wired[b].room_idx >= 0)
			share_of(sw, conf->wired[b].room_idx);
	for (size_t i = 0; i < n; i++) {
		if (p[i].wired < 0)
			continue;
		struct room_share *s = share_of(sw, conf->wired[p[i].wired].room_idx);
		s->ports++;
		s->up += p[i].oper == 1;
		s->used += p[i].macs > 0;
	}
	for (size_t i = 0; i < nrows; i++) {
		int b = p[rows[i].port].wired;
		if (b < 0)
			continue;
		struct room_share *s = share_of(sw, conf->wired[b].room_idx);
		s->macs = xrealloc(s->macs, (s->n + 1) * sizeof *s->macs);
		s->macs[s->n++] = rows[i].mac;
	}
	for (size_t i = 0; i < sw->n_rooms; i++)
		sw->rooms[i].n = sort_unique(sw->rooms[i].macs, sw->rooms[i].n);
	sw->have = true;
}

/* A room over every switch: distinct devices, ports summed. NAN when no
 * switch serving it has a good poll. */
static void emit_room(struct target *t, int room, double now)
{
	struct snmp_state *st = t->st;
	uint64_t *all = NULL;
	size_t n = 0;
	long ports = 0, up = 0, used = 0;
	bool known = false;
	for (size_t i = 0; i < st->n_targets; i++) {
		const struct switch_state *sw = st->targets[i]->sw;
		for (size_t r = 0; sw && sw->have && r < sw->n_rooms; r++) {
			const struct room_share *s = &sw->rooms[r];
			if (s->room != room)
				continue;
			known = true;
			ports += s->ports;
			up += s->up;
			used += s->used;
			all = xrealloc(all, (n + s->n + 1) * sizeof *all);
			if (s->n)
				memcpy(all + n, s->macs, s->n * sizeof *all);
			n += s->n;
		}
	}
	n = sort_unique(all, n);
	free(all);
	char entity[SAMPLE_ENTITY_MAX];
	entity_of(entity, sizeof entity, "wired:", t->c->conf->rooms[room].name);
	double k = known ? 1 : NAN;
	collector_emit(t->c, entity, "devices", k * (double)n, now, NULL);
	collector_emit(t->c, entity, "ports", k * (double)ports, now, NULL);
	collector_emit(t->c, entity, "ports_up", k * (double)up, now, NULL);
	collector_emit(t->c, entity, "ports_used", k * (double)used, now, NULL);
	collector_emit(t->c, entity, "ports_free", k * (double)(ports - up), now, NULL);
}

static void emit_rooms(struct target *t, double now)
{
	const struct conf *conf = t->c->conf;
	for (size_t b = 0; b < conf->n_wired; b++) {
		const struct conf_wired *w = &conf->wired[b];
		if (!w->target || strcmp(w->target, t->name) != 0 || w->room_idx < 0)
			continue;
		bool first = true;	/* a room named by several blocks: once */
		for (size_t e = 0; e < b && first; e++)
			first = !(conf->wired[e].room_idx == w->room_idx && conf->wired[e].target &&
				  strcmp(conf->wired[e].target, t->name) == 0);
		if (first)
			emit_room(t, w->room_idx, now);
	}
}

void switch_forget(struct target *t)
{
	if (t->sw)
		shares_clear(t->sw);
}

void switch_failed(struct target *t)
{
	if (!t->sw)
		return;
	shares_clear(t->sw);
	emit_rooms(t, target_now(t));
}

/* ---- samples ---- */

static void emit_port(struct target *t, const struct swport *x, double now)
{
	char entity[SAMPLE_ENTITY_MAX], name[64];
	snprintf(name, sizeof name, "%s/%ld", t->name, x->ifindex);
	entity_of(entity, sizeof entity, "port:", name);
	const char *text = x->name[0] ? x->name : x->descr;
	collector_emit(t->c, entity, "oper", x->oper >= 0 ? (double)x->oper : NAN, now, text);
	collector_emit(t->c, entity, "type", x->type >= 0 ? (double)x->type : NAN, now, NULL);
	collector_emit(t->c, entity, "speed_mbps", x->speed >= 0 ? (double)x->speed : NAN, now, NULL);
	collector_emit(t->c, entity, "macs", (double)x->macs, now, NULL);
	for (size_t v = 0; v < x->n_byvlan; v++) {
		char metric[SAMPLE_METRIC_MAX];
		snprintf(metric, sizeof metric, "macs#%ld", x->byvlan[v].vlan);
		collector_emit(t->c, entity, metric, (double)x->byvlan[v].n, now, NULL);
	}
	if (x->uplink)
		collector_emit(t->c, entity, "uplink", 1, now, x->why);
	if (x->wired >= 0)
		collector_emit(t->c, entity, "access", 1, now,
			       t->c->conf->wired[x->wired].room);
}

struct switch_totals {
	long ports, up, with_macs, macs, distinct, uplinks, lldp, many, edge_ports, edge_macs,
	     access;
	char lldp_text[SAMPLE_TEXT_MAX], many_text[SAMPLE_TEXT_MAX], uplink_text[SAMPLE_TEXT_MAX];
};

static void list_add(char *buf, size_t size, const struct swport *x, long count)
{
	size_t len = strlen(buf);
	if (len + 2 >= size)
		return;
	if (count >= 0)
		snprintf(buf + len, size - len, "%s%s=%ld", len ? "," : "",
			 x->name[0] ? x->name : x->descr, count);
	else
		snprintf(buf + len, size - len, "%s%s", len ? "," : "",
			 x->name[0] ? x->name : x->descr);
}

static void totals_of(const struct swport *p, size_t n, const struct fdb_row *rows,
		      size_t nrows, struct switch_totals *tt)
{
	memset(tt, 0, sizeof *tt);
	for (size_t i = 0; i < n; i++) {
		const struct swport *x = &p[i];
		tt->ports += x->type == 6;
		tt->up += x->type == 6 && x->oper == 1;
		tt->with_macs += x->macs > 0;
		tt->macs += x->macs;
		tt->access += x->wired >= 0;
		if (x->uplink) {
			tt->uplinks++;
			list_add(tt->uplink_text, sizeof tt->uplink_text, x, -1);
		}
		if (x->lldp) {
			tt->lldp++;
			list_add(tt->lldp_text, sizeof tt->lldp_text, x, -1);
		}
		if (x->many) {
			tt->many++;
			list_add(tt->many_text, sizeof tt->many_text, x, x->macs);
		}
		if (x->macs > 0 && !x->uplink && !x->lldp && !x->many) {
			tt->edge_ports++;
			tt->edge_macs += x->macs;
		}
	}
	uint64_t *all = xcalloc(nrows + 1, sizeof *all);
	for (size_t i = 0; i < nrows; i++)
		all[i] = rows[i].mac;
	tt->distinct = (long)sort_unique(all, nrows);
	free(all);
}

static void emit_switch(struct target *t, const struct switch_totals *tt,
			const struct fdb_stats *fs, double now)
{
	char e[SAMPLE_ENTITY_MAX];
	entity_of(e, sizeof e, "switch:", t->name);
	struct collector *c = t->c;
	collector_emit(c, e, "ports", (double)tt->ports, now, NULL);
	collector_emit(c, e, "ports_up", (double)tt->up, now, NULL);
	collector_emit(c, e, "ports_with_macs", (double)tt->with_macs, now, NULL);
	collector_emit(c, e, "macs", (double)tt->macs, now, NULL);
	collector_emit(c, e, "distinct_macs", (double)tt->distinct, now, NULL);
	collector_emit(c, e, "fdb_rows", (double)fs->rows, now, NULL);
	collector_emit(c, e, "fdb_counted", (double)fs->counted, now, NULL);
	collector_emit(c, e, "uplinks", (double)tt->uplinks, now, tt->uplink_text);
	collector_emit(c, e, "uplinks_lldp", (double)tt->lldp, now, tt->lldp_text);
	collector_emit(c, e, "uplinks_macs", (double)tt->many, now, tt->many_text);
	collector_emit(c, e, "edge_ports", (double)tt->edge_ports, now, NULL);
	collector_emit(c, e, "edge_macs", (double)tt->edge_macs, now, NULL);
	collector_emit(c, e, "access_ports", (double)tt->access, now, NULL);
}

/* ---- --probe ---- */

struct textbuf {
	char *s;
	size_t len, cap;
};

static void tb_add(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_add(struct textbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void probe_text(struct target *t, const struct swport *p, size_t n,
		       const struct switch_totals *tt, const struct fdb_stats *fs,
		       const struct bridge_map *bm, bool q)
{
	struct textbuf b = { NULL, 0, 0 };
	tb_add(&b, "switch: %s FDB, %zu bridge ports%s; %ld FDB rows, %ld counted "
	       "(%ld not learned, %ld on port 0, %ld unmapped)\n", q ? "Q-BRIDGE-MIB" : "BRIDGE-MIB",
	       bm->n, bm->ordinal ? " (FDB ports read as the n-th bridge port)" : "", fs->rows,
	       fs->counted, fs->dropped_status, fs->dropped_port0, fs->dropped_unmapped);
	tb_add(&b, "  ethernet ports %ld, up %ld; ports with MACs %ld; MACs %ld (%ld distinct); "
	       "uplinks %ld; access ports %ld\n", tt->ports, tt->up, tt->with_macs, tt->macs,
	       tt->distinct, tt->uplinks, tt->access);
	tb_add(&b, "  %-8s %-24s %-5s %-5s %7s %6s  %s\n", "ifIndex", "ifName", "oper", "type",
	       "Mbit/s", "MACs", "role");
	for (size_t i = 0; i < n; i++) {
		const struct swport *x = &p[i];
		if (x->type != 6 && x->macs == 0 && !x->uplink && x->wired < 0)
			continue;	/* VLAN interfaces, loopbacks: not ports */
		char role[SAMPLE_TEXT_MAX + 16];
		if (x->uplink)
			snprintf(role, sizeof role, "uplink: %s", x->why);
		else if (x->wired >= 0)
			snprintf(role, sizeof role, "room %s", t->c->conf->wired[x->wired].room);
		else
			snprintf(role, sizeof role, "-");
		tb_add(&b, "  %-8ld %-24s %-5ld %-5ld %7ld %6ld  %s\n", x->ifindex,
		       x->name[0] ? x->name : x->descr, x->oper, x->type, x->speed, x->macs, role);
	}
	free(t->sw->probe_text);
	t->sw->probe_text = b.s;
}

const char *switch_probe_text(const struct target *t)
{
	return t->sw ? t->sw->probe_text : NULL;
}

/* ---- the poll ---- */

/* The event's key, read once per collector (the state directory's salt). */
static const struct sipkey *event_key(struct target *t)
{
	struct snmp_state *st = t->st;
	if (!st->have_key) {
		client_key_load(t->c->conf, "snmp", &st->key);
		st->have_key = true;
	}
	return &st->key;
}

void switch_emit(struct target *t)
{
	struct switch_state *sw = t->sw;
	double now = target_now(t);
	size_t np, nrows;
	struct swport *p = ports_read(sw, &np);
	bool q = sw->cols[C_QPORT].n > 0;
	struct bridge_map bm;
	bridge_read(sw, &sw->cols[q ? C_QPORT : C_DPORT], &bm);
	struct vlan_map vm;
	vlan_map_read(&sw->cols[C_VLANFDB], &vm);
	struct fdb_stats fs;
	struct fdb_row *rows = fdb_read(t, p, np, &bm, &vm, event_key(t), &nrows, &fs);
	count_macs(p, rows, nrows);
	pvid_read(sw, p, np, &bm);
	mark_lldp(sw, p, np, &bm);
	mark_uplinks(t->conf, p, np);
	assign_rooms(t, p, np);
	struct switch_totals tt;
	totals_of(p, np, rows, nrows, &tt);
	if (t->st->probe_fn)
		probe_text(t, p, np, &tt, &fs, &bm, q);
	if (t->c->once)
		for (size_t i = 0; i < np; i++)
			emit_port(t, &p[i], now);
	emit_switch(t, &tt, &fs, now);
	keep_shares(t, p, np, rows, nrows);
	emit_rooms(t, now);
	for (size_t i = 0; i < np; i++)
		free(p[i].byvlan);
	free(p);
	free(rows);
	free(vm.v);
	bridge_free(&bm);
	/* an FDB is large: its cells are not kept between polls */
	for (size_t i = 0; i < SW_COLS; i++)
		column_free(&sw->cols[i]);
}
