// Screenshots of the keynote moment for the README (doc/screenshots/):
//   node keynote-shots.mjs BASE_URL OUT_DIR
// against a running demo that has not reached the keynote yet, e.g.
//   SPEED=20 START=08:40 tools/demo/run-demo   (HEADROOM_DEMO_WEB=...)
// Waits until the verdict names the main hall over capacity and its
// incident is critical, then takes the dashboard and main-hall's view at
// 390x844 (a phone) and 1440x900. Not a test: `make check` does not run it.
import { chromium } from "playwright-core";
const [base, out] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const sizes = [[390, 844, true], [1440, 900, false]];
const pages = [];
for (const [w, h, mobile] of sizes) {
  const p = await b.newPage({ viewport: { width: w, height: h }, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1 });
  await p.goto(base + "/");
  pages.push([p, w, h]);
}
const [first] = pages;
await first[0].waitForFunction(() => { const v = document.getElementById("verdict"); return v.dataset.status === "crit" && /main-hall over capacity/.test(document.getElementById("verdict-text").textContent) && document.querySelector('#alerts > li[data-key="room:main-hall"][data-severity="crit"]'); }, null, { timeout: 600000, polling: 500 });
for (const [p, w, h] of pages) {
  await p.waitForFunction(() => document.querySelector('#alerts > li[data-key="room:main-hall"][data-severity="crit"]'), null, { timeout: 60000 });
  await p.screenshot({ path: `${out}/keynote-dashboard-${w}x${h}.png` });
}
for (const [p, w, h] of pages) {
  await p.goto(base + "/#/room/main-hall");
  await p.waitForFunction(() => { const g = document.querySelector("#view-graph svg"); return g && Number(g.dataset.points) >= 2; }, null, { timeout: 60000 });
  await p.screenshot({ path: `${out}/keynote-room-${w}x${h}.png` });
}
console.log("shots taken at", await first[0].evaluate(() => document.getElementById("verdict-text").textContent));
await b.close();
