// The sprint room's cables on the dashboard, against a running headroomd
// whose switch maps ports to the room:
//   node wired.mjs BASE_URL OUT_DIR DEVICES PORTS_UP PORTS
// The room's tile says "+ DEVICES on cables (100%) · PORTS_UP of PORTS
// ports up" beside its Wi-Fi count and that its plan holds only with the
// cables; the room's view says the same and draws "on cables" in its
// history's legend. A screenshot of the tile goes to OUT_DIR.
import { chromium } from "playwright-core";

const [base, outDir, devices, up, ports] = process.argv.slice(2);
const fail = (msg) => { throw new Error(msg); };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(base + "/");
  const want = "+ " + devices + " on cables (100%) \u00b7 " + up + " of " + ports + " ports up";
  const tile = page.locator('[data-room="sprint"]');
  await tile.locator(".wired", { hasText: want }).waitFor({ timeout: 20000 })
    .catch(() => tile.innerText().then((t) => fail("sprint tile: want \"" + want + "\", got " + JSON.stringify(t))));
  if (!(await tile.innerText()).includes("plan holds only with the cables")) fail("the tile does not say the cables are needed");
  if ((await page.locator('[data-room="hall"] .wired').count()) !== 0) fail("a room without a switch shows cables");
  await tile.screenshot({ path: outDir + "/wired-room.png" });
  await tile.click();
  await page.waitForFunction(() => location.hash === "#/room/sprint");
  const sub = await page.locator("#view-sub").innerText();
  if (!sub.includes(want)) fail("the room's view: " + sub);
  await page.locator("#view-graph figcaption", { hasText: "on cables" }).waitFor({ timeout: 10000 });
  if (errors.length) fail("page errors: " + errors.join("; "));
  console.log("wired ok");
} finally {
  await browser.close();
}
