# make install into a DESTDIR, checked against the tree (see the script).
TESTS += tests/integration/install.sh
dist_noinst_SCRIPTS += tests/integration/install.sh
# The Debian package installed and purged on this machine: needs root and
# a built .deb, so .ci/run runs it, not make check.
dist_noinst_SCRIPTS += tests/integration/install_deb.sh
