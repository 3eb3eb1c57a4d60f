/*
 * libFuzzer target: the notification spool reader. The input is written
 * as one spool file, loaded the way a notifier's queue loads its spool
 * at start, and every message it yields is routed, formatted for each
 * notifier kind and turned into chat text, as delivery would.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/conf.h"
#include "base/log.h"
#include "notify/notify.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_conf[] =
	"state_dir = \"/nonexistent\"\n"
	"event \"fuzz\" { attendees = 100 }\n"
	"notifier \"sl\" { kind = \"slack\" url = \"http://127.0.0.1:9/s\" }\n"
	"notifier \"mm\" { kind = \"mattermost\" url = \"http://127.0.0.1:9/m\" }\n"
	"notifier \"dc\" { kind = \"discord\" url = \"http://127.0.0.1:9/d\" }\n"
	"notifier \"tm\" { kind = \"teams\" url = \"http://127.0.0.1:9/t\" }\n"
	"notifier \"mx\" { kind = \"matrix\" url = \"http://127.0.0.1:9/\" room_id = \"!r:x\""
	" token = \"t\" }\n"
	"notifier \"nt\" { kind = \"ntfy\" url = \"http://127.0.0.1:9/n\" token = \"t\" }\n"
	"notifier \"am\" { kind = \"generic\" url = \"http://127.0.0.1:9/a\""
	" severities = { \"info\", \"warn\", \"crit\" } }\n";

static void deliver(const json_t *notification, const char *id, void *ctx)
{
	const struct conf *c = ctx;
	for (size_t i = 0; i < c->n_notifiers; i++) {
		json_t *filtered = NULL;
		if (!notify_route(&c->notifiers[i], notification, &filtered))
			continue;
		struct notify_request req;
		memset(&req, 0, sizeof req);
		if (notify_format(&c->notifiers[i], filtered, "http://127.0.0.1/", id, &req) == 0)
			notify_request_free(&req);
		json_decref(filtered);
	}
	free(notify_text(notification, "http://127.0.0.1/"));
}

static void clear_dir(const char *dir)
{
	static const char *const names[] = { "0000000000000001.json", "0000000000000001.json.bad" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
}

static char dir[256];

static void remove_dir(void)
{
	clear_dir(dir);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf *conf;
	if (!conf) {
		log_init("fuzz", 0, LOG_LVL_ERR);
		char *err = NULL;
		conf = conf_load_buffer(fuzz_conf, "fuzz.conf", &err);
		if (!conf) {
			fprintf(stderr, "fuzz_spool: %s\n", err);
			abort();
		}
		snprintf(dir, sizeof dir, "%s/headroom-fuzz-spool.XXXXXX",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	char path[512];
	snprintf(path, sizeof path, "%s/0000000000000001.json", dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	notify_spool_read(dir, "fuzz", deliver, conf);
	clear_dir(dir);
	return 0;
}
