/* libFuzzer target: the schedule iCalendar parser (fuzz_schedule.h). */
#include "config.h"
#include "tests/fuzz/fuzz_schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_schedule(SCHEDULE_ICS, "fuzz.ics", data, size);
}
