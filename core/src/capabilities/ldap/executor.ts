// Runs the ldap operations (search, add, modify, setPassword, rename, delete, info) against an Application given
// with each call, one DirectoryConnection per Application, replaced when its settings change. The capability uses
// it for directories the host reaches itself; the Integration Connector uses it next to a directory the host cannot.
import type { Json } from '@actionhost/sdk';
import { connectionSettings, fingerprintOf, type LdapApplication } from './application.ts';
import { DirectoryConnection, type Log } from './connection.ts';
import { LdapErrors } from './errors.ts';
import * as operations from './operations.ts';

type Method = (context: operations.OperationContext, args: Json[]) => Promise<Json>;
const METHODS: Record<string, Method> = {
  info: operations.info,
  search: operations.search,
  add: operations.add,
  modify: operations.modify,
  setPassword: operations.setPassword,
  rename: operations.rename,
  delete: operations.remove,
};

/** The operations an executor runs (what a connector may be asked to carry). */
export const LDAP_OPERATIONS: readonly string[] = Object.keys(METHODS);

export class LdapExecutor {
  readonly #connections = new Map<string, DirectoryConnection>();

  /** Runs `method(args)` against `application`; failures are ActionhostErrors with AH_LDAP_* codes. */
  async run(
    application: LdapApplication,
    method: string,
    args: Json[],
    options: { signal: AbortSignal; log: Log },
  ): Promise<Json> {
    const run = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    if (!run) throw LdapErrors.methodUnknown({ method }, { method });
    const connection = this.#connectionFor(application);
    return await run({ connection, signal: options.signal, log: options.log }, args);
  }

  async close(): Promise<void> {
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(all.map((connection) => connection.close()));
  }

  #connectionFor(application: LdapApplication): DirectoryConnection {
    const fingerprint = fingerprintOf(application);
    const existing = this.#connections.get(application.id);
    if (existing?.fingerprint === fingerprint) return existing;
    const settings = connectionSettings(application);
    if (existing) void existing.close();
    const connection = new DirectoryConnection(settings, fingerprint);
    this.#connections.set(application.id, connection);
    return connection;
  }
}
