# report: what the network needed, after the event; the headroom CLI.
libheadroom_a_SOURCES += \
	report/report.c report/report.h report/report_stats.c \
	report/report_alerts.c report/report_reco.c report/report_graph.c \
	report/report_airtime.c \
	report/report_json.c report/report_csv.c report/report_html.c \
	report/report_wired.c

bin_PROGRAMS += headroom
headroom_SOURCES = report/report_main.c
headroom_LDADD = $(HR_LIBS)
