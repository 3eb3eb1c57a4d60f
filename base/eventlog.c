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

/* The end of the last complete line at or before end (0 when none). */
static off_t last_line_end(int fd, off_t end)
{
	char buf[4096];
	while (end > 0) {
		off_t from = end > (off_t)sizeof buf ? end - (off_t)sizeof buf : 0;
		ssize_t n = pread(fd, buf, (size_t)(end - from), from);
		if (n <= 0)
			return -1;
		for (ssize_t k = n; k > 0; k--)
			if (buf[k - 1] == '\n')
				return from + k;
		end = from;
	}
	return 0;
}

/*
 * The offset the next record goes to: the file's end, after cutting off
 * a torn last line (a crash mid-write, or a partial write no truncate
 * could undo) so the record does not run on from it. -1 on error.
 */
static off_t record_start(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char last = '\n';
	if (end > 0 && pread(fd, &last, 1, end - 1) != 1)
		return -1;
	if (last == '\n')
		return end;
	off_t keep = last_line_end(fd, end);
	if (keep < 0 || ftruncate(fd, keep) != 0)
		return -1;
	return keep;
}

/* One record, whole or not at all: a full disk takes part of a write,
 * and the next record would be glued to the torn line. 0 or -1. */
static int write_record(int fd, const char *s, size_t len)
{
	off_t start = record_start(fd);
	if (start < 0)
		return -1;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, s + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : ENOSPC;
			if (ftruncate(fd, start) != 0)
				log_debug("alert log: cannot cut a torn record: %s", strerror(errno));
			errno = err;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

void eventlog_append(const char *path, const json_t *events, double now)
{
	if (json_array_size(events) == 0)
		return;
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_err("alert log %s: %s", path, strerror(errno));
		return;
	}
	size_t i, lost = 0;
	json_t *ev;
	int err = 0;
	json_array_foreach((json_t *)events, i, ev) {
		json_t *line = json_pack("{s:f}", "ts", now);
		json_object_update(line, ev);
		char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(line);
		if (!s)
			continue;
		size_t len = strlen(s);
		s[len] = '\n';	/* replaces the terminator; written with its length */
		if (write_record(fd, s, len + 1) != 0) {
			err = errno;
			lost++;
		}
		free(s);
	}
	close(fd);
	if (lost)
		log_err("alert log %s: %zu of %zu records not written: %s", path, lost,
			json_array_size(events), strerror(err));
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
