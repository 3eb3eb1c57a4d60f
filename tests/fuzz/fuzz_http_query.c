/*
 * libFuzzer target: the web's request path and query parameter checks
 * (percent-decoding, dot segments, routing, methods, entity and metric
 * names, durations, time ranges, sizes, alert and silence ids).
 *
 * Input: "METHOD /path?key=value&key=value" as a client sends it; the
 * query is split and decoded here the way libmicrohttpd hands arguments
 * to the handlers (with the web's own unescape callback).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[7] = { "entity", "metric", "cf", "step", "width", "range", "from" };

static void take_query(char *q, const char *query[7])
{
	for (char *next; q; q = next) {
		next = strchr(q, '&');
		if (next)
			*next++ = '\0';
		char *value = strchr(q, '=');
		if (value)
			*value++ = '\0';
		web_unescape(NULL, NULL, q);
		if (value)
			web_unescape(NULL, NULL, value);
		for (size_t i = 0; i < 7; i++)
			if (strcmp(q, keys[i]) == 0)
				query[i] = value ? value : "";
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *url = strchr(text, ' ');
	const char *method = "GET";
	if (url) {
		*url++ = '\0';
		method = text;
	} else {
		url = text;
	}
	const char *query[7] = { 0 };
	char *q = strchr(url, '?');
	if (q) {
		*q++ = '\0';
		take_query(q, query);
	}
	(void)web_check_request(url, method, query);
	free(text);
	return 0;
}
