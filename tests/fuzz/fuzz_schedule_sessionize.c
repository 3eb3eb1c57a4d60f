/* libFuzzer target: the Sessionize JSON parser, API v2 "All" and grouped
 * "Sessions" views (fuzz_schedule.h). */
#include "config.h"
#include "tests/fuzz/fuzz_schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_schedule(SCHEDULE_SESSIONIZE, "fuzz.sessionize.json", data, size);
}
