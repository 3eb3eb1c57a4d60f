// The HTML report in headless Chromium:
//   node report.mjs REPORT_HTML OUT_DIR
// At 390x844 (a phone) the page does not scroll sideways: wide tables
// scroll inside their own boxes; "At a glance" comes first, on the first
// screen. Screenshots at 390x844 and 1440x900 go to OUT_DIR.
import { chromium } from "playwright-core";

const [html, outDir] = process.argv.slice(2);
const fail = (msg) => { throw new Error(msg); };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.goto("file://" + html);
  const page = await phone.evaluate(() => {
    const wide = [...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest(".tw"));
    const glance = document.getElementById("glance");
    const first = document.querySelector("main > h2, main > section");
    return {
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      wide: wide.slice(0, 5).map((e) => e.tagName + "." + e.className),
      glanceFirst: first === glance,
      glanceBottom: glance ? glance.getBoundingClientRect().bottom : Infinity,
      tables: document.querySelectorAll("table").length,
      wrapped: document.querySelectorAll(".tw > table").length,
    };
  });
  if (page.overflow > 0) fail("the report scrolls sideways by " + page.overflow + " px at 390 px: " + page.wide.join(", "));
  if (page.wide.length) fail("outside a table's own scroll box, wider than the phone: " + page.wide.join(", "));
  if (page.tables === 0 || page.tables !== page.wrapped) fail(page.wrapped + " of " + page.tables + " tables scroll in their own box");
  if (!page.glanceFirst) fail("the report does not start with its summary (At a glance)");
  if (page.glanceBottom > 844) fail("At a glance ends at " + page.glanceBottom + " px, below the first screen");
  await phone.screenshot({ path: outDir + "/report-390x844.png" });
  const wall = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await wall.goto("file://" + html);
  await wall.screenshot({ path: outDir + "/report-1440x900.png" });
  console.log("report ok");
} finally {
  await browser.close();
}
