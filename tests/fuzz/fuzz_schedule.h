/*
 * The schedule fuzz targets' one body: parse the bytes as fmt, then run
 * validation and the timeline on what parsed, against a venue with
 * mapped, unmapped and common rooms. Each target names its format.
 */
#ifndef HEADROOM_FUZZ_SCHEDULE_H
#define HEADROOM_FUZZ_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/conf.h"
#include "base/log.h"
#include "schedule/schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_schedule_venue =
	"event \"f\" { attendees = 300  timezone = \"Europe/Berlin\" }\n"
	"room \"hall\" { seats = 200 }\n"
	"room \"small\" { seats = 50  schedule_room = \"Small Room\" }\n"
	"room \"lobby\" { seats = 100  common_area = true }\n"
	"ap \"h1\" { room = \"hall\"  max_clients = 100 }\n"
	"session \"Key*\" { attendance = 1.0 }\n"
	"session \"x-*\" { room = \"lobby\"  attendance = 0.5 }\n";

static int fuzz_schedule(enum schedule_format fmt, const char *name, const uint8_t *data, size_t size)
{
	static struct conf *conf;
	if (!conf) {
		log_init("fuzz", 0, LOG_LVL_ERR);
		char *err = NULL;
		conf = conf_load_buffer(fuzz_schedule_venue, "fuzz.conf", &err);
		free(err);
		if (!conf)
			abort();
	}
	char *err = NULL;
	struct schedule *s = schedule_parse(conf, fmt, (const char *)data, size, name, &err);
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

#endif
