/* Connections still sending their request: a deadline, and a cap per address. */
/*
 * libmicrohttpd's timeout is idle time, so a client that trickles one
 * header byte at a time keeps its connection for ever: 600 of them from
 * 60 addresses took every slot and no one else was answered. Each
 * connection is tracked from accept (or its previous answer) until its
 * request is complete; past WEB_REQUEST_DEADLINE it is shut down, and an
 * address may hold only WEB_PENDING_PER_IP new connections that have not
 * sent a complete request yet (kept-alive ones behind a NAT do not count).
 * Shutting the socket down is how libmicrohttpd is told: it sees the
 * end of the stream and closes the connection itself.
 */
#include "config.h"
#include "web/server.h"

#include "base/log.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct web_conn {
	struct web_conn *prev, *next;
	int fd;
	char ip[48];
	double since;		/* accepted, or last answered */
	bool in_request;	/* its request is complete (or it streams) */
	bool answered;		/* had a request before: a kept-alive one */
	bool cut;		/* shut down by us; no longer counted */
};

void web_client_ip(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(buf, len, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
			  (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
			  (socklen_t)len);
}

static bool pending(const struct web_conn *k)
{
	return !k->in_request && !k->cut;
}

static void cut(struct web *w, struct web_conn *k, const char *why)
{
	k->cut = true;
	w->conns_cut++;
	shutdown(k->fd, SHUT_RDWR);
	log_debug("web: dropped a connection from %s: %s", k->ip, why);
}

/* Under conns_lock. */
static void sweep_locked(struct web *w, double now)
{
	for (struct web_conn *k = w->conns; k; k = k->next)
		if (pending(k) && now - k->since > WEB_REQUEST_DEADLINE)
			cut(w, k, "no complete request in time");
}

static void started(struct web *w, struct MHD_Connection *c, void **ctx)
{
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct web_conn *k = xcalloc(1, sizeof *k);
	k->fd = fd ? fd->connect_fd : -1;
	k->since = now_seconds();
	web_client_ip(c, k->ip, sizeof k->ip);
	*ctx = k;
	unsigned same = 0;
	pthread_mutex_lock(&w->conns_lock);
	sweep_locked(w, k->since);
	for (struct web_conn *o = w->conns; o; o = o->next)
		same += pending(o) && !o->answered && strcmp(o->ip, k->ip) == 0;
	k->next = w->conns;
	if (w->conns)
		w->conns->prev = k;
	w->conns = k;
	if (same >= WEB_PENDING_PER_IP && k->fd >= 0)
		cut(w, k, "too many unfinished requests from this address");
	pthread_mutex_unlock(&w->conns_lock);
}

static void closed(struct web *w, void **ctx)
{
	struct web_conn *k = *ctx;
	if (!k)
		return;
	pthread_mutex_lock(&w->conns_lock);
	if (k->prev)
		k->prev->next = k->next;
	else
		w->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&w->conns_lock);
	free(k);
	*ctx = NULL;
}

void web_conn_notify(void *cls, struct MHD_Connection *c, void **ctx,
		     enum MHD_ConnectionNotificationCode toe)
{
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		started(cls, c, ctx);
	else
		closed(cls, ctx);
}

static struct web_conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

void web_conn_request(struct web *w, struct MHD_Connection *c, bool in)
{
	struct web_conn *k = conn_of(c);
	if (!k)
		return;
	pthread_mutex_lock(&w->conns_lock);
	k->in_request = in;
	k->answered = k->answered || !in;
	k->since = now_seconds();
	pthread_mutex_unlock(&w->conns_lock);
}

void web_conns_sweep(struct web *w, double now)
{
	pthread_mutex_lock(&w->conns_lock);
	sweep_locked(w, now);
	pthread_mutex_unlock(&w->conns_lock);
}
