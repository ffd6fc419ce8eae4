// ApplicationService on both backends: validation at the edge, unique names, references between App Integrations and
// Applications, resolving for the ldap capability and the workflow publisher, no stored secret.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openSecondConnection } from '../store/database.fixtures.ts';
import { ApplicationService } from './index.ts';
import {
  BIND_PASSWORD,
  appIntegrationBody,
  applicationBody,
  closedPort,
  failureOf,
  openApplicationsWorld,
  type ApplicationsWorld,
} from './applications.fixtures.ts';

describe.each(BACKENDS)('ApplicationService on %s', (backend) => {
  let world: ApplicationsWorld;
  beforeEach(async () => {
    world = await openApplicationsWorld(backend);
  });
  afterEach(async () => {
    await world.close();
  });

  const count = (table: string) => world.count(table);

  describe('applications', () => {
    it('stores an application with verification on and a 10 s timeout by default, and never holds the bind password', async () => {
      const created = await world.applications.createApplication(applicationBody(), 'token:admin');
      expect(created).toMatchObject({
        name: 'Corp AD',
        type: 'microsoft-active-directory',
        credential: 'ad-bind',
        tlsVerify: true,
        timeoutMs: 10_000,
        warnings: [],
        createdBy: 'token:admin',
      });
      expect(created.id).toMatch(/^app_/);
      expect(await world.applications.getApplication('Corp AD')).toEqual(created);
      expect(await world.applications.getApplication(created.id)).toEqual(created);
      expect(await world.applications.listApplications()).toEqual([created]);
      expect(JSON.stringify(await world.applications.listApplications())).not.toContain(BIND_PASSWORD);
      expect(await world.holds(BIND_PASSWORD)).toBe(false);
    });

    it('refuses an application whose credential does not exist, and stores nothing', async () => {
      const error = await failureOf(() =>
        world.applications.createApplication(applicationBody({ credential: 'nope' })),
      );
      expect(error.code).toBe('AH_CREDENTIAL_NOT_FOUND');
      expect(error.details.path).toBe('/credential');
      expect(await count('applications')).toBe(0);
    });

    it('refuses a credential that is not a basic one: its password is the bind password', async () => {
      const error = await failureOf(() =>
        world.applications.createApplication(applicationBody({ credential: 'crm-token' })),
      );
      expect(error.code).toBe('AH_APPLICATION_CREDENTIAL_UNSUITABLE');
      expect(await count('applications')).toBe(0);
    });

    it('refuses malformed settings with AH_VALIDATION_FAILED pointing at the field, and stores nothing', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ url: 'https://dc.example' }, '/url'],
        [{ url: 'ldaps://dc.example/DC=x' }, '/url'],
        [{ url: 'ldaps://user:pw@dc.example' }, '/url'],
        [{ baseDn: 'not a dn' }, '/baseDn'],
        [{ bindDn: 'just-a-name' }, '/bindDn'],
        [{ bindDn: 'CN=a\r\nCN=b,DC=x' }, '/bindDn'],
        [{ type: 'okta' }, '/type'],
        [{ caCertificate: '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----' }, '/caCertificate'],
        [{ tlsVerify: 'no' }, '/tlsVerify'],
        [{ timeoutMs: 0 }, '/timeoutMs'],
        [{ domain: 'not a domain' }, '/domain'],
        [{ name: ' padded' }, '/name'],
        [{ name: 'a/b' }, '/name'],
        [{ bindPassword: 'secret' }, '/'],
      ];
      for (const [overrides, path] of cases) {
        const error = await failureOf(() => world.applications.createApplication(applicationBody(overrides)));
        expect(error.code, JSON.stringify(overrides)).toBe('AH_VALIDATION_FAILED');
        expect(error.status).toBe(400);
        expect(error.details.path, JSON.stringify(overrides)).toBe(path);
      }
      expect(await count('applications')).toBe(0);
    });

    it('accepts ldap:// (StartTLS), a user principal name as bind identity, and a domain', async () => {
      const created = await world.applications.createApplication(
        applicationBody({
          url: 'ldap://127.0.0.1:389',
          bindDn: 'svc-actionhost@test.local',
          domain: 'test.local',
          timeoutMs: 2_000,
        }),
      );
      expect(created).toMatchObject({
        url: 'ldap://127.0.0.1:389',
        bindDn: 'svc-actionhost@test.local',
        domain: 'test.local',
        timeoutMs: 2_000,
      });
    });

    it('refuses a second application of the same name', async () => {
      await world.applications.createApplication(applicationBody());
      expect((await failureOf(() => world.applications.createApplication(applicationBody()))).code).toBe(
        'AH_APPLICATION_EXISTS',
      );
      expect(await count('applications')).toBe(1);
    });

    it('records turning TLS verification off: a warning on the application and a log entry naming who did it', async () => {
      const created = await world.applications.createApplication(applicationBody({ tlsVerify: false }), 'token:alice');
      expect(created.tlsVerify).toBe(false);
      expect(created.warnings.map((warning) => warning.code)).toEqual(['AH_TLS_VERIFY_DISABLED']);
      expect((await world.applications.getApplication('Corp AD')).warnings).toHaveLength(1);
      expect(world.logs).toEqual([
        expect.objectContaining({
          level: 'warn',
          data: expect.objectContaining({
            code: 'AH_TLS_VERIFY_DISABLED',
            application: 'Corp AD',
            actor: 'token:alice',
          }),
        }),
      ]);
    });

    it('answers AH_APPLICATION_NOT_FOUND for an unknown application', async () => {
      expect((await failureOf(() => world.applications.getApplication('nope'))).code).toBe('AH_APPLICATION_NOT_FOUND');
      expect((await failureOf(() => world.applications.deleteApplication('nope'))).code).toBe(
        'AH_APPLICATION_NOT_FOUND',
      );
      expect((await failureOf(() => world.applications.resolve('nope'))).code).toBe('AH_APPLICATION_NOT_FOUND');
      expect((await failureOf(() => world.applications.testConnection('nope'))).code).toBe('AH_APPLICATION_NOT_FOUND');
    });

    it('keeps its tables across a reopen of the store', async () => {
      await world.applications.createApplication(applicationBody());
      await world.applications.createAppIntegration(appIntegrationBody());
      const second = await openSecondConnection(world.test);
      try {
        const again = await ApplicationService.open({ db: second.db, credentials: world.credentials });
        expect((await again.listApplications()).map((a) => a.name)).toEqual(['Corp AD']);
        expect((await again.listAppIntegrations()).map((i) => i.name)).toEqual(['AD App']);
      } finally {
        await second.close();
      }
    });
  });

  describe('resolving an application for the ldap capability', () => {
    it("returns the settings with the credential's password as bind password, by id or by name", async () => {
      const created = await world.applications.createApplication(
        applicationBody({ caCertificate: undefined, domain: 'test.local', timeoutMs: 3_000 }),
      );
      const resolved = await world.applications.resolve(created.id);
      expect(resolved).toEqual({
        id: created.id,
        url: 'ldaps://127.0.0.1:636',
        bindDn: 'CN=svc-actionhost,CN=Users,DC=test,DC=local',
        bindPassword: BIND_PASSWORD,
        baseDn: 'DC=test,DC=local',
        tlsVerify: true,
        timeoutMs: 3_000,
        domain: 'test.local',
      });
      expect(await world.applications.resolve('Corp AD')).toEqual(resolved);
    });

    it('fails with AH_CREDENTIAL_NOT_FOUND once the credential is deleted, and Test Connection reports it', async () => {
      const created = await world.applications.createApplication(applicationBody());
      await world.credentials.delete('ad-bind');
      expect((await failureOf(() => world.applications.resolve(created.id))).code).toBe('AH_CREDENTIAL_NOT_FOUND');
      const result = await world.applications.testConnection('Corp AD');
      expect(result).toMatchObject({
        ok: false,
        baseDn: 'DC=test,DC=local',
        error: { code: 'AH_CREDENTIAL_NOT_FOUND' },
      });
    });

    it('Test Connection against a port nobody listens on reports AH_LDAP_UNREACHABLE without the password', async () => {
      const port = await closedPort();
      await world.applications.createApplication(
        applicationBody({ url: `ldaps://127.0.0.1:${port}`, timeoutMs: 2_000 }),
      );
      const result = await world.applications.testConnection('Corp AD');
      expect(result).toMatchObject({ ok: false, baseDn: 'DC=test,DC=local', error: { code: 'AH_LDAP_UNREACHABLE' } });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify([result, world.logs])).not.toContain(BIND_PASSWORD);
    });
  });

  describe('app integrations', () => {
    beforeEach(async () => {
      await world.applications.createApplication(applicationBody());
    });

    it('saves the seed\'s "AD App" with the AD plugin by default and resolves it with Action among the mappings', async () => {
      const created = await world.applications.createAppIntegration(appIntegrationBody(), 'token:admin');
      const application = await world.applications.getApplication('Corp AD');
      expect(created).toMatchObject({
        name: 'AD App',
        application: 'Corp AD',
        applicationId: application.id,
        plugin: '@actionhost/active-directory@^1.0.0',
        action: 'Create New User',
        mappings: { 'Base DN': 'CN=Users,DC=test,DC=local', UserType: 'Employee' },
        createdBy: 'token:admin',
      });
      expect(await world.applications.getAppIntegration('AD App')).toEqual(created);
      expect(await world.applications.listAppIntegrations()).toEqual([created]);
      expect(await world.applications.resolveAppIntegration('AD App')).toEqual({
        applicationId: application.id,
        plugin: { name: '@actionhost/active-directory', range: '^1.0.0' },
        mappings: { 'Base DN': 'CN=Users,DC=test,DC=local', UserType: 'Employee', Action: 'Create New User' },
      });
      expect(await world.applications.resolveAppIntegration('nope')).toBeNull();
    });

    it('takes another plugin range and an Action mapping equal to the action', async () => {
      const created = await world.applications.createAppIntegration(
        appIntegrationBody({
          name: 'AD Disable',
          plugin: '@actionhost/active-directory@~1.0.2',
          action: 'Disable User',
          mappings: { Action: 'Disable User' },
        }),
      );
      expect(await world.applications.resolveAppIntegration(created.name)).toMatchObject({
        plugin: { name: '@actionhost/active-directory', range: '~1.0.2' },
        mappings: { Action: 'Disable User' },
      });
    });

    it('refuses bad bodies with AH_VALIDATION_FAILED pointing at the field, and stores nothing', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ action: 'Create User' }, '/action'],
        [{ plugin: 'active-directory' }, '/plugin'],
        [{ plugin: '@actionhost/active-directory@not-a-range' }, '/plugin'],
        [{ mappings: { Action: 'Delete User' } }, '/mappings/Action'],
        [{ mappings: [] }, '/mappings'],
        [{ name: '' }, '/name'],
        [{ extra: true }, '/'],
      ];
      for (const [overrides, path] of cases) {
        const error = await failureOf(() => world.applications.createAppIntegration(appIntegrationBody(overrides)));
        expect(error.code, JSON.stringify(overrides)).toBe('AH_VALIDATION_FAILED');
        expect(error.details.path, JSON.stringify(overrides)).toBe(path);
      }
      expect(await count('app_integrations')).toBe(0);
    });

    it('accepts a password mapping as a placeholder read from the workflow data', async () => {
      const created = await world.applications.createAppIntegration(
        appIntegrationBody({ mappings: { Password: '#customFields.password#' } }),
      );
      expect(created.mappings).toEqual({ Password: '#customFields.password#' });
    });

    it('holds a literal default Password sealed under the master key: never in the database or in an answer', async () => {
      const typed = 'Welcome-Default-Pa55!';
      const created = await world.applications.createAppIntegration(
        appIntegrationBody({ mappings: { Password: typed } }),
      );
      expect(created.mappings.Password).toEqual({ $sealed: expect.any(String) });
      expect(JSON.stringify(await world.applications.listAppIntegrations())).not.toContain(typed);
      expect(await world.holds(typed)).toBe(false);
      const sealed = (
        (await world.applications.resolveAppIntegration('AD App'))!.mappings.Password as { $sealed: string }
      ).$sealed;
      expect(world.credentials.openValue('workflow-input', sealed)).toBe(typed);
    });

    it('refuses an unknown application and a duplicate name', async () => {
      const missing = await failureOf(() =>
        world.applications.createAppIntegration(appIntegrationBody({ application: 'Other AD' })),
      );
      expect(missing.code).toBe('AH_APPLICATION_NOT_FOUND');
      expect(missing.details.path).toBe('/application');
      await world.applications.createAppIntegration(appIntegrationBody());
      expect((await failureOf(() => world.applications.createAppIntegration(appIntegrationBody()))).code).toBe(
        'AH_APP_INTEGRATION_EXISTS',
      );
      expect(await count('app_integrations')).toBe(1);
    });

    it('refuses to delete an application while an App Integration uses it, and deletes it once that is gone', async () => {
      await world.applications.createAppIntegration(appIntegrationBody());
      const error = await failureOf(() => world.applications.deleteApplication('Corp AD'));
      expect(error).toMatchObject({
        code: 'AH_APPLICATION_IN_USE',
        status: 409,
        details: { appIntegrations: ['AD App'] },
      });
      expect(await count('applications')).toBe(1);
      await world.applications.deleteAppIntegration('AD App');
      expect((await failureOf(() => world.applications.getAppIntegration('AD App'))).code).toBe(
        'AH_APP_INTEGRATION_NOT_FOUND',
      );
      expect((await failureOf(() => world.applications.deleteAppIntegration('AD App'))).code).toBe(
        'AH_APP_INTEGRATION_NOT_FOUND',
      );
      await world.applications.deleteApplication('Corp AD');
      expect(await world.applications.listApplications()).toEqual([]);
    });
  });
});
