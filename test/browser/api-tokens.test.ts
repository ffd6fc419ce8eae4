// The API Tokens screen in real Chromium: tokens per role created with the secret shown once and copied, listed,
// revoked after a confirmation, the last admin token refused with the API's error code; out of an editor's reach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostProcess, type HostProcess } from '@actionhost/test/support';
import {
  launchChromium,
  openPage,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
  type ConsoleBrowser,
} from './support.ts';

let host: HostProcess;
let chromium: ConsoleBrowser;

beforeAll(async () => {
  [host, chromium] = await Promise.all([startHostProcess(), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await host?.stop();
});

describe('API tokens', () => {
  it('creates a token per role with its secret shown once, revokes one after confirming, and refuses the last admin token', async () => {
    const { page, context, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.url });
      await signIn(page, host.url, host.token, '/');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API Tokens' }).click();
      await page.getByRole('heading', { level: 1, name: 'API Tokens' }).waitFor();

      // The host's first admin token is the only admin: revoking it is refused with the API's code.
      const firstAdmin = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'admin', exact: true }) });
      await firstAdmin.waitFor();
      expect(await firstAdmin.count()).toBe(1);
      await firstAdmin.getByRole('button', { name: /^Revoke token / }).click();
      await page.getByRole('dialog', { name: 'Revoke token' }).getByRole('button', { name: 'Revoke token' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('AH_LAST_ADMIN_TOKEN');
      expect(await firstAdmin.count()).toBe(1);

      // An agent token, expiring: the secret is shown once and copied, then hidden for good.
      await page.getByLabel('Token name').fill('service desk agent Ada');
      await page.getByLabel('Role').selectOption('agent');
      await page.getByLabel('Expires (optional)').fill('2099-01-31T17:30');
      await page.getByRole('button', { name: 'Create token' }).click();
      const created = page.getByRole('region', { name: 'Token service desk agent Ada (agent)' });
      const secret = await created.getByLabel('New token').inputValue();
      expect(secret).toMatch(/^ah_/);
      await created.getByRole('button', { name: 'Copy token' }).click();
      await created.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
      const session = await host.api<{ name: string; role: string }>('GET', '/api/session', undefined, secret);
      expect(session.body).toMatchObject({ name: 'service desk agent Ada', role: 'agent' });
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'tokens-created');
      const agentRow = page.getByRole('row', { name: /service desk agent Ada/ });
      expect(await agentRow.getByRole('cell').nth(2).textContent()).toContain('2099');
      await created.getByRole('button', { name: 'Done, hide the token' }).click();
      expect(await page.getByText(secret).count()).toBe(0);
      expect(await page.locator(`input[value="${secret}"]`).count()).toBe(0);
      await screenshot(page, 'tokens');

      // Revoke it: Cancel keeps it, confirming revokes it (the API no longer accepts it).
      await agentRow.getByRole('button', { name: 'Revoke token service desk agent Ada' }).click();
      await page.getByRole('dialog', { name: 'Revoke token' }).getByRole('button', { name: 'Cancel' }).click();
      expect((await host.api('GET', '/api/session', undefined, secret)).status).toBe(200);
      await agentRow.getByRole('button', { name: 'Revoke token service desk agent Ada' }).click();
      await page.getByRole('dialog', { name: 'Revoke token' }).getByRole('button', { name: 'Revoke token' }).click();
      await agentRow.waitFor({ state: 'detached' });
      expect((await host.api('GET', '/api/session', undefined, secret)).status).toBe(401);

      // With a second admin token the first one may go.
      await page.getByLabel('Token name').fill('second admin');
      await page.getByLabel('Role').selectOption('admin');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByRole('region', { name: 'Token second admin (admin)' }).waitFor();
      await expect.poll(() => firstAdmin.count()).toBe(2);
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('is out of reach for an editor, in the console and at the API', async () => {
    const editor = (await host.api<{ token: string }>('POST', '/api/tokens', { name: 'an editor', role: 'editor' }))
      .body.token;
    const { page, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, editor, '/tokens');
      await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
      expect(
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API Tokens' }).count(),
      ).toBe(0);
      expect((await host.api('GET', '/api/tokens', undefined, editor)).status).toBe(403);
    } finally {
      await close();
    }
  });
});
