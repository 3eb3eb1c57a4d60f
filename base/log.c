/* Leveled logging to stderr or syslog, one write per line. */
#include "config.h"
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Set once at start-up before any thread exists; read-only afterwards
 * except for the level, which a reload may change (a torn read of an int
 * is harmless here). */
static struct {
	int use_syslog;
	enum log_level level;
	const char *ident;
} log_cfg = { 0, LOG_LVL_INFO, "headroomd" };

const char *const log_level_names[] = { "error", "warning", "info", "debug", NULL };
static const int level_syslog[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

void log_init(const char *ident, int use_syslog, enum log_level level)
{
	log_cfg.ident = ident;
	log_cfg.use_syslog = use_syslog;
	log_cfg.level = level;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int log_level_parse(const char *name, enum log_level *out)
{
	for (int i = LOG_LVL_ERR; name && log_level_names[i]; i++)
		if (strcmp(name, log_level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

void log_set_level(enum log_level level) { log_cfg.level = level; }
enum log_level log_get_level(void) { return log_cfg.level; }

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (level > log_cfg.level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);

	if (log_cfg.use_syslog) {
		syslog(level_syslog[level], "%s", msg);
		return;
	}
	char line[2200];
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	int n = snprintf(line, sizeof line, "%s %s[%d] %s: %s\n", stamp,
			 log_cfg.ident, (int)getpid(), log_level_names[level], msg);
	if (n > (int)sizeof line - 1)
		n = sizeof line - 1;
	/* One write per line so lines from several threads never interleave. */
	ssize_t unused = write(STDERR_FILENO, line, (size_t)n);
	(void)unused;
}
