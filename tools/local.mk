# The systemd unit and the sysusers.d and tmpfiles.d snippets for the
# headroom user and its state directory. All three are templates that make
# fills in with configure's paths (edit_paths in Makefile.am), so the unit
# runs the installed headroomd with the installed config.
systemdsystemunit_DATA = tools/headroomd.service
sysusers_DATA = tools/sysusers.d/headroom.conf
tmpfiles_DATA = tools/tmpfiles.d/headroom.conf
hr_tools_generated = $(systemdsystemunit_DATA) $(sysusers_DATA) $(tmpfiles_DATA)
EXTRA_DIST += $(hr_tools_generated:=.in)
CLEANFILES += $(hr_tools_generated)
tools/headroomd.service: $(srcdir)/tools/headroomd.service.in
tools/sysusers.d/headroom.conf: $(srcdir)/tools/sysusers.d/headroom.conf.in
tools/tmpfiles.d/headroom.conf: $(srcdir)/tools/tmpfiles.d/headroom.conf.in
$(hr_tools_generated): Makefile
	$(AM_V_GEN)d=`dirname $@` && $(MKDIR_P) $$d && rm -f $@ $@.tmp && \
	$(edit_paths) $(srcdir)/$@.in >$@.tmp && mv $@.tmp $@
