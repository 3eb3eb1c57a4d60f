/* libFuzzer target: the config parser and validator on arbitrary text. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/conf.h"
#include "base/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet) {
		log_init("fuzz", 0, LOG_LVL_ERR);
		quiet = 1;
	}
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *err = NULL;
	struct conf *c = conf_load_buffer(text, "fuzz.conf", &err);
	conf_free(c);
	free(err);
	free(text);
	return 0;
}
