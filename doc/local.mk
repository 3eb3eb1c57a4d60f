dist_man_MANS += doc/headroomd.8 doc/headroom.conf.5 doc/headroom-report.1
