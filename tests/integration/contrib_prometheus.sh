#!/bin/sh
# What contrib/ ships for Prometheus and Grafana users holds together:
# headroom.rules.yml passes `promtool check rules` and its unit tests
# (`promtool test rules`, series as /metrics writes them); the Grafana
# dashboard is JSON with a datasource variable every panel and query
# uses, and every series it names is one web/metrics.c exports or a rule
# records (the airtime panel's regex excepted: empty until such series
# exist). Skips without promtool (Debian: the prometheus package).
. "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null 2>&1 || skip "no promtool (apt-get install prometheus)"
rules="$top_srcdir/contrib/prometheus/headroom.rules.yml"
promtool check rules "$rules" >"$TMP/check.out" 2>&1 || { cat "$TMP/check.out"; fail "promtool check rules"; }
promtool test rules "$top_srcdir/contrib/prometheus/headroom.rules.test.yml" >"$TMP/test.out" 2>&1 ||
	{ cat "$TMP/test.out"; fail "promtool test rules"; }
python3 - "$top_srcdir/contrib/grafana/headroom.json" "$top_srcdir/web/metrics.c" "$rules" <<'PY' ||
import json, re, sys
dash = json.load(open(sys.argv[1]))
exported = set(re.findall(r'"(headroom_[a-z_]+)', open(sys.argv[2]).read()))
recorded = set(re.findall(r'record: (headroom:[a-z_:]+)', open(sys.argv[3]).read()))
def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)
variables = {v["name"]: v for v in dash["templating"]["list"]}
ds = [v for v in variables.values() if v["type"] == "datasource"]
check(len(ds) == 1 and ds[0]["query"] == "prometheus", "one Prometheus datasource variable")
ref = "${%s}" % ds[0]["name"]
ids = [p["id"] for p in dash["panels"]]
check(len(ids) == len(set(ids)), "panel ids unique")
for p in dash["panels"]:
    check(p["datasource"]["uid"] == ref, "panel %s uses the datasource variable" % p["title"])
    check(p["targets"], "panel %s has a query" % p["title"])
    for t in p["targets"]:
        check(t["datasource"]["uid"] == ref, "query of %s uses the datasource variable" % p["title"])
        names = set(re.findall(r'\b(headroom[_:][a-z_:]+)', t["expr"]))
        names -= {n for n in names if "radio_utilization" in n}
        unknown = names - exported - recorded
        check(not unknown, "%s names unknown series %s" % (p["title"], sorted(unknown)))
for v in variables.values():
    if v["type"] == "query":
        check(v["datasource"]["uid"] == ref, "variable %s uses the datasource variable" % v["name"])
titles = " ".join(p["title"] for p in dash["panels"])
for want in ("Rooms against plan", "Uplinks", "Airtime"):
    check(want in titles, "a panel for " + want)
print("%d panels" % len(dash["panels"]))
PY
	fail "the Grafana dashboard"
pass "contrib: $(grep -c 'record:' "$rules") recording and $(grep -c 'alert:' "$rules") alerting rules check and pass their tests; dashboard valid"
