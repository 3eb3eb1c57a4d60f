dist_man_MANS += doc/headroomd.8 doc/headroom.conf.5 doc/headroom-report.1
EXTRA_DIST += doc/ARCHITECTURE.md doc/benchmarks.md doc/hardening.md
