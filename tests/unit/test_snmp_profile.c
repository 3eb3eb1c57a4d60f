/* Vendor profiles: every shipped file loads, joins are what the MIBs say,
 * and broken files are rejected with file:line. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "collectors/snmp_profile.h"
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

static void test_every_shipped_profile_loads(void **state)
{
	static const char *const names[] = {
		"cisco-wlc", "aruba", "mikrotik", "unifi", "ruckus-sz", "ruckus-zd", "fortinet",
		"extreme", "huawei", "openwrt-extend", "generic-ifmib",
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		snmp_profile_free(load_ok(names[i]));
}

static void test_cisco_join(void **state)
{
	struct snmp_profile *p = load_ok("cisco-wlc");
	assert_true(p->has_radio);
	assert_int_equal(p->ap_name.len, 12);
	assert_int_equal(p->index_extra_arcs, 1);
	assert_int_equal(snmp_profile_band(p, "1"), SNMP_BAND_2G4);
	assert_int_equal(snmp_profile_band(p, "2"), SNMP_BAND_5G);
	assert_int_equal(snmp_profile_band(p, "9"), SNMP_BAND_UNKNOWN);
	assert_int_equal(p->n_scalars, 1);
	assert_string_equal(p->scalars[0].metric, "controller_aps");
	snmp_profile_free(p);
}

static void test_bands_by_mhz_and_text(void **state)
{
	struct snmp_profile *m = load_ok("mikrotik");
	assert_true(m->band_from_mhz);
	assert_int_equal(snmp_profile_band(m, "2412"), SNMP_BAND_2G4);
	assert_int_equal(snmp_profile_band(m, "5805"), SNMP_BAND_5G);
	assert_int_equal(snmp_profile_band(m, "5955"), SNMP_BAND_6G);
	assert_int_equal(snmp_profile_band(m, "0"), SNMP_BAND_UNKNOWN);
	assert_int_equal(m->ap_name.len + m->radio_ap_name.len, 0);	/* the device is the AP */
	snmp_profile_free(m);
	struct snmp_profile *u = load_ok("unifi");
	assert_int_equal(snmp_profile_band(u, "ng"), SNMP_BAND_2G4);
	assert_int_equal(snmp_profile_band(u, "na"), SNMP_BAND_5G);
	snmp_profile_free(u);
	struct snmp_profile *o = load_ok("openwrt-extend");
	assert_int_equal(o->radio_type, SNMP_VT_TEXT);
	snmp_profile_free(o);
}

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
	expect_error(dir, "badoid", "radio {\n clients = \"1.3.x.4\"\n}\n", "not a numeric OID");
	expect_error(dir, "badtype", "radio {\n clients = \"1.3.6.1\"\n type = \"float\"\n}\n",
		     "type: \"float\"");
	expect_error(dir, "badband", "radio {\n clients = \"1.3.6.1\"\n band = \"1.3.6.2\"\n"
		     " band_map = { \"1=7g\" }\n}\n", "band_map");
	expect_error(dir, "noclients", "radio {\n band = \"1.3.6.2\"\n}\n", "clients: missing");
	expect_error(dir, "syntax", "radio {\n clients = \n", "syntax.conf:");
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

static void test_oid_parse(void **state)
{
	struct snmp_oid o;
	assert_int_equal(snmp_oid_parse(".1.3.6.1.2.1.1.5.0", &o), 0);
	assert_int_equal(o.len, 9);
	assert_int_equal(o.arcs[8], 0);
	assert_int_equal(snmp_oid_parse("1.3.", &o), -1);
	assert_int_equal(snmp_oid_parse("1..3", &o), -1);
	assert_int_equal(snmp_oid_parse("1.-3", &o), -1);
	assert_int_equal(snmp_oid_parse("1", &o), -1);
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
		cmocka_unit_test(test_bands_by_mhz_and_text),
		cmocka_unit_test(test_broken_profiles_rejected),
		cmocka_unit_test(test_oid_parse),
		cmocka_unit_test(test_profile_dir_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
