dist_noinst_DATA += config/headroom.conf.example config/demo.conf
include tools/demo/local.mk
