# The man pages are templates: make fills in configure's paths (edit_paths
# in Makefile.am), so they name the files the installed binaries use.
# headroom(1) is an alias of headroom-report(1), the only command so far.
hr_man_pages = doc/headroomd.8 doc/headroom.conf.5 doc/headroom-report.1 doc/headroom.1
man_MANS += $(hr_man_pages)
EXTRA_DIST += $(hr_man_pages:=.in)
CLEANFILES += $(hr_man_pages)
doc/headroomd.8: $(srcdir)/doc/headroomd.8.in
doc/headroom.conf.5: $(srcdir)/doc/headroom.conf.5.in
doc/headroom-report.1: $(srcdir)/doc/headroom-report.1.in
doc/headroom.1: $(srcdir)/doc/headroom.1.in
$(hr_man_pages): Makefile
	$(AM_V_GEN)$(MKDIR_P) doc && rm -f $@ $@.tmp && \
	$(edit_paths) $(srcdir)/$@.in >$@.tmp && mv $@.tmp $@

# The README and doc/*.md go to $(docdir), doc/ kept so the README's links
# still work there.
dist_doc_DATA = README.md
nobase_dist_doc_DATA = doc/ARCHITECTURE.md doc/airtime.md doc/benchmarks.md doc/demo.md \
	doc/hardening.md \
	doc/profiles.md doc/scaling.md
