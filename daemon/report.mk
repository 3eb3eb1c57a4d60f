libheadroom_a_SOURCES += daemon/report.c daemon/report.h daemon/report_stats.c \
	daemon/report_alerts.c daemon/report_reco.c daemon/report_graph.c \
	daemon/report_json.c daemon/report_csv.c daemon/report_html.c

bin_PROGRAMS += headroom
headroom_SOURCES = daemon/report_main.c
headroom_LDADD = $(HR_LIBS)
