// Microsoft Active Directory's Test Connection, an unreachable directory, and what an execution record may
// show: run in the real sandbox against the real DC (and a loopback port nobody listens on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createTestHost, type TestHost } from '@actionhost/core/testing';
import {
  adApplication,
  applicationsOf,
  readAsAdmin,
  seedContainer,
  seedUser,
  strongPassword,
  uniqueUsername,
} from '@actionhost/test/ad';
import { adFacts, closedPort } from '@actionhost/test/ad';

const PLUGIN = join(import.meta.dirname, '..');
const ad = adFacts();
let host: TestHost;

beforeAll(async () => {
  const down = `ldaps://127.0.0.1:${await closedPort()}`;
  host = await createTestHost({
    ldap: {
      applications: applicationsOf(
        adApplication(ad),
        adApplication(ad, { id: 'down', url: down, timeoutMs: 2_000 }),
        adApplication(ad, { id: 'users-only', baseDn: ad.usersDn }),
      ),
    },
  });
});
afterAll(async () => {
  await host?.close();
});

const invoke = (input: Record<string, unknown>, applicationId: string, entry: 'run' | 'testConnection' = 'run') =>
  host.invokeDir(PLUGIN, input, { entry, bindings: { applicationId } });

describe('Microsoft Active Directory: connection', () => {
  it('Test Connection binds with the application and reads the base DN', async () => {
    const outcome = await invoke({ Action: 'Create New User' }, 'ad', 'testConnection');
    expect(outcome.path).toBe('success');
    expect((outcome.output as { dn: string }).dn.toLowerCase()).toBe(ad.baseDn.toLowerCase());
  });

  it('Test Connection takes the failure path with AH_LDAP_UNREACHABLE when the server is down', async () => {
    const outcome = await invoke({ Action: 'Create New User' }, 'down', 'testConnection');
    expect(outcome.path).toBe('failure');
    expect((outcome.output as { error: { code: string } }).error.code).toBe('AH_LDAP_UNREACHABLE');
  });

  it('an action against an unreachable server takes the failure path with AH_LDAP_UNREACHABLE', async () => {
    const outcome = await invoke(
      { Action: 'Create New User', Username: uniqueUsername('down'), Password: strongPassword() },
      'down',
    );
    expect(outcome.path).toBe('failure');
    expect((outcome.output as { error: { code: string } }).error.code).toBe('AH_LDAP_UNREACHABLE');
  });

  it('declares Password writeOnly and never puts it into output or logs, even when AD refuses it', async () => {
    const manifest = (await host.load(PLUGIN)).manifest;
    expect(
      (manifest.input as { properties: Record<string, { writeOnly?: boolean }> }).properties.Password.writeOnly,
    ).toBe(true);
    const password = 'tiny';
    const outcome = await invoke(
      { Action: 'Create New User', Username: uniqueUsername('leak'), Password: password },
      'ad',
    );
    expect(outcome.path).toBe('failure');
    expect(JSON.stringify({ output: outcome.output, logs: outcome.logs })).not.toMatch(new RegExp(`\\b${password}\\b`));
  });

  it('refuses an Action the plugin does not offer before it runs', async () => {
    await expect(invoke({ Action: 'Format Domain', Username: 'x' }, 'ad')).rejects.toMatchObject({
      code: 'AH_INPUT_INVALID',
    });
  });

  it("cannot move a user out of the application's base DN (AH_LDAP_OUT_OF_SCOPE), and the user stays", async () => {
    const user = await seedUser(ad);
    const outside = await seedContainer(ad, 'ou'); // directly under the domain, outside CN=Users
    const outcome = await invoke({ Action: 'Move User', Username: user.name, 'Target OU': outside }, 'users-only');
    expect(outcome.path).toBe('failure');
    expect((outcome.output as { error: { code: string } }).error.code).toBe('AH_LDAP_OUT_OF_SCOPE');
    expect(await readAsAdmin(ad, user.dn)).toBeDefined();
  });
});
