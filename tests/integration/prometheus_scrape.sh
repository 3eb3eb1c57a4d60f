#!/bin/sh
# Debian's prometheus, started on 127.0.0.1 with its own storage, scrapes
# a running headroomd and evaluates contrib/prometheus/headroom.rules.yml:
# a recording rule's value read back through Prometheus' HTTP API is the
# plan's (room hall: 180 projected devices over 100 of capacity = 1.8),
# and the equivalent of headroom's plan_shortfall fires there too.
# Skips without the prometheus binary.
. "$(dirname "$0")/lib.sh"
need_cmd prometheus
need_cmd curl
need_cmd python3

web=$(free_port)
prom=$(free_port)
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
event "expo" { attendees = 300 }
room "hall" { seats = 200 }
room "foyer" { seats = 50 }
ap "h1" { room = "hall" max_clients = 100 }
ap "f1" { room = "foyer" max_clients = 100 }
web { listen = { "127.0.0.1:$web" } }
CONF
"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon.log" &
pid=$!
started $pid
wait_for 20 api_get "$web" /metrics || { cat "$TMP/daemon.log"; fail "headroomd did not serve /metrics"; }

cat >"$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $top_srcdir/contrib/prometheus/headroom.rules.yml
scrape_configs:
  - job_name: headroom
    static_configs:
      - targets: ['127.0.0.1:$web']
YML
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/prom" \
	--web.listen-address=127.0.0.1:"$prom" >"$TMP/prometheus.log" 2>&1 &
started $!
wait_for 30 curl -sf "http://127.0.0.1:$prom/-/ready" || { cat "$TMP/prometheus.log"; fail "prometheus did not start"; }

# query EXPR PYTHON: the instant vector for EXPR satisfies PYTHON over r
# (its result list).
query() {
	curl -sf -G "http://127.0.0.1:$prom/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; sys.exit(0 if eval(sys.argv[1]) else 1)' "$2"
}
wait_for 30 query 'headroom:room_plan:ratio_capacity{room="hall"}' \
	'len(r) == 1 and abs(float(r[0]["value"][1]) - 1.8) < 1e-9 and r[0]["metric"]["job"] == "headroom"' ||
	{ curl -s "http://127.0.0.1:$prom/api/v1/targets"; tail "$TMP/prometheus.log"; fail "no recording rule value read back"; }
query 'headroom:room_plan:ratio_capacity{room="foyer"}' 'abs(float(r[0]["value"][1]) - 0.45) < 1e-9' ||
	fail "the foyer's ratio is wrong"
wait_for 20 query 'ALERTS{alertname="plan_shortfall", alertstate="firing", room="hall", severity="crit"}' 'len(r) == 1' ||
	fail "plan_shortfall does not fire in Prometheus"
query 'ALERTS{alertname="plan_shortfall", room="foyer"}' 'len(r) == 0' || fail "the foyer alerts in Prometheus"
kill -TERM $pid
wait $pid || fail "headroomd exited with $? after SIGTERM"
grep -q "AddressSanitizer\|runtime error" "$TMP/daemon.log" && fail "sanitizer report"
pass "prometheus scraped headroomd and recorded headroom:room_plan:ratio_capacity{room=\"hall\"} = 1.8"
