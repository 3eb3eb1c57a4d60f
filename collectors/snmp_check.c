/* headroomd -t: every profile the config names exists in the profile directory and loads. */
/*
 * A target whose profile is missing or broken starts and then only shows
 * "down"; this loads each configured profile as start-up will, once per
 * name. With profile = "auto" the fallback generic-ifmib must load, and
 * files the choice would skip are worth a warning.
 */
#include "config.h"
#include "collectors/snmp.h"
#include "collectors/snmp_profile.h"
#include "base/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool checked_before(const struct conf *c, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(c->targets[j].profile, c->targets[i].profile) == 0)
			return true;
	return false;
}

/* Load one profile; on failure a finding "file:line: profile: why". */
static int check_one(const struct conf *c, const struct conf_target *t, const char *name,
		     FILE *out)
{
	char *err = NULL;
	struct snmp_profile *p = snmp_profile_load(NULL, name, &err);
	if (p) {
		snmp_profile_free(p);
		return 0;
	}
	fprintf(out, "%s:%d: profile: target \"%s\": %s\n", c->path, t->line, t->name, err);
	free(err);
	return 1;
}

static void warn_skipped(const struct conf *c, const struct conf_target *t, FILE *out)
{
	size_t n = 0;
	char *errors = NULL;
	struct snmp_profile **all = snmp_profile_load_all(NULL, &n, &errors);
	snmp_profile_free_all(all, n);
	for (char *line = errors, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		fprintf(out, "%s:%d: profile: warning: target \"%s\" (profile = \"auto\") would not "
			"consider %s\n", c->path, t->line, t->name, line);
	}
	free(errors);
}

int snmp_check_profiles(const struct conf *c, FILE *out)
{
	int bad = 0;
	for (size_t i = 0; i < c->n_targets; i++) {
		const struct conf_target *t = &c->targets[i];
		if (!t->profile || checked_before(c, i))
			continue;
		if (strcmp(t->profile, "auto") != 0) {
			bad += check_one(c, t, t->profile, out);
			continue;
		}
		bad += check_one(c, t, "generic-ifmib", out);
		warn_skipped(c, t, out);
	}
	return bad;
}
