// A real browser for the integration tests: Debian's chromium, headless,
// driven through puppeteer-core (which never downloads a browser of its own).
// Reads one JSON command per line on stdin and answers one JSON line each:
//   {"do":"open","url":U,"width":W,"height":H}   {"do":"wait","js":EXPR,"timeout":MS}
//   {"do":"eval","js":EXPR}   {"do":"click","selector":S}   {"do":"type","selector":S,"text":T}
//   {"do":"screenshot","path":P}   {"do":"close"}
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
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
  page = await browser.newPage();
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  await page.setViewport({ width: cmd.width || 1400, height: cmd.height || 900 });
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
    case "click": await page.click(cmd.selector); return true;
    case "type": await page.type(cmd.selector, cmd.text); return true;
    case "screenshot": await page.screenshot({ path: cmd.path }); return cmd.path;
    case "console": return consoleLines.splice(0);
    case "close": if (browser) await browser.close(); browser = null; return true;
    default: throw new Error(`unknown command ${cmd.do}`);
  }
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
