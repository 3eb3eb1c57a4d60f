/* module: the clock every module reads, the same one the loop ticks on. */
#include "config.h"
#include "base/module.h"
#include "base/util.h"

double module_now(const struct module_ctx *m)
{
	return now_seconds() + m->clock_offset;
}
