libheadroom_a_SOURCES += \
	web/web.c web/web.h web/server.h web/assets.h \
	web/snapshot.c web/metrics.c web/respond.c web/sse.c web/api.c web/graphs.c web/conns.c
nodist_libheadroom_a_SOURCES = web/assets.c

# The dashboard is compiled into the binary (web/gen-assets.sh).
WEB_STATIC = web/static/index.html web/static/app.js web/static/style.css \
	web/static/favicon.svg
web/assets.c: $(WEB_STATIC) web/gen-assets.sh
	$(AM_V_GEN)$(MKDIR_P) web && \
	$(SHELL) $(srcdir)/web/gen-assets.sh $@ $(srcdir) $(WEB_STATIC)
EXTRA_DIST += $(WEB_STATIC) web/gen-assets.sh
CLEANFILES += web/assets.c
