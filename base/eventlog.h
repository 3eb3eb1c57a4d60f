/*
 * eventlog: the state dir's event log, alerts.log, and its time format.
 *
 * One JSON object a line, appended (O_APPEND, one write a line, so lines
 * of the alert engine and of notify never interleave), each stamped with
 * "ts", epoch seconds (float), when written. What the events say is the
 * writers' business (alerts/alert.h lists them); this is the only code
 * that builds the log's path, writes it or reads it back. Times inside
 * events and notifications (startsAt, endsAt, silences) are RFC 3339 UTC,
 * formatted and parsed here too.
 */
#ifndef HEADROOM_EVENTLOG_H
#define HEADROOM_EVENTLOG_H

#include <jansson.h>
#include <stddef.h>

/* state_dir/alerts.log; the caller frees it. */
char *eventlog_path(const char *state_dir);

/* Append events (an array of objects), each as one line stamped ts = now.
 * Each line is written whole or not at all: what a full disk cut short is
 * truncated away, and a torn last line (a crash) is cut before the next.
 * Failures are logged, never fatal: the log is a record, not state. */
void eventlog_append(const char *path, const json_t *events, double now);

/* Called for each event read back (the reader's, valid during the call)
 * with its ts (NAN when it has none); returns 0, or -1 when it could not
 * use the line. */
typedef int (*eventlog_fn)(json_t *event, double ts, void *ctx);

/* Read the log at path, oldest line first, skipping blank lines. Lines
 * that are not JSON objects, or that fn refuses, are counted in *bad.
 * Returns 0, or -1 (errno set) when the log cannot be opened. */
int eventlog_read(const char *path, eventlog_fn fn, void *ctx, size_t *bad);

/* RFC 3339 UTC, "2027-05-14T09:00:00Z"; t <= 0 gives Alertmanager's
 * "unset", 0001-01-01T00:00:00Z. */
void eventlog_format_time(double t, char *buf, size_t len);

/* Epoch seconds from RFC 3339 (Z or +hh:mm, fractions allowed) or from a
 * positive number of epoch seconds; NAN for anything else. */
double eventlog_parse_time(const json_t *v);

#endif
