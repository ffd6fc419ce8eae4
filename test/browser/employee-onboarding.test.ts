// The seed's "Usecase: Automate User Creation in Active Directory for Employee Onboarding" done in the console,
// in real Chromium, against the real Samba AD DC (test/ad): the bind credential on the API Credential page, the
// Microsoft Active Directory application (Test Connection), the "AD App" App Integration, the workflow built in
// the designer (Service Request is created → If Else: Subject contains "Employee On-boarding" and Department
// equals IT → Execute App Integration), the service request raised in the console, and the execution's timeline:
// success (the user can bind), and for a weak password the failure path with its error code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startHostProcess, type HostProcess } from '@actionhost/test/support';
import { adFacts, canBind, strongPassword, uniqueUsername } from '@actionhost/test/ad';
import { launchChromium, openPage, screenshot, signIn, type ConsoleBrowser, type ConsolePage } from './support.ts';

const ad = adFacts();
let host: HostProcess;
let chromium: ConsoleBrowser;
let session: ConsolePage;
let page: Page;

beforeAll(async () => {
  [host, chromium] = await Promise.all([startHostProcess({ seed: false }), launchChromium()]);
  session = await openPage(chromium.browser);
  page = session.page;
  await signIn(page, host.url, host.token, '/credentials');
}, 120_000);

afterAll(async () => {
  await session?.close();
  await chromium?.close();
  await host?.stop();
});

async function drag(from: Locator, to: Locator): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

/** Raises the service request in the console; answers its internal id. */
async function raise(username: string, password: string): Promise<number> {
  await nav('Requests').click();
  await page.getByRole('button', { name: 'New request' }).click();
  const dialog = page.getByRole('dialog', { name: 'New request' });
  await dialog.getByLabel('Kind').selectOption('service-request');
  await dialog.getByLabel(/^Subject/).fill(`Employee On-boarding: ${username}`);
  await dialog.getByLabel('Department').fill('IT');
  await dialog.getByLabel('Requester name').fill('Lizi');
  await dialog.getByLabel('Requester email').fill(`${username}@flotomate.local`);
  await dialog.getByLabel('Requester username').fill(username);
  await dialog.getByLabel('Custom field 1 name').fill('initialPassword');
  await dialog.getByLabel('Custom field 1 value').fill(password);
  await dialog.getByRole('button', { name: 'Create request' }).click();
  await page.getByRole('heading', { name: /^SR-\d+: Employee On-boarding/ }).waitFor();
  return Number(new URL(page.url()).pathname.split('/').pop());
}

/** Opens the request's execution from the Executions screen (filtered by request) and waits until it finished. */
async function openExecution(requestId: number): Promise<void> {
  await nav('Executions').click();
  await page.getByLabel('Request id').fill(String(requestId));
  const link = page.getByRole('link', { name: /^Open execution/ });
  await expect.poll(() => link.count(), { timeout: 60_000, interval: 500 }).toBe(1);
  await link.click();
  await page.getByRole('heading', { name: /^Execution ex_/ }).waitFor();
  await page.getByRole('button', { name: 'Retry' }).waitFor({ timeout: 60_000 });
}

describe('Employee On-boarding in the console against the Samba AD DC', { timeout: 300_000 }, () => {
  it('configures the directory, builds and publishes the workflow, and a raised request creates the user', async () => {
    // API Credential page: the bind account's password, write-only.
    await page.getByLabel(/^Credential name/).fill('ad-bind');
    await page.getByLabel('Credential type').selectOption('basic');
    await page.getByLabel(/^Username/).fill(ad.bindUpn);
    await page.getByLabel(/^Password/).fill(ad.bindPassword);
    await page.getByRole('button', { name: 'Store credential' }).click();
    await page.getByRole('cell', { name: 'ad-bind', exact: true }).waitFor();
    expect(await page.getByLabel(/^Password/).inputValue()).toBe('');
    expect(await page.content()).not.toContain(ad.bindPassword);
    await screenshot(page, 'api-credentials');

    // The application, with its Test Connection.
    await nav('Applications').click();
    await page.getByRole('button', { name: 'New application' }).click();
    const appDialog = page.getByRole('dialog', { name: 'New application' });
    await appDialog.getByLabel(/^Application name/).fill('Microsoft Active Directory');
    await appDialog.getByLabel(/^Directory URL/).fill(ad.url);
    await appDialog.getByLabel(/^Bind DN/).fill(ad.bindDn);
    await appDialog.getByLabel('Bind credential').selectOption('ad-bind');
    await appDialog.getByLabel(/^Base DN/).fill(ad.baseDn);
    await appDialog.getByLabel('Domain').fill(ad.domain);
    await appDialog.getByLabel('CA certificate (PEM)').fill(ad.caCertificate);
    await appDialog.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('cell', { name: 'Microsoft Active Directory', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Test Connection of Microsoft Active Directory' }).click();
    await page.getByText(/^Connected in/).waitFor({ timeout: 60_000 });

    // The "AD App" App Integration: Create New User, the password read from the request.
    await page.getByRole('button', { name: 'New App Integration' }).click();
    const integrationDialog = page.getByRole('dialog', { name: 'New App Integration' });
    await integrationDialog.getByLabel(/^App Integration name/).fill('AD App');
    await integrationDialog.getByLabel('Action').selectOption('Create New User');
    await integrationDialog.getByRole('button', { name: 'Add mapping' }).click();
    await integrationDialog.getByLabel('Mapping 1 key').fill('Password');
    await integrationDialog.getByLabel('Mapping 1 value').fill('#customFields.initialPassword#');
    await integrationDialog.getByRole('button', { name: 'Create App Integration' }).click();
    await page.getByRole('cell', { name: 'AD App', exact: true }).waitFor();
    await screenshot(page, 'applications');

    // The workflow: Service Request is created → If Else → Execute App Integration.
    await nav('Workflows').click();
    await page.getByRole('button', { name: 'New workflow' }).click();
    const dialog = page.getByRole('dialog', { name: 'New workflow' });
    await dialog.getByLabel(/^Name/).fill('Employee On-boarding');
    await dialog.getByLabel('Event type (trigger)').selectOption({ label: 'Service Request is created' });
    await dialog.getByRole('button', { name: 'Create workflow' }).click();
    await page.getByRole('heading', { name: 'Designer: Employee On-boarding' }).waitFor();

    await page.getByRole('button', { name: /^Add If Else/ }).click();
    const condition = page.getByRole('complementary', { name: 'If Else' });
    await condition.getByLabel('Rule 1 field').fill('subject');
    await condition.getByLabel('Rule 1 operator').selectOption('contains');
    await condition.getByLabel('Rule 1 value').fill('Employee On-boarding');
    await condition.getByRole('button', { name: 'Add rule' }).click();
    await condition.getByLabel('Rule 2 field').fill('department');
    await condition.getByLabel('Rule 2 operator').selectOption('equals');
    await condition.getByLabel('Rule 2 value').fill('IT');

    await page.getByRole('button', { name: /^Add App Integration AD App/ }).click();
    const action = page.getByRole('complementary', { name: 'Execute App Integration' });
    await action.getByLabel('Description').fill('Create a new user for User Onboard');
    expect(await action.getByLabel('App Integration').inputValue()).toBe('AD App');
    await action.getByLabel('Insert placeholder into mail').selectOption('requester.email');
    await action.getByLabel('Insert placeholder into Username').selectOption('requester.username');
    expect(await action.getByRole('textbox', { name: /^mail/ }).inputValue()).toBe('#requester.email#');

    await drag(page.getByLabel('Service Request is created: next exit'), page.getByLabel('If Else: input'));
    await drag(page.getByLabel('If Else: true exit'), page.getByLabel('Execute App Integration: input'));
    await page
      .getByRole('group', { name: 'If Else on true to Execute App Integration' })
      .waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Ready to publish' }).waitFor();
    // Test Connection of the node: the application binds and reads its base DN.
    await action.getByLabel('Sample initialPassword').fill(strongPassword());
    await action.getByRole('button', { name: 'Test Connection' }).click();
    await action.getByText(/^Result: success/).waitFor({ timeout: 60_000 });
    await screenshot(page, 'designer-employee-onboarding');
    await page.getByRole('button', { name: 'Publish…' }).click();
    const publish = page.getByRole('dialog', { name: 'Publish Employee On-boarding' });
    await publish.getByRole('row', { name: /@actionhost\/active-directory/ }).waitFor();
    await publish.getByRole('button', { name: 'Publish version 1' }).click();
    await page.getByRole('status').filter({ hasText: 'Published version 1' }).waitFor();

    // The request, raised in the console: the execution succeeds and the user exists with that password.
    const username = uniqueUsername('lizi');
    const password = strongPassword();
    const requestId = await raise(username, password);
    await openExecution(requestId);
    const timeline = page.getByRole('list', { name: 'Step timeline' });
    await page.getByText('succeeded', { exact: true }).first().waitFor();
    const step = timeline.getByRole('listitem').filter({ hasText: 'Execute App Integration' });
    expect(await step.textContent()).toContain('@actionhost/active-directory@1.0.0');
    expect(await step.textContent()).toMatch(/Path\s*success/);
    expect(await page.content()).not.toContain(password);
    await screenshot(page, 'execution-succeeded');
    expect(await canBind(ad, `${username}@${ad.domain}`, password)).toBe(true);

    expect(session.cspViolations).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('takes the failure path for a weak password and shows its error code on the timeline', async () => {
    const username = uniqueUsername('weak');
    const requestId = await raise(username, 'weak');
    await openExecution(requestId);
    const step = page
      .getByRole('list', { name: 'Step timeline' })
      .getByRole('listitem')
      .filter({ hasText: 'Execute App Integration' });
    await expect.poll(() => step.textContent()).toMatch(/Path\s*failure/);
    const text = (await step.textContent()) ?? '';
    expect(text).toMatch(/Error\s*AH_[A-Z_]+/);
    await screenshot(page, 'execution-weak-password');
    expect(await canBind(ad, `${username}@${ad.domain}`, 'weak')).toBe(false);
    // Retry runs it again (same pinned version, current request data): a new execution that says what it retries.
    const first = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith(first));
    await page.getByRole('link', { name: first }).waitFor();
    expect(await page.getByText('Retry of').count()).toBe(1);
    expect(session.cspViolations).toEqual([]);
  });
});
