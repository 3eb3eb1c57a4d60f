/* Pure statistics for the report; the definitions are pinned in report.h. */
#include "config.h"
#include "report/report.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

time_t report_point_time(const struct report_series *s, size_t i)
{
	return s->start + (time_t)(i + 1) * s->step;
}

size_t report_known(const double *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			k++;
	return k;
}

struct report_peak report_peak(const struct report_series *s)
{
	struct report_peak p = { NAN, 0 };
	for (size_t i = 0; i < s->n; i++) {
		if (isnan(s->v[i]))
			continue;
		if (isnan(p.value) || s->v[i] > p.value) {
			p.value = s->v[i];
			p.at = report_point_time(s, i);
		}
	}
	return p;
}

double report_mean(const double *v, size_t n)
{
	double sum = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		sum += v[i];
		k++;
	}
	return k ? sum / (double)k : NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double report_percentile(const double *v, size_t n, double pct, size_t *unknown)
{
	size_t k = report_known(v, n);
	if (unknown)
		*unknown = n - k;
	if (k == 0 || pct <= 0 || pct > 100)
		return NAN;
	double *sorted = xmalloc(k * sizeof *sorted);
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			sorted[j++] = v[i];
	qsort(sorted, k, sizeof *sorted, cmp_double);
	/* ceil() with a tolerance: 0.95 x 20 is 19.000000000000004 in binary. */
	size_t rank = (size_t)ceil(pct / 100.0 * (double)k - 1e-9);
	if (rank < 1)
		rank = 1;
	double p = sorted[rank - 1];
	free(sorted);
	return p;
}

double *report_consolidate(const struct report_series *s, long width, struct report_series *out)
{
	memset(out, 0, sizeof *out);
	if (s->step <= 0 || width < s->step || width % s->step != 0 || s->n == 0)
		return NULL;
	/* Buckets are aligned to multiples of width, like RRD's consolidation:
	 * bucket b covers (b*width, (b+1)*width]. */
	time_t first_end = report_point_time(s, 0);
	time_t last_end = report_point_time(s, s->n - 1);
	long long b0 = (long long)(first_end - 1) / width;
	long long b1 = (long long)(last_end - 1) / width;
	size_t nb = (size_t)(b1 - b0 + 1);
	double *sum = xcalloc(nb, sizeof *sum);
	size_t *known = xcalloc(nb, sizeof *known);
	for (size_t i = 0; i < s->n; i++) {
		if (isnan(s->v[i]))
			continue;
		size_t b = (size_t)((long long)(report_point_time(s, i) - 1) / width - b0);
		sum[b] += s->v[i];
		known[b]++;
	}
	size_t per = (size_t)(width / s->step);
	for (size_t b = 0; b < nb; b++)
		sum[b] = known[b] * 2 >= per && known[b] > 0 ? sum[b] / (double)known[b] : NAN;
	free(known);
	out->start = (time_t)(b0 * width);
	out->step = width;
	out->n = nb;
	out->v = sum;
	return sum;
}

double report_minutes_at_or_above(const struct report_series *s, double level)
{
	if (isnan(level))
		return NAN;
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!isnan(s->v[i]) && s->v[i] >= level)
			k++;
	return (double)k * (double)s->step / 60.0;
}

double report_volume(const struct report_series *s, size_t *unknown)
{
	double sum = 0;
	size_t u = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (isnan(s->v[i]))
			u++;
		else
			sum += s->v[i] * (double)s->step;
	}
	if (unknown)
		*unknown = u;
	return u == s->n ? NAN : sum;
}

struct report_series report_slice(const struct report_series *s, time_t from, time_t to)
{
	struct report_series r = { .start = from, .step = s->step, .n = 0, .v = s->v };
	if (s->n == 0 || s->step <= 0 || to <= from)
		return r;
	/* first i with end(i) > from, last i with end(i) <= to */
	long long lo = (long long)(from - s->start) / s->step;
	if (lo < 0)
		lo = 0;
	long long hi = (long long)(to - s->start) / s->step - 1;
	if (hi >= (long long)s->n)
		hi = (long long)s->n - 1;
	if (hi < lo)
		return r;
	r.start = s->start + (time_t)lo * s->step;
	r.n = (size_t)(hi - lo + 1);
	r.v = s->v + lo;
	return r;
}

size_t report_days(time_t from, time_t to, time_t *bounds, size_t max)
{
	size_t n = 0;
	if (max < 2 || to <= from)
		return 0;
	bounds[0] = from;
	time_t t = from;
	while (t < to && n + 2 <= max) {
		struct tm tm;
		localtime_r(&t, &tm);
		tm.tm_mday += 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		time_t next = mktime(&tm);
		if (next <= t)
			next = t + 86400;
		if (next > to)
			next = to;
		bounds[++n] = next;
		t = next;
	}
	return n;
}

size_t report_gaps(const struct report_series *s, long min_seconds, struct report_gap **gaps)
{
	size_t n = 0, cap = 0;
	*gaps = NULL;
	size_t i = 0;
	while (i < s->n) {
		if (!isnan(s->v[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < s->n && isnan(s->v[j]))
			j++;
		time_t start = s->start + (time_t)i * s->step;
		time_t end = s->start + (time_t)j * s->step;
		if (end - start >= min_seconds) {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				*gaps = xrealloc(*gaps, cap * sizeof **gaps);
			}
			(*gaps)[n++] = (struct report_gap){ start, end };
		}
		i = j;
	}
	return n;
}

double report_link_size(double mbps)
{
	static const double sizes[] = { 10, 20, 50, 100, 200, 250, 500, 1000, 2000, 2500,
					5000, 10000, 20000, 25000, 40000, 50000, 100000 };
	if (isnan(mbps))
		return NAN;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		if (sizes[i] >= mbps - 1e-9)
			return sizes[i];
	return ceil(mbps / 100000.0) * 100000.0;
}
