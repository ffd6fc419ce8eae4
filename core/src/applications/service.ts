// ApplicationService: stores Applications and App Integrations, resolves an Application (with its bind password,
// on the host only) for the ldap capability, an App Integration for the workflow publisher, and runs Test Connection.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ActionhostError, isActionhostError, type Json, type LogLevel } from '@actionhost/sdk';
import { parseJsonColumn, queryAll, queryOne, type Database, type Queryable } from '../store/index.ts';
import { CredentialErrors, type CredentialStore } from '../credentials/index.ts';
import type { ApplicationResolver, LdapApplication, LdapRelay } from '../capabilities/index.ts';
import {
  sealInputs,
  type AppIntegrationResolver,
  type ResolvedAppIntegration,
  type SecretSealer,
} from '../workflow/index.ts';
import { ApplicationErrors } from './errors.ts';
import { ConnectorErrors } from '../connectors/index.ts';
import { InitialPasswords } from './initial-passwords.ts';
import { failure, testDirectoryConnection, type Log } from './connection-test.ts';
import { APPLICATION_MIGRATIONS, type AppIntegrationRow, type ApplicationRow } from './migrations.ts';
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
  db: Database;
  /**
   * Where `credential` names are checked and the bind password is resolved, and what seals literal secrets (a
   * default `Password`) in App Integration mappings as a workflow's Input Mappings are sealed (CredentialStore fits).
   */
  credentials: Pick<CredentialStore, 'has' | 'get' | 'resolve'> & SecretSealer;
  clock?: () => Date;
  /** Where explicit risky choices (TLS verification off) and connection warnings are logged. Default: console. */
  log?: Log;
  /** Carries Test Connection of an Application "via connector" to that connector (the connectors hub). */
  relay?: LdapRelay;
  /** Which Integration Connectors exist, so an Application cannot name one that does not (ConnectorService fits). */
  connectors?: { has(name: string): boolean | Promise<boolean> };
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
    ...(row.connector !== null ? { connector: row.connector } : {}),
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
    mappings: parseJsonColumn<Record<string, Json>>(row.mappings),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const SELECT_INTEGRATIONS = `SELECT i.*, a.name AS application_name FROM app_integrations i JOIN applications a ON a.id = i.application_id`;

export class ApplicationService implements ApplicationResolver, AppIntegrationResolver {
  /** Generated initial passwords waiting for an admin (the ldap capability keeps them here). */
  readonly initialPasswords: InitialPasswords;
  readonly #db: Database;
  readonly #credentials: ApplicationServiceOptions['credentials'];
  readonly #clock: () => Date;
  readonly #log: Log;
  readonly #relay: LdapRelay | undefined;
  readonly #connectors: ApplicationServiceOptions['connectors'];

  private constructor(options: ApplicationServiceOptions) {
    this.#db = options.db;
    this.#credentials = options.credentials;
    this.#clock = options.clock ?? (() => new Date());
    this.#relay = options.relay;
    this.#connectors = options.connectors;
    this.#log = options.log ?? consoleLog;
    this.initialPasswords = new InitialPasswords({
      db: this.#db,
      sealer: this.#credentials,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  static async open(options: ApplicationServiceOptions): Promise<ApplicationService> {
    await options.db.migrate('applications', APPLICATION_MIGRATIONS);
    return new ApplicationService(options);
  }

  async createApplication(input: unknown, actor = 'system'): Promise<Application> {
    const body = parse(ApplicationCreate, input, 'application');
    await this.#checkReferences(body);
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
      connector: body.connector ?? null,
      created_by: actor,
      created_at: now,
      updated_at: now,
    };
    await this.#db.withTransaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO applications (id, name, type, url, bind_dn, credential, base_dn,
        domain, ca_certificate, tls_verify, timeout_ms, connector, created_by, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING`,
        [
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
          row.connector,
          row.created_by,
          row.created_at,
          row.updated_at,
        ],
      );
      if (inserted.rowCount === 0) throw ApplicationErrors.applicationExists(row.name);
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
  async updateApplication(nameOrId: string, input: unknown, actor = 'system'): Promise<Application> {
    const body = parse(ApplicationCreate, input, 'application');
    await this.#checkReferences(body);
    const updatedAt = this.#clock().toISOString();
    const row = await this.#db.withTransaction(async (tx) => {
      const current = await this.#applicationRow(tx, nameOrId);
      const clash = await queryOne(tx, 'SELECT id FROM applications WHERE name = $1 AND id <> $2', [
        body.name,
        current.id,
      ]);
      if (clash) throw ApplicationErrors.applicationExists(body.name);
      await tx.query(
        `UPDATE applications SET name = $1, type = $2, url = $3, bind_dn = $4, credential = $5, base_dn = $6,
           domain = $7, ca_certificate = $8, tls_verify = $9, timeout_ms = $10, connector = $11, updated_at = $12
           WHERE id = $13`,
        [
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
          body.connector ?? null,
          updatedAt,
          current.id,
        ],
      );
      return this.#applicationRow(tx, current.id);
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

  async listApplications(): Promise<Application[]> {
    const rows = await queryAll(this.#db, 'SELECT * FROM applications ORDER BY name');
    return (rows as unknown as ApplicationRow[]).map(applicationOf);
  }

  /** By name, or by id (what a published workflow pins). */
  async getApplication(nameOrId: string): Promise<Application> {
    return applicationOf(await this.#applicationRow(this.#db, nameOrId));
  }

  /** Refused while an App Integration uses the application: a published workflow may pin it through one. */
  async deleteApplication(nameOrId: string): Promise<void> {
    await this.#db.withTransaction(async (tx) => {
      const row = await this.#applicationRow(tx, nameOrId);
      const users = await queryAll(tx, 'SELECT name FROM app_integrations WHERE application_id = $1 ORDER BY name', [
        row.id,
      ]);
      if (users.length > 0)
        throw ApplicationErrors.applicationInUse(
          row.name,
          users.map((user) => String(user.name)),
        );
      await tx.query('DELETE FROM applications WHERE id = $1', [row.id]);
    });
  }

  async createAppIntegration(input: unknown, actor = 'system'): Promise<AppIntegration> {
    const body = parse(AppIntegrationCreate, input, 'App Integration');
    body.mappings = sealInputs(body.mappings, this.#credentials);
    const now = this.#clock().toISOString();
    const id = `ai_${randomUUID()}`;
    return this.#db.withTransaction(async (tx) => {
      const application = (await queryOne(tx, 'SELECT id, name FROM applications WHERE name = $1', [
        body.application,
      ])) as { id: string; name: string } | undefined;
      if (!application) throw atPath(ApplicationErrors.applicationNotFound(body.application), '/application');
      const inserted = await tx.query(
        `INSERT INTO app_integrations (id, name, application_id, plugin, action, mappings,
        created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [id, body.name, application.id, body.plugin, body.action, JSON.stringify(body.mappings), actor, now, now],
      );
      if (inserted.rowCount === 0) throw ApplicationErrors.appIntegrationExists(body.name);
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
  async updateAppIntegration(nameOrId: string, input: unknown): Promise<AppIntegration> {
    const body = parse(AppIntegrationCreate, input, 'App Integration');
    // a literal default Password is sealed here as on create: never stored in the clear
    body.mappings = sealInputs(body.mappings, this.#credentials);
    const updatedAt = this.#clock().toISOString();
    return this.#db.withTransaction(async (tx) => {
      const current = await this.#appIntegrationRow(tx, nameOrId);
      if (!current) throw ApplicationErrors.appIntegrationNotFound(nameOrId);
      const application = (await queryOne(tx, 'SELECT id FROM applications WHERE name = $1', [body.application])) as
        { id: string } | undefined;
      if (!application) throw atPath(ApplicationErrors.applicationNotFound(body.application), '/application');
      const clash = await queryOne(tx, 'SELECT id FROM app_integrations WHERE name = $1 AND id <> $2', [
        body.name,
        current.id,
      ]);
      if (clash) throw ApplicationErrors.appIntegrationExists(body.name);
      await tx.query(
        'UPDATE app_integrations SET name = $1, application_id = $2, plugin = $3, action = $4, mappings = $5, updated_at = $6 WHERE id = $7',
        [body.name, application.id, body.plugin, body.action, JSON.stringify(body.mappings), updatedAt, current.id],
      );
      return appIntegrationOf((await this.#appIntegrationRow(tx, current.id))!);
    });
  }

  async listAppIntegrations(): Promise<AppIntegration[]> {
    const rows = await queryAll(this.#db, `${SELECT_INTEGRATIONS} ORDER BY i.name`);
    return (rows as unknown as AppIntegrationRow[]).map(appIntegrationOf);
  }

  async getAppIntegration(nameOrId: string): Promise<AppIntegration> {
    const row = await this.#appIntegrationRow(this.#db, nameOrId);
    if (!row) throw ApplicationErrors.appIntegrationNotFound(nameOrId);
    return appIntegrationOf(row);
  }

  async deleteAppIntegration(nameOrId: string): Promise<void> {
    await this.#db.withTransaction(async (tx) => {
      const row = await this.#appIntegrationRow(tx, nameOrId);
      if (!row) throw ApplicationErrors.appIntegrationNotFound(nameOrId);
      await tx.query('DELETE FROM app_integrations WHERE id = $1', [row.id]);
    });
  }

  /** AppIntegrationResolver: the Application id the node binds to, the plugin spec, and the default mappings with `Action`. */
  async resolveAppIntegration(name: string): Promise<ResolvedAppIntegration | null> {
    const row = await this.#appIntegrationRow(this.#db, name);
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
    const application = await this.getApplication(applicationId);
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
      ...(application.connector !== undefined ? { connector: application.connector } : {}),
    };
  }

  /** Binds with the application's credential and reads its base DN. Unknown application: AH_APPLICATION_NOT_FOUND. */
  async testConnection(nameOrId: string, signal?: AbortSignal): Promise<ConnectionTestResult> {
    const application = await this.getApplication(nameOrId);
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
      ...(this.#relay ? { relay: this.#relay } : {}),
      log: (level, message, data) => this.#log(level, `test connection of "${application.name}": ${message}`, data),
    });
    return { ...result, durationMs: durationMs() };
  }

  /** The credential must exist and be a basic one; the connector, when named, must exist. Before any transaction. */
  async #checkReferences(body: ApplicationCreate): Promise<void> {
    if (!(await this.#credentials.has(body.credential)))
      throw atPath(CredentialErrors.notFound(body.credential), '/credential');
    const credentialType = (await this.#credentials.get(body.credential)).type;
    if (credentialType !== 'basic') throw ApplicationErrors.credentialUnsuitable(body.credential, credentialType);
    if (body.connector !== undefined && this.#connectors && !(await this.#connectors.has(body.connector)))
      throw atPath(ConnectorErrors.notFound({ name: body.connector }, { connector: body.connector }), '/connector');
  }

  async #applicationRow(db: Queryable, nameOrId: string): Promise<ApplicationRow> {
    const row = (await queryOne(
      db,
      'SELECT * FROM applications WHERE id = $1 OR name = $1 ORDER BY (id = $1) DESC LIMIT 1',
      [nameOrId],
    )) as ApplicationRow | undefined;
    if (!row) throw ApplicationErrors.applicationNotFound(nameOrId);
    return row;
  }

  async #appIntegrationRow(db: Queryable, nameOrId: string): Promise<AppIntegrationRow | undefined> {
    return (await queryOne(
      db,
      `${SELECT_INTEGRATIONS} WHERE i.id = $1 OR i.name = $1 ORDER BY (i.id = $1) DESC LIMIT 1`,
      [nameOrId],
    )) as AppIntegrationRow | undefined;
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
