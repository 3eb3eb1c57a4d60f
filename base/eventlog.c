/* alerts.log: its path, its one writer and reader, and its times (see eventlog.h). */
#include "config.h"
#include "base/eventlog.h"
#include "base/log.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

char *eventlog_path(const char *state_dir)
{
	return xasprintf("%s/alerts.log", state_dir);
}

void eventlog_append(const char *path, const json_t *events, double now)
{
	if (json_array_size(events) == 0)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_err("alert log %s: %s", path, strerror(errno));
		return;
	}
	size_t i;
	json_t *ev;
	json_array_foreach((json_t *)events, i, ev) {
		json_t *line = json_pack("{s:f}", "ts", now);
		json_object_update(line, ev);
		char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(line);
		if (!s)
			continue;
		size_t len = strlen(s);
		s[len] = '\n';	/* replaces the terminator; written with its length */
		if (write(fd, s, len + 1) != (ssize_t)(len + 1))
			log_err("alert log %s: short write", path);
		free(s);
	}
	close(fd);
}

int eventlog_read(const char *path, eventlog_fn fn, void *ctx, size_t *bad)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char *line = NULL;
	size_t len = 0;
	while (getline(&line, &len, f) != -1) {
		if (line[0] == '\n' || line[0] == '\0')
			continue;
		json_t *o = json_loads(line, 0, NULL);
		if (!json_is_object(o) ||
		    fn(o, eventlog_parse_time(json_object_get(o, "ts")), ctx) != 0)
			(*bad)++;
		json_decref(o);
	}
	free(line);
	fclose(f);
	return 0;
}

void eventlog_format_time(double t, char *buf, size_t len)
{
	if (!(t > 0)) {
		snprintf(buf, len, "0001-01-01T00:00:00Z");	/* Alertmanager's "unset" */
		return;
	}
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "Z", "z" or "+hh:mm" / "-hh:mm" at p: 0 with *offset in seconds, or -1. */
static int parse_zone(const char **p, long *offset)
{
	const char *s = *p;
	*offset = 0;
	if (*s == 'Z' || *s == 'z') {
		*p = s + 1;
		return 0;
	}
	if ((*s != '+' && *s != '-') || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]) || s[3] != ':' || !isdigit((unsigned char)s[4]) ||
	    !isdigit((unsigned char)s[5]))
		return -1;
	*offset = ((s[1] - '0') * 10 + (s[2] - '0')) * 3600 + ((s[4] - '0') * 10 + (s[5] - '0')) * 60;
	if (*s == '-')
		*offset = -*offset;
	*p = s + 6;
	return 0;
}

double eventlog_parse_time(const json_t *v)
{
	if (json_is_number(v)) {
		double t = json_number_value(v);
		return isfinite(t) && t > 0 ? t : NAN;
	}
	const char *s = json_string_value(v);
	if (!s)
		return NAN;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return NAN;
	double frac = 0;
	if (*p == '.') {
		char *end;
		frac = strtod(p, &end);
		if (end == p + 1)
			return NAN;
		p = end;
	}
	long offset;
	if (parse_zone(&p, &offset) != 0 || *p)
		return NAN;
	time_t t = timegm(&tm);
	return t == (time_t)-1 ? NAN : (double)t - (double)offset + frac;
}
