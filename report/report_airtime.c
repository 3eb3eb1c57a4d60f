/* Airtime in the report: the figures of a utilisation series, and radio names taken apart. */
#include "config.h"
#include "report/report.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void report_airtime_of(const struct report_series *peak, const struct report_series *avg,
		       double warn, double crit, struct report_airtime *a)
{
	a->warn = warn;
	a->crit = crit;
	a->peak = (struct report_peak){ NAN, 0 };
	a->p95 = a->minutes_warn = a->minutes_crit = NAN;
	a->has_data = peak && peak->v && report_known(peak->v, peak->n) > 0;
	if (!a->has_data)
		return;
	a->peak = report_peak(peak);
	a->minutes_warn = report_minutes_at_or_above(peak, warn);
	a->minutes_crit = report_minutes_at_or_above(peak, crit);
	struct report_series five;
	double *v = avg && avg->v ? report_consolidate(avg, 300, &five) : NULL;
	if (v)
		a->p95 = report_percentile(five.v, five.n, 95, NULL);
	free(v);
}

static bool is_band(const char *s, size_t n)
{
	static const char *const bands[] = { "2g4", "5g", "6g", "3g5", "60g", "unk" };
	for (size_t i = 0; i < sizeof bands / sizeof *bands; i++)
		if (strlen(bands[i]) == n && strncmp(s, bands[i], n) == 0)
			return true;
	return false;
}

/* As the model reads it: the band is the last part that names one, and
 * never the first (an AP's name may hold a '/'). */
int report_radio_parse(const char *entity, char **ap, char **band)
{
	if (strncmp(entity, "radio:", 6) != 0)
		return -1;
	const char *name = entity + 6, *at = NULL;
	size_t len = 0;
	for (const char *p = strchr(name, '/'); p; p = strchr(p + 1, '/')) {
		const char *end = strchr(p + 1, '/');
		size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
		if (p > name && is_band(p + 1, n)) {
			at = p;
			len = n;
		}
	}
	if (!at)
		return -1;
	*ap = xasprintf("%.*s", (int)(at - name), name);
	*band = xasprintf("%.*s", (int)len, at + 1);
	return 0;
}
