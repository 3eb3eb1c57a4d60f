dist_noinst_DATA += config/headroom.conf.example config/secrets.conf.example config/demo.conf config/demo-schedule.xml
include tools/demo/local.mk

# make install puts both examples into $(sysconfdir)/headroom, with the
# /etc/headroom and /var/lib/headroom they mention turned into configure's
# paths; the secrets example is mode 600 like the real file. headroom.conf
# itself is never installed, so a real config is never overwritten.
headroomconfdir = $(sysconfdir)/headroom
edit_conf_paths = sed \
	-e 's|/etc/headroom|$(sysconfdir)/headroom|g' \
	-e 's|/var/lib/headroom|$(localstatedir)/lib/headroom|g'
install-data-local: install-conf-examples
uninstall-local: uninstall-conf-examples
install-conf-examples:
	$(MKDIR_P) '$(DESTDIR)$(headroomconfdir)'
	rm -f '$(DESTDIR)$(headroomconfdir)/headroom.conf.example' \
		'$(DESTDIR)$(headroomconfdir)/secrets.conf.example'
	$(edit_conf_paths) $(srcdir)/config/headroom.conf.example \
		>'$(DESTDIR)$(headroomconfdir)/headroom.conf.example'
	chmod 644 '$(DESTDIR)$(headroomconfdir)/headroom.conf.example'
	(umask 077 && $(edit_conf_paths) $(srcdir)/config/secrets.conf.example \
		>'$(DESTDIR)$(headroomconfdir)/secrets.conf.example')
	chmod 600 '$(DESTDIR)$(headroomconfdir)/secrets.conf.example'
uninstall-conf-examples:
	rm -f '$(DESTDIR)$(headroomconfdir)/headroom.conf.example' \
		'$(DESTDIR)$(headroomconfdir)/secrets.conf.example'

# make uninstall leaves no directory of headroom's own behind (the shared
# ones, bin or man8, stay); an admin's headroom.conf keeps its directory.
uninstall-hook:
	-rmdir '$(DESTDIR)$(headroomconfdir)' '$(DESTDIR)$(profilesdir)' \
		'$(DESTDIR)$(prometheusdir)' '$(DESTDIR)$(grafanadir)' \
		'$(DESTDIR)$(pkgdatadir)' '$(DESTDIR)$(docdir)/doc' \
		'$(DESTDIR)$(docdir)' 2>/dev/null
.PHONY: install-conf-examples uninstall-conf-examples
