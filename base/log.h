/*
 * log: leveled logging to stderr (foreground) or syslog (daemon).
 * Thread-safe: each call formats into a local buffer and writes once.
 * Secrets must never be passed here; callers log names, not values.
 */
#ifndef HEADROOM_LOG_H
#define HEADROOM_LOG_H

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* The levels' names, by level, NULL-terminated: the config's log_level
 * values and the word each stderr line carries. */
extern const char *const log_level_names[];
/* The level a name stands for; 0, or -1 for a name not in the list. */
int log_level_parse(const char *name, enum log_level *out);

void log_init(const char *ident, int use_syslog, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)   log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
