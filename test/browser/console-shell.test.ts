// The console as the host serves it (`actionhost start`, real Chromium): the security headers, sign-in with a
// token kept in sessionStorage only, the screens each role sees (and cannot reach), deep links and the back
// button, no CSP violation anywhere; and the first-load size and time to interactive, printed for the record.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostProcess, type HostProcess } from '@actionhost/test/support';
import { createToken, launchChromium, openPage, screenshot, signIn, type ConsoleBrowser } from './support.ts';

let host: HostProcess;
let chromium: ConsoleBrowser;
const tokens: Record<'editor' | 'agent', string> = { editor: '', agent: '' };

beforeAll(async () => {
  [host, chromium] = await Promise.all([startHostProcess(), launchChromium()]);
  for (const role of ['editor', 'agent'] as const) tokens[role] = await createToken(host.dataDir, role);
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await host?.stop();
});

describe('the console is served by the host', () => {
  it('answers / and deep links with the page and the strict security headers; /api keeps its JSON 404', async () => {
    for (const path of ['/', '/workflows/wf_123', '/requests/4?tab=audit']) {
      const response = await fetch(`${host.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await response.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|style=/);
      expect(html).not.toMatch(/https?:\/\//);
    }
    const api404 = await fetch(`${host.url}/api/nothing-here`);
    expect(api404.status).toBe(404);
    expect(((await api404.json()) as { error: { code: string } }).error.code).toBe('AH_ROUTE_NOT_FOUND');
  });
});

describe('sign-in and roles', () => {
  it('signs in with a token held in sessionStorage only (never localStorage, a cookie or the URL), and signs out', async () => {
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await page.goto(`${host.url}/workflows`);
      await page.getByRole('heading', { name: 'Sign in to actionhost' }).waitFor();
      await screenshot(page, 'sign-in');
      await page.getByLabel('API token').fill('ah_not-a-real-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('AH_UNAUTHENTICATED');

      await page.getByLabel('API token').fill(host.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Workflows' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/workflows');
      expect(page.url()).not.toContain(host.token);
      const storage = await page.evaluate<{ session: string; local: string; cookie: string }>(
        '({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage), cookie: document.cookie })',
      );
      expect(storage.session).toContain(host.token);
      expect(storage.local).not.toContain(host.token);
      expect(storage.cookie).toBe('');
      expect((await page.context().cookies()).length).toBe(0);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to actionhost' }).waitFor();
      expect(await page.evaluate<string>('JSON.stringify(sessionStorage)')).not.toContain(host.token);
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows an agent requests and CIs only: the designer, executions and API Credentials are out of reach', async () => {
    const { page, cspViolations, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, tokens.agent, '/');
      await page.getByRole('heading', { name: 'Requests' }).waitFor();
      const navigation = page.getByRole('navigation', { name: 'Main' });
      expect(await navigation.getByRole('link').allTextContents()).toEqual(['Requests', 'Configuration Items']);
      const workflows = await host.api<{ id: string }[]>('GET', '/api/workflows');
      await page.goto(`${host.url}/workflows/${workflows.body[0].id}`);
      await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
      expect(await page.getByRole('button', { name: 'Publish…' }).count()).toBe(0);
      await screenshot(page, 'role-agent-designer-refused');
      for (const path of ['/credentials', '/executions', '/plugins']) {
        await page.goto(`${host.url}${path}`);
        await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
      }
      // The server refuses too, whatever the page shows.
      const direct = await host.api('GET', '/api/workflows', undefined, tokens.agent);
      expect(direct.status).toBe(403);
      expect(cspViolations).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows an editor workflows and executions: API Credentials, Applications and Plugins are out of reach', async () => {
    const { page, cspViolations, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, tokens.editor, '/');
      await page.getByRole('heading', { name: 'Workflows' }).waitFor();
      const navigation = page.getByRole('navigation', { name: 'Main' });
      expect(await navigation.getByRole('link').allTextContents()).toEqual(['Workflows', 'Executions']);
      await page.goto(`${host.url}/credentials`);
      await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
      await screenshot(page, 'role-editor-credentials-refused');
      expect((await host.api('GET', '/api/credentials', undefined, tokens.editor)).status).toBe(403);
      expect(cspViolations).toEqual([]);
    } finally {
      await close();
    }
  });

  it('opens screens from deep links and goes back with the browser back button', async () => {
    const { page, cspViolations, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, '/executions?status=failed');
      await page.getByRole('heading', { name: 'Executions' }).waitFor();
      expect(await page.getByLabel('Status').inputValue()).toBe('failed');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plugins' }).click();
      await page.getByRole('heading', { name: 'Plugins' }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workflows' }).click();
      await page.getByRole('heading', { name: 'Workflows' }).waitFor();
      await page.goBack();
      await page.getByRole('heading', { name: 'Plugins' }).waitFor();
      await page.goBack();
      await page.getByRole('heading', { name: 'Executions' }).waitFor();
      expect(new URL(page.url()).search).toBe('?status=failed');
      expect(cspViolations).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('plugins', () => {
  it('uploads a .tgz from the Plugins screen: a bad file shows its error code, a package installs', async () => {
    const { page, cspViolations, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, '/plugins');
      await page.getByRole('cell', { name: /ITSM Plugin - Linking of CI/ }).waitFor();
      const scratch = mkdtempSync(join(tmpdir(), 'console-upload-'));
      try {
        const bad = join(scratch, 'not-a-plugin.tgz');
        writeFileSync(bad, 'this is not a gzip file');
        await page.getByLabel('Plugin package (.tgz)').setInputFiles(bad);
        await page.getByRole('button', { name: 'Upload and install' }).click();
        await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Install failed: AH_[A-Z_]+/);
        // The package the host installed at start, uploaded again: the same name, version and integrity.
        const installed = join(host.dataDir, 'plugins', '@actionhost', 'ci-linking', '1.0.0', 'package.tgz');
        await page.getByLabel('Plugin package (.tgz)').setInputFiles(installed);
        await page.getByRole('button', { name: 'Upload and install' }).click();
        await page.getByRole('status').filter({ hasText: 'Already installed @actionhost/ci-linking@1.0.0' }).waitFor();
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      expect(cspViolations).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('first load', () => {
  it('measures what the first visit downloads and when the sign-in screen is interactive', async () => {
    const { page, cspViolations, close } = await openPage(chromium.browser);
    try {
      await page.goto(`${host.url}/`);
      await page.getByLabel('API token').waitFor();
      const timing = await page.evaluate<{
        interactive: number;
        domContentLoaded: number;
        resources: { name: string; transferSize: number; encodedBodySize: number }[];
      }>(`(() => {
        const navigation = performance.getEntriesByType('navigation')[0];
        const mark = performance.getEntriesByName('console-interactive')[0];
        return {
          interactive: mark ? mark.startTime : -1,
          domContentLoaded: navigation.domContentLoadedEventEnd,
          resources: performance.getEntriesByType('resource').map((entry) => ({
            name: new URL(entry.name).pathname, transferSize: entry.transferSize, encodedBodySize: entry.encodedBodySize,
          })),
        };
      })()`);
      const bytes = (suffix: string) =>
        timing.resources
          .filter((entry) => entry.name.endsWith(suffix))
          .reduce((sum, entry) => sum + entry.encodedBodySize, 0);
      expect(timing.interactive).toBeGreaterThan(0);
      expect(bytes('.js')).toBeGreaterThan(0);
      expect(bytes('.css')).toBeGreaterThan(0);
      // A second visit in the same profile: the hashed assets come from the HTTP cache (immutable).
      await page.reload();
      await page.getByLabel('API token').waitFor();
      const warm = await page.evaluate<number>(
        `performance.getEntriesByName('console-interactive')[0]?.startTime ?? -1`,
      );
      console.log(
        `CONSOLE FIRST LOAD: js ${bytes('.js')} bytes gzip, css ${bytes('.css')} bytes gzip; ` +
          `DOMContentLoaded ${timing.domContentLoaded.toFixed(0)} ms, interactive ${timing.interactive.toFixed(0)} ms ` +
          `after navigation start (new profile); interactive ${warm.toFixed(0)} ms on a second visit`,
      );
      expect(cspViolations).toEqual([]);
    } finally {
      await close();
    }
  });
});
