/*
 * alert: rule evaluation and the alert state machine.
 *
 * Each tick the engine turns the venue into observations (one per rule and
 * entity: a value against warn/crit levels, see alert_rules.c), and feeds
 * them to the core (alert_core.h), a pure function of (state, observations,
 * now). The core moves alerts inactive -> pending -> firing -> resolved with
 * hysteresis, for-durations, repeat, flapping, grouping, inhibition and
 * silences. This module persists the core's state in state_dir/alerts.json
 * (tmp + fsync + rename, so a restart neither re-pages nor forgets), appends
 * every decision to the alert log (base/eventlog.h) and keeps the
 * notifications for notify to take. The web side and notify reach alerts
 * only through the functions below.
 *
 * Alert log events: one JSON object per line (base/eventlog.h), always with
 *   ts        epoch seconds (float)
 *   event     pending pending_cleared firing escalated deescalated resolved
 *             resolved_unsent flapping_start flapping_stop inhibited silenced
 *             acked ack_cleared silence_created silence_expired unsilenced
 *             notified repeat suppressed_flapping (alert engine);
 *             spooled sent retry failed fallback dropped expired unrouted
 *             (notify)
 * and, where they apply:
 *   id        alert fingerprint (16 hex digits); rule; labels {name: value}
 *   severity  info warn crit; value (the rule's measure); summary
 *   group     "rule/area" of a grouped notification; alerts [ids]
 *   notification  notification id; type firing resolved repeat flapping stable
 *   by        the inhibiting alert id, silence id or ack author
 *   notifier  notifier name (never its URL or token); attempt; http_status;
 *             error (curl's message); delay (seconds until the next attempt)
 */
#ifndef HEADROOM_ALERT_H
#define HEADROOM_ALERT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/module.h"

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
 * Authentication is the caller's job (bearer token).
 *   ack body:     {"author": "...", "comment": "..."}  (author required)
 *   silence body: {"matchers": [{"name", "value", "isRegex", "isEqual"}],
 *                  "startsAt", "endsAt" (RFC 3339 or epoch seconds; endsAt
 *                  required, at most 30 days after startsAt),
 *                  "createdBy", "comment"}  (the Alertmanager v2 shape) */
int alert_request_ack(struct alert_engine *e, const char *alert_id, const json_t *body,
		      char *err, size_t errlen);
int alert_request_silence(struct alert_engine *e, const json_t *body, char *id_out,
			  size_t idlen, char *err, size_t errlen);
int alert_request_unsilence(struct alert_engine *e, const char *silence_id, char *err,
			    size_t errlen);

/* ---- for notify, on the loop thread ----
 *
 * Notifications are what the engine decided to tell, one JSON object each:
 *   id        "n" and a number, unique across restarts
 *   type      firing resolved repeat flapping stable
 *   group     "rule/area"; rule; area (room, uplink, pool, target,
 *             capture, notifier or "venue")
 *   status    firing resolved; severity info warn crit; time (epoch)
 *   alerts    [{id, rule, labels {name: value}, severity, status, summary,
 *             value, startsAt, endsAt (RFC 3339, base/eventlog.h)}]
 * Each evaluation adds its notifications to an outbox (after its decisions
 * reached the alert log); notify takes them on its own tick, which follows
 * the engine's. The caller owns the returned array, oldest first. */
json_t *alert_engine_take_notifications(struct alert_engine *e);

/* Notify's word on a notifier's delivery: failing since a permanent error
 * (why: "HTTP 404", never the URL) or delivering. The notifier_failing
 * rule reads the latest word at the next evaluation. */
void alert_engine_set_delivery(struct alert_engine *e, const char *notifier, bool failing,
			       const char *why);

#endif
