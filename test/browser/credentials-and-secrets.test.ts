// The API Credential page's bindings and rotation, and secret Input Mappings typed as literals, in real Chromium:
// a credential is created with the URL prefixes and plugins it may serve and shows them in the list; rotation
// stores a new secret and keeps the binding unless it is changed; the designer shows a chosen credential's binding;
// a Run Webhook Basic Auth password typed as `p#w` needs no escaping and arrives at the target exactly so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  startHostProcess,
  startHttpTarget,
  type HostProcess,
  type HttpTarget,
} from '@actionhost/test/support';
import {
  launchChromium,
  openPage,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
  type ConsoleBrowser,
} from './support.ts';

interface CredentialView {
  name: string;
  updatedAt: string;
  binding: { urls: string[]; plugins: string[] };
}

let host: HostProcess;
let target: HttpTarget;
let chromium: ConsoleBrowser;

beforeAll(async () => {
  [host, target, chromium] = await Promise.all([
    startHostProcess({ allowPrivate: '127.0.0.1' }),
    startHttpTarget(),
    launchChromium(),
  ]);
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await target?.close();
  await host?.stop();
});

describe('API Credentials', () => {
  it('creates a credential with its binding, shows it in the list, and rotates it keeping or changing the binding', async () => {
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, '/credentials');
      const form = page.getByRole('form', { name: 'New credential' });
      await form.getByLabel('Credential name').fill('crm-token');
      await form.getByLabel('Credential type').selectOption('bearer');
      await form.getByLabel(/^Token/).fill('tok-first-1');
      await form
        .getByLabel('URL prefixes it may be sent to')
        .fill(`${target.origin}/crm/\nhttps://crm.example.com/api/`);
      await form
        .getByRole('group', { name: 'Plugins that may use it' })
        .getByRole('checkbox', { name: '@actionhost/run-webhook' })
        .check();
      await form.getByRole('button', { name: 'Store credential' }).click();
      const row = page.getByRole('row', { name: /crm-token/ });
      await row.getByText(`${target.origin}/crm/`).waitFor();
      await row.getByText('https://crm.example.com/api/').waitFor();
      await row.getByText('plugins: @actionhost/run-webhook').waitFor();
      expect(await page.getByLabel(/^Token/).inputValue()).toBe('');
      const stored = (await host.api<CredentialView>('GET', '/api/credentials/crm-token')).body;
      expect(stored.binding).toEqual({
        urls: [`${target.origin}/crm/`, 'https://crm.example.com/api/'],
        plugins: ['@actionhost/run-webhook'],
      });
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'credentials-bindings');

      // A prefix that is no URL prefix is refused with the API's code, and nothing is stored.
      await form.getByLabel('Credential name').fill('bad-binding');
      await form.getByLabel(/^Token/).fill('tok-bad');
      await form.getByLabel('URL prefixes it may be sent to').fill('https://crm.example.com/?q=1');
      await form.getByRole('button', { name: 'Store credential' }).click();
      await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/AH_[A-Z_]+/);
      expect((await host.api('GET', '/api/credentials/bad-binding')).status).toBe(404);

      // Rotation keeps the binding unless asked to change it.
      await row.getByRole('button', { name: 'Rotate credential crm-token' }).click();
      const rotate = page.getByRole('dialog', { name: 'Rotate credential crm-token' });
      await rotate.getByLabel(/^Token/).fill('tok-second-2');
      await rotate.getByRole('button', { name: 'Store the new secret' }).click();
      await rotate.waitFor({ state: 'hidden' });
      const rotated = (await host.api<CredentialView>('GET', '/api/credentials/crm-token')).body;
      expect(rotated.binding).toEqual(stored.binding);
      expect(Date.parse(rotated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(stored.updatedAt));

      await row.getByRole('button', { name: 'Rotate credential crm-token' }).click();
      await rotate.getByLabel(/^Token/).fill('tok-third-3');
      await rotate.getByRole('checkbox', { name: 'Change what it may be used for too' }).check();
      await rotate.getByLabel('URL prefixes it may be sent to').fill(`${target.origin}/crm/v2/`);
      await rotate
        .getByRole('group', { name: 'Plugins that may use it' })
        .getByRole('checkbox', { name: '@actionhost/run-webhook' })
        .uncheck();
      await rotate.getByRole('button', { name: 'Store the new secret' }).click();
      await row.getByText(`${target.origin}/crm/v2/`).waitFor();
      await row.getByText('any plugin').waitFor();
      expect((await host.api<CredentialView>('GET', '/api/credentials/crm-token')).body.binding).toEqual({
        urls: [`${target.origin}/crm/v2/`],
        plugins: [],
      });
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('secret Input Mappings', () => {
  it('sends a Basic Auth password typed as p#w as a literal: no escaping, and the target receives it as typed', async () => {
    const created = await host.api<{ id: string }>('POST', '/api/workflows', {
      name: 'Notify CRM',
      module: 'request',
      trigger: { event: 'request.created', kind: 'incident' },
      start: 'hook',
      nodes: [
        {
          id: 'hook',
          kind: 'action',
          title: 'Notify',
          uses: '@actionhost/run-webhook@^1.0.0',
          inputs: {
            URL: `${target.origin}/echo`,
            'Request Type': 'POST',
            'Credential Type': 'Basic Auth',
            Username: 'svc',
            'Request JSON': { subject: '#subject#' },
          },
        },
      ],
    });
    expect(created.status).toBe(201);
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      const sent: unknown[] = [];
      page.on('request', (request) => {
        if (request.method() === 'PUT' && request.url().endsWith(`/api/workflows/${created.body.id}`)) {
          sent.push(request.postDataJSON());
        }
      });
      await signIn(page, host.url, host.token, `/workflows/${created.body.id}`);
      await page.getByRole('group', { name: 'Run Webhook: Notify' }).click();
      const settings = page.getByRole('complementary', { name: 'Run Webhook' });
      const password = settings.getByLabel(/^Password/);
      await password.fill('p#w');
      // Nothing is flagged: a "#" in a secret typed as is opens no placeholder.
      expect(await settings.getByText('opens no placeholder').count()).toBe(0);
      expect(await password.getAttribute('aria-invalid')).toBeNull();
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /^Saved revision/ })
        .waitFor();
      const inputs = (sent.at(-1) as { nodes: { inputs: Record<string, unknown> }[] }).nodes[0].inputs;
      expect(inputs.Password).toEqual({ $literal: 'p#w' });
      // The host seals it: the draft it answers with holds no password, only a sealed value.
      const saved = await host.api<{ definition: { nodes: { inputs: Record<string, unknown> }[] } }>(
        'GET',
        `/api/workflows/${created.body.id}`,
      );
      expect(JSON.stringify(saved.body)).not.toContain('p#w');
      expect(Object.keys(saved.body.definition.nodes[0].inputs.Password as object)).toEqual(['$sealed']);

      expect((await host.api('POST', `/api/workflows/${created.body.id}/publish`)).status).toBeLessThan(300);
      const request = await host.api<{ internalId: number }>('POST', '/api/requests', {
        kind: 'incident',
        subject: 'printer on fire',
        requester: { name: 'Ada', email: 'ada@example.com', username: 'ada' },
      });
      expect(request.status).toBe(201);
      await eventually(
        () => Promise.resolve(target.requestsTo('/echo')),
        (found) => found.length > 0,
        60_000,
      );
      expect(target.requestsTo('/echo')[0].headers.authorization).toBe(
        `Basic ${Buffer.from('svc:p#w').toString('base64')}`,
      );

      // A stored credential chosen for the node shows where its admin bound it (the first test's crm-token).
      await settings.getByRole('combobox', { name: /^Credential Type/ }).selectOption('By Credentials');
      await settings.getByRole('combobox', { name: /^Credential\b(?! Type)/ }).selectOption('crm-token');
      await settings.getByText(`May be sent to ${target.origin}/crm/v2/.`).waitFor();
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
