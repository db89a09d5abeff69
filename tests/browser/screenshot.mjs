/*
 * screenshot.mjs: one screenshot of a page, with the browser test's setup
 * (Debian's /usr/bin/chromium driven by playwright-core from tests/browser).
 * This is how the README's picture, docs/screenshot.png, is made:
 *
 *   scripts/run.sh &                      # searchd on 127.0.0.1:8080 over corpus/
 *   node tests/browser/screenshot.mjs 'http://127.0.0.1:8080/?q=天津看牙能用医保报销吗' docs/screenshot.png
 *
 *   node tests/browser/screenshot.mjs URL OUT.png [WIDTHxHEIGHT]   (default 900x560)
 *
 * It waits until the page has shown its results (or 15 s), then saves the
 * viewport.  Run "npm ci" in tests/browser first if node_modules is missing
 * (scripts/test.sh does).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

async function main() {
  const [url, out, size = '900x560'] = process.argv.slice(2);
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!url || !out || !m) {
    console.error('usage: node tests/browser/screenshot.mjs URL OUT.png [WIDTHxHEIGHT]');
    return 2;
  }
  const entry = path.join(HERE, 'node_modules', 'playwright-core', 'index.mjs');
  if (!fs.existsSync(entry)) {
    console.error(`screenshot: ${entry}: missing (run "npm ci" in tests/browser)`);
    return 2;
  }
  const { chromium } = await import(pathToFileURL(entry).href);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sou-shot-'));
  let context = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: Number(m[1]), height: Number(m[2]) },
      locale: 'zh-CN',
    });
    const page = context.pages()[0] || await context.newPage();
    await page.goto(url);
    /* Results, or whatever the page settles on: the shot is for people. */
    await page.waitForSelector('mark', { timeout: 15000 }).catch(() => {});
    await page.screenshot({ path: out });
    console.log(`screenshot: ${out}`);
    return 0;
  } finally {
    if (context)
      await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then(code => process.exit(code), e => {
  console.error(`screenshot: ${e.message}`);
  process.exit(1);
});
