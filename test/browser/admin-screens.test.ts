// The admin screens that other issues' APIs added, in real Chromium: the difference between two installed versions
// of a plugin, and API tokens per role (create with the secret shown once and copied, list, revoke after a
// confirmation, the last admin token refused with the API's error code).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTgz } from '@actionhost/sdk';
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

const SCRIPT = "globalThis.plugin = { run(input) { return { path: 'success', output: input }; } };\n";

function echoPackage(version: string, overrides: Record<string, unknown>): Uint8Array {
  const manifest = {
    name: '@acme/echo',
    version,
    title: 'Echo',
    description: 'Returns its input',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: { type: 'object' },
    output: { type: 'object' },
    paths: ['success', 'failure'],
    capabilities: {},
    ...overrides,
  };
  const file = (path: string, text: string) => ({ path: `package/${path}`, data: new TextEncoder().encode(text) });
  return createTgz([file('plugin.json', JSON.stringify(manifest)), file('dist/plugin.js', SCRIPT)]);
}

async function install(tarball: Uint8Array): Promise<void> {
  const response = await fetch(`${host.url}/api/plugins`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/gzip' },
    body: tarball,
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}

beforeAll(async () => {
  [host, chromium] = await Promise.all([startHostProcess(), launchChromium()]);
  await install(
    echoPackage('1.0.0', {
      capabilities: { http: { hosts: ['crm.example.com'] }, itsm: ['requests:read', 'cmdb:read'] },
      limits: { timeoutMs: 5000 },
      input: {
        type: 'object',
        properties: { Message: { type: 'string' }, Channel: { type: 'string', enum: ['mail', 'chat'] } },
        required: ['Message'],
      },
      output: { type: 'object', properties: { echoed: { type: 'string' } } },
    }),
  );
  await install(
    echoPackage('1.1.0', {
      capabilities: { http: { hosts: ['crm.example.com', 'hr.example.com'] }, ldap: true, itsm: ['requests:read'] },
      limits: { timeoutMs: 10000, memoryMb: 64 },
      input: {
        type: 'object',
        properties: {
          Message: { type: 'string' },
          Channel: { type: 'string', enum: ['mail', 'chat', 'sms'] },
          Recipient: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
        },
        required: ['Message', 'Recipient'],
      },
      output: { type: 'object', properties: { echoed: { type: 'integer' } } },
    }),
  );
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await host?.stop();
});

describe('plugins', () => {
  it('shows the difference between two installed versions: capabilities, limits, input and output fields', async () => {
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, '/plugins');
      const compare = page.getByRole('region', { name: 'Compare two versions' });
      await compare.getByLabel('Plugin to compare').selectOption('@acme/echo');
      // The newest two by default: from 1.0.0 to 1.1.0.
      expect(await compare.getByLabel('From version').inputValue()).toBe('1.0.0');
      expect(await compare.getByLabel('To version').inputValue()).toBe('1.1.0');
      const table = compare.getByRole('table', { name: 'Changes in @acme/echo from 1.0.0 to 1.1.0' });
      await table.waitFor();
      const row = async (item: string) =>
        (
          await table
            .getByRole('row')
            .filter({ has: page.getByRole('rowheader', { name: item, exact: true }) })
            .locator('th, td')
            .allInnerTexts()
        ).map((cell) => cell.trim());
      expect(await row('http host hr.example.com')).toEqual([
        'Capabilities',
        'http host hr.example.com',
        'added',
        '—',
        'hr.example.com',
      ]);
      expect(await row('ldap')).toEqual(['Capabilities', 'ldap', 'added', '—', 'declared']);
      expect(await row('itsm scope cmdb:read')).toEqual([
        'Capabilities',
        'itsm scope cmdb:read',
        'removed',
        'cmdb:read',
        '—',
      ]);
      expect(await row('timeoutMs')).toEqual(['Limits', 'timeoutMs', 'changed', '5000', '10000']);
      expect(await row('memoryMb')).toEqual(['Limits', 'memoryMb', 'added', '—', '64']);
      expect((await row('Channel'))[2]).toBe('changed');
      expect((await row('Channel'))[4]).toContain('sms');
      expect((await row('Recipient'))[2]).toBe('added');
      expect((await row('Recipient'))[4]).toContain('required');
      expect((await row('Recipient.email'))[4]).toContain('format email');
      expect(await row('echoed')).toEqual(['Output', 'echoed', 'changed', 'string, optional', 'integer, optional']);
      // Unchanged declarations are not listed.
      expect(await table.getByRole('rowheader', { name: 'Message', exact: true }).count()).toBe(0);
      expect(await table.getByRole('rowheader', { name: 'http host crm.example.com' }).count()).toBe(0);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'plugins-difference');

      // The other direction reads the other way round.
      await compare.getByLabel('From version').selectOption('1.1.0');
      await compare.getByLabel('To version').selectOption('1.0.0');
      const reverse = compare.getByRole('table', { name: 'Changes in @acme/echo from 1.1.0 to 1.0.0' });
      await reverse
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: 'ldap', exact: true }) })
        .getByRole('cell', { name: 'removed' })
        .waitFor();
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
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
