/* libFuzzer target: the Sessionize JSON parser (API v2 "All" and grouped
 * "Sessions" views), validation and timeline on arbitrary bytes, against
 * a venue with mapped, unmapped and common rooms. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/conf.h"
#include "base/log.h"
#include "schedule/schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *venue =
	"event \"f\" { attendees = 300  timezone = \"Europe/Berlin\" }\n"
	"room \"hall\" { seats = 200 }\n"
	"room \"small\" { seats = 50  schedule_room = \"Small Room\" }\n"
	"room \"lobby\" { seats = 100  common_area = true }\n"
	"ap \"h1\" { room = \"hall\"  max_clients = 100 }\n"
	"session \"Key*\" { attendance = 1.0 }\n"
	"session \"x-*\" { room = \"lobby\"  attendance = 0.5 }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf *conf;
	if (!conf) {
		log_init("fuzz", 0, LOG_LVL_ERR);
		char *err = NULL;
		conf = conf_load_buffer(venue, "fuzz.conf", &err);
		free(err);
		if (!conf)
			abort();
	}
	char *err = NULL;
	struct schedule *s = schedule_parse(conf, SCHEDULE_SESSIONIZE, (const char *)data, size,
					    "fuzz.sessionize.json", &err);
	if (s) {
		struct schedule_overload *ov = NULL;
		schedule_overloads(s, conf, &ov);
		free(ov);
		const struct schedule_session *cur, *next;
		schedule_now_next(s, 0, s->begin + 600, &cur, &next);
		schedule_room_projection(s, 0, s->begin + 60);
	}
	schedule_free(s);
	free(err);
	return 0;
}
