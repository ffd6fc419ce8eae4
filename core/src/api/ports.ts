// What the HTTP API calls, declared as small interfaces: ItsmService, CredentialStore and the registry's
// PluginStore fit them as they are; tests may pass fakes.
type MaybePromise<T> = T | Promise<T>;

export interface ItsmPort {
  createRequest(input: never, actor: string): MaybePromise<{ request: object }>;
  getRequest(internalId: number): MaybePromise<object>;
  listRequests(filter: never): MaybePromise<unknown[]>;
  updateRequest(internalId: number, patch: never, actor: string): MaybePromise<{ request: object; changes: unknown[] }>;
  listRelations(internalId: number): MaybePromise<unknown[]>;
  listAudit(internalId: number): MaybePromise<unknown[]>;
  createConfigurationItem(input: never, actor: string): MaybePromise<object>;
  listConfigurationItems(filter: never): MaybePromise<unknown[]>;
  getConfigurationItem(id: number): MaybePromise<object>;
}

export interface CredentialsPort {
  create(name: string, type: never, secret: never): MaybePromise<object>;
  list(): MaybePromise<unknown[]>;
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
  cancel(executionId: string): void;
}

/** Applications (e.g. Microsoft Active Directory connections) and App Integrations (ApplicationService fits). */
export interface ApplicationsPort {
  createApplication(input: unknown, actor?: string): MaybePromise<object>;
  listApplications(): MaybePromise<unknown[]>;
  getApplication(nameOrId: string): MaybePromise<object>;
  deleteApplication(nameOrId: string): MaybePromise<unknown>;
  updateApplication(nameOrId: string, input: unknown, actor?: string): MaybePromise<object>;
  updateAppIntegration(nameOrId: string, input: unknown): MaybePromise<object>;
  testConnection(nameOrId: string, signal?: AbortSignal): Promise<unknown>;
  createAppIntegration(input: unknown, actor?: string): MaybePromise<object>;
  listAppIntegrations(): MaybePromise<unknown[]>;
  getAppIntegration(nameOrId: string): MaybePromise<object>;
  deleteAppIntegration(nameOrId: string): MaybePromise<unknown>;
}
