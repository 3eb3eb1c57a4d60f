#include "config.h"
#include "alert.h"
#include "daemon.h"

#include <stdio.h>

/* Not built yet: see the tracker. */
const struct module_ops alert_module_ops = { .name = "alert" };

json_t *alert_engine_alerts_json(const struct alert_engine *e) { return json_array(); }
json_t *alert_engine_silences_json(const struct alert_engine *e) { return json_array(); }
json_t *alert_engine_transitions_json(const struct alert_engine *e) { return json_array(); }

int alert_request_ack(struct alert_engine *e, const char *alert_id, const json_t *body,
		      char *err, size_t errlen)
{
	snprintf(err, errlen, "alerts are not built yet");
	return -1;
}

int alert_request_silence(struct alert_engine *e, const json_t *body, char *id_out,
			  size_t idlen, char *err, size_t errlen)
{
	snprintf(err, errlen, "alerts are not built yet");
	return -1;
}

int alert_request_unsilence(struct alert_engine *e, const char *silence_id, char *err,
			    size_t errlen)
{
	snprintf(err, errlen, "alerts are not built yet");
	return -1;
}
