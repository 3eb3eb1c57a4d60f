/* What changed between two versions of a schedule, in words volunteers read. */
#include "config.h"
#include "schedule/schedule.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sessions are matched by id and title: ids repeat in merged files and
 * an id alone may be reused for another session in a new version. */
static int same_session(const struct schedule_session *x, const struct schedule_session *y)
{
	int r = strcmp(x->id, y->id);
	return r ? r : strcmp(x->title, y->title);
}

static int by_identity(const void *a, const void *b)
{
	const struct schedule_session *const *x = a, *const *y = b;
	int r = same_session(*x, *y);
	if (r)
		return r;
	if ((*x)->start != (*y)->start)
		return (*x)->start < (*y)->start ? -1 : 1;
	return strcmp((*x)->room, (*y)->room);
}

static const struct schedule_session **sorted(const struct schedule *s)
{
	const struct schedule_session **v = xcalloc(s->n_sessions + 1, sizeof *v);
	for (size_t i = 0; i < s->n_sessions; i++)
		v[i] = &s->sessions[i];
	qsort(v, s->n_sessions, sizeof *v, by_identity);
	return v;
}

struct changes {
	size_t moved, resized, added, removed;
};

static void compare(const struct schedule_session *o, const struct schedule_session *n,
		    struct changes *c)
{
	if (o->start != n->start || strcmp(o->room, n->room) != 0)
		c->moved++;
	else if (o->duration != n->duration)
		c->resized++;
}

static void count_changes(const struct schedule *old, const struct schedule *new,
			  struct changes *c)
{
	const struct schedule_session **a = sorted(old), **b = sorted(new);
	size_t i = 0, j = 0;
	while (i < old->n_sessions || j < new->n_sessions) {
		int r = i == old->n_sessions ? 1 : j == new->n_sessions ? -1 : same_session(a[i], b[j]);
		if (r < 0) {
			c->removed++;
			i++;
		} else if (r > 0) {
			c->added++;
			j++;
		} else {
			compare(a[i++], b[j++], c);
		}
	}
	free(a);
	free(b);
}

static void add_part(char *note, size_t size, size_t n, const char *what, bool *first)
{
	if (!n)
		return;
	size_t len = strlen(note);
	snprintf(note + len, size - len, "%s%zu session%s %s", *first ? "" : ", ", n,
		 n == 1 ? "" : "s", what);
	*first = false;
}

size_t schedule_diff(const struct schedule *old, const struct schedule *new, char *note,
		     size_t size)
{
	struct changes c = { 0 };
	count_changes(old, new, &c);
	size_t total = c.moved + c.resized + c.added + c.removed;
	if (!total) {
		snprintf(note, size, "schedule updated: no session moved");
		return 0;
	}
	snprintf(note, size, "schedule changed: ");
	bool first = true;
	add_part(note, size, c.moved, "moved", &first);
	add_part(note, size, c.resized, "resized", &first);
	add_part(note, size, c.added, "added", &first);
	add_part(note, size, c.removed, "removed", &first);
	return total;
}
