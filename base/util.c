/* util: small helpers every module shares (allocation, strings, time, directories). */
#include "config.h"
#include "base/util.h"
#include "base/log.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

static void out_of_memory(void)
{
	log_err("out of memory");
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc_aligned(size_t align, size_t size)
{
	void *p = NULL;
	if (posix_memalign(&p, align, size ? size : 1) != 0)
		out_of_memory();
	memset(p, 0, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p)
		out_of_memory();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		out_of_memory();
	va_end(ap);
	return p;
}

double now_seconds(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

int mkdir_p(const char *path, int mode)
{
	char buf[4096];
	size_t len = strlcpy_hr(buf, path, sizeof buf);
	if (len >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int parse_local_time(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	if (s[0] == '@') {
		char *e;
		long long v = strtoll(s + 1, &e, 10);
		if (e == s + 1 || *e)
			return -1;
		*out = (time_t)v;
		return 0;
	}
	static const char *formats[] = {
		"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
		"%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
	};
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		memset(&tm, 0, sizeof tm);
		end = strptime(s, formats[i], &tm);
		if (end && *end == '\0') {
			tm.tm_isdst = -1;
			*out = mktime(&tm);
			return *out == (time_t)-1 ? -1 : 0;
		}
	}
	return -1;
}

int parse_duration(const char *s, long *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || v < 0)
		return -1;
	long mult = 1;
	if (*end) {
		switch (*end) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		default: return -1;
		}
		if (end[1])
			return -1;
	}
	*out = (long)(v * mult + 0.5);
	return 0;
}

int glob_match(const char *pattern, const char *s)
{
	return fnmatch(pattern, s, 0) == 0;
}

bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

bool same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

size_t strlcpy_hr(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
