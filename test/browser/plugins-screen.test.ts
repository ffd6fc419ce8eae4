// The Plugins screen and Publish in real Chromium, for what the plugin supply chain added: the host's difference
// between two installed versions, publisher signatures against the trusted keys (added and removed on the screen),
// an admin's approval of what a version may reach, and Publish refusing unapproved capabilities to an editor while
// an admin approves them as part of publishing.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createTgz, describePublicKey, signPackage } from '@actionhost/sdk';
import { startHostProcess, type HostProcess } from '@actionhost/test/support';
import {
  createToken,
  launchChromium,
  openPage,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
  type ConsoleBrowser,
} from './support.ts';

let host: HostProcess;
let chromium: ConsoleBrowser;
const acme = generateKeyPairSync('ed25519').privateKey;

const SCRIPT = "globalThis.plugin = { run(input) { return { path: 'success', output: input }; } };\n";

/** A plugin package made here; signed by `key` when one is given. */
function pluginPackage(name: string, version: string, overrides: Record<string, unknown>, key?: KeyObject): Uint8Array {
  const manifest = {
    name,
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
  const files: [string, Uint8Array][] = [
    ['plugin.json', new TextEncoder().encode(JSON.stringify(manifest))],
    ['dist/plugin.js', new TextEncoder().encode(SCRIPT)],
  ];
  if (key) files.push(['actionhost-signature.json', signPackage(name, version, files, key)]);
  return createTgz(files.map(([path, data]) => ({ path: `package/${path}`, data })));
}

async function install(tarball: Uint8Array): Promise<void> {
  const response = await fetch(`${host.url}/api/plugins`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/gzip' },
    body: tarball,
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}

/** The cells of the table row whose row header is `item`, as text. */
async function rowCells(table: Locator, page: Page, item: string): Promise<string[]> {
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: item, exact: true }) });
  return (await row.locator('th, td').allInnerTexts()).map((cell) => cell.trim());
}

function versionRow(page: Page, version: string): Locator {
  return page
    .getByRole('table', { name: 'Installed plugin versions' })
    .getByRole('row')
    .filter({ hasText: '@acme/echo' })
    .filter({ has: page.getByRole('cell', { name: version, exact: true }) });
}

beforeAll(async () => {
  [host, chromium] = await Promise.all([startHostProcess(), launchChromium()]);
  await install(
    pluginPackage('@acme/echo', '1.0.0', {
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
    pluginPackage(
      '@acme/echo',
      '1.1.0',
      {
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
      },
      acme,
    ),
  );
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await host?.stop();
});

describe('the Plugins screen', { timeout: 120_000 }, () => {
  it("shows the host's difference between two installed versions: what widens, capabilities, limits, schema fields", async () => {
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
      expect(await compare.getByRole('status').textContent()).toContain('http: hr.example.com; ldap');
      const row = (item: string) => rowCells(table, page, item);
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
      expect(await row('Channel: enum')).toEqual([
        'Input',
        'Channel: enum',
        'changed',
        '["mail","chat"]',
        '["mail","chat","sms"]',
      ]);
      expect((await row('Recipient'))[2]).toBe('added');
      expect((await row('Recipient'))[4]).toContain('"format":"email"');
      expect((await row('Recipient: required'))[2]).toBe('added');
      expect(await row('echoed: type')).toEqual(['Output', 'echoed: type', 'changed', 'string', 'integer']);
      // Unchanged declarations are not listed.
      expect(await table.getByRole('rowheader', { name: 'Message', exact: true }).count()).toBe(0);
      expect(await table.getByRole('rowheader', { name: 'http host crm.example.com' }).count()).toBe(0);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'plugins-difference');

      // The other direction reads the other way round: nothing widens.
      await compare.getByLabel('From version').selectOption('1.1.0');
      await compare.getByLabel('To version').selectOption('1.0.0');
      const reverse = compare.getByRole('table', { name: 'Changes in @acme/echo from 1.1.0 to 1.0.0' });
      await reverse.waitFor();
      expect((await rowCells(reverse, page, 'ldap'))[2]).toBe('removed');
      expect(await compare.getByRole('status').textContent()).toContain('may reach beyond 1.1.0: itsm: cmdb:read');
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows each signature against the trusted keys, and trusts and stops trusting a publisher key', async () => {
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, '/plugins');
      const { keyId, publicKey } = describePublicKey(acme);
      await versionRow(page, '1.0.0').getByText('unsigned').waitFor();
      await versionRow(page, '1.1.0').getByText(`untrusted key ${keyId}`).waitFor();

      const keys = page.getByRole('region', { name: 'Trusted publisher keys' });
      await keys.getByLabel(/^Publisher/).fill('Acme Corp');
      await keys.getByLabel(/^Public key/).fill('ed25519:not-a-key');
      await keys.getByRole('button', { name: 'Trust this key' }).click();
      await expect.poll(() => keys.getByRole('alert').textContent()).toMatch(/Not trusted: AH_[A-Z_]+/);
      await keys.getByLabel(/^Public key/).fill(publicKey);
      await keys.getByRole('button', { name: 'Trust this key' }).click();
      await keys.getByRole('row', { name: new RegExp(`Acme Corp.*${keyId}`) }).waitFor();
      await versionRow(page, '1.1.0').getByText('trusted: Acme Corp').waitFor();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'plugins-signatures');

      await keys.getByRole('button', { name: `Stop trusting Acme Corp (${keyId})` }).click();
      await page
        .getByRole('dialog', { name: 'Stop trusting a key' })
        .getByRole('button', { name: 'Stop trusting' })
        .click();
      await versionRow(page, '1.1.0').getByText(`untrusted key ${keyId}`).waitFor();
      const listed = await host.api<{ keyId: string }[]>('GET', '/api/trusted-keys');
      expect(listed.body.map((key) => key.keyId)).not.toContain(keyId);
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('approves what a version may reach after showing what it widens, on the screen and with an upload', async () => {
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, '/plugins');
      // The first version was approved by installing it; 1.1.0 reaches further and waits for an admin.
      await versionRow(page, '1.0.0').getByText(/^by /).waitFor();
      await versionRow(page, '1.1.0').getByText('not approved').waitFor();
      await versionRow(page, '1.1.0').getByRole('button', { name: 'Approve capabilities of @acme/echo@1.1.0' }).click();
      const dialog = page.getByRole('dialog', { name: 'Approve @acme/echo@1.1.0' });
      await dialog.getByText('http: hr.example.com; ldap').waitFor();
      await dialog.getByRole('button', { name: 'Approve what it may reach' }).click();
      await versionRow(page, '1.1.0')
        .getByText(/^by token:/)
        .waitFor();
      const review = await host.api<{ approved: boolean }>('GET', '/api/plugins/%40acme%2Fecho/1.1.0/capabilities');
      expect(review.body.approved).toBe(true);

      // Uploads: one reaching further waits for an approval, unless the uploader approves it with the upload.
      const scratch = mkdtempSync(join(tmpdir(), 'console-approve-'));
      try {
        const reaching = (version: string, host: string) => {
          const file = join(scratch, `echo-${version}.tgz`);
          const capabilities = { http: { hosts: ['crm.example.com', 'hr.example.com', host] }, ldap: true };
          writeFileSync(file, pluginPackage('@acme/echo', version, { capabilities }));
          return file;
        };
        const upload = page.getByRole('form', { name: 'Install a plugin package' });
        await upload.getByLabel('Plugin package (.tgz)').setInputFiles(reaching('1.2.0', 'ops.example.com'));
        await upload.getByRole('button', { name: 'Upload and install' }).click();
        await upload
          .getByRole('status')
          .filter({ hasText: 'Not approved: it may reach http: ops.example.com beyond 1.1.0' })
          .waitFor();
        await upload.getByLabel('Plugin package (.tgz)').setInputFiles(reaching('1.3.0', 'billing.example.com'));
        await upload.getByRole('checkbox', { name: /^Approve what it may reach/ }).check();
        await upload.getByRole('button', { name: 'Upload and install' }).click();
        await upload.getByRole('status').filter({ hasText: 'What it may reach is approved.' }).waitFor();
        await versionRow(page, '1.2.0').getByText('not approved').waitFor();
        await versionRow(page, '1.3.0')
          .getByText(/^by token:/)
          .waitFor();
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('Publish', { timeout: 120_000 }, () => {
  it('refuses unapproved capabilities to an editor and lets an admin approve them while publishing', async () => {
    await install(pluginPackage('@acme/notify', '1.0.0', { capabilities: { http: { hosts: ['a.example.com'] } } }));
    await install(
      pluginPackage('@acme/notify', '1.1.0', { capabilities: { http: { hosts: ['a.example.com', '*'] } } }),
    );
    const created = await host.api<{ id: string }>('POST', '/api/workflows', {
      name: 'Notify everyone',
      module: 'request',
      trigger: { event: 'request.created', kind: 'incident' },
      start: 'notify',
      nodes: [{ id: 'notify', kind: 'action', title: 'Notify', uses: '@acme/notify@^1.0.0', inputs: {} }],
    });
    expect(created.status).toBe(201);
    const editor = await openPage(chromium.browser);
    try {
      await signIn(editor.page, host.url, await createToken(host.dataDir, 'editor'), `/workflows/${created.body.id}`);
      await editor.page.getByRole('button', { name: 'Publish…' }).click();
      const dialog = editor.page.getByRole('dialog', { name: 'Publish Notify everyone' });
      const pin = dialog.getByRole('row', { name: /@acme\/notify/ });
      await pin.waitFor();
      expect(await pin.textContent()).toMatch(/1\.1\.0.*not approved.*beyond 1\.0\.0: http: \*/);
      await dialog.getByRole('alert').filter({ hasText: 'AH_CAPABILITIES_NOT_APPROVED' }).waitFor();
      expect(await dialog.getByRole('checkbox', { name: /^I approve/ }).count()).toBe(0);
      expect(await dialog.getByRole('button', { name: 'Publish version 1' }).isDisabled()).toBe(true);
      await screenshot(editor.page, 'publish-capabilities-editor');
      expect(editor.cspViolations).toEqual([]);
    } finally {
      await editor.close();
    }

    const admin = await openPage(chromium.browser);
    try {
      await signIn(admin.page, host.url, host.token, `/workflows/${created.body.id}`);
      await admin.page.getByRole('button', { name: 'Publish…' }).click();
      const dialog = admin.page.getByRole('dialog', { name: 'Publish Notify everyone' });
      const publish = dialog.getByRole('button', { name: 'Publish version 1' });
      await dialog.getByRole('checkbox', { name: 'I approve what @acme/notify@1.1.0 may reach' }).waitFor();
      expect(await publish.isDisabled()).toBe(true);
      await dialog.getByRole('checkbox', { name: 'I approve what @acme/notify@1.1.0 may reach' }).check();
      await publish.click();
      await dialog.waitFor({ state: 'hidden' });
      const workflow = await host.api<{ published: { version: number } | null }>(
        'GET',
        `/api/workflows/${created.body.id}`,
      );
      expect(workflow.body.published?.version).toBe(1);
      const review = await host.api<{ approved: boolean }>('GET', '/api/plugins/%40acme%2Fnotify/1.1.0/capabilities');
      expect(review.body.approved).toBe(true);
      expect(admin.cspViolations).toEqual([]);
      expect(admin.errors).toEqual([]);
    } finally {
      await admin.close();
    }
  });
});
