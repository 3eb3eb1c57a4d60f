/*
 * libFuzzer target: the vendor profile compiler (libconfuse schema, OIDs,
 * index parts, references and their joins, band rules, detect rules) on
 * arbitrary text, then band mapping and profile choice through whatever
 * profile loads.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "collectors/snmp_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];

static void remove_dir(void)
{
	char path[300];
	snprintf(path, sizeof path, "%s/fuzz.conf", dir);
	unlink(path);
	rmdir(dir);
}

static bool probe_half(void *ctx, const struct snmp_oid *o)
{
	(void)ctx;
	return o->len % 2 == 0;
}

/* What a loaded profile is used for: bands and the choice of profile. */
static void exercise(struct snmp_profile *p)
{
	static const char *const values[] = {
		"1", "2", "5", "2412", "5180", "5955", "3565000", "66960", "ng", "na", "53S", "116E",
		"2412/20-Ce/gn(18dBm)", "", "-3", "1e99",
	};
	for (size_t t = 0; t < p->n_tables; t++)
		for (size_t i = 0; i < sizeof values / sizeof *values; i++)
			(void)snmp_band_name(snmp_table_band(&p->tables[t], values[i]));
	static const oid sysoid[] = { 1, 3, 6, 1, 4, 1, 14823, 1, 2, 59 };
	struct snmp_device dev = { sysoid, sizeof sysoid / sizeof *sysoid, "ArubaOS (MODEL: 225)" };
	struct snmp_oid probes[8];
	(void)snmp_profile_probes(&p, 1, &dev, probes, 8);
	char reason[160];
	bool ap = false;
	(void)snmp_profile_choose(&p, 1, &dev, probe_half, NULL, &ap, reason, sizeof reason);
	(void)snmp_profile_device_ap(p, &dev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		log_init("fuzz", 0, LOG_LVL_ERR);
		snprintf(dir, sizeof dir, "%s/headroom-fuzz-profile.XXXXXX",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	char path[300];
	snprintf(path, sizeof path, "%s/fuzz.conf", dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	char *err = NULL;
	struct snmp_profile *p = snmp_profile_load(dir, "fuzz", &err);
	if (p)
		exercise(p);
	snmp_profile_free(p);
	free(err);
	return 0;
}
