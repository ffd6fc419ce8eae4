// ApplicationService: stores Applications and App Integrations, resolves an Application (with its bind password,
// on the host only) for the ldap capability, an App Integration for the workflow publisher, and runs Test Connection.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ActionhostError, isActionhostError, type Json, type LogLevel } from '@actionhost/sdk';
import type { Store } from '../store/index.ts';
import { CredentialErrors, type CredentialStore } from '../credentials/index.ts';
import type { ApplicationResolver, LdapApplication } from '../capabilities/index.ts';
import type { AppIntegrationResolver, ResolvedAppIntegration } from '../workflow/index.ts';
import { ApplicationErrors } from './errors.ts';
import { failure, testDirectoryConnection, type Log } from './connection-test.ts';
import { MIGRATIONS, type AppIntegrationRow, type ApplicationRow } from './migrations.ts';
import {
  AppIntegrationCreate,
  ApplicationCreate,
  splitPluginSpec,
  type AppIntegration,
  type ActiveDirectoryAction,
  type Application,
  type ApplicationWarning,
  type ConnectionTestResult,
} from './schemas.ts';

export interface ApplicationServiceOptions {
  store: Store;
  /** Where `credential` names are checked and the bind password is resolved (CredentialStore fits). */
  credentials: Pick<CredentialStore, 'has' | 'get' | 'resolve'>;
  clock?: () => Date;
  /** Where explicit risky choices (TLS verification off) and connection warnings are logged. Default: console. */
  log?: Log;
}

const TLS_VERIFY_DISABLED = ApplicationErrors.tlsVerifyDisabled.code;

function consoleLog(level: LogLevel, message: string, data?: Json): void {
  if (level === 'warn' || level === 'error') console.warn(`[applications] ${message}`, data ?? '');
}

function warningsOf(row: ApplicationRow): ApplicationWarning[] {
  return row.tls_verify
    ? []
    : [
        {
          code: TLS_VERIFY_DISABLED,
          message: ApplicationErrors.tlsVerifyDisabled({ actor: row.created_by }).message,
        },
      ];
}

function applicationOf(row: ApplicationRow): Application {
  return {
    id: row.id,
    name: row.name,
    type: row.type as Application['type'],
    url: row.url,
    bindDn: row.bind_dn,
    credential: row.credential,
    baseDn: row.base_dn,
    ...(row.domain !== null ? { domain: row.domain } : {}),
    ...(row.ca_certificate !== null ? { caCertificate: row.ca_certificate } : {}),
    tlsVerify: row.tls_verify === 1,
    timeoutMs: row.timeout_ms,
    warnings: warningsOf(row),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function appIntegrationOf(row: AppIntegrationRow): AppIntegration {
  return {
    id: row.id,
    name: row.name,
    application: row.application_name,
    applicationId: row.application_id,
    plugin: row.plugin,
    action: row.action as ActiveDirectoryAction,
    mappings: JSON.parse(row.mappings) as Record<string, Json>,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const SELECT_INTEGRATIONS = `SELECT i.*, a.name AS application_name FROM app_integrations i JOIN applications a ON a.id = i.application_id`;

export class ApplicationService implements ApplicationResolver, AppIntegrationResolver {
  readonly #store: Store;
  readonly #credentials: ApplicationServiceOptions['credentials'];
  readonly #clock: () => Date;
  readonly #log: Log;

  constructor(options: ApplicationServiceOptions) {
    this.#store = options.store;
    this.#credentials = options.credentials;
    this.#clock = options.clock ?? (() => new Date());
    this.#log = options.log ?? consoleLog;
    this.#store.migrate('applications', MIGRATIONS);
  }

  createApplication(input: unknown, actor = 'system'): Application {
    const body = parse(ApplicationCreate, input, 'application');
    if (!this.#credentials.has(body.credential))
      throw atPath(CredentialErrors.notFound(body.credential), '/credential');
    const credentialType = this.#credentials.get(body.credential).type;
    if (credentialType !== 'basic') throw ApplicationErrors.credentialUnsuitable(body.credential, credentialType);
    const now = this.#clock().toISOString();
    const row: ApplicationRow = {
      id: `app_${randomUUID()}`,
      name: body.name,
      type: body.type,
      url: body.url,
      bind_dn: body.bindDn,
      credential: body.credential,
      base_dn: body.baseDn,
      domain: body.domain ?? null,
      ca_certificate: body.caCertificate ?? null,
      tls_verify: body.tlsVerify ? 1 : 0,
      timeout_ms: body.timeoutMs,
      created_by: actor,
      created_at: now,
      updated_at: now,
    };
    this.#store.transaction(() => {
      const inserted = this.#store.db
        .prepare(
          `INSERT OR IGNORE INTO applications (id, name, type, url, bind_dn, credential, base_dn,
        domain, ca_certificate, tls_verify, timeout_ms, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          row.id,
          row.name,
          row.type,
          row.url,
          row.bind_dn,
          row.credential,
          row.base_dn,
          row.domain,
          row.ca_certificate,
          row.tls_verify,
          row.timeout_ms,
          row.created_by,
          row.created_at,
          row.updated_at,
        );
      if (Number(inserted.changes) === 0) throw ApplicationErrors.applicationExists(row.name);
    });
    if (!body.tlsVerify) {
      this.#log(
        'warn',
        `TLS certificate verification is turned OFF for application "${row.name}" (explicit choice of ${actor})`,
        { code: TLS_VERIFY_DISABLED, application: row.name, applicationId: row.id, actor },
      );
    }
    return applicationOf(row);
  }

  /**
   * Replaces an application's settings (the same body as create). App Integrations and published workflows refer
   * to it by id, so they follow; a rename keeps the id.
   */
  updateApplication(nameOrId: string, input: unknown, actor = 'system'): Application {
    const body = parse(ApplicationCreate, input, 'application');
    if (!this.#credentials.has(body.credential))
      throw atPath(CredentialErrors.notFound(body.credential), '/credential');
    const credentialType = this.#credentials.get(body.credential).type;
    if (credentialType !== 'basic') throw ApplicationErrors.credentialUnsuitable(body.credential, credentialType);
    const row = this.#store.transaction(() => {
      const current = this.#applicationRow(nameOrId);
      const clash = this.#store.db
        .prepare('SELECT id FROM applications WHERE name = ? AND id <> ?')
        .get(body.name, current.id);
      if (clash) throw ApplicationErrors.applicationExists(body.name);
      this.#store.db
        .prepare(
          `UPDATE applications SET name = ?, type = ?, url = ?, bind_dn = ?, credential = ?, base_dn = ?, domain = ?,
           ca_certificate = ?, tls_verify = ?, timeout_ms = ?, updated_at = ? WHERE id = ?`,
        )
        .run(
          body.name,
          body.type,
          body.url,
          body.bindDn,
          body.credential,
          body.baseDn,
          body.domain ?? null,
          body.caCertificate ?? null,
          body.tlsVerify ? 1 : 0,
          body.timeoutMs,
          this.#clock().toISOString(),
          current.id,
        );
      return this.#applicationRow(current.id);
    });
    if (!body.tlsVerify) {
      this.#log(
        'warn',
        `TLS certificate verification is turned OFF for application "${row.name}" (explicit choice of ${actor})`,
        {
          code: TLS_VERIFY_DISABLED,
          application: row.name,
          applicationId: row.id,
          actor,
        },
      );
    }
    return applicationOf(row);
  }

  listApplications(): Application[] {
    return (
      this.#store.db.prepare('SELECT * FROM applications ORDER BY name').all() as unknown as ApplicationRow[]
    ).map(applicationOf);
  }

  /** By name, or by id (what a published workflow pins). */
  getApplication(nameOrId: string): Application {
    return applicationOf(this.#applicationRow(nameOrId));
  }

  /** Refused while an App Integration uses the application: a published workflow may pin it through one. */
  deleteApplication(nameOrId: string): void {
    this.#store.transaction(() => {
      const row = this.#applicationRow(nameOrId);
      const users = this.#store.db
        .prepare('SELECT name FROM app_integrations WHERE application_id = ? ORDER BY name')
        .all(row.id) as { name: string }[];
      if (users.length > 0)
        throw ApplicationErrors.applicationInUse(
          row.name,
          users.map((user) => user.name),
        );
      this.#store.db.prepare('DELETE FROM applications WHERE id = ?').run(row.id);
    });
  }

  createAppIntegration(input: unknown, actor = 'system'): AppIntegration {
    const body = parse(AppIntegrationCreate, input, 'App Integration');
    const now = this.#clock().toISOString();
    const id = `ai_${randomUUID()}`;
    return this.#store.transaction(() => {
      const application = this.#store.db
        .prepare('SELECT id, name FROM applications WHERE name = ?')
        .get(body.application) as { id: string; name: string } | undefined;
      if (!application) throw atPath(ApplicationErrors.applicationNotFound(body.application), '/application');
      const inserted = this.#store.db
        .prepare(
          `INSERT OR IGNORE INTO app_integrations (id, name, application_id, plugin, action, mappings,
        created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, body.name, application.id, body.plugin, body.action, JSON.stringify(body.mappings), actor, now, now);
      if (Number(inserted.changes) === 0) throw ApplicationErrors.appIntegrationExists(body.name);
      return appIntegrationOf({
        id,
        name: body.name,
        application_id: application.id,
        application_name: application.name,
        plugin: body.plugin,
        action: body.action,
        mappings: JSON.stringify(body.mappings),
        created_by: actor,
        created_at: now,
        updated_at: now,
      });
    });
  }

  /** Replaces an App Integration (the same body as create); workflows name it, and pick changes up when published. */
  updateAppIntegration(nameOrId: string, input: unknown): AppIntegration {
    const body = parse(AppIntegrationCreate, input, 'App Integration');
    return this.#store.transaction(() => {
      const current = this.#appIntegrationRow(nameOrId);
      if (!current) throw ApplicationErrors.appIntegrationNotFound(nameOrId);
      const application = this.#store.db.prepare('SELECT id FROM applications WHERE name = ?').get(body.application) as
        { id: string } | undefined;
      if (!application) throw atPath(ApplicationErrors.applicationNotFound(body.application), '/application');
      const clash = this.#store.db
        .prepare('SELECT id FROM app_integrations WHERE name = ? AND id <> ?')
        .get(body.name, current.id);
      if (clash) throw ApplicationErrors.appIntegrationExists(body.name);
      this.#store.db
        .prepare(
          'UPDATE app_integrations SET name = ?, application_id = ?, plugin = ?, action = ?, mappings = ?, updated_at = ? WHERE id = ?',
        )
        .run(
          body.name,
          application.id,
          body.plugin,
          body.action,
          JSON.stringify(body.mappings),
          this.#clock().toISOString(),
          current.id,
        );
      return appIntegrationOf(this.#appIntegrationRow(current.id)!);
    });
  }

  listAppIntegrations(): AppIntegration[] {
    return (
      this.#store.db.prepare(`${SELECT_INTEGRATIONS} ORDER BY i.name`).all() as unknown as AppIntegrationRow[]
    ).map(appIntegrationOf);
  }

  getAppIntegration(nameOrId: string): AppIntegration {
    const row = this.#appIntegrationRow(nameOrId);
    if (!row) throw ApplicationErrors.appIntegrationNotFound(nameOrId);
    return appIntegrationOf(row);
  }

  deleteAppIntegration(nameOrId: string): void {
    this.#store.transaction(() => {
      const row = this.#appIntegrationRow(nameOrId);
      if (!row) throw ApplicationErrors.appIntegrationNotFound(nameOrId);
      this.#store.db.prepare('DELETE FROM app_integrations WHERE id = ?').run(row.id);
    });
  }

  /** AppIntegrationResolver: the Application id the node binds to, the plugin spec, and the default mappings with `Action`. */
  resolveAppIntegration(name: string): ResolvedAppIntegration | null {
    const row = this.#appIntegrationRow(name);
    if (!row) return null;
    const integration = appIntegrationOf(row);
    const plugin = splitPluginSpec(integration.plugin);
    if (!plugin) return null; // validated on create; a row edited by hand is treated as absent
    return {
      applicationId: integration.applicationId,
      plugin,
      mappings: { ...integration.mappings, Action: integration.action },
    };
  }

  /** ApplicationResolver (the ldap capability): the Application's settings with its bind password. Host code only. */
  async resolve(applicationId: string, signal?: AbortSignal): Promise<LdapApplication> {
    signal?.throwIfAborted();
    const application = this.getApplication(applicationId);
    const secret = await this.#credentials.resolve(application.credential, signal);
    if (secret.type !== 'basic') throw ApplicationErrors.credentialUnsuitable(application.credential, secret.type);
    return {
      id: application.id,
      url: application.url,
      bindDn: application.bindDn,
      bindPassword: secret.password,
      baseDn: application.baseDn,
      ...(application.caCertificate !== undefined ? { caCertificate: application.caCertificate } : {}),
      tlsVerify: application.tlsVerify,
      timeoutMs: application.timeoutMs,
      ...(application.domain !== undefined ? { domain: application.domain } : {}),
    };
  }

  /** Binds with the application's credential and reads its base DN. Unknown application: AH_APPLICATION_NOT_FOUND. */
  async testConnection(nameOrId: string, signal?: AbortSignal): Promise<ConnectionTestResult> {
    const application = this.getApplication(nameOrId);
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    let resolved: LdapApplication;
    try {
      resolved = await this.resolve(application.id, signal);
    } catch (error) {
      if (!isActionhostError(error)) throw error;
      return { ok: false, baseDn: application.baseDn, durationMs: durationMs(), error: failure(error) };
    }
    const result = await testDirectoryConnection(resolved, {
      ...(signal ? { signal } : {}),
      log: (level, message, data) => this.#log(level, `test connection of "${application.name}": ${message}`, data),
    });
    return { ...result, durationMs: durationMs() };
  }

  #applicationRow(nameOrId: string): ApplicationRow {
    const row = this.#store.db
      .prepare('SELECT * FROM applications WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1')
      .get(nameOrId, nameOrId, nameOrId) as ApplicationRow | undefined;
    if (!row) throw ApplicationErrors.applicationNotFound(nameOrId);
    return row;
  }

  #appIntegrationRow(nameOrId: string): AppIntegrationRow | undefined {
    return this.#store.db
      .prepare(`${SELECT_INTEGRATIONS} WHERE i.id = ? OR i.name = ? ORDER BY i.id = ? DESC LIMIT 1`)
      .get(nameOrId, nameOrId, nameOrId) as AppIntegrationRow | undefined;
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ApplicationErrors.invalid(result.error, what);
  return result.data;
}

/** The same error, pointing (details.path) at the body field that named the missing thing. */
function atPath(error: ActionhostError, path: string): ActionhostError {
  return new ActionhostError(error.code, error.message, error.status, { ...error.details, path });
}
