/* What start-up will need, checked by -t before the daemon is started for real. */
/*
 * The config can be valid and the start still fail or degrade: a listen
 * address that does not resolve or a missing certificate leaves the
 * daemon without a web server, a missing user or an unwritable state_dir
 * stops it, a capture file that cannot be read stops that capture, and a
 * target whose profile is missing or broken only shows "down" (the snmp
 * collector loads them as it would).
 * Each finding is "file:line: field: why", like a config error.
 */
#include "config.h"
#include "daemon/daemon.h"
#include "base/util.h"
#include "collectors/snmp.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct findings {
	FILE *out;
	const char *file;
	int n;
};

static void finding(struct findings *f, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finding(struct findings *f, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(f->out, "%s:%d: ", f->file, line);
	vfprintf(f->out, fmt, ap);
	fputc('\n', f->out);
	va_end(ap);
	f->n++;
}

/* The host part of HOST:PORT or [V6]:PORT resolves (the port was
 * checked with the config). */
static void check_listen(struct findings *f, const struct conf_web *w)
{
	for (size_t i = 0; i < w->n_listen; i++) {
		const char *spec = w->listen[i];
		char host[256];
		const char *end = spec[0] == '[' ? strchr(spec, ']') : strrchr(spec, ':');
		const char *from = spec[0] == '[' ? spec + 1 : spec;
		if (!end || (size_t)(end - from) >= sizeof host)
			continue;
		memcpy(host, from, (size_t)(end - from));
		host[end - from] = '\0';
		if (!host[0] || strcmp(host, "*") == 0)
			continue;
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
		struct addrinfo *res = NULL;
		int rc = getaddrinfo(host, NULL, &hints, &res);
		if (rc != 0)
			finding(f, w->listen_line, "listen: \"%s\": %s: the web server would not start",
				spec, gai_strerror(rc));
		else
			freeaddrinfo(res);
	}
}

/* Read as start-up reads them (before the privilege drop). */
static void check_pem(struct findings *f, int line, const char *field, const char *path)
{
	if (!path)
		return;
	char head[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, head, sizeof head - 1) : -1;
	int err = errno;
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		finding(f, line, "%s: cannot read %s: %s", field, path, strerror(err));
		return;
	}
	head[n] = '\0';
	if (!strstr(head, "-----BEGIN "))
		finding(f, line, "%s: %s is not PEM (no \"-----BEGIN\")", field, path);
}

/* The directory itself, or the nearest one that exists (start-up
 * creates the rest). */
static char *existing_dir(const char *path)
{
	char *dir = xstrdup(path);
	struct stat st;
	while (stat(dir, &st) != 0) {
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir) {
			strcpy(dir, slash == dir ? "/" : ".");
			break;
		}
		*slash = '\0';
	}
	return dir;
}

/* 0 when pw (NULL: this process) may write and enter dir. */
static int writable_by(const char *dir, const struct passwd *pw)
{
	if (!pw || geteuid() != 0 || pw->pw_uid == 0)
		return access(dir, W_OK | X_OK) == 0 ? 0 : errno;
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
		    setuid(pw->pw_uid) != 0)
			_exit(EPERM);
		_exit(access(dir, W_OK | X_OK) == 0 ? 0 : errno);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return EIO;
	return WEXITSTATUS(status);
}

static void check_user_and_state(struct findings *f, const struct conf *c, const char *user)
{
	const struct passwd *pw = NULL;
	if (user && !(pw = getpwnam(user)))
		finding(f, c->user && strcmp(user, c->user) == 0 ? c->user_line : 0,
			"user: no user \"%s\" on this system: the daemon would not start", user);
	if (!c->state_dir || !c->state_dir[0])
		return;
	char *dir = existing_dir(c->state_dir);
	int err = writable_by(dir, pw);
	if (err)
		finding(f, c->state_dir_line, "state_dir: %s is not writable by %s%s: %s", dir,
			pw ? "user " : "this user", pw ? pw->pw_name : "", strerror(err));
	free(dir);
}

/* A capture replaying a file opens it at start (before the privilege
 * drop); a missing one stops the capture. */
static void check_capture_files(struct findings *f, const struct conf *c)
{
	for (size_t i = 0; i < c->n_captures; i++) {
		const struct conf_capture *cap = &c->captures[i];
		if (cap->file && access(cap->file, R_OK) != 0)
			finding(f, cap->line, "file: capture \"%s\": cannot read %s: %s", cap->name,
				cap->file, strerror(errno));
	}
}

int daemon_check_startup(const struct conf *c, const char *user, FILE *out)
{
	struct findings f = { out, c->path, 0 };
	check_listen(&f, &c->web);
	check_pem(&f, c->web.tls_cert_line, "tls_cert", c->web.tls_cert);
	check_pem(&f, c->web.tls_key_line, "tls_key", c->web.tls_key);
	check_user_and_state(&f, c, user);
	check_capture_files(&f, c);
	return f.n + snmp_check_profiles(c, out);
}
