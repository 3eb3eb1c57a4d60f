# web tests: API and security against a running headroomd, the dashboard
# in headless Chromium (skipped without chromium or node), /metrics through
# promtool (skipped without it); /healthz's verdict in a unit test.
check_PROGRAMS += tests/unit/test_web_health
tests_unit_test_web_health_SOURCES = tests/unit/test_web_health.c
tests_unit_test_web_health_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_web_health_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_web_health
TESTS += tests/integration/web_api.sh tests/integration/web_security.sh \
	tests/integration/web_browser.sh tests/integration/web_schedule.sh \
	tests/integration/web_large.sh tests/integration/web_graph_load.sh \
	tests/integration/web_promtool.sh tests/integration/web_auth_limit.sh \
	tests/integration/web_graph_flood.sh tests/integration/web_slowloris.sh
dist_noinst_SCRIPTS += tests/integration/web_api.sh tests/integration/web_security.sh \
	tests/integration/web_large.sh tests/integration/web_graph_load.sh \
	tests/integration/web_browser.sh tests/integration/web_lib.sh \
	tests/integration/web_schedule.sh tests/integration/web_promtool.sh \
	tests/integration/web_auth_limit.sh tests/integration/web_graph_flood.sh \
	tests/integration/web_slowloris.sh
EXTRA_DIST += tests/browser/package.json tests/browser/package-lock.json \
	tests/browser/dashboard.mjs tests/browser/report.mjs

# The browser test installs playwright-core into the build tree; in a VPATH
# build the whole folder is ours to remove, in-tree only what npm made.
clean-local: clean-browser
clean-browser:
	-if test "$(abs_builddir)" != "$(abs_srcdir)"; then rm -rf tests/browser; \
	else rm -rf tests/browser/node_modules tests/browser/*.png; fi
.PHONY: clean-browser
