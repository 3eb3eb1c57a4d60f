dist_noinst_DATA += config/headroom.conf.example config/secrets.conf.example config/demo.conf config/demo-schedule.xml
include tools/demo/local.mk
