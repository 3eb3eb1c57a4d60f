# demo tests: a short accelerated demo day through tools/demo/run-demo.
TESTS += tests/integration/demo_day.sh
dist_noinst_SCRIPTS += tests/integration/demo_day.sh
TESTS += tests/integration/demo_sprints.sh
dist_noinst_SCRIPTS += tests/integration/demo_sprints.sh
