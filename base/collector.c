/* collector: the helpers every collector uses to hand samples to the loop. */
#include "config.h"
#include "base/collector.h"
#include "base/util.h"

#include <string.h>

void collector_emit(struct collector *c, const char *entity, const char *metric,
		    double value, double time, const char *text)
{
	struct sample s;
	strlcpy_hr(s.entity, entity, sizeof s.entity);
	strlcpy_hr(s.metric, metric, sizeof s.metric);
	s.value = value;
	s.time = time;
	strlcpy_hr(s.text, text ? text : "", sizeof s.text);
	c->sink->emit(c->sink, &s);
}

double collector_now(const struct collector *c)
{
	return c->clock ? c->clock(c->clock_ctx) : now_seconds();
}
