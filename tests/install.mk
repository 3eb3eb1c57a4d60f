# make install into a DESTDIR, checked against the tree (see the script).
TESTS += tests/integration/install.sh
dist_noinst_SCRIPTS += tests/integration/install.sh
