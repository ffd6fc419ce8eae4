// Browser tests of the web console: Debian's Chromium (/usr/bin/chromium, installed by install-chromium.sh) driven
// by playwright-core, one fresh profile per browser. Every page records what must never happen — a CSP violation,
// an uncaught error, a dialog (the XSS probes call alert) — so each test can assert that none did.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ApiTokens, SqliteDatabase, Store } from '@actionhost/core';

export const CHROMIUM = process.env.ACTIONHOST_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'test-results', 'console');

export interface ConsoleBrowser {
  browser: Browser;
  close: () => Promise<void>;
}

/**
 * A headless Chromium with no network chatter of its own and no GPU. playwright-core gives every launch a fresh
 * temporary --user-data-dir of its own (it refuses one in `args`) and removes it on close.
 */
export async function launchChromium(): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations the page reported. */
  cspViolations: string[];
  /** Uncaught exceptions and console errors. */
  errors: string[];
  /** Dialogs (alert/confirm/prompt) that opened: an XSS probe that ran would open one. */
  dialogs: string[];
  close: () => Promise<void>;
}

export async function openPage(browser: Browser): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];
  // Runs through the DevTools protocol, not as an inline script: the page's CSP does not apply to it.
  await page.exposeFunction('__reportCspViolation', (text: string) => cspViolations.push(text));
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      void window.__reportCspViolation(event.violatedDirective + ' ' + event.blockedURI);
    });`,
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/Content.Security.Policy/i.test(text)) cspViolations.push(text);
    else if (
      message.type() === 'error' &&
      !/Failed to load resource: the server responded with a status of 4\d\d/.test(text)
    )
      errors.push(text);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, cspViolations, errors, dialogs, close: () => context.close() };
}

/**
 * A token of `role` in a running host's data folder, made the way the host makes its first admin token (its
 * store takes a second connection; SQLite serialises the write).
 */
export async function createToken(
  dataDir: string,
  role: 'admin' | 'editor' | 'agent',
  name = `${role} (browser test)`,
): Promise<string> {
  const store = Store.open(join(dataDir, 'actionhost.db'));
  try {
    return (await (await ApiTokens.open(new SqliteDatabase(store))).createToken(role, name)).token;
  } finally {
    store.close();
  }
}

/** Signs in through the sign-in screen, as a user pastes a token. */
export async function signIn(page: Page, baseUrl: string, token: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/**
 * axe-core's scan of the current page (WCAG 2 A/AA rules): the violations of impact serious or critical. The
 * script is evaluated through the DevTools protocol, so the page's CSP stays as strict as users get it.
 */
export async function seriousAccessibilityViolations(
  page: Page,
): Promise<{ id: string; help: string; targets: string[] }[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  // A string, not a function: the test code is typed for Node, this runs in the page.
  const violations = await page.evaluate<
    { id: string; impact: string; help: string; targets: string[] }[]
  >(`(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  })()`);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Text that must render as text wherever request data shows: markup and a script break-out. */
export const XSS_SUBJECT = '<img src=x onerror=alert(1)>';
export const XSS_BREAKOUT = '"><script>alert(2)</script>';
