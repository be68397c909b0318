import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from './portal-server.ts';

/** The window the portals' layout tests hold to (a common laptop). */
export const LAPTOP = { width: 1366, height: 768 };

/** Debian's Chromium; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * A test file's Chromium: every context it opens (each its own cookies, so its own session) is
 * closed with it in `close()`, the one call an `afterAll` needs.
 */
export class TestBrowser {
  private readonly contexts: BrowserContext[] = [];

  private constructor(readonly browser: Browser) {}

  static async launch(): Promise<TestBrowser> {
    return new TestBrowser(await launchChromium());
  }

  async newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext(options);
    this.contexts.push(context);
    return context;
  }

  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    return (await this.newContext(options)).newPage();
  }

  /** A page in a context of its own, signed in as `account` and on the portal's home page. */
  async loggedInPage(
    baseUrl: string,
    account: { email: string; password: string },
    options: BrowserContextOptions = {},
  ): Promise<Page> {
    const page = await this.newPage(options);
    await logIn(page, baseUrl, account.email, account.password);
    await page.waitForURL(`${baseUrl}/`);
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => {});
    await this.browser.close();
  }
}

const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');
const DOCS_IMAGES = path.join(REPO_ROOT, 'docs/images');

/**
 * Saves a screenshot of the window to artifacts/, and to docs/images/ with
 * MYPAY_UPDATE_DOCS_SCREENSHOTS=1: committed screenshots change only when asked for, so a test
 * run leaves the tree clean.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name) });
  if (process.env.MYPAY_UPDATE_DOCS_SCREENSHOTS === '1') await page.screenshot({ path: path.join(DOCS_IMAGES, name) });
}

/** Nothing sticks out to the right of the window (the page never scrolls sideways). */
/**
 * Waits until a streamed page has its content in place. Next sends a page behind a loading boundary
 * first as its fallback, then the content inside `<div hidden id="S:…">`, which React's inline script
 * reveals on a later animation frame: until then the content is in the DOM but hidden, so a count
 * finds its rows while a box is null or a width 0 (seen under CI load). Polled with `evaluate` (the
 * DevTools protocol): `waitForFunction` would build a function in the page, which the portals' CSP
 * (no 'unsafe-eval') refuses.
 */
export async function waitForStreamed(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate('document.querySelectorAll(\'div[hidden][id^="S:"], template[id^="B:"]\').length'), {
      timeout: 30_000,
    })
    .toBe(0);
}

/** The box of a visible element, once the page has streamed its content. */
export async function visibleBox(
  page: Page,
  locator: Locator,
): Promise<{ x: number; y: number; width: number; height: number }> {
  await waitForStreamed(page);
  await locator.waitFor({ state: 'visible' });
  const box = await locator.boundingBox();
  if (!box) throw new Error(`no box for ${locator}`);
  return box;
}

export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  await waitForStreamed(page);
  // A string, evaluated in the page: this package's types know no DOM.
  const { scroll, inner } = (await page.evaluate(
    '({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })',
  )) as { scroll: number; inner: number };
  expect(scroll).toBeLessThanOrEqual(inner);
}
