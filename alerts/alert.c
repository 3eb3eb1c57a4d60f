/* The alert module: rules -> core -> alert log, state file and notify's outbox. */
#include "config.h"
#include "alerts/alert.h"
#include "alerts/alert_core.h"
#include "base/eventlog.h"
#include "base/module.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define SAVE_EVERY 60.0		/* seconds between saves when only timers moved */

struct alert_engine {
	struct alert_core core;
	struct alert_rules *rules;
	struct alert_obs *obs;
	size_t cap_obs;
	char *state_path, *log_path;
	double started, last_saved;
	json_t *transitions;		/* of the last evaluation */
	json_t *outbox;			/* notifications notify has not taken yet */

	/* Shared with HTTP threads: requests wait here for the loop, and the
	 * ids they may name are mirrored so bad ones are refused at once. */
	pthread_mutex_t lock;
	json_t *queue;			/* acks and unsilences, in order */
	struct alert_silence *new_silences;
	size_t n_new_silences, cap_new_silences;
	json_t *known_alerts;		/* {id: true} for pending/firing alerts */
	json_t *known_silences;		/* {id: true} */
};

/* ---- files ---- */

/* tmp + fsync + rename + fsync(dir): the old state or the new, never half. */
static int write_atomic(const char *path, const char *text)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	int rc = -1;
	if (fd >= 0) {
		size_t len = strlen(text);
		rc = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
		rc = close(fd) == 0 ? rc : -1;
		if (rc == 0)
			rc = rename(tmp, path);
	}
	if (rc != 0) {
		log_err("alert state %s: %s", path, strerror(errno));
		unlink(tmp);
	} else {
		char *dir = xstrdup(path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	free(tmp);
	return rc;
}

static void save_state(struct alert_engine *e, double now)
{
	json_t *state = alert_core_save(&e->core);
	char *text = json_dumps(state, JSON_INDENT(1));
	json_decref(state);
	if (text && write_atomic(e->state_path, text) == 0) {
		e->core.changed = false;
		e->last_saved = now;
	}
	free(text);
}

static void load_state(struct alert_engine *e)
{
	json_error_t jerr;
	json_t *state = json_load_file(e->state_path, 0, &jerr);
	if (!state) {
		if (access(e->state_path, F_OK) == 0)
			log_err("alert state %s: %s (line %d); starting without it", e->state_path,
				jerr.text, jerr.line);
		return;
	}
	char err[128];
	if (alert_core_load(&e->core, state, err, sizeof err) != 0)
		log_err("alert state %s: %s; starting without it", e->state_path, err);
	else
		log_info("alerts: resumed %zu alerts, %zu silences from %s", e->core.n_recs,
			 e->core.n_silences, e->state_path);
	json_decref(state);
}

/* ---- requests from other threads ---- */

static void random_uuid(char out[ALERT_SILENCE_ID_LEN])
{
	unsigned char b[16];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		double t = now_seconds();
		for (size_t i = 0; i < sizeof b; i++)
			b[i] = (unsigned char)((unsigned long long)(t * 1e6) >> (i % 8 * 8)) ^ (unsigned char)(i * 37);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, ALERT_SILENCE_ID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
}

static int not_running(char *err, size_t errlen)
{
	snprintf(err, errlen, "the alert engine is not running");
	return -1;
}

int alert_request_ack(struct alert_engine *e, const char *alert_id, const json_t *body,
		      char *err, size_t errlen)
{
	char author[64];
	if (!e)
		return not_running(err, errlen);
	if (alert_ack_parse(alert_id, body, author, sizeof author, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&e->lock);
	int rc = 0;
	if (!json_object_get(e->known_alerts, alert_id)) {
		snprintf(err, errlen, "no pending or firing alert has id %s", alert_id);
		rc = -1;
	} else {
		json_array_append_new(e->queue, json_pack("{s:s, s:s, s:s}", "op", "ack", "id",
							  alert_id, "author", author));
	}
	pthread_mutex_unlock(&e->lock);
	return rc;
}

int alert_request_silence(struct alert_engine *e, const json_t *body, char *id_out,
			  size_t idlen, char *err, size_t errlen)
{
	if (!e)
		return not_running(err, errlen);
	struct alert_silence s;
	if (alert_silence_parse(body, now_seconds(), &s, err, errlen) != 0)
		return -1;
	if (idlen < ALERT_SILENCE_ID_LEN) {
		snprintf(err, errlen, "id buffer too small");
		return -1;
	}
	pthread_mutex_lock(&e->lock);
	if (json_object_size(e->known_silences) >= ALERT_SILENCES_MAX) {
		pthread_mutex_unlock(&e->lock);
		snprintf(err, errlen, "there are already %d silences; delete some first",
			 ALERT_SILENCES_MAX);
		return -1;
	}
	random_uuid(s.id);
	strlcpy_hr(id_out, s.id, idlen);
	json_object_set_new(e->known_silences, s.id, json_true());
	if (e->n_new_silences == e->cap_new_silences) {
		e->cap_new_silences = e->cap_new_silences ? e->cap_new_silences * 2 : 4;
		e->new_silences = xrealloc(e->new_silences,
					   e->cap_new_silences * sizeof *e->new_silences);
	}
	e->new_silences[e->n_new_silences++] = s;
	pthread_mutex_unlock(&e->lock);
	return 0;
}

int alert_request_unsilence(struct alert_engine *e, const char *silence_id, char *err,
			    size_t errlen)
{
	if (!e)
		return not_running(err, errlen);
	if (!silence_id || strlen(silence_id) != ALERT_SILENCE_ID_LEN - 1) {
		snprintf(err, errlen, "silence id must be a UUID");
		return -1;
	}
	pthread_mutex_lock(&e->lock);
	int rc = 0;
	if (!json_object_get(e->known_silences, silence_id)) {
		snprintf(err, errlen, "no silence has id %s", silence_id);
		rc = -1;
	} else {
		json_object_del(e->known_silences, silence_id);
		json_array_append_new(e->queue, json_pack("{s:s, s:s}", "op", "unsilence", "id",
							  silence_id));
	}
	pthread_mutex_unlock(&e->lock);
	return rc;
}

static void apply_request(struct alert_engine *e, const json_t *req, double now)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	if (strcmp(op, "ack") == 0) {
		const char *id = json_string_value(json_object_get(req, "id"));
		if (alert_core_ack(&e->core, id,
				   json_string_value(json_object_get(req, "author")), now) != 0)
			log_info("alerts: ack for %s ignored: the alert is no longer active", id);
	} else if (strcmp(op, "unsilence") == 0) {
		alert_core_unsilence(&e->core, json_string_value(json_object_get(req, "id")), now);
	}
}

static void drain_requests(struct alert_engine *e, double now)
{
	pthread_mutex_lock(&e->lock);
	json_t *queue = e->queue;
	e->queue = json_array();
	struct alert_silence *silences = e->new_silences;
	size_t n_silences = e->n_new_silences;
	e->new_silences = NULL;
	e->n_new_silences = e->cap_new_silences = 0;
	pthread_mutex_unlock(&e->lock);
	/* Silences first: an unsilence queued later may name one of them. */
	for (size_t k = 0; k < n_silences; k++)
		alert_core_add_silence(&e->core, &silences[k], now);
	free(silences);
	size_t i;
	json_t *req;
	json_array_foreach(queue, i, req)
		apply_request(e, req, now);
	json_decref(queue);
}

static void publish_ids(struct alert_engine *e)
{
	json_t *alerts = json_object(), *silences = json_object();
	for (size_t i = 0; i < e->core.n_recs; i++)
		if (e->core.recs[i].state == AS_FIRING || e->core.recs[i].state == AS_PENDING)
			json_object_set_new(alerts, e->core.recs[i].fp, json_true());
	for (size_t i = 0; i < e->core.n_silences; i++)
		json_object_set_new(silences, e->core.silences[i].id, json_true());
	pthread_mutex_lock(&e->lock);
	json_decref(e->known_alerts);
	e->known_alerts = alerts;
	/* Silences queued since the drain are known too. */
	for (size_t i = 0; i < e->n_new_silences; i++)
		json_object_set_new(silences, e->new_silences[i].id, json_true());
	json_decref(e->known_silences);
	e->known_silences = silences;
	pthread_mutex_unlock(&e->lock);
}

/* ---- the module ---- */

static void alert_tick(struct module_ctx *d, double now)
{
	struct alert_engine *e = d->alerts;
	if (!e)
		return;
	alert_core_clear_out(&e->core);
	drain_requests(e, now);
	alert_rules_set_store(e->rules, d->store_health.failing, d->store_health.why);
	size_t n = alert_rules_observe(e->rules, d->conf, d->venue, e->started, now, &e->obs,
				       &e->cap_obs);
	n = alert_rules_sessions(e->rules, d->conf, d->schedule, now, &e->obs, &e->cap_obs, n);
	alert_core_evaluate(&e->core, e->obs, n, now);

	/* Decisions reach the log before notify, on its tick after this one,
	 * takes the notifications and logs what it did with them. */
	eventlog_append(e->log_path, e->core.out_log, now);
	json_array_extend(e->outbox, e->core.out_notifications);
	json_decref(e->transitions);
	e->transitions = json_incref(e->core.out_transitions);
	if (e->core.changed || (now - e->last_saved >= SAVE_EVERY && e->core.n_recs))
		save_state(e, now);
	publish_ids(e);
}

static int alert_start(struct module_ctx *d)
{
	const struct conf *c = d->conf;
	if (mkdir_p(c->state_dir, 0750) != 0) {
		log_err("alerts: cannot create %s: %s", c->state_dir, strerror(errno));
		return -1;
	}
	struct alert_engine *e = xcalloc(1, sizeof *e);
	alert_core_init(&e->core, (double)c->alert_group_wait, (double)c->alert_group_interval);
	e->rules = alert_rules_new();
	e->state_path = xasprintf("%s/alerts.json", c->state_dir);
	e->log_path = eventlog_path(c->state_dir);
	e->started = module_now(d);
	e->transitions = json_array();
	e->outbox = json_array();
	pthread_mutex_init(&e->lock, NULL);
	e->queue = json_array();
	e->known_alerts = json_object();
	e->known_silences = json_object();
	load_state(e);
	publish_ids(e);
	d->alerts = e;
	return 0;
}

static int alert_reload(struct module_ctx *d, const struct conf *old)
{
	struct alert_engine *e = d->alerts;
	if (!e)
		return 0;
	e->core.group_wait = (double)d->conf->alert_group_wait;
	e->core.group_interval = (double)d->conf->alert_group_interval;
	if (strcmp(old->state_dir, d->conf->state_dir) != 0)
		log_warn("alerts: state_dir changes take effect at the next start");
	return 0;
}

static void alert_stop(struct module_ctx *d)
{
	struct alert_engine *e = d->alerts;
	if (!e)
		return;
	save_state(e, module_now(d));
	d->alerts = NULL;
	alert_core_free(&e->core);
	alert_rules_free(e->rules);
	free(e->obs);
	free(e->state_path);
	free(e->log_path);
	json_decref(e->transitions);
	json_decref(e->outbox);
	json_decref(e->queue);
	free(e->new_silences);
	json_decref(e->known_alerts);
	json_decref(e->known_silences);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

const struct module_ops alert_module_ops = {
	.name = "alert",
	.start = alert_start,
	.tick = alert_tick,
	.reload = alert_reload,
	.stop = alert_stop,
};

json_t *alert_engine_alerts_json(const struct alert_engine *e)
{
	return e ? alert_core_alerts_json(&e->core, now_seconds()) : json_array();
}

json_t *alert_engine_silences_json(const struct alert_engine *e)
{
	return e ? alert_core_silences_json(&e->core, now_seconds()) : json_array();
}

json_t *alert_engine_transitions_json(const struct alert_engine *e)
{
	return e ? json_deep_copy(e->transitions) : json_array();
}

json_t *alert_engine_take_notifications(struct alert_engine *e)
{
	if (!e)
		return json_array();
	json_t *taken = e->outbox;
	e->outbox = json_array();
	return taken;
}

void alert_engine_set_delivery(struct alert_engine *e, const char *notifier, bool failing,
			       const char *why)
{
	if (e)
		alert_rules_set_delivery(e->rules, notifier, failing, why);
}
