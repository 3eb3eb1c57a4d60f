/*
 * headroomd: venue network capacity monitor.
 * Options are parsed here; everything else lives in daemon.c.
 */
#include "config.h"
#include "base/conf.h"
#include "collectors/snmp.h"
#include "daemon/daemon.h"
#include "base/log.h"
#include "model/plan.h"
#include "schedule/schedule.h"
#include "store/store.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct options {
	const char *config;
	const char *pidfile;
	const char *user;
	const char *test_notify;
	const char *probe;		/* --probe TARGET */
	bool foreground, debug, check, once, dump_schedule;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: headroomd [-fdtTVh] [-c FILE] [-p PIDFILE] [-u USER] [--test-notify NAME]\n"
		"                 [--dump-schedule]\n"
		"       headroomd --probe TARGET [-d] [-c FILE]\n"
		"  -c FILE   config file (default %s)\n"
		"  -f        stay in the foreground, log to stderr\n"
		"  -d        debug logging (implies -f)\n"
		"  -t        check the config, print the capacity plan and exit (0 valid, 1 invalid)\n"
		"  -T        run every collector once, print each sample as a JSON line, exit\n"
		"  -p FILE   write the process id to FILE\n"
		"  -u USER   drop privileges to USER after opening captures and ports\n"
		"  --test-notify NAME  send a test message through notifier NAME and exit\n"
		"  --dump-schedule     print the config's schedule as JSON and exit\n"
		"  --probe TARGET      poll SNMP target TARGET once and print what its profile\n"
		"                      finds (0: client counts found, 1: none, 2: usage)\n"
		"  -V        print the version\n"
		"  -h        this help\n",
		conf_default_path());
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "test-notify", required_argument, NULL, 'N' },
		{ "dump-schedule", no_argument, NULL, 'S' },
		{ "probe", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;
	o->config = conf_default_path();
	while ((ch = getopt_long(argc, argv, "c:fdtTp:u:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'f': o->foreground = true; break;
		case 'd': o->debug = o->foreground = true; break;
		case 't': o->check = true; break;
		case 'T': o->once = o->foreground = true; break;
		case 'p': o->pidfile = optarg; break;
		case 'u': o->user = optarg; break;
		case 'N': o->test_notify = optarg; o->foreground = true; break;
		case 'S': o->dump_schedule = true; break;
		case 'P': o->probe = optarg; o->foreground = true; break;
		case 'V': printf("headroomd %s\n", PACKAGE_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static struct conf *load_config(const char *path)
{
	char *errors = NULL;
	struct conf *c = conf_load(path, &errors);
	if (!c) {
		fputs(errors ? errors : "unknown config error\n", stderr);
		free(errors);
	}
	return c;
}

/* The pidfile's descriptor stays open: after the privilege drop the
 * directory may not let the daemon unlink it, but it can still empty
 * it, so no stale PID is left behind. Returns the fd or -1. */
static int write_pidfile(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err("cannot write pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		log_err("cannot write pidfile %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void remove_pidfile(const char *path, int fd)
{
	if (unlink(path) != 0 && ftruncate(fd, 0) != 0)
		log_warn("cannot remove or empty pidfile %s: %s", path, strerror(errno));
	close(fd);
}

/*
 * Detach from the terminal. The parent waits on a pipe (darkstat's
 * "lifeline") until the child says start-up worked, so a failing start
 * exits non-zero from the command the operator ran.
 */
static int lifeline_fd = -1;

static void daemonize(void)
{
	int fds[2];
	if (pipe(fds) != 0) {
		perror("pipe");
		exit(1);
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid > 0) {
		close(fds[1]);
		char status = 1;
		if (read(fds[0], &status, 1) != 1)
			status = 1;
		exit(status);
	}
	close(fds[0]);
	lifeline_fd = fds[1];
	setsid();
	if (chdir("/") != 0)
		exit(1);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > 2)
			close(null);
	}
}

static void lifeline_report(char status)
{
	if (lifeline_fd < 0)
		return;
	ssize_t unused = write(lifeline_fd, &status, 1);
	(void)unused;
	close(lifeline_fd);
	lifeline_fd = -1;
}

int notify_test_send(const struct conf *conf, const char *name);

/* headroomd --probe TARGET: one poll, printed; 0 found clients, 1 none. */
static int run_probe(const struct options *o)
{
	log_init("headroomd", 0, o->debug ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	struct conf *conf = load_config(o->config);
	if (!conf)
		return 2;
	int rc = snmp_probe(conf, o->probe, stdout);
	conf_free(conf);
	return rc;
}

int main(int argc, char **argv)
{
	/* a graph renderer started by the store (store.h) */
	if (argc >= 2 && strcmp(argv[1], STORE_GRAPH_CHILD_ARG) == 0)
		store_graph_child_main(argc - 2, argv + 2);
	struct options o = { 0 };
	if (parse_options(argc, argv, &o) != 0)
		return 2;	/* usage error, as for headroom(1) */
	if (o.probe)
		return run_probe(&o);
	log_init("headroomd", 0, o.debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);

	struct conf *conf = load_config(o.config);
	if (o.check) {
		if (!conf)
			return 1;
		plan_print(conf, stdout);
		int bad_schedule = schedule_print_check(conf, stdout) != 0;
		store_print_disk(conf, stdout);
		int bad_start = daemon_check_startup(conf, o.user ? o.user : conf->user, stderr) != 0;
		conf_free(conf);
		return bad_schedule || bad_start;
	}
	if (!conf)
		return 1;
	if (o.dump_schedule) {
		int rc = schedule_dump(conf, stdout);
		conf_free(conf);
		return rc == 0 ? 0 : 1;
	}
	if (o.test_notify) {
		int rc = notify_test_send(conf, o.test_notify);
		conf_free(conf);
		return rc == 0 ? 0 : 1;
	}
	if (!o.debug)
		log_set_level(conf->log_level);
	if (o.once)
		log_set_level(o.debug ? LOG_LVL_DEBUG : LOG_LVL_WARN);

	if (!o.foreground) {
		daemonize();
		log_init("headroomd", 1, log_get_level());
	}
	signal(SIGPIPE, SIG_IGN);

	const char *user = o.user ? o.user : conf->user;
	struct daemon d;
	if (daemon_init(&d, conf, o.config, o.once) != 0) {
		daemon_shutdown(&d);
		lifeline_report(1);
		return 1;
	}
	d.keep_log_level = o.debug;
	int pid_fd = -1;
	if (o.pidfile && (pid_fd = write_pidfile(o.pidfile)) < 0) {
		daemon_shutdown(&d);
		lifeline_report(1);
		return 1;
	}
	if (!o.once)
		log_info("headroomd %s starting: %s, %zu rooms, %zu APs, %zu uplinks, %zu targets",
			 PACKAGE_VERSION, o.config, conf->n_rooms, conf->n_aps, conf->n_uplinks,
			 conf->n_targets);
	int rc = 1;
	if (daemon_start(&d, user) == 0) {
		lifeline_report(0);
		rc = daemon_run(&d);
	} else {
		lifeline_report(1);
	}
	daemon_shutdown(&d);
	if (pid_fd >= 0)
		remove_pidfile(o.pidfile, pid_fd);
	if (!o.once)
		log_info("stopped");
	return rc;
}
