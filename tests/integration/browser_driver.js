// A real browser for the integration tests: Debian's chromium, headless,
// driven through puppeteer-core (which never downloads a browser of its own).
// Reads one JSON command per line on stdin and answers one JSON line each:
//   {"do":"open","url":U,"width":W,"height":H}   {"do":"wait","js":EXPR,"timeout":MS}
//   {"do":"eval","js":EXPR}   {"do":"click","selector":S[,"timeout":MS]}   {"do":"type","selector":S,"text":T}
//   {"do":"screenshot","path":P,"fullPage":B}   {"do":"close"}
//   {"do":"viewport","width":W,"height":H}   {"do":"key","key":K} (a key press, e.g. "Tab", "Enter")
//   {"do":"media","type":"print"} (the page as printed; "screen" or null: as shown again)
//   {"do":"axe"} (axe-core's WCAG 2 A/AA rules on the page: the violations, each with its impact)
// "open" may carry "init": a script run in the page before any of its own (a stubbed AudioContext),
// and "selfSignedCerts": true to accept a certificate made by the test (HTTPS pages).
// Answers: {"ok":true,"value":V,"at":ms since epoch} or {"ok":false,"error":E}.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");
const puppeteer = require("puppeteer-core");

const CHROMIUM = process.env.VIGIL_CHROMIUM || "/usr/bin/chromium";
let browser = null;
let page = null;
const consoleLines = [];

async function open(cmd) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-chromium-"));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    acceptInsecureCerts: !!cmd.selfSignedCerts,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
  page = await browser.newPage();
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  await page.setViewport({ width: cmd.width || 1400, height: cmd.height || 900 });
  if (cmd.init) await page.evaluateOnNewDocument(cmd.init);
  await page.goto(cmd.url, { waitUntil: "load" });
  return true;
}

async function run(cmd) {
  switch (cmd.do) {
    case "open": return open(cmd);
    case "wait": {
      const handle = await page.waitForFunction(cmd.js, { timeout: cmd.timeout || 5000, polling: 50 });
      return handle.jsonValue();
    }
    case "eval": return page.evaluate(cmd.js);
    case "click": return click(cmd);
    case "type": await page.type(cmd.selector, cmd.text); return true;
    case "screenshot": await page.screenshot({ path: cmd.path, fullPage: !!cmd.fullPage }); return cmd.path;
    case "viewport": await page.setViewport({ width: cmd.width, height: cmd.height }); return true;
    case "key": await page.keyboard.press(cmd.key); return true;
    case "media": await page.emulateMediaType(cmd.type || null); return true;
    case "axe": return axe();
    case "console": return consoleLines.splice(0);
    case "close": if (browser) await browser.close(); browser = null; return true;
    default: throw new Error(`unknown command ${cmd.do}`);
  }
}

// A click as a nurse's lands: on the element where it is drawn, once it has
// stopped moving. The page redraws tiles every second and grows as answers
// come, so the element is first waited for: present, enabled, not covered,
// in the same place over two frames. An element swapped for a new one
// between that look and the click ("not clickable", "detached") was never
// clicked, so it is looked for again.
async function click(cmd) {
  const until = Date.now() + (cmd.timeout || 10000);
  for (;;) {
    try {
      await page.waitForFunction(settled, { timeout: Math.max(1, until - Date.now()), polling: "raf" },
                                 cmd.selector);
      await page.click(cmd.selector);
      return true;
    } catch (e) {
      const gone = /not clickable|detached|no node found/i.test(String(e && e.message));
      if (!gone || Date.now() >= until) throw new Error(`click ${cmd.selector}: ${e && e.message ? e.message : e}`);
    }
  }
}

// Runs in the page, once per frame: true when the element can be clicked
// where it was drawn the frame before.
function settled(selector) {
  const el = document.querySelector(selector);
  const last = window.__vigilClickBox;
  window.__vigilClickBox = null;
  if (!el || el.disabled || !el.isConnected) return false;
  el.scrollIntoView({ block: "nearest", inline: "nearest" });
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return false;
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (!top || !(top === el || el.contains(top))) return false;
  const box = { el, x: r.left, y: r.top, w: r.width, h: r.height };
  window.__vigilClickBox = box;
  return !!last && last.el === el && last.x === box.x && last.y === box.y && last.w === box.w && last.h === box.h;
}

async function axe() {
  const source = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const result = await page.evaluate(`(() => { ${source}; return axe.run(document, { runOnly: { type: "tag",
    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }); })()`);
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on("line", (line) => {
  queue = queue.then(async () => {
    let answer;
    try {
      answer = { ok: true, value: await run(JSON.parse(line)), at: Date.now() };
    } catch (e) {
      answer = { ok: false, error: String(e && e.message ? e.message : e), at: Date.now() };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  });
});
rl.on("close", () => { queue.then(() => browser && browser.close()); });
