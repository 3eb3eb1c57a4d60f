/* Calendar arithmetic and zone conversion for the schedule parsers. */
#include "config.h"
#include "schedule/schedule_parse.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool schedule_civil_valid(const struct schedule_civil *c)
{
	return c->year >= 1970 && c->year <= 2200 && c->month >= 1 && c->month <= 12 &&
	       c->day >= 1 && c->day <= days_in_month(c->year, c->month) &&
	       c->hour >= 0 && c->hour <= 23 && c->min >= 0 && c->min <= 59 &&
	       c->sec >= 0 && c->sec <= 60;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

time_t schedule_civil_to_utc(const struct schedule_civil *c)
{
	return (time_t)days_from_civil(c->year, c->month, c->day) * 86400 +
	       c->hour * 3600 + c->min * 60 + c->sec;
}

void schedule_utc_to_civil(time_t t, struct schedule_civil *c)
{
	long days = (long)(t / 86400);
	long rem = (long)(t % 86400);
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem / 60 % 60);
	c->sec = (int)(rem % 60);
}

void schedule_civil_add_days(struct schedule_civil *c, int days)
{
	civil_from_days(days_from_civil(c->year, c->month, c->day) + days,
			&c->year, &c->month, &c->day);
}

/* ---- zones ---- */

bool schedule_zone_known(const char *zone)
{
	if (!zone || !*zone || zone[0] == '/' || strstr(zone, ".."))
		return false;
	for (const char *p = zone; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return false;
	if (strcmp(zone, "UTC") == 0)
		return true;
	const char *dir = getenv("TZDIR");
	char *path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", zone);
	struct stat st;
	bool ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

static bool same_zone(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Point TZ at zone (NULL: the value it had before the load). */
static int tz_switch(struct schedule_builder *b, const char *zone)
{
	if (!b->tz_saved) {
		const char *orig = getenv("TZ");
		b->tz_orig = orig ? xstrdup(orig) : NULL;
		b->tz_saved = true;
	}
	if (b->tz_switched && same_zone(zone, b->tz_current))
		return 0;
	if (zone && !schedule_zone_known(zone))
		return -1;
	const char *value = zone ? zone : b->tz_orig;
	if (value)
		setenv("TZ", value, 1);
	else
		unsetenv("TZ");
	tzset();
	free(b->tz_current);
	b->tz_current = zone ? xstrdup(zone) : NULL;
	b->tz_switched = true;
	return 0;
}

void sb_tz_restore(struct schedule_builder *b)
{
	if (b->tz_switched) {
		if (b->tz_orig)
			setenv("TZ", b->tz_orig, 1);
		else
			unsetenv("TZ");
		tzset();
	}
	free(b->tz_orig);
	free(b->tz_current);
	b->tz_orig = b->tz_current = NULL;
	b->tz_saved = b->tz_switched = false;
}

int sb_local_to_utc(struct schedule_builder *b, const char *zone,
		    const struct schedule_civil *local, time_t *out, int *offset)
{
	if (tz_switch(b, zone) != 0)
		return -1;
	struct tm tm = { .tm_year = local->year - 1900, .tm_mon = local->month - 1,
			 .tm_mday = local->day, .tm_hour = local->hour, .tm_min = local->min,
			 .tm_sec = local->sec, .tm_isdst = -1 };
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t;
	*offset = (int)tm.tm_gmtoff;
	return 0;
}

int sb_offset_at(struct schedule_builder *b, const char *zone, time_t t)
{
	struct tm tm;
	if (tz_switch(b, zone) != 0 || !localtime_r(&t, &tm))
		return 0;
	return (int)tm.tm_gmtoff;
}

/* ---- text ---- */

/* n digits at *p into *v; advances *p. */
static bool digits(const char **p, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return true;
}

static bool date_part(const char **p, struct schedule_civil *c)
{
	return digits(p, 4, &c->year) && *(*p)++ == '-' && digits(p, 2, &c->month) &&
	       *(*p)++ == '-' && digits(p, 2, &c->day);
}

int schedule_parse_date(const char *s, struct schedule_civil *c)
{
	memset(c, 0, sizeof *c);
	while (isspace((unsigned char)*s))
		s++;
	if (!date_part(&s, c))
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0' && schedule_civil_valid(c) ? 0 : -1;
}

static bool offset_part(const char **p, bool *has_offset, int *offset)
{
	*has_offset = false;
	*offset = 0;
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*has_offset = true;
		return true;
	}
	if (**p != '+' && **p != '-')
		return true;
	int sign = *(*p)++ == '-' ? -1 : 1, h, m = 0;
	if (!digits(p, 2, &h))
		return false;
	if (**p == ':')
		(*p)++;
	if (isdigit((unsigned char)**p) && !digits(p, 2, &m))
		return false;
	if (h > 18 || m > 59)
		return false;
	*has_offset = true;
	*offset = sign * (h * 3600 + m * 60);
	return true;
}

int schedule_parse_iso(const char *s, struct schedule_civil *c, bool *has_offset, int *offset)
{
	memset(c, 0, sizeof *c);
	while (isspace((unsigned char)*s))
		s++;
	if (!date_part(&s, c) || (*s != 'T' && *s != 't' && *s != ' '))
		return -1;
	s++;
	if (!digits(&s, 2, &c->hour) || *s++ != ':' || !digits(&s, 2, &c->min))
		return -1;
	if (*s == ':') {
		s++;
		if (!digits(&s, 2, &c->sec))
			return -1;
		if (*s == '.' || *s == ',')
			for (s++; isdigit((unsigned char)*s); s++)
				;
	}
	if (!offset_part(&s, has_offset, offset))
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0' && schedule_civil_valid(c) && c->sec < 60 ? 0 : -1;
}

int schedule_parse_hms(const char *s, long *secs)
{
	while (isspace((unsigned char)*s))
		s++;
	long part[3] = { 0, 0, 0 };
	int n = 0;
	while (n < 3) {
		if (!isdigit((unsigned char)*s))
			return -1;
		long v = 0;
		int len = 0;
		for (; isdigit((unsigned char)*s) && len < 6; s++, len++)
			v = v * 10 + (*s - '0');
		if (isdigit((unsigned char)*s) || (n > 0 && len != 2))
			return -1;
		part[n++] = v;
		if (*s != ':')
			break;
		s++;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s || n < 2 || part[1] > 59 || part[2] > 59)
		return -1;
	*secs = part[0] * 3600 + part[1] * 60 + part[2];
	return 0;
}
