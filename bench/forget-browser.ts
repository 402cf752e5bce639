/**
 * "Forget me" as a person sees it, in a real browser (headless Chromium on a phone-sized page): from
 * pressing Enter on "oublie-moi" to the confirmation shown by the page with the conversation
 * cleared from the screen — and, for comparison, from pressing Enter on an ordinary answer to the
 * bot's reply on screen. Same app, embedded database and real NLU as a deployment.
 * Writes bench/results/forget-browser.{json,md}. Run: npm run bench:browser (needs /usr/bin/chromium).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { startBoussole } from '../src/app/boussole';
import { silentLogger } from '../src/logging/logger';

const CHROMIUM = '/usr/bin/chromium';

async function main(runs = 15) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-bench-browser-'));
  const app = await startBoussole({ env: { ...process.env, MONGODB_URI: process.env.BENCH_MONGODB_URI, DATA_DIR: dataDir, PORT: '0', BOT_AUTH: 'local' }, log: silentLogger });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'], headless: true });
  const forget: number[] = [];
  const reply: number[] = [];
  const noticeShown: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'fr-BE', isMobile: true, hasTouch: true });
      const page = await context.newPage();
      await page.goto(app.url);
      const box = page.locator('[data-id="webchat-sendbox-input"]');
      await box.waitFor({ state: 'visible', timeout: 30000 });
      await page.getByRole('button', { name: 'Français' }).first().click();
      await page.getByText('Vous demandez pour vous').first().waitFor();
      // An ordinary answer: Enter → the bot's next question on screen.
      let t0 = performance.now();
      await box.fill('Pour moi ou un proche');
      await box.press('Enter');
      await page.getByText(/De quoi s.agit-il/).first().waitFor();
      reply.push(performance.now() - t0);
      // "Forget me": Enter → the page's confirmation, with the conversation gone from the screen.
      t0 = performance.now();
      await box.fill('oublie-moi');
      await box.press('Enter');
      await page.locator('#notice.notice--done').waitFor({ state: 'visible', timeout: 30000 });
      noticeShown.push(performance.now() - t0);
      // What is on screen: the transcript's bubbles (the screen reader's live region empties on its own schedule).
      await page.locator('.webchat__bubble__content', { hasText: /De quoi s.agit-il/ }).first().waitFor({ state: 'detached', timeout: 30000 });
      forget.push(performance.now() - t0);
      await context.close();
    }
  } finally {
    await browser.close();
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { runs: s.length, meanMs: s.reduce((a, b) => a + b, 0) / s.length, p50Ms: q(0.5), p95Ms: q(0.95), maxMs: s[s.length - 1] };
  };
  const result = { at: new Date().toISOString(), reply: stats(reply), forgetNotice: stats(noticeShown), forgetMe: stats(forget) };
  const out = path.resolve(__dirname, '../../bench/results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'forget-browser.json'), JSON.stringify(result, null, 2));
  const row = (name: string, r: ReturnType<typeof stats>) => `| ${name} | ${r.runs} | ${r.meanMs.toFixed(0)} | ${r.p50Ms.toFixed(0)} | ${r.p95Ms.toFixed(0)} | ${r.maxMs.toFixed(0)} |\n`;
  const md =
    '| in the browser (Chromium, 390×844) | runs | mean ms | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n' +
    row('Enter on an answer → the bot\'s next question on screen', result.reply) +
    row('Enter on "oublie-moi" → confirmation shown', result.forgetNotice) +
    row('Enter on "oublie-moi" → confirmation shown and the conversation cleared from the screen', result.forgetMe);
  fs.writeFileSync(path.join(out, 'forget-browser.md'), md);
  console.log(md);
}

void main();
