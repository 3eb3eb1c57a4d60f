#include "config.h"
#include "store.h"
#include "daemon.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

/* Not built yet: see the tracker. */
const struct module_ops store_module_ops = { .name = "store" };

struct store *store_open(const struct conf *conf, char *err, size_t errlen)
{
	snprintf(err, errlen, "the store is not built yet");
	return NULL;
}

void store_close(struct store *s) { (void)s; }

int store_series(struct store *s, const char *entity, const char *metric, time_t from,
		 time_t to, long resolution, const char *cf, struct store_series *out,
		 char *err, size_t errlen)
{
	snprintf(err, errlen, "the store is not built yet");
	return -1;
}

void store_series_free(struct store_series *series) { free(series->values); }

int store_graph(struct store *s, const char *entity, const char *format, time_t from,
		time_t to, unsigned width, unsigned height, unsigned char **data,
		size_t *len, char *err, size_t errlen)
{
	snprintf(err, errlen, "the store is not built yet");
	return -1;
}

char *store_path(const struct conf *conf, const char *entity)
{
	return xasprintf("%s/%s.rrd", conf->state_dir, entity);
}
