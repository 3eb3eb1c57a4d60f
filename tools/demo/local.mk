# The demo venue (tools/demo/run-demo): `make demo [SPEED=N] [START=HH:MM]`
# runs a simulated conference day in the foreground (Ctrl-C stops it);
# `make demo-report` writes the report of the last demo day.
dist_noinst_SCRIPTS += tools/demo/run-demo tools/demo/demo-report \
	tools/demo/conference_day.py tools/demo/make_capture.py \
	tools/demo/webhook_console.py
dist_noinst_DATA += tools/demo/snmpsim/conferenceday.py

demo: headroomd
	SPEED='$(SPEED)' START='$(START)' HEADROOMD='$(abs_top_builddir)/headroomd' \
	DEMO_CONF='$(abs_top_srcdir)/config/demo.conf' \
	bash '$(abs_top_srcdir)/tools/demo/run-demo'

demo-report:
	HEADROOM='$(abs_top_builddir)/headroom' DEMO_CONF='$(abs_top_srcdir)/config/demo.conf' \
	bash '$(abs_top_srcdir)/tools/demo/demo-report'

.PHONY: demo demo-report
