// What the HTTP API calls, declared as small interfaces typed from the concerns' zod schemas: ItsmService,
// CredentialStore, ApplicationService and the registry's PluginStore fit them as they are; tests may pass fakes.
import type {
  Application,
  AppIntegration,
  ApplicationCreate,
  AppIntegrationCreate,
  InitialPassword,
  RetrievedInitialPassword,
} from '../applications/index.ts';
import type { CredentialBinding, CredentialCreate, CredentialSummary } from '../credentials/index.ts';
import type {
  Connector,
  ConnectorCreate,
  IssuedConnector,
  PollAnswer,
  PollRequest,
  ResultsRequest,
} from '../connectors/index.ts';
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
  RequestTemplate,
  RequestTemplateCreate,
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
  createTemplate(input: RequestTemplateCreate, actor: string): MaybePromise<RequestTemplate>;
  listTemplates(): MaybePromise<RequestTemplate[]>;
  getTemplate(name: string): MaybePromise<RequestTemplate>;
  deleteTemplate(name: string): MaybePromise<unknown>;
}

export interface CredentialsPort {
  create(
    name: string,
    type: CredentialCreate['type'],
    secret: CredentialCreate['secret'],
    binding?: CredentialBinding,
  ): MaybePromise<CredentialSummary>;
  /** Rotates the secret in place; the binding is kept unless one is given. */
  update(
    name: string,
    type: CredentialCreate['type'],
    secret: CredentialCreate['secret'],
    binding?: CredentialBinding,
  ): MaybePromise<CredentialSummary>;
  get(name: string): MaybePromise<CredentialSummary>;
  list(): MaybePromise<CredentialSummary[]>;
  delete(name: string): MaybePromise<unknown>;
}

/**
 * The installed plugins (registry PluginStore): list, read one version, install from an uploaded tarball, and the
 * publisher keys they are checked against.
 */
export interface PluginsPort {
  list(): MaybePromise<unknown[]>;
  /** Installs an upload; with `acceptCapabilities`, `actor` approves what the version may reach. */
  install(input: { tarball: Buffer; actor?: string; acceptCapabilities?: boolean }): MaybePromise<unknown>;
  /** Whether what name@version may reach is approved, and its differences (the registry's CapabilityReview). */
  review(name: string, version: string): MaybePromise<unknown>;
  /** Records that `actor` approves what name@version may reach; an approval it has already stands. */
  approve(name: string, version: string, actor: string): MaybePromise<unknown>;
  /** The difference between two installed versions; without `from`, against the highest other approved one. */
  difference(name: string, from: string | undefined, to: string): MaybePromise<unknown>;
  /** One installed version (throws the registry's not-found error otherwise). */
  get(name: string, version: string): MaybePromise<object>;
  /** Its mapping presets, by preset name. */
  mappings(name: string, version: string): MaybePromise<Record<string, unknown>>;
  /** Who pins it (`workflow:<id>`). */
  pins(name: string, version: string): MaybePromise<string[]>;
  trustedKeys(): MaybePromise<unknown[]>;
  /** Adds a publisher key (SPKI PEM or "ed25519:<base64>"); `added` is false when it was trusted already. */
  trust(publicKey: string, publisher: string, addedBy: string): MaybePromise<{ key: unknown; added: boolean }>;
  distrust(keyId: string): MaybePromise<unknown>;
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
  /** Generated initial passwords: listed without the password, retrieved (and deleted) once. */
  readonly initialPasswords: {
    list(filter: { requestId?: number }): MaybePromise<InitialPassword[]>;
    retrieve(id: string, actor: string): MaybePromise<RetrievedInitialPassword>;
  };
}

/** Integration Connectors: tokens for admins, the protocol for connectors (ConnectorService fits). */
export interface ConnectorsPort {
  create(input: ConnectorCreate, actor: string): MaybePromise<IssuedConnector>;
  list(): MaybePromise<Connector[]>;
  get(name: string): MaybePromise<Connector>;
  revoke(name: string): MaybePromise<Connector>;
  issueToken(name: string): MaybePromise<IssuedConnector>;
  delete(name: string): MaybePromise<unknown>;
  /** The connector a bearer token belongs to; throws AH_CONNECTOR_UNAUTHENTICATED. */
  authenticate(authorization: string | undefined): MaybePromise<string>;
  poll(
    connector: string,
    body: PollRequest,
    context: { signal: AbortSignal; address: string | null },
  ): Promise<PollAnswer>;
  results(connector: string, body: ResultsRequest): MaybePromise<unknown>;
  leave(connector: string): MaybePromise<unknown>;
  /** Answers the polls held open, so the server can close. */
  close(): MaybePromise<unknown>;
}
