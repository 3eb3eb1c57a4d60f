#!/bin/sh
# The HTML report in headless Chromium: it renders (screenshot kept in the
# build directory as report_html.png), every graph is an SVG image that
# decodes, and the summary numbers are in the page text. The alert log
# holds an alert that escalated to critical (listed as critical, with what
# it said then) and notification records (counted, not called malformed).
# With node and playwright-core (tests/browser/report.mjs): at 390 px the
# page does not scroll sideways and starts with its summary.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report_lib.sh"
report_need_rrdtool
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip "chromium is not installed"
export TZ=UTC
printf 'leak:librrd.so\nleak:libfontconfig.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="fast_unwind_on_malloc=0"

mkdir -p "$TMP/state"
report_conf "$TMP/headroom.conf" "$TMP/state"
report_fill "$TMP/state"
report_alert_log "$TMP/state/alerts.log"
t=$((1810252800 + 86400 + 15 * 3600))
cat >>"$TMP/state/alerts.log" <<EOF
{"ts": $t, "event": "firing", "id": "fp-esc", "rule": "room_over_capacity", "labels": {"room": "hall"}, "severity": "warn", "summary": "room hall near capacity: 330 of 400 clients", "value": 0.82}
{"ts": $t, "event": "notified", "notification": "n7", "type": "firing", "group": "room_over_capacity/hall", "alerts": ["fp-esc"]}
{"ts": $t, "event": "sent", "notification": "n7", "notifier": "chat", "attempt": 1, "http_status": 200}
{"ts": $((t + 60)), "event": "escalated", "id": "fp-esc", "rule": "room_over_capacity", "labels": {"room": "hall"}, "severity": "crit", "summary": "room hall over capacity: 410 of 400 clients", "value": 1.02}
{"ts": $((t + 300)), "event": "deescalated", "id": "fp-esc", "rule": "room_over_capacity", "labels": {"room": "hall"}, "severity": "warn", "summary": "room hall near capacity: 340 of 400 clients", "value": 0.85}
{"ts": $((t + 600)), "event": "resolved", "id": "fp-esc", "rule": "room_over_capacity", "labels": {"room": "hall"}, "severity": "warn", "summary": "room hall: 100 of 400 clients", "value": 0.25}
EOF
"$HEADROOM" report -q -c "$TMP/headroom.conf" -o "$TMP/out" --format html ||
	fail "headroom report failed"
html="$TMP/out/report.html"
grep -Eq 'src="(https?:|//)|href="(https?:|//)' "$html" && fail "the HTML loads something from outside"
grep -q "@media print" "$html" || fail "no print style"

chrome() {
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--user-data-dir="$TMP/chrome" "$@" 2>>"$TMP/chrome.log"
}
shot="$top_builddir/report_html.png"
rm -f "$shot"
chrome --screenshot="$shot" --window-size=1200,2000 "file://$html" >/dev/null
[ -s "$shot" ] || { tail -5 "$TMP/chrome.log"; fail "no screenshot"; }
chrome --dump-dom "file://$html" >"$TMP/dom.html"
[ -s "$TMP/dom.html" ] || fail "chromium dumped no DOM"

python3 - "$TMP/dom.html" <<'PY' || fail "DOM check failed"
import base64, html.parser, re, sys, xml.dom.minidom
dom = open(sys.argv[1]).read()

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.text, self.skip = [], [], 0
    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.imgs.append(dict(attrs))
        if tag in ("style", "script"):
            self.skip += 1
    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1
    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)

p = Page()
p.feed(dom)
# two day graphs and one uplink graph, each a decodable SVG document
assert len(p.imgs) == 3, "want 3 graphs, got %d" % len(p.imgs)
prefix = "data:image/svg+xml;base64,"
for img in p.imgs:
    src = img.get("src", "")
    assert src.startswith(prefix), "graph is not an inline SVG: %r" % src[:60]
    doc = xml.dom.minidom.parseString(base64.b64decode(src[len(prefix):]))
    svg = doc.documentElement
    assert svg.tagName == "svg", svg.tagName
    assert float(re.sub("[a-z]+", "", svg.getAttribute("width"))) > 100, "empty graph"
text = " ".join(" ".join(p.text).split())
for needle in ["Summary against the plan", "600", "540", "530", "0.88",
               "2027-05-15 15:30:00", "412", "0.69", "55.0", "hall", "410",
               "Rooms by hour", "never used", "noc-ana", "target:wlc",
               "Recommendations for next year", "Provision 200 Mbit/s",
               "no samples were recorded for this room", "At a glance",
               "2 about notifications and silences", "1 malformed line was skipped"]:
    assert needle in text, "page text lacks %r" % needle
# the escalated alert: critical, with what it said when it was worst
row = re.search(r"room_over_capacity room:hall (\w+)", text)
assert row and row.group(1) == "crit", "the escalated alert is not listed as crit: %r" % (row and row.group(0))
assert "room hall over capacity: 410 of 400 clients" in text, "the escalated alert's summary is not its worst"
PY
if command -v node >/dev/null 2>&1; then
	work="$top_builddir/tests/browser"
	mkdir -p "$work"
	for f in package.json package-lock.json report.mjs; do
		[ "$top_srcdir/tests/browser/$f" -ef "$work/$f" ] || cp "$top_srcdir/tests/browser/$f" "$work/$f"
	done
	if [ ! -d "$work/node_modules/playwright-core" ]; then
		(cd "$work" && npm ci --no-audit --no-fund >"$TMP/npm.log" 2>&1) ||
			echo "SKIP: npm ci could not install playwright-core; no phone check"
	fi
	if [ -d "$work/node_modules/playwright-core" ]; then
		(cd "$work" && CHROMIUM="$CHROMIUM" node report.mjs "$html" "$work") >"$TMP/node.log" 2>&1 ||
			{ cat "$TMP/node.log"; fail "the report on a phone"; }
		grep -q "report ok" "$TMP/node.log" || fail "report.mjs did not finish"
	fi
else
	echo "SKIP: no node; the report is not checked at phone width"
fi
pass "HTML renders with its graphs and numbers (screenshot: $shot)"
