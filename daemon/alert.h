/*
 * alert: rule evaluation and the alert state machine (contract; see issue 7).
 *
 * Each tick the engine evaluates the built-in rules against the venue
 * (on the loop thread), moves alerts inactive -> pending -> firing ->
 * resolved with hysteresis, for-durations, repeat, flapping, grouping,
 * inhibition and silences, persists state in state_dir, appends every
 * decision to the alert log (JSON lines), and hands notifications to
 * notify. The web side reads alerts only through the functions below.
 */
#ifndef HEADROOM_ALERT_H
#define HEADROOM_ALERT_H

#include <jansson.h>
#include <stddef.h>

#include "module.h"

extern const struct module_ops alert_module_ops;

struct alert_engine;

/* Loop thread only: JSON for the per-tick snapshot. The caller owns the
 * returned reference. alerts: array of active (pending/firing) alerts with
 * id, rule, severity, state, labels, summary, since, acked, silenced.
 * silences: array of silences. transitions: alert transitions that
 * happened during the last evaluation (for server-sent events). */
json_t *alert_engine_alerts_json(const struct alert_engine *e);
json_t *alert_engine_silences_json(const struct alert_engine *e);
json_t *alert_engine_transitions_json(const struct alert_engine *e);

/* Any thread (HTTP handlers): queue an acknowledgement or a silence; the
 * loop applies it on its next turn. body is the request's JSON. Returns
 * 0 and fills id_out (the silence id) or -1 with a reason in err.
 * Authentication is the caller's job (bearer token). */
int alert_request_ack(struct alert_engine *e, const char *alert_id, const json_t *body,
		      char *err, size_t errlen);
int alert_request_silence(struct alert_engine *e, const json_t *body, char *id_out,
			  size_t idlen, char *err, size_t errlen);
int alert_request_unsilence(struct alert_engine *e, const char *silence_id, char *err,
			    size_t errlen);

#endif
