/**
 * Browser helpers for end-to-end tests of the web chat page: Debian's Chromium driven by
 * playwright-core (never a downloaded browser). Reusable with any server that serves the page
 * and the Direct Line channel.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** A common phone (iPhone 12-14 class). */
export const PHONE = { width: 390, height: 844 };
export const RESULTS_DIR = path.resolve(__dirname, '../../test-results');

export function browserAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

export function launchBrowser(): Promise<Browser> {
  if (!browserAvailable()) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface ChatPage {
  page: Page;
  /** Content-Security-Policy violations reported by the page. */
  cspViolations: string[];
  /** Console errors, uncaught page errors and HTTP responses >= 400 (method and path). */
  errors: string[];
  /** Paths of the WebSockets the page opened (no query: it holds the token). */
  webSockets: string[];
  close(): Promise<void>;
}

/**
 * Opens the chat page and waits until Web Chat's send box is ready.
 * `locale` is the browser language (navigator.language), which picks the page language.
 */
export async function openChatPage(browser: Browser, url: string, opts: { locale?: string; viewport?: { width: number; height: number }; /** Before the page loads (e.g. routes). */ prepare?: (page: Page) => Promise<void> } = {}): Promise<ChatPage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? PHONE, locale: opts.locale ?? 'fr-BE', deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const errors: string[] = [];
  const webSockets: string[] = [];
  page.on('websocket', (ws) => webSockets.push(new URL(ws.url()).pathname));
  await page.exposeFunction('__reportCsp', (v: string) => cspViolations.push(v));
  // Page-side code is given as strings: this project compiles without the DOM library.
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => window.__reportCsp(e.violatedDirective + ' ' + e.blockedURI));" });
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  await opts.prepare?.(page);
  await page.goto(url);
  await sendBox(page).waitFor({ state: 'visible', timeout: 20000 });
  return { page, cspViolations, errors, webSockets, close: () => context.close() };
}

export function sendBox(page: Page) {
  return page.locator('[data-id="webchat-sendbox-input"]');
}

/** Types like a person and presses Enter. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const box = sendBox(page);
  await box.click();
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until the transcript shows `text` (a wait, not a timing assertion). */
export async function waitForText(page: Page, text: string | RegExp, timeoutMs = 15000): Promise<void> {
  await page.locator('.webchat__basic-transcript').getByText(text).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Clicks a suggested action (quick reply button) by its label. */
export async function clickSuggestedAction(page: Page, label: string | RegExp): Promise<void> {
  await page.locator('.webchat__suggested-actions').getByRole('button', { name: label }).first().click();
}

/** Texts of the bubbles in the transcript, in order. */
export function transcriptTexts(page: Page): Promise<string[]> {
  return page.locator('.webchat__bubble__content').allInnerTexts();
}

/** The `lang` and `dir` of the page's <html> element. */
export function pageLanguage(page: Page): Promise<{ lang: string; dir: string }> {
  return page.evaluate('({ lang: document.documentElement.lang, dir: document.documentElement.dir })');
}

/** Waits until <html dir> is `dir`. */
export async function waitForDirection(page: Page, dir: 'ltr' | 'rtl'): Promise<void> {
  await page.waitForFunction(`document.documentElement.dir === ${JSON.stringify(dir)}`);
}

/** True when the page is wider than the screen (sideways scrolling). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');
}

/** Appends an inline <script> and tells whether it ran (it must not under the page's CSP). */
export function inlineScriptRuns(page: Page): Promise<boolean> {
  return page.evaluate(`new Promise((resolve) => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.appendChild(s);
    setTimeout(() => resolve(window.__injected === true), 100);
  })`);
}

/** Saves a full-page screenshot as test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
