# contrib/: files for the tools beside headroom, installed as data for an
# admin to copy into place: Prometheus rules (with their unit tests) and the
# Grafana dashboard.
prometheusdir = $(pkgdatadir)/prometheus
dist_prometheus_DATA = contrib/prometheus/headroom.rules.yml \
	contrib/prometheus/headroom.rules.test.yml
grafanadir = $(pkgdatadir)/grafana
dist_grafana_DATA = contrib/grafana/headroom.json
