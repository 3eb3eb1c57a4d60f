# Soak: three event days through the real daemon with injected faults.
# make check runs the short one (800x); `make soak` the full one (100x)
# and writes its figures to soak.json.
SOAK_SPEED = 100
TESTS += tests/soak/soak_short.sh
dist_noinst_SCRIPTS += tests/soak/soak_short.sh tests/soak/soak.py tests/soak/receiver.py

soak: headroomd headroom
	python3 $(srcdir)/tests/soak/soak.py --speed $(SOAK_SPEED) \
		--headroomd $(abs_top_builddir)/headroomd --figures soak.json
.PHONY: soak

# security: secrets never in outputs, logs, state or the report; privileges
TESTS += tests/integration/secrets_leak.sh tests/integration/privdrop.sh
dist_noinst_SCRIPTS += tests/integration/secrets_leak.sh tests/integration/privdrop.sh
