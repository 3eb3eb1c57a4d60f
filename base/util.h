/*
 * util: small helpers shared by every module (allocation that aborts on
 * out-of-memory, string building, time parsing, directories).
 */
#ifndef HEADROOM_UTIL_H
#define HEADROOM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* Zeroed, at a multiple of align (a power of two, of pointers): for a
 * type with members _Alignas a cache line. Released with free(). */
void *xcalloc_aligned(size_t align, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Wall-clock seconds with sub-second precision. */
double now_seconds(void);

/* mkdir -p; returns 0 or -1 with errno set. */
int mkdir_p(const char *path, int mode);

/* Parse "2027-05-14 09:00[:00]" or "2027-05-14T09:00[:00]" in local time,
 * or "@<epoch>". Returns 0 on success. */
int parse_local_time(const char *s, time_t *out);

/* Parse a duration like "90", "15s", "5m", "2h", "3d" into seconds. */
int parse_duration(const char *s, long *out);

/* Shell-style glob match (fnmatch without flags). */
int glob_match(const char *pattern, const char *s);
/* Whether s holds a glob metacharacter (*, ? or [): a pattern, not a name. */
bool is_glob(const char *s);

/* Two optional strings are equal: both NULL, or both set and the same. */
bool same_string(const char *a, const char *b);

/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t strlcpy_hr(char *dst, const char *src, size_t size);

#endif
