// The dashboard in headless Chromium against a running headroomd:
//   node dashboard.mjs BASE_URL OUT_DIR DAEMON_PID CONF NEXT_CONF TOKEN [live]
// Loads the page at 1920x1080, waits for live numbers over SSE (with
// "live": the controller's 262 devices), checks the verdict, a room tile
// and its AP table, acks an incident with the token; then swaps in
// NEXT_CONF (a new room whose plan falls short and, with "live", the busy
// controller) and expects the new tile, hall-a turning "Full" and their
// incidents to appear without a reload; stops the daemon for a moment and
// expects the stale banner; a click held across an update still opens its
// room, whose tile did not move, and an update leaves the focus on an Ack
// button; last, the phone layout at 390x844 without horizontal scrolling,
// the verdict, every room and the top three incidents on its first
// screen; a room's address (#/room/hall-a) opened on a phone in dark mode
// survives a reload, leads to an AP's (#/ap/a1) and back, and with live
// data draws the room's history with its plan and capacity lines, text
// at 11 px or more, light on dark. Throughout, the verdict never contradicts an active critical
// (in every SSE message and in the page), and the page shows one card per
// area with alerts (counted here from the alerts themselves). Screenshots
// go to OUT_DIR.
import { chromium } from "playwright-core";
import { copyFileSync } from "node:fs";

const [base, outDir, pidArg, conf, nextConf, token, liveArg] = process.argv.slice(2);
const live = liveArg === "live";
const pid = Number(pidArg);
const fail = (msg) => { throw new Error(msg); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const errors = [];

/* In the page, beside the dashboard: a second EventSource that checks
 * every message the daemon sends (a firing critical means a critical
 * verdict, never "OK"), and an observer that checks the page after every
 * change (a firing critical card means a critical verdict). */
async function watchVerdict(page) {
  await page.evaluate(() => {
    window.__violations = [];
    window.__latest = null;
    const bad = (why) => { if (window.__violations.length < 20) window.__violations.push(why); };
    const critFiring = (alerts) => (alerts || []).some((a) => a.severity === "crit" && a.state === "firing");
    const check = (venue, alerts) => {
      const v = venue.verdict;
      if (critFiring(alerts) && (v.status !== "crit" || /OK/.test(v.label) || /OK/.test(v.text))) bad("SSE verdict " + v.status + " '" + v.text + "' beside a firing critical");
    };
    const es = new EventSource("/events");
    es.addEventListener("state", (e) => { const m = JSON.parse(e.data); window.__latest = { alerts: m.alerts }; check(m.venue, m.alerts); });
    es.addEventListener("tick", (e) => {
      const d = JSON.parse(e.data);
      if (!window.__latest) return;
      if (d.alerts) window.__latest.alerts = d.alerts;
      check(d.venue, window.__latest.alerts);
    });
    new MutationObserver(() => {
      const card = document.querySelector('#alerts > li[data-severity="crit"][data-state="firing"]');
      const verdict = document.getElementById("verdict");
      if (card && (verdict.dataset.status !== "crit" || /OK/.test(document.getElementById("verdict-text").textContent)))
        bad("page verdict " + verdict.dataset.status + " beside the critical card " + card.dataset.key);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    // The areas notifications group alerts by, counted here on their own:
    // room, uplink, pool, target, capture, notifier, else the venue; the
    // watchdog (info) is the heartbeat, no incident.
    window.__groups = (alerts) => {
      const order = ["room", "uplink", "pool", "target", "capture", "notifier"];
      const keys = new Set();
      for (const a of alerts || []) {
        if (a.severity === "info") continue;
        const k = order.find((l) => a.labels && l in a.labels);
        keys.add(k ? k + ":" + a.labels[k] : "venue");
      }
      return keys.size;
    };
  });
}

/* As many cards as groups: waits until the page agrees with the latest
 * alerts; with fold, also that some card holds more than one alert. */
async function cardsMatchGroups(page, fold) {
  await page.waitForFunction((fold) => {
    const l = window.__latest;
    if (!l) return false;
    const cards = document.querySelectorAll("#alerts > li").length;
    const alerts = (l.alerts || []).filter((a) => a.severity !== "info").length;
    return cards === window.__groups(l.alerts) && (!fold || alerts > cards);
  }, fold, { timeout: 30000 });
}

async function noViolations(page) {
  const v = await page.evaluate(() => window.__violations);
  if (v.length) fail("the verdict contradicted an active critical: " + v.join("; "));
}

try {
  const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  wall.on("pageerror", (e) => errors.push(String(e)));
  // the URL with the text: "Failed to load resource" alone does not say which
  wall.on("console", (m) => {
    const url = m.location().url || "";
    if (m.type() === "error" && !/graph\//.test(url)) errors.push(m.text() + (url ? " (" + url + ")" : ""));
  });
  await wall.goto(base + "/");
  await watchVerdict(wall);
  await wall.waitForFunction(() => document.getElementById("conn-text").textContent === "live", null, { timeout: 20000 });
  const verdict = await wall.locator("#verdict").textContent();
  if (!/1,080 projected devices/.test(verdict)) fail("verdict without the projection: " + verdict);
  if (!/^Wi-Fi /.test(await wall.locator("#verdict-text").textContent())) fail("verdict does not start with Wi-Fi: " + verdict);
  if (await wall.locator("#verdict").getAttribute("role") !== "status") fail("verdict is not a status region");
  // The plan falls short in hall-a (540 projected, 400 capacity): a
  // critical from the start, so the verdict is critical and names it.
  await wall.locator('#alerts > li[data-key="room:hall-a"][data-severity="crit"]').waitFor({ timeout: 15000 });
  await wall.locator('#verdict[data-status="crit"]').waitFor({ timeout: 15000 });
  if (!/^Wi-Fi critical: .*hall-a/.test(await wall.locator("#verdict-text").textContent())) fail("verdict does not name hall-a: " + await wall.locator("#verdict-text").textContent());
  if (live) {
    // numbers from the controller in snmpsimd: 262 devices, hall-a at 200 of 400
    await wall.waitForFunction(() => document.getElementById("devices").textContent === "262", null, { timeout: 30000 });
    await wall.locator('[data-room="hall-a"].st-ok').waitFor({ timeout: 15000 });
    if (!/262 of 1,080/.test(await wall.locator("#verdict-detail").textContent())) fail("live verdict");
  }
  await cardsMatchGroups(wall, false);
  const projected = await wall.locator("#projected").textContent();
  if (projected !== "1,080") fail("projected card shows " + projected);

  const hall = wall.locator('[data-room="hall-a"]');
  await hall.waitFor();
  const label = await hall.getAttribute("aria-label");
  if (!/^hall-a: .*plan 540/.test(label)) fail("hall-a tile label: " + label);
  // A tile is a link to the room's view: its APs, its history.
  await hall.focus();
  await wall.keyboard.press("Enter");
  await wall.locator("#view").waitFor({ state: "visible" });
  if (new URL(wall.url()).hash !== "#/room/hall-a") fail("the room's view is not at #/room/hall-a: " + wall.url());
  if ((await wall.locator("#view-h").textContent()) !== "hall-a") fail("the view is not hall-a's");
  const rows = await wall.locator("#view-list [data-ap] .name").allTextContents();
  if (rows.join(",") !== "a1,a2") fail("hall-a APs listed: " + rows.join(","));
  if (await wall.locator("#rooms").isVisible()) fail("the room tiles stay beside the room's view");
  await wall.keyboard.press("Escape");
  await wall.locator("#rooms").waitFor({ state: "visible" });

  // Ack an incident with the token kept in this tab: its alerts open
  // under the card, the buttons with them.
  await wall.locator(".token summary").click();
  await wall.locator("#token").fill(token);
  await wall.locator("#token-form button[type=submit]").click();
  const hallCard = wall.locator('#alerts > li[data-key="room:hall-a"]');
  await hallCard.locator("details summary").click();
  await hallCard.locator('.members li[data-rule="plan_shortfall"]').waitFor();
  await hallCard.locator('button:has-text("Ack")').click();
  await wall.waitForFunction(() => /^Done/.test(document.getElementById("action-msg").textContent), null, { timeout: 10000 });
  await wall.evaluate(() => window.scrollTo(0, 0));
  await wall.screenshot({ path: outDir + "/dashboard-1920x1080.png", fullPage: false });

  // New data: a room appears and its shortfall alert fires, live.
  await wall.evaluate(() => { window.__sameDocument = true; });
  copyFileSync(nextConf, conf);
  process.kill(pid, "SIGHUP");
  await wall.locator('[data-room="workshop"]').waitFor({ timeout: 20000 });
  await wall.locator('#alerts > li[data-key="room:workshop"]').waitFor({ timeout: 20000 });
  // what the new config was accepted with but warned about, in words
  const warned = wall.locator("#sources li.warn");
  await warned.first().waitFor({ timeout: 20000 });
  if (!/^Config: .*:\d+: schedule_room: room "workshop" lists "aula" twice$/.test(await warned.first().textContent()))
    fail("the config warning under Sources reads: " + await warned.first().textContent());
  if (live) {
    // the busy controller: hall-a at 420 of 400, in colour and in words
    const hallFull = wall.locator('[data-room="hall-a"].st-crit');
    await hallFull.waitFor({ timeout: 30000 });
    if (!/Full/.test(await hallFull.textContent())) fail("hall-a tile does not say Full");
    // measured now ranks above the plan: the card leads with it
    await wall.locator('#alerts > li[data-key="room:hall-a"][data-rule="room_over_capacity"]').waitFor({ timeout: 30000 });
    if (!/^Wi-Fi overloaded: hall-a over capacity: 4\d\d of 400 clients/.test(await wall.locator("#verdict-text").textContent())) fail("verdict does not name the full room: " + await wall.locator("#verdict-text").textContent());
    // its APs and radios fold into hall-a's card
    await cardsMatchGroups(wall, true);
    if (!/\d+ APs?, \d+ radios?/.test(await hallCard.locator("details summary").textContent())) fail("hall-a's card does not count its APs and radios: " + await hallCard.locator("details summary").textContent());
  }
  await cardsMatchGroups(wall, false);
  if (!(await wall.evaluate(() => window.__sameDocument === true))) fail("the page reloaded");
  await wall.screenshot({ path: outDir + "/dashboard-1920x1080-after.png", fullPage: true });

  // No update for three ticks: the stale banner, in words.
  process.kill(pid, "SIGSTOP");
  try {
    await wall.locator("#stale").waitFor({ state: "visible", timeout: 20000 });
    const stale = await wall.locator("#stale").textContent();
    if (!/Stale/.test(stale)) fail("stale banner text: " + stale);
  } finally {
    process.kill(pid, "SIGCONT");
  }
  await wall.locator("#stale").waitFor({ state: "hidden", timeout: 20000 });

  // A click whose press and release straddle an update (a tile's contents
  // are rebuilt every tick) still opens the room: the press must not land
  // on a child the update throws away.
  // The rooms come before the incidents: an update does not move the
  // tile under the finger, so the release lands on the tile pressed.
  const lobbyName = wall.locator('[data-room="lobby"] .name');
  const box = await lobbyName.boundingBox();
  const pressed = await lobbyName.elementHandle();
  await wall.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await wall.mouse.down();
  await wall.waitForFunction((e) => !e.isConnected, pressed, { timeout: 20000 });
  const moved = await lobbyName.boundingBox();
  if (moved.y !== box.y || moved.x !== box.x) fail("an update moved the lobby tile from " + box.y + " to " + moved.y);
  await wall.mouse.up();
  await wall.locator("#view").waitFor({ state: "visible", timeout: 5000 });
  if ((await wall.locator("#view-h").textContent()) !== "lobby") fail("a click across an update opened another room");
  await wall.locator("#view-back").click();
  await wall.locator("#rooms").waitFor({ state: "visible" });

  // Keyboard focus on an incident's Ack button survives the updates.
  const firstCard = wall.locator("#alerts > li").first();
  if (!(await firstCard.locator("details").evaluate((d) => d.open))) await firstCard.locator("details summary").click();
  const ackButton = firstCard.locator("button.ack");
  await ackButton.focus();
  const focused = await ackButton.elementHandle();
  const ticked = await wall.locator('[data-room="lobby"] .name').elementHandle();
  await wall.waitForFunction((e) => !e.isConnected, ticked, { timeout: 20000 });
  if (!(await focused.evaluate((b) => b.isConnected && document.activeElement === b))) fail("an update took the focus off an Ack button");

  await noViolations(wall);

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  phone.on("pageerror", (e) => errors.push(String(e)));
  await phone.goto(base + "/");
  await watchVerdict(phone);
  await phone.waitForFunction(() => document.getElementById("conn-text").textContent === "live", null, { timeout: 20000 });
  await phone.locator('[data-room="hall-a"]').waitFor();
  await cardsMatchGroups(phone, false);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) fail("the phone layout scrolls sideways by " + overflow + " px");
  // The first screen holds the verdict, every room and the top three
  // incidents, without scrolling.
  await phone.screenshot({ path: outDir + "/dashboard-390x844-first.png", fullPage: false });
  const below = await phone.evaluate(() => {
    const out = [];
    const check = (e, what) => { const r = e.getBoundingClientRect(); if (r.bottom > window.innerHeight || r.top < 0) out.push(what + " at " + Math.round(r.top) + ".." + Math.round(r.bottom)); };
    check(document.getElementById("verdict"), "the verdict");
    for (const t of document.querySelectorAll("#rooms [data-room]")) check(t, "room " + t.dataset.room);
    [...document.querySelectorAll("#alerts > li")].slice(0, 3).forEach((c) => check(c, "incident " + c.dataset.key));
    return { out, cards: document.querySelectorAll("#alerts > li").length };
  });
  if (below.out.length) fail("not on the phone's first screen (844 px): " + below.out.join(", "));
  if (below.cards < 3) fail("want at least three incidents on the phone, have " + below.cards);
  await phone.screenshot({ path: outDir + "/dashboard-390x844.png", fullPage: false });
  await phone.screenshot({ path: outDir + "/dashboard-390x844-full.png", fullPage: true });
  await noViolations(phone);

  // A room's address, shared in chat and opened on a phone in dark mode:
  // the view survives a reload, its AP links lead on and back; with live
  // data its history is drawn, with plan and capacity lines, in the
  // page's colours and at a readable size, and its airtime's below it.
  const dark = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: "dark" });
  dark.on("pageerror", (e) => errors.push(String(e)));
  await dark.goto(base + "/#/room/hall-a");
  const inView = async (page, name) => {
    await page.locator("#view").waitFor({ state: "visible", timeout: 20000 });
    await page.waitForFunction((n) => document.getElementById("view-h").textContent === n, name, { timeout: 20000 });
  };
  await inView(dark, "hall-a");
  await dark.reload();
  await inView(dark, "hall-a");
  if (new URL(dark.url()).hash !== "#/room/hall-a") fail("the reload lost the address: " + dark.url());
  const cut = await dark.evaluate(() => [...document.querySelectorAll("#view-list [data-ap] .state, #view-sub, #view-h")]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth).map((e) => e.textContent));
  if (cut.length) fail("cut off on the phone: " + cut.join(", "));
  if (await dark.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) > 0) fail("the room's view scrolls sideways on the phone");
  if (live) {
    await dark.waitForFunction(() => {
      const g = document.querySelector("#view-graph svg");
      return g && Number(g.dataset.points) >= 2;
    }, null, { timeout: 40000 });
    const look = await dark.evaluate(() => {
      const g = document.querySelector("#view-graph svg");
      const text = g.querySelector(".g-text");
      const scale = g.getBoundingClientRect().width / g.viewBox.baseVal.width;
      const rgb = (c) => (c.match(/\d+/g) || []).slice(0, 3).map(Number);
      const lum = (c) => rgb(c).reduce((a, b) => a + b, 0) / 3;
      return {
        cap: !!g.querySelector(".g-level.g-cap"), plan: !!g.querySelector(".g-level.g-plan"),
        px: parseFloat(getComputedStyle(text).fontSize) * scale,
        textLum: lum(getComputedStyle(text).fill),
        bgLum: lum(getComputedStyle(document.querySelector("#view-graph .plot")).backgroundColor),
      };
    });
    if (!look.cap || !look.plan) fail("the history has no capacity or plan line");
    // hall-a's radios state their airtime: its history beside the clients',
    // the busiest radio and the mean against the warn and crit levels
    await dark.waitForFunction(() => {
      const g = document.querySelector("#view-air svg");
      return g && !document.getElementById("view-air").hidden && Number(g.dataset.points) >= 2;
    }, null, { timeout: 40000 });
    const air = await dark.evaluate(() => ({
      title: document.querySelector("#view-air svg title").textContent,
      levels: [...document.querySelectorAll("#view-air .g-level")].map((e) => e.getAttribute("class")),
      legend: document.querySelector("#view-air figcaption").textContent,
    }));
    if (!/^Channel busy in hall-a, percent/.test(air.title)) fail("the airtime graph is titled " + air.title);
    if (air.levels.length !== 2) fail("the airtime graph has levels " + air.levels.join(", "));
    if (!/busiest radio.*mean of its radios.*crit 70%.*warn 50%/.test(air.legend)) fail("the airtime graph's legend reads " + air.legend);
    if (look.px < 11) fail("the graph's text is " + look.px.toFixed(1) + " px on the phone");
    if (!(look.bgLum < 80 && look.textLum > 150)) fail("the graph ignores dark mode: text " + look.textLum + ", background " + look.bgLum);
    await dark.screenshot({ path: outDir + "/dashboard-390x844-room-dark.png", fullPage: false });
  }
  await dark.locator('#view-list [data-ap="a1"] a').click();
  await inView(dark, "a1");
  if (new URL(dark.url()).hash !== "#/ap/a1") fail("the AP's view is not at #/ap/a1: " + dark.url());
  await dark.reload();
  await inView(dark, "a1");
  await dark.locator("#view-back").click();
  await inView(dark, "hall-a");
  if (errors.length) fail("page errors: " + errors.join("; "));
  console.log("dashboard ok");
} finally {
  await browser.close();
}
