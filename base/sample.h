/*
 * sample: the one thing collectors produce. (entity, metric, value, time)
 * plus an optional text (an AP's display name, a band, an error reason).
 * Entities are "kind:name" ids from the config ("ap:hall-a-1",
 * "uplink:isp1", "target:wlc1"); rows the config does not know keep the
 * device's own name ("ap:AP-Lobby-7") and become "unplanned" in the venue.
 * A value of NAN means "unknown": no data is a state, never zero.
 */
#ifndef HEADROOM_SAMPLE_H
#define HEADROOM_SAMPLE_H

#include <math.h>

#define SAMPLE_ENTITY_MAX 128
#define SAMPLE_METRIC_MAX 64
#define SAMPLE_TEXT_MAX 160

struct sample {
	char entity[SAMPLE_ENTITY_MAX];
	char metric[SAMPLE_METRIC_MAX];
	double value;
	double time;		/* epoch seconds */
	char text[SAMPLE_TEXT_MAX];
};

/* Where collectors hand their samples. Called on the loop thread only. */
struct sample_sink {
	void (*emit)(struct sample_sink *sink, const struct sample *s);
	/* A collector finished one complete cycle (used by -T to know when
	 * every collector has reported once). */
	void (*cycle_done)(struct sample_sink *sink, const char *collector);
	void *ctx;
};

#endif
