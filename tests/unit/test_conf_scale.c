/* Loading a config stays linear in its blocks: counted in string comparisons, not timed. */
/*
 * libconfuse compared every new block's title with all earlier ones, and
 * the AP -> room lookups were linear each: 32,000 blocks made about 5e8
 * comparisons. This program defines strcmp and strncmp itself, so that
 * the calls libconfuse and headroom make land here and are counted, and
 * loads 8,000 and then 32,000 blocks: linear work grows 4 times, the old
 * quadratic one 16 times.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/conf.h"
#include "base/util.h"

static unsigned long compares;

int strcmp(const char *a, const char *b)
{
	compares++;
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	while (*x && *x == *y)
		x++, y++;
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	compares++;
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	for (; n; n--, x++, y++)
		if (*x != *y || !*x)
			return *x - *y;
	return 0;
}

/* A venue of n blocks: one room per 8, the rest APs spread over them. */
static char *venue(size_t n)
{
	size_t rooms = n / 8, cap = 64 * n + 256, len = 0;
	char *text = xmalloc(cap);
	len += (size_t)snprintf(text + len, cap - len,
				"state_dir = \"/tmp/x\"\nevent \"e\" { attendees = 100 }\n");
	for (size_t r = 0; r < rooms; r++)
		len += (size_t)snprintf(text + len, cap - len, "room \"room-%zu\" { seats = 100 }\n", r);
	for (size_t a = 0; a < n - rooms; a++)
		len += (size_t)snprintf(text + len, cap - len,
					"ap \"ap-%zu\" { room = \"room-%zu\" max_clients = 50 }\n",
					a, a % rooms);
	return text;
}

static unsigned long load_counting(size_t n)
{
	char *text = venue(n), *err = NULL;
	compares = 0;
	struct conf *c = conf_load_buffer(text, "big.conf", &err);
	unsigned long counted = compares;
	if (!c)
		fprintf(stderr, "%s", err);
	assert_non_null(c);
	assert_int_equal(c->n_aps + c->n_rooms, n);
	assert_int_equal(conf_room_index(c, "room-7"), 7);
	assert_int_equal(c->aps[n - n / 8 - 1].room_idx, (int)((n - n / 8 - 1) % (n / 8)));
	conf_free(c);
	free(text);
	return counted;
}

static void test_linear(void **s)
{
	(void)s;
	unsigned long small = load_counting(8000), big = load_counting(32000);
	double ratio = (double)big / (double)small;
	printf("# string comparisons: %lu for 8,000 blocks, %lu for 32,000 (x%.2f)\n",
	       small, big, ratio);
	assert_true(ratio < 5.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
