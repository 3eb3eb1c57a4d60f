/*
 * libFuzzer target: the vendor profile loader (libconfuse schema, OID and
 * band-map validation) on arbitrary text, then band mapping through
 * whatever profile loads.
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
	if (p) {
		static const char *const values[] = { "1", "2", "5", "2412", "5180", "5955", "bg", "" };
		for (size_t i = 0; i < sizeof values / sizeof *values; i++)
			(void)snmp_band_name(snmp_profile_band(p, values[i]));
	}
	snmp_profile_free(p);
	free(err);
	return 0;
}
