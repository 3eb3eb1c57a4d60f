/*
 * web: the HTTP side of headroomd (libmicrohttpd in its own threads):
 * dashboard, JSON API, server-sent events, Prometheus /metrics.
 *
 * Threads: HTTP threads never read the venue, the config or any other
 * loop state. Once per tick the loop thread builds an immutable snapshot
 * (struct web_snapshot in web/server.h, built by web/snapshot.c) with
 * every body pre-rendered (plain and gzip) and publishes it by swapping
 * one pointer under a mutex; handlers take a reference to the latest
 * snapshot and serve from it. Time series and graphs come from the
 * store, whose reads are thread-safe; acks and silences go to the alert
 * engine's request queue.
 *
 * start() binds every address of web.listen (before the privilege drop);
 * when it cannot, the daemon goes on without the web side (logged) and
 * the next reload tries again. reload() restarts the listeners when
 * listen, TLS or limits changed; stop() ends SSE streams and listeners.
 */
#ifndef HEADROOM_WEB_H
#define HEADROOM_WEB_H

#include "base/module.h"

extern const struct module_ops web_module_ops;

#endif
