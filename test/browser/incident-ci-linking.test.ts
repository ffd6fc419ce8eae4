// The seed's "Usecase: Incident-CI Linking" built in the console by mouse and keyboard only, against a running
// host (`actionhost start`, no seeded drafts) in real Chromium: a new workflow from an empty canvas, the Execute
// Plugin node from the palette, its Input Mappings with the placeholder picker, the trigger connected to it by
// dragging, Publish with its preview; then a CI and an incident carrying its IP address, a category change, and
// the CI in the Relations tab and the plugin execution in the Audit Trail tab. Also the designer's editing
// controls: undo/redo, delete, an unknown placeholder flagged in place, problems on their nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHostProcess, type HostProcess } from '@actionhost/test/support';
import { launchChromium, openPage, screenshot, signIn, type ConsoleBrowser, type ConsolePage } from './support.ts';

let host: HostProcess;
let chromium: ConsoleBrowser;
let session: ConsolePage;
let page: Page;

beforeAll(async () => {
  [host, chromium] = await Promise.all([startHostProcess({ seed: false }), launchChromium()]);
  session = await openPage(chromium.browser);
  page = session.page;
  await signIn(page, host.url, host.token, '/workflows');
}, 120_000);

afterAll(async () => {
  await session?.close();
  await chromium?.close();
  await host?.stop();
});

/** Drags from one element's centre to another's with the mouse, in small steps as a hand would. */
async function drag(
  from: { boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null> },
  to: typeof from,
) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

const canvasNode = (name: string) => page.getByRole('group', { name });

describe('Incident-CI Linking built in the console', { timeout: 240_000 }, () => {
  it('builds the workflow from an empty canvas, publishes it, and links the CI when an incident changes category', async () => {
    // A new workflow: module Request, "Category is changed" trigger.
    await page.getByRole('button', { name: 'New workflow' }).click();
    const dialog = page.getByRole('dialog', { name: 'New workflow' });
    await dialog.getByLabel(/^Name/).fill('Incident-CI Linking');
    await dialog.getByLabel('Event type (trigger)').selectOption({ label: 'Category is changed (incidents)' });
    await dialog.getByRole('button', { name: 'Create workflow' }).click();
    await page.getByRole('heading', { name: 'Designer: Incident-CI Linking' }).waitFor();
    await canvasNode('Trigger: Category is changed (incidents)').waitFor();
    expect(await page.getByRole('group', { name: /^Execute Plugin/ }).count()).toBe(0);
    await screenshot(page, 'designer-empty');

    // Execute Plugin from the palette (keyboard: focus the palette entry, press Enter).
    const paletteEntry = page.getByRole('button', { name: /^Add ITSM Plugin - Linking of CI to Incident Requests/ });
    await paletteEntry.focus();
    await page.keyboard.press('Enter');
    await canvasNode('Execute Plugin: Execute Plugin').waitFor();
    const settings = page.getByRole('complementary', { name: 'Execute Plugin' });
    await settings.getByLabel('Description').fill('Execute Plugin');
    expect(await settings.getByLabel('Select Source Node').inputValue()).toBe('trigger');

    // An unknown placeholder is flagged in place, then the picker inserts the real one.
    const requestId = settings.getByRole('textbox', { name: /^Request\.Id/ });
    await requestId.fill('#subjct#');
    await settings.getByText('Unknown placeholder #subjct#').waitFor();
    expect(await requestId.getAttribute('aria-invalid')).toBe('true');
    await requestId.fill('');
    await settings.getByLabel('Insert placeholder into Request.Id').selectOption('internalId');
    expect(await requestId.inputValue()).toBe('#internalId#');
    expect(await settings.getByText(/Unknown placeholder/).count()).toBe(0);
    await settings.getByRole('textbox', { name: /^Unique Identifier Type/ }).fill('ip address');

    // The trigger's exit dragged onto the node's input with the mouse.
    await drag(page.getByLabel('Category is changed (incidents): next exit'), page.getByLabel('Execute Plugin: input'));
    await page.getByRole('group', { name: 'Trigger leads to Execute Plugin' }).waitFor({ state: 'attached' });
    await screenshot(page, 'designer-incident-ci-linking');

    // Save (Ctrl+S), then Publish shows what it will pin before it pins it.
    await canvasNode('Execute Plugin: Execute Plugin').focus();
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: 'Ready to publish' }).waitFor();
    await page.getByRole('button', { name: 'Publish…' }).click();
    const publish = page.getByRole('dialog', { name: 'Publish Incident-CI Linking' });
    const pinRow = publish.getByRole('row', { name: /@actionhost\/ci-linking/ });
    await pinRow.waitFor();
    expect(await pinRow.textContent()).toMatch(/1\.0\.0.*sha512-/);
    await screenshot(page, 'designer-publish-preview');
    await publish.getByRole('button', { name: 'Publish version 1' }).click();
    await page.getByRole('status').filter({ hasText: 'Published version 1' }).waitFor();
    const workflows = await host.api<
      { name: string; published: { plugins: Record<string, { name: string }> } | null }[]
    >('GET', '/api/workflows');
    expect(workflows.body).toHaveLength(1);
    expect(Object.values(workflows.body[0].published!.plugins).map((pin) => pin.name)).toEqual([
      '@actionhost/ci-linking',
    ]);

    // The Configuration Item, created and found by its IP address.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Configuration Items' }).click();
    await page.getByRole('button', { name: 'New Configuration Item' }).click();
    const ciDialog = page.getByRole('dialog', { name: 'New Configuration Item' });
    await ciDialog.getByLabel(/^Name/).fill('web-01');
    await ciDialog.getByLabel('IP address').fill('10.0.0.5');
    await ciDialog.getByLabel('Host name').fill('web-01.corp.local');
    await ciDialog.getByRole('button', { name: 'Create Configuration Item' }).click();
    await page.getByRole('cell', { name: 'web-01', exact: true }).waitFor();
    await page.getByRole('searchbox').fill('10.0.0.5');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/search=10\.0\.0\.5/);
    await page.getByRole('cell', { name: 'web-01', exact: true }).waitFor();
    await screenshot(page, 'configuration-items');

    // An incident carrying the CI's IP address.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Requests' }).click();
    await page.getByRole('button', { name: 'New request' }).click();
    const requestDialog = page.getByRole('dialog', { name: 'New request' });
    await requestDialog.getByLabel('Kind').selectOption('incident');
    await requestDialog.getByLabel('Subject').fill('Web site is down');
    await requestDialog.getByLabel('Category').fill('Hardware');
    await requestDialog.getByLabel('Custom field 1 name').fill('ipAddress');
    await requestDialog.getByLabel('Custom field 1 value').fill('10.0.0.5');
    await requestDialog.getByRole('button', { name: 'Create request' }).click();
    await page.getByRole('heading', { name: /^INC-\d+: Web site is down$/ }).waitFor();

    // Change its category: the workflow runs and links the CI.
    await page.getByLabel('Category').fill('Network');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'category changed' }).waitFor();
    await page.getByRole('tab', { name: 'Relations' }).click();
    await page.getByRole('cell', { name: 'web-01', exact: true }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'request-relations');

    // The Audit Trail tab, reached with the keyboard (arrow keys move between tabs).
    await page.getByRole('tab', { name: 'Relations' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: 'Audit Trail', selected: true }).waitFor();
    const execution = page.getByRole('listitem').filter({ hasText: 'Plugin execution' });
    await execution.waitFor({ timeout: 60_000 });
    expect(await execution.textContent()).toContain('@actionhost/ci-linking@1.0.0');
    expect(await execution.textContent()).toContain('success');
    await screenshot(page, 'request-audit-trail');

    expect(session.cspViolations).toEqual([]);
    expect(session.errors).toEqual([]);
    expect(session.dialogs).toEqual([]);
  });

  it('undoes and redoes, deletes with the keyboard, and shows every problem on its node at once', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('button', { name: 'New workflow' }).click();
    const dialog = page.getByRole('dialog', { name: 'New workflow' });
    await dialog.getByLabel(/^Name/).fill('Editing checks');
    await dialog.getByRole('button', { name: 'Create workflow' }).click();
    await page.getByRole('heading', { name: 'Designer: Editing checks' }).waitFor();

    await page.getByRole('button', { name: /^Add If Else/ }).click();
    await canvasNode('If Else: If Else').waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => canvasNode('If Else: If Else').count()).toBe(0);
    await page.getByRole('button', { name: 'Redo' }).click();
    await canvasNode('If Else: If Else').waitFor();
    await canvasNode('If Else: If Else').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Delete');
    await expect.poll(() => canvasNode('If Else: If Else').count()).toBe(0);
    await page.keyboard.press('Control+z');
    await canvasNode('If Else: If Else').waitFor();

    // Two broken action nodes: both problems show, each on its own node.
    await page.getByRole('button', { name: /^Add ITSM Plugin/ }).click();
    const first = page.getByRole('complementary', { name: 'Execute Plugin' });
    await first.getByLabel(/^Title/).fill('First');
    // The plugin's mapping preset fills its Input Mappings; then one is emptied again to make a problem.
    await first.getByLabel('Mapping preset').selectOption('default');
    await first.getByRole('button', { name: 'Apply preset' }).click();
    expect(await first.getByRole('textbox', { name: /^Request\.Id/ }).inputValue()).toBe('#internalId#');
    expect(await first.getByRole('textbox', { name: /^Unique Identifier Type/ }).inputValue()).toBe('ip address');
    await first.getByRole('textbox', { name: /^Request\.Id/ }).fill('');
    await page.getByRole('button', { name: /^Add Run Webhook/ }).click();
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('heading', { name: /^Problems \(\d+\)$/ }).waitFor();
    await page.getByRole('list', { name: 'Problems of First' }).waitFor();
    await page.getByRole('list', { name: 'Problems of Run Webhook' }).waitFor();
    await screenshot(page, 'designer-problems');
    await page.getByRole('button', { name: 'Zoom In' }).click();
    await page.getByRole('button', { name: 'Fit View' }).click();
    expect(session.cspViolations).toEqual([]);
  });

  it('duplicates a workflow and deletes the draft copy; a published workflow offers no Delete', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('button', { name: 'Duplicate Incident-CI Linking' }).click();
    await page.getByRole('heading', { name: 'Designer: Incident-CI Linking (copy)' }).waitFor();
    await canvasNode('Execute Plugin: Execute Plugin').waitFor();
    await page.goBack();
    await page.getByRole('link', { name: 'Incident-CI Linking (copy)' }).waitFor();
    expect(await page.getByRole('button', { name: 'Delete Incident-CI Linking', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Delete Incident-CI Linking (copy)' }).click();
    await page.getByRole('dialog', { name: 'Delete draft' }).getByRole('button', { name: 'Delete draft' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Incident-CI Linking (copy)' }).count()).toBe(0);
    const names = (await host.api<{ name: string }[]>('GET', '/api/workflows')).body.map((workflow) => workflow.name);
    expect(names).not.toContain('Incident-CI Linking (copy)');
    expect(names).toContain('Incident-CI Linking');
  });
});
