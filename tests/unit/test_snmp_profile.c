/* Vendor profiles: every shipped file compiles, the language's joins and
 * rules do what snmp_profile.h says, the device picks its profile, and
 * broken files are rejected with file:line and the field. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "collectors/snmp_profile.h"
#include "collectors/snmp_rows.h"
#include "base/util.h"

#define SHIPPED SRCDIR "/config/profiles"

static struct snmp_profile *load_ok(const char *name)
{
	char *err = NULL;
	struct snmp_profile *p = snmp_profile_load(SHIPPED, name, &err);
	if (!p)
		fprintf(stderr, "%s\n", err);
	free(err);
	assert_non_null(p);
	return p;
}

static const struct snmp_table *table(const struct snmp_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_tables; i++)
		if (strcmp(p->tables[i].name, name) == 0)
			return &p->tables[i];
	fail_msg("no table %s in %s", name, p->name);
	return NULL;
}

static void test_every_shipped_profile_loads(void **state)
{
	size_t n = 0;
	char *errors = NULL;
	struct snmp_profile **v = snmp_profile_load_all(SHIPPED, &n, &errors);
	if (errors)
		fprintf(stderr, "%s", errors);
	assert_null(errors);
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++)
		assert_true(v[i]->n_detect > 0 || strcmp(v[i]->name, "generic-ifmib") == 0);
	snmp_profile_free_all(v, n);
}

static void test_cisco_join(void **state)
{
	struct snmp_profile *p = load_ok("cisco-wlc");
	const struct snmp_table *aps = table(p, "aps"), *radios = table(p, "radios");
	assert_int_equal(aps->rows, SNMP_ROWS_AP);
	assert_int_equal(radios->ap_part, 0);
	assert_int_equal(radios->parts[0].type, SNMP_PART_MAC);
	assert_int_equal(snmp_table_band(radios, "1"), SNMP_BAND_2G4);
	assert_int_equal(snmp_table_band(radios, "2"), SNMP_BAND_5G);
	assert_int_equal(snmp_table_band(radios, "9"), SNMP_BAND_UNKNOWN);
	/* utilisation is an undeclared column walked with the radio table */
	const struct snmp_column *util = &p->columns[radios->utilization[0].ref.column];
	assert_int_equal(util->table, radios - p->tables);
	assert_int_equal(radios->utilization[0].ref.key, SNMP_KEY_SAME);
	assert_int_equal(p->total, SNMP_TOTAL_SSID);
	snmp_profile_free(p);
}

static void test_bands(void **state)
{
	struct snmp_profile *m = load_ok("mikrotik");
	const struct snmp_table *t = table(m, "interfaces");
	assert_int_equal(snmp_table_band(t, "2412"), SNMP_BAND_2G4);
	assert_int_equal(snmp_table_band(t, "5805"), SNMP_BAND_5G);
	assert_int_equal(snmp_table_band(t, "5955"), SNMP_BAND_6G);
	assert_int_equal(snmp_table_band(t, "3565"), SNMP_BAND_3G5);
	assert_int_equal(snmp_table_band(t, "66960"), SNMP_BAND_60G);
	assert_int_equal(snmp_table_band(t, "0"), SNMP_BAND_UNKNOWN);
	assert_true(t->unknown_band_vap);
	snmp_profile_free(m);
	struct snmp_profile *a = load_ok("aruba-instant");
	t = table(a, "radios");
	assert_int_equal(snmp_table_band(t, "161"), SNMP_BAND_5G);
	assert_int_equal(snmp_table_band(t, "116E"), SNMP_BAND_5G);
	assert_int_equal(snmp_table_band(t, "11"), SNMP_BAND_2G4);
	assert_int_equal(snmp_table_band(t, "53S"), SNMP_BAND_6G);
	/* a band entry with its own rules: Aruba's radio numbering */
	assert_int_equal(snmp_table_band_ref(t, 1, "0"), SNMP_BAND_5G);
	assert_int_equal(snmp_table_band_ref(t, 1, "2"), SNMP_BAND_6G);
	assert_int_equal(snmp_table_band_ref(t, 0, "2"), SNMP_BAND_2G4);	/* as a channel */
	snmp_profile_free(a);
	struct snmp_profile *c = load_ok("aruba");
	t = table(c, "radios");
	assert_int_equal(snmp_table_band_ref(t, 0, "1"), SNMP_BAND_5G);	/* dot11a */
	assert_int_equal(snmp_table_band_ref(t, 0, "4"), SNMP_BAND_UNKNOWN);	/* dot11ag */
	assert_int_equal(snmp_table_band_ref(t, 1, "36"), SNMP_BAND_5G);	/* its channel */
	assert_int_equal(snmp_table_band_ref(t, 1, "1"), SNMP_BAND_2G4);
	snmp_profile_free(c);
	struct snmp_profile *u = load_ok("unifi");
	assert_int_equal(snmp_table_band(table(u, "vaps"), "NG"), SNMP_BAND_2G4);
	assert_int_equal(snmp_table_band(table(u, "vaps"), "na"), SNMP_BAND_5G);
	snmp_profile_free(u);
	assert_int_equal(snmp_band_of_mhz(3565000 / 1000.0), SNMP_BAND_3G5);
	assert_string_equal(snmp_band_name(SNMP_BAND_60G), "60g");
}

/* ---- choosing a profile ---- */

struct probes {
	const char *const *ok;
	size_t n;
};

static bool probe_ok(void *ctx, const struct snmp_oid *o)
{
	const struct probes *pr = ctx;
	char text[256];
	snmp_oid_format(o->arcs, o->len, text, sizeof text);
	for (size_t i = 0; i < pr->n; i++)
		if (strcmp(pr->ok[i], text) == 0)
			return true;
	return false;
}

static const char *choose(struct snmp_profile **v, size_t n, const char *sysoid, const char *descr,
			  const char *const *ok, size_t n_ok, char *reason, bool *device_ap)
{
	struct snmp_oid o;
	assert_int_equal(snmp_oid_parse(sysoid, &o), 0);
	struct snmp_device dev = { o.arcs, o.len, descr };
	struct probes pr = { ok, n_ok };
	int i = snmp_profile_choose(v, n, &dev, probe_ok, &pr, device_ap, reason, 160);
	return i < 0 ? NULL : v[i]->name;
}

static void test_auto_choice(void **state)
{
	size_t n = 0;
	char *errors = NULL, reason[160];
	bool ap = false;
	struct snmp_profile **v = snmp_profile_load_all(SHIPPED, &n, &errors);
	assert_null(errors);
	assert_string_equal(choose(v, n, "1.3.6.1.4.1.14823.1.2.59", "", NULL, 0, reason, &ap),
			    "aruba-instant");
	assert_string_equal(reason, "aruba-instant: sysObjectID 1.3.6.1.4.1.14823.1.2 (longest prefix)");
	assert_string_equal(choose(v, n, "1.3.6.1.4.1.14823.1.1.9999", "", NULL, 0, reason, &ap),
			    "aruba");
	/* net-snmp's generic sysObjectID: the probe object decides */
	const char *unifi[] = { "1.3.6.1.4.1.41112.1.6.1.2" };
	assert_string_equal(choose(v, n, "1.3.6.1.4.1.8072.3.2.10", "UAP-nanoHD", unifi, 1, reason,
				   &ap), "unifi");
	assert_true(ap);
	const char *gwn[] = { "1.3.6.1.4.1.42397.1.1" };
	assert_string_equal(choose(v, n, "1.3.6.1.4.1.8072.3.2.10", "Linux", gwn, 1, reason, &ap),
			    "grandstream");
	assert_null(choose(v, n, "1.3.6.1.4.1.8072.3.2.10", "Linux", NULL, 0, reason, &ap));
	assert_non_null(strstr(reason, "no profile matches sysObjectID 1.3.6.1.4.1.8072.3.2.10"));
	/* one Cisco prefix for every Cisco device: only a WLC has the WLAN table */
	assert_null(choose(v, n, "1.3.6.1.4.1.9.1.1208", "Cisco IOS", NULL, 0, reason, &ap));
	const char *wlc[] = { "1.3.6.1.4.1.14179.2.1.1.1" };
	assert_string_equal(choose(v, n, "1.3.6.1.4.1.9.1.1279", "", wlc, 1, reason, &ap),
			    "cisco-wlc");
	/* one profile, two roles: a FortiGate controls, a FortiAP is the AP */
	assert_string_equal(choose(v, n, "1.3.6.1.4.1.12356.101.1.648", "", NULL, 0, reason, &ap),
			    "fortinet");
	assert_false(ap);
	assert_string_equal(choose(v, n, "1.3.6.1.4.1.12356.120.10.231", "", NULL, 0, reason, &ap),
			    "fortinet");
	assert_true(ap);
	snmp_profile_free_all(v, n);
}

/* ---- rows: what a profile makes of cells ---- */

struct fake_walk {
	struct snmp_cell cells[16];
	size_t n;
};

static void cell(struct fake_walk *w, const char *idx, u_char type, const char *value)
{
	struct snmp_cell *c = &w->cells[w->n++];
	struct snmp_oid o;
	memset(c, 0, sizeof *c);
	assert_int_equal(snmp_oid_parse(idx, &o), 0);
	memcpy(c->idx, o.arcs, o.len * sizeof(oid));
	c->idx_len = o.len;
	c->type = type;
	if (type == ASN_OCTET_STR)
		c->text = (char *)value;
	else
		c->num = strtoull(value, NULL, 10);
}

static int by_index(const void *a, const void *b)
{
	const struct snmp_cell *x = a, *y = b;
	return snmp_oid_compare(x->idx, x->idx_len, y->idx, y->idx_len);
}

static const char *string_idx(const char *s, char *buf, size_t size)
{
	size_t off = (size_t)snprintf(buf, size, "%zu", strlen(s));
	for (const char *c = s; *c && off < size; c++)
		off += (size_t)snprintf(buf + off, size - off, ".%d", *c);
	return buf;
}

static struct snmp_profile *write_and_load(const char *text)
{
	char dir[] = "/tmp/hr-profile.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/t.conf", dir);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	char *err = NULL;
	struct snmp_profile *p = snmp_profile_load(dir, "t", &err);
	if (!p)
		fprintf(stderr, "%s\n", err);
	free(err);
	unlink(path);
	free(path);
	rmdir(dir);
	assert_non_null(p);
	return p;
}

static int column_of(const struct snmp_profile *p, const char *source)
{
	for (size_t i = 0; i < p->n_columns; i++)
		if (strcmp(p->columns[i].source, source) == 0)
			return (int)i;
	fail_msg("no column %s", source);
	return -1;
}

/* net-snmp extend outputs chosen by name: clients-<if>, the interface's
 * band from frequency-<if>, the total never added to them. */
static void test_rows_extend_names(void **state)
{
	struct snmp_profile *p = load_ok("openwrt-extend");
	struct fake_walk w = { 0 };
	char b1[200], b2[200], b3[200], b4[200];
	cell(&w, string_idx("clients-wlan", b1, sizeof b1), ASN_OCTET_STR, "7");
	cell(&w, string_idx("clients-wlan0", b2, sizeof b2), ASN_OCTET_STR, "3");
	cell(&w, string_idx("clients-wlan1", b3, sizeof b3), ASN_OCTET_STR, " 4");
	cell(&w, string_idx("frequency-wlan0", b4, sizeof b4), ASN_OCTET_STR, "2437");
	char b5[200];
	cell(&w, string_idx("frequency-wlan1", b5, sizeof b5), ASN_OCTET_STR, "5180");
	struct snmp_walk *cols = xcalloc(p->n_columns, sizeof *cols);
	cols[column_of(p, "1")] = (struct snmp_walk){ w.cells, w.n };
	qsort(w.cells, w.n, sizeof *w.cells, by_index);	/* a walk's order */
	bool read[8] = { true, true, true, true, true, true, true, true };
	const struct snmp_cell *scalars[4] = { NULL };
	struct snmp_values v = { p, cols, scalars, NULL, read, true };
	struct snmp_result r;
	snmp_rows_build(&v, "ap-1", &r, NULL, NULL);
	assert_int_equal(r.n_radios, 2);
	double two = -1, five = -1;
	for (size_t i = 0; i < r.n_radios; i++) {
		const struct snmp_radio_row *x = &r.radios[i];
		if (x->band == SNMP_BAND_2G4)
			two = x->clients;
		if (x->band == SNMP_BAND_5G)
			five = x->clients;
		/* the frequency, and the channel it implies */
		assert_true(x->has_frequency && x->has_channel);
		assert_true(x->band == SNMP_BAND_2G4 ? x->frequency == 2437 && x->channel == 6
						     : x->frequency == 5180 && x->channel == 36);
	}
	assert_true(two == 3 && five == 4);
	assert_int_equal(r.n_aps, 1);
	assert_true(r.aps[0].self);
	assert_true(r.aps[0].clients == 7);	/* 3 + 4: the rows, not the total */
	snmp_result_free(&r);
	free(cols);
	snmp_profile_free(p);
}

/* WLANs sharing a name stay apart; VAP rows add up per radio and SSID. */
static void test_rows_ssids_and_vaps(void **state)
{
	struct snmp_profile *p = write_and_load(
		"table \"wlans\" {\n oid = \"1.3.6.1.4.1.9.1\"\n index = { \"wlan\" }\n rows = \"ssid\"\n"
		" name = { \"1\" }\n clients = \"2\"\n}\n"
		"table \"vaps\" {\n oid = \"1.3.6.1.4.1.9.2\"\n index = { \"vap\" }\n rows = \"vap\"\n"
		" clients = \"1\"\n band = { \"2\" }\n band_map = { \"ng=2g4\", \"na=5g\" }\n"
		" ssid = { \"3\" }\n}\n");
	struct fake_walk names = { 0 }, counts = { 0 }, vc = { 0 }, vb = { 0 }, vs = { 0 };
	cell(&names, "1", ASN_OCTET_STR, "guest");
	cell(&names, "2", ASN_OCTET_STR, "guest");
	cell(&names, "3", ASN_OCTET_STR, "staff");
	cell(&counts, "1", ASN_GAUGE, "5");
	cell(&counts, "2", ASN_GAUGE, "6");
	cell(&counts, "3", ASN_GAUGE, "7");
	cell(&vc, "1", ASN_INTEGER, "4");
	cell(&vc, "2", ASN_INTEGER, "1");
	cell(&vc, "3", ASN_INTEGER, "9");
	cell(&vb, "1", ASN_OCTET_STR, "ng");
	cell(&vb, "2", ASN_OCTET_STR, "ng");
	cell(&vb, "3", ASN_OCTET_STR, "na");
	cell(&vs, "1", ASN_OCTET_STR, "guest");
	cell(&vs, "2", ASN_OCTET_STR, "staff");
	cell(&vs, "3", ASN_OCTET_STR, "guest");
	struct snmp_walk *cols = xcalloc(p->n_columns, sizeof *cols);
	cols[0] = (struct snmp_walk){ names.cells, names.n };
	cols[1] = (struct snmp_walk){ counts.cells, counts.n };
	for (size_t i = 0; i < p->n_columns; i++) {
		if (p->columns[i].table != 1)
			continue;
		const char *s = p->columns[i].source;
		cols[i] = strcmp(s, "1") == 0 ? (struct snmp_walk){ vc.cells, vc.n }
			: strcmp(s, "2") == 0 ? (struct snmp_walk){ vb.cells, vb.n }
					      : (struct snmp_walk){ vs.cells, vs.n };
	}
	bool read[2] = { true, true };
	struct snmp_values v = { p, cols, NULL, NULL, read, false };
	struct snmp_result r;
	snmp_rows_build(&v, "dev", &r, NULL, NULL);
	assert_int_equal(r.n_ssids, 3);
	assert_string_equal(r.ssids[0].name, "guest[1]");
	assert_string_equal(r.ssids[1].name, "guest[2]");
	assert_string_equal(r.ssids[2].name, "staff");
	assert_int_equal(r.n_radios, 2);
	assert_true(r.radios[0].band == SNMP_BAND_2G4 && r.radios[0].clients == 5);
	assert_true(r.radios[1].band == SNMP_BAND_5G && r.radios[1].clients == 9);
	assert_true(r.aps[0].self && r.aps[0].clients == 14);
	snmp_result_free(&r);
	free(cols);
	snmp_profile_free(p);
}

/* A radio's noise floor (a magnitude means a negative dBm figure) and
 * its channel as text with a suffix; a stated channel wins over the one
 * the frequency implies. */
static void test_rows_noise_and_channel(void **state)
{
	(void)state;
	struct snmp_profile *p = write_and_load(
		"table \"radios\" {\n oid = \"1.3.6.1.4.1.9.3\"\n index = { \"radio\" }\n rows = \"radio\"\n"
		" clients = \"1\"\n band = { \"$radio: 0=5g 1=2g4\" }\n noise = \"2\"\n channel = \"3\"\n"
		" frequency = \"4\"\n utilization = { \"5\" }\n}\n");
	struct fake_walk c1 = { 0 }, c2 = { 0 }, c3 = { 0 }, c4 = { 0 }, c5 = { 0 };
	cell(&c1, "0", ASN_GAUGE, "12");
	cell(&c1, "1", ASN_GAUGE, "3");
	cell(&c2, "0", ASN_INTEGER, "94");
	cell(&c2, "1", ASN_INTEGER, "88");
	c2.cells[1].negative = true;	/* INTEGER -88, as the reader stores it */
	cell(&c3, "0", ASN_OCTET_STR, "116E");
	cell(&c4, "0", ASN_INTEGER, "5600");	/* would be 120; the stated 116 wins */
	cell(&c4, "1", ASN_INTEGER, "2462");
	cell(&c5, "0", ASN_INTEGER, "61");
	cell(&c5, "1", ASN_INTEGER, "35");
	struct fake_walk *by_source[] = { &c1, &c2, &c3, &c4, &c5 };
	struct snmp_walk *cols = xcalloc(p->n_columns, sizeof *cols);
	for (size_t i = 0; i < p->n_columns; i++) {
		int k = atoi(p->columns[i].source) - 1;
		assert_true(k >= 0 && k < 5);
		cols[i] = (struct snmp_walk){ by_source[k]->cells, by_source[k]->n };
	}
	bool read[1] = { true };
	struct snmp_values v = { p, cols, NULL, NULL, read, true };
	struct snmp_result r;
	snmp_rows_build(&v, "ap-1", &r, NULL, NULL);
	assert_int_equal(r.n_radios, 2);
	for (size_t i = 0; i < r.n_radios; i++) {
		const struct snmp_radio_row *x = &r.radios[i];
		assert_true(x->has_noise && x->has_channel && x->n_util == 1);
		if (x->band == SNMP_BAND_5G)
			assert_true(x->noise == -94 && x->channel == 116 && x->frequency == 5600 &&
				    x->util[0].value == 61 && x->clients == 12);
		else
			assert_true(x->noise == -88 && x->channel == 11 && x->util[0].value == 35);
	}
	snmp_result_free(&r);
	free(cols);
	snmp_profile_free(p);
}

/* ---- broken files ---- */

static char *write_profile(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s.conf", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void expect_error(const char *dir, const char *name, const char *text, const char *needle)
{
	char *path = write_profile(dir, name, text);
	char *err = NULL;
	struct snmp_profile *p = snmp_profile_load(dir, name, &err);
	assert_null(p);
	assert_non_null(err);
	if (!strstr(err, needle))
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, needle);
	assert_non_null(strstr(err, needle));
	free(err);
	unlink(path);
	free(path);
}

static void test_broken_profiles_rejected(void **state)
{
	char dir[] = "/tmp/hr-profile.XXXXXX";
	assert_non_null(mkdtemp(dir));
	expect_error(dir, "ssidnoise", "table \"t\" {\n oid = \"1.3.6.1.4\"\n rows = \"ssid\"\n"
		     " clients = \"2\"\n noise = \"3\"\n}\n",
		     "ssidnoise.conf:5: noise: only radio and vap rows have");
	expect_error(dir, "badoid", "table \"t\" {\n oid = \"1.3.x.4\"\n rows = \"radio\"\n}\n",
		     "badoid.conf:2: oid: \"1.3.x.4\" is not a numeric OID");
	expect_error(dir, "badrows", "table \"t\" {\n oid = \"1.3.6.1.4\"\n rows = \"router\"\n"
		     " clients = \"2\"\n}\n", "badrows.conf:3: rows: \"router\"");
	expect_error(dir, "badband", "table \"t\" {\n oid = \"1.3.6.1.4\"\n rows = \"radio\"\n"
		     " clients = \"2\"\n band = { \"3\" }\n band_map = { \"1=7g\" }\n}\n",
		     "badband.conf:6: band_map: \"1=7g\"");
	expect_error(dir, "nomap", "table \"t\" {\n oid = \"1.3.6.1.4\"\n rows = \"radio\"\n"
		     " clients = \"2\"\n band = { \"3\" }\n}\n", "nomap.conf:5: band:");
	expect_error(dir, "badpart", "table \"t\" {\n oid = \"1.3.6.1.4\"\n rows = \"radio\"\n"
		     " clients = \"$nope\"\n}\n", "badpart.conf:4: clients: \"$nope\": table t has no "
		     "index part \"nope\"");
	expect_error(dir, "badjoin", "table \"a\" {\n oid = \"1.3.6.1.4\"\n index = { \"ap:mac\" }\n"
		     " rows = \"ap\"\n name = { \"2\" }\n}\ntable \"b\" {\n oid = \"1.3.6.1.5\"\n"
		     " rows = \"radio\"\n clients = \"2\"\n name = { \"a.2\" }\n}\n",
		     "badjoin.conf:11: name: \"a.2\": table b has no index part \"ap\"");
	expect_error(dir, "badindex", "table \"t\" {\n oid = \"1.3.6.1.4\"\n index = { \"x:float\" }\n"
		     " rows = \"radio\"\n clients = \"2\"\n}\n", "badindex.conf:3: index: \"x:float\"");
	expect_error(dir, "badrule", "table \"t\" {\n oid = \"1.3.6.1.4\"\n rows = \"radio\"\n"
		     " clients = \"2\"\n band = { \"3: furlongs\" }\n}\n",
		     "badrule.conf:5: band: \"3: furlongs\": \"furlongs\" is not mhz");
	expect_error(dir, "badscalar", "scalar \"controller_clients\" { oid = { \"1.3.6.1.4.0\" } }\n",
		     "badscalar.conf:1: scalar: \"controller_clients\" is not clients");
	expect_error(dir, "badre", "detect {\n sysdescr = \"([\"\n}\n", "badre.conf:2: sysdescr:");
	expect_error(dir, "emptydetect", "detect {\n}\n", "give sysobjectid, sysdescr or exists");
	expect_error(dir, "station", "table \"t\" {\n oid = \"1.3.6.1.4\"\n rows = \"station\"\n"
		     " clients = \"2\"\n}\n", "station.conf:4: clients: station rows are counted");
	expect_error(dir, "syntax", "table \"t\" {\n oid = \n", "syntax.conf:");
	expect_error(dir, "unknownfield", "colour = \"red\"\n", "unknownfield.conf:1");
	char *err = NULL;
	assert_null(snmp_profile_load(dir, "../etc/passwd", &err));
	assert_non_null(strstr(err, "names are"));
	free(err);
	assert_null(snmp_profile_load(dir, "absent", &err));
	assert_non_null(strstr(err, "cannot read profile"));
	free(err);
	rmdir(dir);
}

static void test_text_numbers(void **state)
{
	double v;
	assert_true(snmp_text_number(" 14", &v) && v == 14);
	assert_true(snmp_text_number("3.7", &v) && v == 3.7);
	assert_true(snmp_text_number("5/64", &v) && v == 5);
	assert_false(snmp_text_number("abc", &v));
	assert_false(snmp_text_number("-3", &v));
}

static void test_oid_parse(void **state)
{
	struct snmp_oid o;
	assert_int_equal(snmp_oid_parse(".1.3.6.1.2.1.1.5.0", &o), 0);
	assert_int_equal(o.len, 9);
	assert_int_equal(o.arcs[8], 0);
	assert_int_equal(snmp_oid_parse("7", &o), 0);	/* a column number */
	assert_int_equal(snmp_oid_parse("1.3.", &o), -1);
	assert_int_equal(snmp_oid_parse("1..3", &o), -1);
	assert_int_equal(snmp_oid_parse("1.-3", &o), -1);
	assert_int_equal(snmp_oid_parse("", &o), -1);
	assert_int_equal(snmp_oid_parse("1.3.99999999999", &o), -1);
}

static void test_profile_dir_env(void **state)
{
	setenv("HEADROOM_PROFILE_DIR", "/nowhere/profiles", 1);
	assert_string_equal(snmp_profile_dir(), "/nowhere/profiles");
	unsetenv("HEADROOM_PROFILE_DIR");
	assert_non_null(strstr(snmp_profile_dir(), "profiles"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_shipped_profile_loads),
		cmocka_unit_test(test_cisco_join),
		cmocka_unit_test(test_bands),
		cmocka_unit_test(test_auto_choice),
		cmocka_unit_test(test_rows_extend_names),
		cmocka_unit_test(test_rows_ssids_and_vaps),
		cmocka_unit_test(test_rows_noise_and_channel),
		cmocka_unit_test(test_broken_profiles_rejected),
		cmocka_unit_test(test_text_numbers),
		cmocka_unit_test(test_oid_parse),
		cmocka_unit_test(test_profile_dir_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
