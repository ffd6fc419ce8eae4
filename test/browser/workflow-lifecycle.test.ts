// What the seed issue added, driven in real Chromium: a request raised from the Employee On-boarding template;
// a workflow's published versions (who, when) with deactivate, activate and an earlier version made current;
// Test Connection's "send the real request" (a warning, then the configured POST really sent, where the default
// probe sends only a HEAD); Integration Connectors with their health and last-seen time; the executions' outcome
// filter.
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

function webhookWorkflow(name: string, url: string) {
  return {
    name,
    module: 'request',
    trigger: { event: 'request.created', kind: 'incident' },
    start: 'hook',
    nodes: [
      {
        id: 'hook',
        kind: 'action',
        title: 'Notify',
        uses: '@actionhost/run-webhook@^1.0.0',
        inputs: { URL: url, 'Request Type': 'POST', 'Request JSON': { subject: '#subject#' } },
      },
    ],
  };
}

describe('request templates', () => {
  it('raises a service request from the Employee On-boarding template with its typed fields', async () => {
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, '/requests');
      await page.getByRole('button', { name: 'From a template…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Raise a request from a template' });
      await dialog.getByLabel('Template').selectOption('Employee On-boarding');
      await dialog.getByLabel(/^New hire's name/).fill('Grace Hopper');
      await dialog.getByLabel(/^Username/).fill('ghopper');
      expect(await dialog.getByLabel(/^Department/).inputValue()).toBe('IT');
      // A required choice is marked like a required text field.
      expect(await dialog.locator('label', { hasText: /^Department/ }).textContent()).toBe('Department *');
      await dialog.getByLabel(/^Department/).selectOption('HR');
      await dialog.getByLabel(/^Start date/).fill('2027-03-01');
      await dialog.getByLabel('Requester name').fill('Ada');
      await dialog.getByLabel('Requester email').fill('ada@example.com');
      await dialog.getByLabel('Requester username').fill('ada');
      // The Username field keeps to the template's maxLength (an AD sAMAccountName).
      expect(await dialog.getByLabel(/^Username/).getAttribute('maxlength')).toBe('20');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'request-from-template');
      await dialog.getByLabel(/^Email/).fill('grace@example.com');
      await dialog.getByRole('button', { name: 'Raise request' }).click();
      await page.getByRole('heading', { level: 1, name: /^[A-Z]+-\d+: Employee On-boarding/ }).waitFor();
      const id = Number(new URL(page.url()).pathname.split('/').at(-1));
      const request = await host.api<{
        kind: string;
        template: string;
        department: string | null;
        customFields: Record<string, unknown>;
      }>('GET', `/api/requests/${id}`);
      expect(request.body).toMatchObject({
        kind: 'service-request',
        template: 'Employee On-boarding',
        department: 'HR',
        customFields: { newHireName: 'Grace Hopper', username: 'ghopper', email: 'grace@example.com' },
      });
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('workflow versions', () => {
  it('lists the published versions, deactivates and activates, and makes an earlier version current', async () => {
    const created = await host.api<{ id: string }>(
      'POST',
      '/api/workflows',
      webhookWorkflow('Versioned', `${target.origin}/json`),
    );
    const id = created.body.id;
    expect((await host.api('POST', `/api/workflows/${id}/publish`)).status).toBeLessThan(300);
    const draft = await host.api<{ definition: Record<string, unknown> }>('GET', `/api/workflows/${id}`);
    expect(
      (
        await host.api('PUT', `/api/workflows/${id}`, {
          ...draft.body.definition,
          description: 'second version',
        })
      ).status,
    ).toBeLessThan(300);
    expect((await host.api('POST', `/api/workflows/${id}/publish`)).status).toBeLessThan(300);

    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, '/workflows');
      await page.getByRole('link', { name: 'Versions of Versioned' }).click();
      await page.getByRole('heading', { level: 1, name: 'Versions of Versioned' }).waitFor();
      const versions = page.getByRole('table', { name: 'Published versions, newest first' });
      const row = (version: number) => versions.getByRole('row', { name: new RegExp(`^version ${version}\\b`) });
      await row(2).getByText('current, active').waitFor();
      expect(await row(2).getByRole('cell').first().textContent()).toContain('admin');
      expect(await row(2).getByRole('button').count()).toBe(0);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'workflow-versions');

      await page.getByRole('button', { name: 'Deactivate' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /^Switched off/ })
        .waitFor();
      expect((await host.api<{ active: boolean }>('GET', `/api/workflows/${id}`)).body.active).toBe(false);

      await row(1).getByRole('button', { name: 'Activate version 1' }).click();
      await row(1).getByText('current, active').waitFor();
      const workflow = await host.api<{ active: boolean; published: { version: number } }>(
        'GET',
        `/api/workflows/${id}`,
      );
      expect(workflow.body.active).toBe(true);
      expect(workflow.body.published.version).toBe(1);
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('Test Connection', () => {
  it('sends only the safe probe by default, and the real request after its warning when asked', async () => {
    const created = await host.api<{ id: string }>(
      'POST',
      '/api/workflows',
      webhookWorkflow('Real request', `${target.origin}/echo`),
    );
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, `/workflows/${created.body.id}`);
      await page.getByRole('group', { name: 'Run Webhook: Notify' }).click();
      const test = page.getByRole('region', { name: 'Test Connection' });
      const methods = () => target.requestsTo('/echo').map((request) => request.method);

      await test.getByRole('button', { name: 'Test Connection' }).click();
      await test.getByRole('status').getByText('(connection probe)').waitFor();
      expect(methods()).toEqual(['HEAD']);

      const real = test.getByRole('checkbox', { name: 'Send the real request' });
      await real.check();
      await test
        .getByRole('alert')
        .getByText(/side effects/)
        .waitFor();
      await screenshot(page, 'test-connection-real-request');
      await test.getByRole('button', { name: 'Test Connection' }).click();
      await test.getByRole('status').getByText('(the real request was sent)').waitFor();
      expect(methods()).toEqual(['HEAD', 'POST']);
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('connectors', () => {
  it('registers a connector with its token shown once, shows when it was last seen, re-issues, revokes and deletes', async () => {
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, '/');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connectors' }).click();
      await page.getByLabel(/^Connector name/).fill('branch-dc');
      await page.getByLabel('Description').fill('Branch office DC');
      await page.getByRole('button', { name: 'Register connector' }).click();
      const shown = page.getByRole('region', { name: 'Token of connector branch-dc' });
      const token = await shown.getByLabel('Connector token').inputValue();
      const row = page.getByRole('row', { name: /^branch-dc/ });
      await row.getByText('never-connected').waitFor();
      expect(await row.getByRole('cell').nth(1).textContent()).toBe('never');

      // The connector polls once: it is online, seen from its address, in its version.
      const poll = await fetch(`${host.url}/api/connector/poll`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ version: '9.8.7', waitMs: 0 }),
      });
      expect(poll.status).toBe(200);
      await shown.getByRole('button', { name: 'Done, hide the token' }).click();
      await page.reload();
      await row.getByText('online').waitFor();
      expect(await row.getByRole('cell').nth(1).textContent()).not.toBe('never');
      await row.getByText('9.8.7').waitFor();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'connectors');

      await row.getByRole('button', { name: 'New token for branch-dc' }).click();
      await page
        .getByRole('dialog', { name: 'Issue a new token' })
        .getByRole('button', { name: 'Issue a new token' })
        .click();
      const second = await page
        .getByRole('region', { name: 'Token of connector branch-dc' })
        .getByLabel('Connector token')
        .inputValue();
      expect(second).not.toBe(token);
      await row.getByRole('button', { name: 'Revoke branch-dc' }).click();
      await page.getByRole('dialog', { name: 'Revoke connector' }).getByRole('button', { name: 'Revoke' }).click();
      await row.getByText('revoked').waitFor();
      await row.getByRole('button', { name: 'Delete branch-dc' }).click();
      await page
        .getByRole('dialog', { name: 'Delete connector' })
        .getByRole('button', { name: 'Delete connector' })
        .click();
      await row.waitFor({ state: 'detached' });
      expect((await host.api('GET', '/api/connectors/branch-dc')).status).toBe(404);
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('executions', () => {
  it('filters executions by outcome: a run whose webhook took the failure path apart from one that succeeded', async () => {
    const passing = await host.api<{ id: string }>('POST', '/api/workflows', {
      ...webhookWorkflow('Outcome ok', `${target.origin}/json`),
      trigger: { event: 'request.created', kind: 'service-request' },
    });
    const failing = await host.api<{ id: string }>('POST', '/api/workflows', {
      ...webhookWorkflow('Outcome failing', `${target.origin}/status/500`),
      trigger: { event: 'request.created', kind: 'service-request' },
    });
    for (const id of [passing.body.id, failing.body.id]) {
      expect((await host.api('POST', `/api/workflows/${id}/publish`)).status).toBeLessThan(300);
    }
    const request = await host.api<{ internalId: number }>('POST', '/api/requests', {
      kind: 'service-request',
      subject: 'outcome probe',
    });
    await eventually(
      () => host.api<{ status: string }[]>('GET', `/api/executions?requestId=${request.body.internalId}`),
      (found) =>
        found.body.length === 2 &&
        found.body.every((execution) => execution.status !== 'running' && execution.status !== 'queued'),
      60_000,
    );
    const { page, cspViolations, errors, close } = await openPage(chromium.browser);
    try {
      await signIn(page, host.url, host.token, `/executions?requestId=${request.body.internalId}`);
      const table = page.getByRole('table', { name: 'Executions, newest first' });
      await expect.poll(() => table.getByRole('row').count()).toBe(3);
      await page.getByLabel('Outcome').selectOption('failure');
      await expect.poll(() => table.getByRole('row').count()).toBe(2);
      const row = table.getByRole('row').nth(1);
      expect(await row.textContent()).toContain('Outcome failing');
      expect(await row.getByRole('cell', { name: 'failure', exact: true }).count()).toBe(1);
      expect(new URL(page.url()).searchParams.get('outcome')).toBe('failure');
      await page.getByLabel('Outcome').selectOption('success');
      await expect.poll(() => table.getByRole('row').nth(1).textContent()).toContain('Outcome ok');
      expect(await table.getByRole('row').count()).toBe(2);
      await screenshot(page, 'executions-outcome');
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
