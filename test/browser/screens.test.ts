// Every screen of the console, in real Chromium, with hostile text in the data: a request, a CI, a workflow and
// its nodes named with `<img src=x onerror=alert(1)>` and `"><script>alert(2)</script>`. On each screen the text
// shows as text (no dialog opens, no element is made from it, no CSP violation), an axe-core scan finds no
// serious or critical accessibility violation, and a screenshot is saved under test-results/console/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  eventually,
  startHostProcess,
  startHttpTarget,
  type HostProcess,
  type HttpTarget,
} from '@actionhost/test/support';
import {
  createToken,
  launchChromium,
  openPage,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
  XSS_BREAKOUT,
  XSS_SUBJECT,
  type ConsoleBrowser,
  type ConsolePage,
} from './support.ts';

let host: HostProcess;
let target: HttpTarget;
let chromium: ConsoleBrowser;
let session: ConsolePage;
let page: Page;
let requestId: number;
let workflowId: string;
let executionId: string;

beforeAll(async () => {
  [host, target, chromium] = await Promise.all([
    startHostProcess({ allowPrivate: '127.0.0.1' }),
    startHttpTarget(),
    launchChromium(),
  ]);
  const ok = (response: { status: number; body: unknown }) => {
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
    return response.body as Record<string, unknown>;
  };
  ok(
    await host.api('POST', '/api/credentials', { name: 'crm-token', type: 'bearer', secret: { token: 'tok-123456' } }),
  );
  ok(
    await host.api('POST', '/api/credentials', {
      name: 'ad-bind',
      type: 'basic',
      secret: { username: 'svc', password: 'Bind-Secret-1' },
    }),
  );
  ok(
    await host.api('POST', '/api/applications', {
      name: `Directory ${XSS_SUBJECT}`,
      type: 'microsoft-active-directory',
      url: 'ldaps://127.0.0.1:636',
      bindDn: 'CN=svc,CN=Users,DC=test,DC=local',
      credential: 'ad-bind',
      baseDn: 'DC=test,DC=local',
    }),
  );
  ok(
    await host.api('POST', '/api/app-integrations', {
      name: 'AD App',
      application: `Directory ${XSS_SUBJECT}`,
      action: 'Create New User',
      mappings: { UserType: XSS_BREAKOUT },
    }),
  );
  ok(
    await host.api('POST', '/api/cis', {
      name: `web ${XSS_SUBJECT}`,
      ipAddress: '10.0.0.7',
      serialNumber: XSS_BREAKOUT,
    }),
  );
  const workflow = ok(
    await host.api('POST', '/api/workflows', {
      name: `Echo ${XSS_BREAKOUT}`,
      module: 'request',
      trigger: { event: 'request.created', kind: 'incident' },
      start: 'hook',
      nodes: [
        {
          id: 'hook',
          kind: 'action',
          title: XSS_SUBJECT,
          uses: '@actionhost/run-webhook@^1.0.0',
          inputs: {
            URL: `${target.origin}/echo`,
            'Request Type': 'POST',
            'Request JSON': { subject: '#subject#', description: '#description#' },
          },
          next: { success: 'link' },
        },
        {
          id: 'link',
          kind: 'action',
          title: XSS_BREAKOUT,
          uses: '@actionhost/ci-linking@^1.0.0',
          inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
        },
      ],
    }),
  );
  workflowId = workflow.id as string;
  ok(await host.api('POST', `/api/workflows/${workflowId}/publish`));
  const request = ok(
    await host.api('POST', '/api/requests', {
      kind: 'incident',
      subject: XSS_SUBJECT,
      description: XSS_BREAKOUT,
      category: XSS_BREAKOUT,
      department: XSS_SUBJECT,
      requester: { name: XSS_SUBJECT, email: 'x@example.com', username: 'x' },
      customFields: { ipAddress: '10.0.0.7', note: XSS_BREAKOUT },
    }),
  );
  requestId = request.internalId as number;
  const executions = await eventually(
    () => host.api<{ id: string; status: string }[]>('GET', `/api/executions?requestId=${requestId}`),
    (response) => response.body.length === 1 && ['succeeded', 'failed'].includes(response.body[0].status),
    60_000,
  );
  executionId = executions.body[0].id;
  session = await openPage(chromium.browser);
  page = session.page;
}, 180_000);

afterAll(async () => {
  await session?.close();
  await chromium?.close();
  await target?.close();
  await host?.stop();
});

/** What every screen must hold to: hostile text stayed text, no CSP violation, no serious accessibility issue. */
async function checkScreen(name: string, options: { showsRequestData?: boolean } = {}): Promise<void> {
  if (options.showsRequestData) await page.getByText(XSS_SUBJECT).first().waitFor();
  expect(session.dialogs, name).toEqual([]);
  expect(await page.locator('img[src="x"]').count(), name).toBe(0);
  expect(await page.evaluate<number>('document.scripts.length'), name).toBe(1);
  expect(session.cspViolations, name).toEqual([]);
  expect(session.errors, name).toEqual([]);
  const violations = await seriousAccessibilityViolations(page);
  expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  await screenshot(page, name);
}

const SCREENS: { name: string; path: () => string; heading: RegExp; showsRequestData?: boolean }[] = [
  { name: 'workflows', path: () => '/workflows', heading: /^Workflows$/ },
  { name: 'designer', path: () => `/workflows/${workflowId}`, heading: /^Designer: Echo/ },
  { name: 'executions', path: () => '/executions', heading: /^Executions$/ },
  { name: 'execution', path: () => `/executions/${executionId}`, heading: /^Execution ex_/, showsRequestData: true },
  { name: 'requests', path: () => '/requests', heading: /^Requests$/, showsRequestData: true },
  { name: 'request-details', path: () => `/requests/${requestId}`, heading: /^INC-\d+:/, showsRequestData: true },
  {
    name: 'request-relations-xss',
    path: () => `/requests/${requestId}?tab=relations`,
    heading: /^INC-\d+:/,
    showsRequestData: true,
  },
  {
    name: 'request-audit-xss',
    path: () => `/requests/${requestId}?tab=audit`,
    heading: /^INC-\d+:/,
    showsRequestData: true,
  },
  { name: 'configuration-items-xss', path: () => '/cis', heading: /^Configuration Items$/, showsRequestData: true },
  { name: 'plugins', path: () => '/plugins', heading: /^Plugins$/ },
  { name: 'credentials', path: () => '/credentials', heading: /^API Credentials$/ },
  { name: 'applications-xss', path: () => '/applications', heading: /^Applications$/, showsRequestData: true },
  { name: 'tokens', path: () => '/tokens', heading: /^API Tokens$/ },
  { name: 'connectors', path: () => '/connectors', heading: /^Connectors$/ },
  { name: 'workflow-versions-xss', path: () => `/workflows/${workflowId}/versions`, heading: /^Versions of Echo/ },
];

describe('every screen', { timeout: 300_000 }, () => {
  it('the sign-in screen passes the accessibility scan', async () => {
    await page.goto(`${host.url}/`);
    await page.getByRole('heading', { name: 'Sign in to actionhost' }).waitFor();
    await checkScreen('sign-in-a11y');
    await signIn(page, host.url, host.token, '/workflows');
  });

  for (const screen of SCREENS) {
    it(`${screen.name}: hostile text stays text, no CSP violation, no serious accessibility violation`, async () => {
      await page.goto(`${host.url}${screen.path()}`);
      await page.getByRole('heading', { level: 1, name: screen.heading }).waitFor();
      await checkScreen(screen.name, { showsRequestData: screen.showsRequestData ?? false });
    });
  }

  it('the canvas, the audit trail and the execution show the hostile titles and values as text', async () => {
    await page.goto(`${host.url}/workflows/${workflowId}`);
    await page.getByRole('group', { name: `Run Webhook: ${XSS_SUBJECT}` }).waitFor();
    await page.getByRole('group', { name: `Execute Plugin: ${XSS_BREAKOUT}` }).waitFor();
    await page.goto(`${host.url}/requests/${requestId}?tab=audit`);
    await page.getByText(XSS_BREAKOUT).first().waitFor();
    await page.goto(`${host.url}/requests/${requestId}?tab=relations`);
    await page.getByRole('cell', { name: `web ${XSS_SUBJECT}` }).waitFor();
    await page.goto(`${host.url}/executions/${executionId}`);
    await page
      .getByRole('heading', { level: 3, name: new RegExp(`^${XSS_SUBJECT.replace(/[()]/g, '\\$&')}`) })
      .waitFor();
    // The webhook step's redacted input and its output (the target's echo) carry the subject and description.
    for (const summary of await page.getByText(/^(Input \(secrets redacted\)|Output)$/).all()) await summary.click();
    expect(await page.getByLabel(`Input of ${XSS_SUBJECT}`).textContent()).toContain(XSS_SUBJECT);
    expect(await page.getByLabel(`Output of ${XSS_SUBJECT}`).textContent()).toContain('alert(2)');
    await screenshot(page, 'execution-xss-inputs');
    expect(session.dialogs).toEqual([]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  });

  it("an agent's request screens show the same text inertly", async () => {
    const agent = await openPage(chromium.browser);
    try {
      await signIn(agent.page, host.url, await createToken(host.dataDir, 'agent'), `/requests/${requestId}?tab=audit`);
      await agent.page.getByText(XSS_SUBJECT).first().waitFor();
      await agent.page.goto(`${host.url}/requests`);
      await agent.page.getByRole('cell', { name: XSS_SUBJECT }).first().waitFor();
      expect(agent.dialogs).toEqual([]);
      expect(await agent.page.locator('img[src="x"]').count()).toBe(0);
      expect(agent.cspViolations).toEqual([]);
    } finally {
      await agent.close();
    }
  });
});
