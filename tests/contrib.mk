# contrib/: Prometheus rules and the Grafana dashboard
TESTS += tests/integration/contrib_prometheus.sh tests/integration/prometheus_scrape.sh
dist_noinst_SCRIPTS += tests/integration/contrib_prometheus.sh \
	tests/integration/prometheus_scrape.sh
