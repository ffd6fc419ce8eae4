// What the HTTP API calls, declared as small interfaces typed from the concerns' zod schemas: ItsmService,
// CredentialStore, ApplicationService and the registry's PluginStore fit them as they are; tests may pass fakes.
import type { Application, AppIntegration, ApplicationCreate, AppIntegrationCreate } from '../applications/index.ts';
import type { CredentialCreate, CredentialSummary } from '../credentials/index.ts';
import type {
  AuditEntry,
  ConfigurationItem,
  ConfigurationItemCreate,
  ConfigurationItemFilter,
  FieldChange,
  Relation,
  Request,
  RequestCreate,
  RequestFilter,
  RequestPatch,
} from '../itsm/index.ts';

type MaybePromise<T> = T | Promise<T>;

export interface ItsmPort {
  createRequest(input: RequestCreate, actor: string): MaybePromise<{ request: Request }>;
  getRequest(internalId: number): MaybePromise<Request>;
  listRequests(filter: RequestFilter): MaybePromise<Request[]>;
  updateRequest(
    internalId: number,
    patch: RequestPatch,
    actor: string,
  ): MaybePromise<{ request: Request; changes: FieldChange[] }>;
  listRelations(internalId: number): MaybePromise<Relation[]>;
  listAudit(internalId: number): MaybePromise<AuditEntry[]>;
  createConfigurationItem(input: ConfigurationItemCreate, actor: string): MaybePromise<ConfigurationItem>;
  listConfigurationItems(filter: ConfigurationItemFilter): MaybePromise<ConfigurationItem[]>;
  getConfigurationItem(id: number): MaybePromise<ConfigurationItem>;
}

export interface CredentialsPort {
  create(
    name: string,
    type: CredentialCreate['type'],
    secret: CredentialCreate['secret'],
  ): MaybePromise<CredentialSummary>;
  list(): MaybePromise<CredentialSummary[]>;
  delete(name: string): MaybePromise<unknown>;
}

/** The installed plugins (registry PluginStore): list, read one version, install from an uploaded tarball. */
export interface PluginsPort {
  list(): MaybePromise<unknown[]>;
  install(input: { tarball: Buffer }): MaybePromise<unknown>;
  /** One installed version (throws the registry's not-found error otherwise). */
  get(name: string, version: string): MaybePromise<object>;
  /** Its mapping presets, by preset name. */
  mappings(name: string, version: string): MaybePromise<Record<string, unknown>>;
  /** Who pins it (`workflow:<id>`). */
  pins(name: string, version: string): MaybePromise<string[]>;
}

/** The workflow engine running in this process (WorkflowEngine fits). */
export interface EnginePort {
  /** Process the outbox now instead of at the next poll. */
  wake(): void;
  retry(executionId: string): Promise<string>;
  cancel(executionId: string): Promise<void>;
}

/** Applications (e.g. Microsoft Active Directory connections) and App Integrations (ApplicationService fits). */
export interface ApplicationsPort {
  createApplication(input: ApplicationCreate, actor?: string): MaybePromise<Application>;
  listApplications(): MaybePromise<Application[]>;
  getApplication(nameOrId: string): MaybePromise<Application>;
  deleteApplication(nameOrId: string): MaybePromise<unknown>;
  updateApplication(nameOrId: string, input: unknown, actor?: string): MaybePromise<object>;
  updateAppIntegration(nameOrId: string, input: unknown): MaybePromise<object>;
  testConnection(nameOrId: string, signal?: AbortSignal): Promise<unknown>;
  createAppIntegration(input: AppIntegrationCreate, actor?: string): MaybePromise<AppIntegration>;
  listAppIntegrations(): MaybePromise<AppIntegration[]>;
  getAppIntegration(nameOrId: string): MaybePromise<AppIntegration>;
  deleteAppIntegration(nameOrId: string): MaybePromise<unknown>;
}
