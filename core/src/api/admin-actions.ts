// Which API routes change the host, and how each is written to the admin action log: its action name, what it
// changes, and how to read that thing before and after. The route table calls the recorder around every
// non-GET route in one place, so a route is logged by being listed here, not by code in its handler; a test
// fails when a route that is not a GET is neither listed nor marked as not a change.
import type { AdminActionCreate, AdminLog } from '../admin-log/index.ts';
import { secretsOf } from '../admin-log/index.ts';
import type { ApiTokens, TokenInfo } from './auth.ts';
import type { ApplicationsPort, ConnectorsPort, CredentialsPort, PluginsPort } from './ports.ts';
import type { WorkflowService } from '../workflow/index.ts';

type MaybePromise<T> = T | Promise<T>;

/** What a catalogued route is given to name the thing it changed. */
export interface ChangeSubject {
  params: Record<string, unknown>;
  body: unknown;
  /** The handler's answer (undefined before it ran). */
  result: unknown;
}

export interface ChangeSpec {
  /** `<target>.<verb>`. */
  action: string;
  target: string;
  /** The changed thing's id: from the params, the body or (for creations) the answer. */
  id: (subject: ChangeSubject) => string | null;
  /** Reads the thing for its before/after; without it, before is null and after is the answer. */
  read?: (id: string) => MaybePromise<unknown>;
  /** False when this call changed nothing after all (a dry run); absent = it always changes. */
  changed?: (subject: ChangeSubject) => boolean;
}

/** A route that takes a body but changes nothing an admin would audit, and why. */
export interface NotAChange {
  notAChange: string;
}

export type ChangeCatalogue = Record<string, ChangeSpec | NotAChange>;

/** What the recorder needs from the host: the log, and the ports the API already has to read things back. */
export interface ChangeRecorderDeps {
  log: Pick<AdminLog, 'record'>;
  workflows: WorkflowService;
  credentials: CredentialsPort;
  /** Read back by name and version (the version as it stands before and after a change). */
  plugins: Pick<PluginsPort, 'get'>;
  applications?: ApplicationsPort;
  /** Integration Connectors, read back by name (their answer never holds the token). */
  connectors?: Pick<ConnectorsPort, 'get'>;
  /** API tokens, read back by id (never their secrets). */
  tokens?: Pick<ApiTokens, 'get'>;
  /** Routes added by other registrations (e.g. the admin log's own), merged over the built-in catalogue. */
  extra?: ChangeCatalogue;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' ? `${value}` : null;
const field = (value: unknown, key: string): string | null =>
  value !== null && typeof value === 'object' ? text((value as Record<string, unknown>)[key]) : null;

/** The routes of main's API. Service-desk records have their own Audit Trail (requests) and created_by (CIs). */
export function changeCatalogue(deps: ChangeRecorderDeps): ChangeCatalogue {
  const { workflows, credentials, plugins, applications, connectors, tokens } = deps;
  const credential = async (name: string) => (await credentials.list()).find((c) => c.name === name) ?? null;
  const workflow = (id: string) => workflows.get(id);
  const application = (name: string) => applications?.getApplication(name) ?? null;
  const appIntegration = (name: string) => applications?.getAppIntegration(name) ?? null;
  const plugin = (ref: string) => {
    const at = ref.lastIndexOf('@');
    const found = plugins.get(ref.slice(0, at), ref.slice(at + 1)) as Promise<object> | object;
    // Only what identifies the version: the manifest's schemas would bury the entry.
    return Promise.resolve(found).then((p) => {
      const { name, version, integrity, installedAt } = p as Record<string, unknown>;
      return { name, version, integrity, installedAt };
    });
  };
  const token = (id: string) => tokens?.get(id) ?? null;
  const connector = (name: string) => connectors?.get(name) ?? null;
  const pluginVersion = ({ params }: ChangeSubject) =>
    text(params.name) && text(params.version) ? `${text(params.name)}@${text(params.version)}` : null;
  const execution = async (id: string) => {
    const { status, workflowId, workflowVersion, requestId, retryOf } = await workflows.getExecution(id);
    return { id, status, workflowId, workflowVersion, requestId, retryOf };
  };
  const byParam = (name: string) => (subject: ChangeSubject) => text(subject.params[name]);
  const byBody = (name: string) => (subject: ChangeSubject) => field(subject.body, name);
  const byResult = (name: string) => (subject: ChangeSubject) => field(subject.result, name);
  const records = { notAChange: "service-desk records: changes are on the request's Audit Trail" };
  const probe = { notAChange: 'a connection test or a preview: reads and tries, stores nothing' };
  return {
    'POST /api/requests': records,
    'PATCH /api/requests/:id': records,
    'POST /api/cis': { notAChange: 'service-desk records: a Configuration Item keeps who created it' },
    'POST /api/credentials': {
      action: 'credential.create',
      target: 'credential',
      id: byBody('name'),
      read: credential,
    },
    'PUT /api/credentials/:name': {
      action: 'credential.update',
      target: 'credential',
      id: byParam('name'),
      read: credential,
    },
    'DELETE /api/credentials/:name': {
      action: 'credential.delete',
      target: 'credential',
      id: byParam('name'),
      read: credential,
    },
    'POST /api/tokens': { action: 'token.create', target: 'token', id: byResult('id'), read: token },
    'DELETE /api/tokens/:id': { action: 'token.revoke', target: 'token', id: byParam('id'), read: token },
    'POST /api/plugins': {
      action: 'plugin.install',
      target: 'plugin',
      id: ({ result }) => (field(result, 'name') ? `${field(result, 'name')}@${field(result, 'version')}` : null),
      read: plugin,
    },
    'POST /api/applications': {
      action: 'application.create',
      target: 'application',
      id: byBody('name'),
      read: application,
    },
    'PUT /api/applications/:name': {
      action: 'application.update',
      target: 'application',
      id: byParam('name'),
      read: application,
    },
    'DELETE /api/applications/:name': {
      action: 'application.delete',
      target: 'application',
      id: byParam('name'),
      read: application,
    },
    'POST /api/applications/:name/test-connection': probe,
    'POST /api/app-integrations': {
      action: 'app-integration.create',
      target: 'app-integration',
      id: byBody('name'),
      read: appIntegration,
    },
    'PUT /api/app-integrations/:name': {
      action: 'app-integration.update',
      target: 'app-integration',
      id: byParam('name'),
      read: appIntegration,
    },
    'DELETE /api/app-integrations/:name': {
      action: 'app-integration.delete',
      target: 'app-integration',
      id: byParam('name'),
      read: appIntegration,
    },
    'POST /api/workflows': { action: 'workflow.create', target: 'workflow', id: byResult('id'), read: workflow },
    'PUT /api/workflows/:id': { action: 'workflow.save', target: 'workflow', id: byParam('id'), read: workflow },
    'DELETE /api/workflows/:id': { action: 'workflow.delete', target: 'workflow', id: byParam('id'), read: workflow },
    'POST /api/workflows/:id/publish': {
      action: 'workflow.publish',
      target: 'workflow',
      id: byParam('id'),
      read: workflow,
    },
    'POST /api/workflows/import': {
      action: 'workflow.import',
      target: 'workflow',
      id: byResult('workflowId'),
      read: workflow,
      changed: ({ result }) => field(result, 'workflowId') !== null,
    },
    'POST /api/workflows/:id/preview': probe,
    'POST /api/workflows/:id/nodes/:nodeId/test-connection': probe,
    'POST /api/executions/:id/retry': {
      action: 'execution.retry',
      target: 'execution',
      id: byParam('id'),
      read: execution,
    },
    'POST /api/executions/:id/cancel': {
      action: 'execution.cancel',
      target: 'execution',
      id: byParam('id'),
      read: execution,
    },
    'POST /api/workflows/:id/activate': {
      action: 'workflow.activate',
      target: 'workflow',
      id: byParam('id'),
      read: workflow,
    },
    'POST /api/workflows/:id/deactivate': {
      action: 'workflow.deactivate',
      target: 'workflow',
      id: byParam('id'),
      read: workflow,
    },
    'POST /api/request-templates': {
      action: 'request-template.create',
      target: 'request-template',
      id: byBody('name'),
    },
    'DELETE /api/request-templates/:name': {
      action: 'request-template.delete',
      target: 'request-template',
      id: byParam('name'),
    },
    'POST /api/plugins/:name/:version/capabilities/approval': {
      action: 'plugin.approve-capabilities',
      target: 'plugin',
      id: pluginVersion,
    },
    'POST /api/trusted-keys': {
      action: 'trusted-key.add',
      target: 'trusted-key',
      id: ({ result }) => field(result, 'keyId') ?? field(result, 'id'),
    },
    'DELETE /api/trusted-keys/:keyId': { action: 'trusted-key.remove', target: 'trusted-key', id: byParam('keyId') },
    // Who took a generated initial password and when; the password itself never (only the id is read back).
    'POST /api/initial-passwords/:id/retrieve': {
      action: 'initial-password.retrieve',
      target: 'initial-password',
      id: byParam('id'),
      read: (id) => ({ id }),
    },
    'POST /api/connectors': { action: 'connector.create', target: 'connector', id: byBody('name'), read: connector },
    'DELETE /api/connectors/:name': {
      action: 'connector.delete',
      target: 'connector',
      id: byParam('name'),
      read: connector,
    },
    'POST /api/connectors/:name/revoke': {
      action: 'connector.revoke',
      target: 'connector',
      id: byParam('name'),
      read: connector,
    },
    'POST /api/connectors/:name/token': {
      action: 'connector.token',
      target: 'connector',
      id: byParam('name'),
      read: connector,
    },
    // A connector's own traffic (connector token, not an API token): operations relayed, not changes to settings.
    'POST /api/connector/poll': { notAChange: "a connector's long poll for operations" },
    'POST /api/connector/results': { notAChange: "a connector's results of relayed operations" },
    'POST /api/connector/disconnect': { notAChange: 'a connector saying goodbye' },
    ...deps.extra,
  };
}

/** One change in progress: begun before the handler, committed with its answer when the handler succeeded. */
export interface PendingChange {
  commit(result: unknown, status: number): Promise<void>;
}

export interface ChangeRequest {
  method: string;
  url: string;
  params: Record<string, unknown>;
  body: unknown;
  token: TokenInfo;
  ip: string;
}

/** Records every change a token makes through the API; see changeCatalogue for what each route records. */
export class ChangeRecorder {
  readonly catalogue: ChangeCatalogue;
  readonly #log: Pick<AdminLog, 'record'>;

  constructor(deps: ChangeRecorderDeps) {
    this.catalogue = changeCatalogue(deps);
    this.#log = deps.log;
  }

  /** Reads the before of a catalogued change; null for a GET or a route that changes nothing. */
  async begin(request: ChangeRequest): Promise<PendingChange | null> {
    if (request.method === 'GET' || request.method === 'HEAD') return null;
    const key = `${request.method} ${request.url}`;
    const spec = this.catalogue[key] ?? uncatalogued(key);
    if ('notAChange' in spec) return null;
    const beforeId = spec.id({ params: request.params, body: request.body, result: undefined });
    const before = beforeId !== null && spec.read ? await readOrNull(spec.read, beforeId) : null;
    return {
      commit: async (result, status) => {
        if (spec.changed && !spec.changed({ params: request.params, body: request.body, result })) return;
        const id = spec.id({ params: request.params, body: request.body, result }) ?? beforeId;
        const after = spec.read ? (id === null ? null : await readOrNull(spec.read, id)) : (result ?? null);
        const entry: AdminActionCreate = {
          actor: { type: 'token', id: request.token.id, name: request.token.name, role: request.token.role },
          action: spec.action,
          target: { type: spec.target, id },
          before: before as AdminActionCreate['before'],
          after: after as AdminActionCreate['after'],
          origin: { method: request.method, route: request.url, status, ip: request.ip },
        };
        // The body's own secrets (a credential's password, a token's value) are scrubbed wherever they appear.
        await this.#log.record(entry, [...secretsOf(request.body), ...secretsOf(result)]);
      },
    };
  }
}

/** A changing route nobody catalogued is still logged: its params name the target, its answer is the after. */
function uncatalogued(key: string): ChangeSpec {
  return {
    action: key,
    target: 'route',
    id: ({ params }) => (Object.keys(params).length > 0 ? JSON.stringify(params) : null),
  };
}

async function readOrNull(read: (id: string) => MaybePromise<unknown>, id: string): Promise<unknown> {
  try {
    return (await read(id)) ?? null;
  } catch {
    // Not there (yet, or any more): a creation has no before, a deletion no after.
    return null;
  }
}
