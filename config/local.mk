dist_noinst_DATA += config/headroom.conf.example config/demo.conf

# make demo: the demo venue in the foreground (Ctrl-C stops it).
demo: headroomd
	./headroomd -f -c $(srcdir)/config/demo.conf
.PHONY: demo
