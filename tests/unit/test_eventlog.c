/* alerts.log on a full disk: every line read back is a whole record. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/eventlog.h"
#include "base/util.h"

static int count(json_t *event, double ts, void *ctx)
{
	(*(size_t *)ctx)++;
	return json_object_get(event, "event") ? 0 : -1;
}

/* Append batches of three records until the disk refuses one; then the
 * disk frees up (free_space) and more batches go in. */
static void fill_then_recover(const char *path, void (*free_space)(void *), void *arg,
			      size_t *good, size_t *bad)
{
	char pad[200];
	memset(pad, 'x', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	for (int i = 0; i < 40; i++) {
		json_t *batch = json_pack("[{s:s, s:i, s:s}, {s:s, s:s}, {s:s}]", "event", "firing",
					  "n", i, "pad", pad, "event", "notified", "pad", pad,
					  "event", "sent");
		eventlog_append(path, batch, 1800000000.0 + i);
		json_decref(batch);
	}
	free_space(arg);
	for (int i = 0; i < 3; i++) {
		json_t *batch = json_pack("[{s:s}]", "event", "after");
		eventlog_append(path, batch, 1800001000.0 + i);
		json_decref(batch);
	}
	*good = *bad = 0;
	assert_int_equal(eventlog_read(path, count, good, bad), 0);
}

/* RLIMIT_FSIZE cuts writes short like a full disk, without privileges. */
static void raise_limit(void *arg)
{
	assert_int_equal(setrlimit(RLIMIT_FSIZE, arg), 0);
}

static void test_file_size_limit(void **state)
{
	char dir[] = "/tmp/hr-eventlog-full-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = eventlog_path(dir);
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit was, r;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
	r = was;
	r.rlim_cur = 10000;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &r), 0);
	size_t good, bad;
	fill_then_recover(path, raise_limit, &was, &good, &bad);
	assert_int_equal(bad, 0);
	assert_true(good > 3 && good < 40 * 3);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size <= 10000 + 200);
	unlink(path);
	free(path);
	rmdir(dir);
}

static void remove_filler(void *arg)
{
	assert_int_equal(unlink(arg), 0);
}

/* A real full disk: a 64 KiB tmpfs in a private mount namespace, filled
 * by another file. Run in a child so the mount never leaks; skipped
 * where namespaces are not allowed. */
static int full_tmpfs_child(const char *dir)
{
	if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("hr-test", dir, "tmpfs", 0, "size=64k") != 0)
		return 77;
	char *path = eventlog_path(dir), *filler = xasprintf("%s/filler", dir);
	json_t *first = json_pack("[{s:s}]", "event", "before");
	eventlog_append(path, first, 1800000000.0);
	json_decref(first);
	int fd = open(filler, O_WRONLY | O_CREAT, 0600);
	char block[512] = { 0 };
	while (write(fd, block, sizeof block) > 0)
		;
	int full = errno == ENOSPC;
	close(fd);
	size_t good, bad;
	fill_then_recover(path, remove_filler, filler, &good, &bad);
	umount(dir);
	free(path);
	free(filler);
	return full && bad == 0 && good >= 4 ? 0 : 1;
}

static void test_full_tmpfs(void **state)
{
	char dir[] = "/tmp/hr-eventlog-tmpfs-XXXXXX";
	assert_non_null(mkdtemp(dir));
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(full_tmpfs_child(dir));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rmdir(dir);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A torn last line left by a crash is cut, not glued to the next record. */
static void test_torn_line_cut(void **state)
{
	char dir[] = "/tmp/hr-eventlog-torn-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = eventlog_path(dir);
	FILE *f = fopen(path, "w");
	fputs("{\"ts\":1800000000,\"event\":\"firing\"}\n{\"ts\":1800000001,\"ev", f);
	fclose(f);
	json_t *batch = json_pack("[{s:s}]", "event", "sent");
	eventlog_append(path, batch, 1800000002.0);
	json_decref(batch);
	size_t good = 0, bad = 0;
	assert_int_equal(eventlog_read(path, count, &good, &bad), 0);
	assert_int_equal(good, 2);
	assert_int_equal(bad, 0);
	unlink(path);
	free(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_torn_line_cut),
		cmocka_unit_test(test_full_tmpfs),
		cmocka_unit_test(test_file_size_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
