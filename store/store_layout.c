#include "config.h"
#include "store/store_layout.h"
#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct store_kind_info kinds[STORE_KINDS] = {
	[STORE_AP] = { "ap", "ap",
		{ "clients", "clients_2g4", "clients_5g", "projected", "capacity" }, 5 },
	[STORE_ROOM] = { "room", "room", { "clients", "projected", "capacity" }, 3 },
	[STORE_UPLINK] = { "uplink", "uplink",
		{ "bps_in", "bps_out", "capacity_mbps", "utilisation", "projected_mbps" }, 5 },
	[STORE_POOL] = { "pool", "pool", { "leases", "size" }, 2 },
	/* devices_day_*: distinct devices since local midnight, as the
	 * capture counted them (its day's maximum is the day's total) */
	[STORE_CAPTURE] = { "capture", "capture",
		{ "active_clients", "devices_day_global", "devices_day_random" }, 3 },
	[STORE_VENUE] = { "venue", NULL,
		{ "devices", "projected", "capacity", "uplink_mbps_in", "uplink_mbps_out",
		  "uplink_cap_mbps" }, 6 },
};

/* Resolution and time span of each kept archive. */
static const struct {
	long seconds;
	long span;
} archives[] = {
	{ 10, 4 * 86400L },
	{ 60, 30 * 86400L },
	{ 3600, 730 * 86400L },
};

const struct store_kind_info *store_kind_info(enum store_kind kind)
{
	return kind < STORE_KINDS ? &kinds[kind] : NULL;
}

int store_parse_entity(const char *entity, enum store_kind *kind, const char **name)
{
	if (!entity)
		return -1;
	if (strcmp(entity, "venue") == 0) {
		*kind = STORE_VENUE;
		*name = "";
		return 0;
	}
	const char *colon = strchr(entity, ':');
	if (!colon || colon[1] == '\0')
		return -1;
	size_t plen = (size_t)(colon - entity);
	for (int k = 0; k < STORE_KINDS; k++) {
		if (k == STORE_VENUE || strlen(kinds[k].prefix) != plen ||
		    strncmp(entity, kinds[k].prefix, plen) != 0)
			continue;
		*kind = (enum store_kind)k;
		*name = colon + 1;
		return 0;
	}
	return -1;
}

int store_ds_index(enum store_kind kind, const char *metric)
{
	const struct store_kind_info *k = store_kind_info(kind);
	for (size_t i = 0; k && metric && i < k->n_ds; i++)
		if (strcmp(k->ds[i], metric) == 0)
			return (int)i;
	return -1;
}

static bool name_char_kept(const char *name, size_t i)
{
	unsigned char c = (unsigned char)name[i];
	if (isalnum(c) || c == '-' || c == '_')
		return true;
	/* A dot is kept only inside a name and never twice in a row, so
	 * neither "." nor ".." can appear as a file name. */
	return c == '.' && i > 0 && name[i - 1] != '.';
}

int store_encode_name(const char *name, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	if (!name[0]) {
		if (outlen < 2)
			return -1;
		out[o++] = '_';
	}
	for (size_t i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];
		if (name_char_kept(name, i)) {
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= outlen)
				return -1;
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return (int)o;
}

char *store_file_path(const char *base, enum store_kind kind, const char *name)
{
	const struct store_kind_info *k = store_kind_info(kind);
	if (!k)
		return NULL;
	if (kind == STORE_VENUE)
		return xasprintf("%s/venue.rrd", base);
	char stem[3 * 128 + 4];
	if (store_encode_name(name, stem, sizeof stem) < 0)
		return NULL;
	return xasprintf("%s/%s/%s.rrd", base, k->dir, stem);
}

static long archive_pdp(long seconds, long step)
{
	long pdp = (seconds + step / 2) / step;
	return pdp < 1 ? 1 : pdp;
}

size_t store_resolutions(long step, long *res, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof archives / sizeof *archives && n < max; i++) {
		long r = archive_pdp(archives[i].seconds, step) * step;
		if (n > 0 && res[n - 1] == r)
			continue;
		res[n++] = r;
	}
	return n;
}

char **store_create_argv(enum store_kind kind, long step, int *argc)
{
	const struct store_kind_info *k = store_kind_info(kind);
	char **argv = xcalloc(STORE_MAX_DS + 2 * STORE_MAX_RRA + 1, sizeof *argv);
	int n = 0;
	for (size_t i = 0; i < k->n_ds; i++)
		argv[n++] = xasprintf("DS:%s:GAUGE:%ld:0:U", k->ds[i], 3 * step);
	long prev_pdp = 0;
	for (size_t i = 0; i < sizeof archives / sizeof *archives; i++) {
		long pdp = archive_pdp(archives[i].seconds, step);
		/* Archives whose rows would coincide at a long step merge
		 * into the longer span. */
		long rows = (archives[i].span + pdp * step - 1) / (pdp * step);
		if (pdp == prev_pdp) {
			n -= 2;
			free(argv[n]);
			free(argv[n + 1]);
		}
		argv[n++] = xasprintf("RRA:AVERAGE:0.5:%ld:%ld", pdp, rows);
		argv[n++] = xasprintf("RRA:MAX:0.5:%ld:%ld", pdp, rows);
		prev_pdp = pdp;
	}
	argv[n] = NULL;
	*argc = n;
	return argv;
}

void store_free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

unsigned long long store_file_bytes(enum store_kind kind, long step)
{
	unsigned long long rows = 0;
	long prev_pdp = 0;
	for (size_t i = 0; i < sizeof archives / sizeof *archives; i++) {
		long pdp = archive_pdp(archives[i].seconds, step);
		long n = (archives[i].span + pdp * step - 1) / (pdp * step);
		if (pdp != prev_pdp)
			rows += 2ULL * (unsigned long long)n;	/* AVERAGE and MAX */
		prev_pdp = pdp;
	}
	return rows * store_kind_info(kind)->n_ds * sizeof(double) + 4096;
}
