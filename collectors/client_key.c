/* client_key: the per-event salt in the state directory, shared by every collector that hashes clients. */
#include "config.h"
#include "collectors/client_key.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define SALT_FILE "pcap.salt"
#define SALT_LEN 16

static int read_salt(const char *path, uint8_t salt[SALT_LEN])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, salt, SALT_LEN);
	close(fd);
	return n == SALT_LEN ? 0 : -1;
}

static int create_salt(const char *path, uint8_t salt[SALT_LEN])
{
	if (getrandom(salt, SALT_LEN, 0) != SALT_LEN)
		return -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, salt, SALT_LEN);
	close(fd);
	return n == SALT_LEN ? 0 : -1;
}

void client_key_load(const struct conf *conf, const char *who, struct sipkey *key)
{
	uint8_t salt[SALT_LEN];
	char *path = xasprintf("%s/%s", conf->state_dir, SALT_FILE);
	/* Two collectors may race to create it: O_EXCL lets one win, and
	 * the other reads what the winner wrote. */
	if (read_salt(path, salt) != 0 &&
	    (mkdir_p(conf->state_dir, 0750) != 0 || create_salt(path, salt) != 0) &&
	    read_salt(path, salt) != 0) {
		log_warn("%s: cannot keep a salt in %s (%s); hashes change on restart", who, path,
			 strerror(errno));
		if (getrandom(salt, SALT_LEN, 0) != SALT_LEN)
			abort();
	}
	free(path);
	sipkey_from_bytes(key, salt);
	memset(salt, 0, sizeof salt);
}
