// The host's side of the Integration Connectors: ldap operations for an Application "via connector <name>" wait
// here until that connector's long poll takes them, and their results come back through POST /api/connector/results.
// A connector is online while it holds a poll open (or did a moment ago); an operation for one that is not, or that
// nobody picks up, fails at once with AH_CONNECTOR_OFFLINE — the plugin's failure path, not a hang.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActionhostError, type Json } from '@actionhost/sdk';
import { LdapErrors, type LdapRelay, type RelayedOperation } from '../capabilities/index.ts';
import { ConnectorErrors } from './errors.ts';
import type { StoreRelay } from './relay.ts';
import type { ConnectorOperation, OperationResult } from './schemas.ts';

export interface ConnectorHubOptions {
  /** Which connectors exist and are not revoked; where their last-seen time is kept (ConnectorStore fits). */
  connectors: {
    stateOf(name: string): Promise<'active' | 'revoked' | 'missing'>;
    touch(name: string, at: Date, address: string | null, version: string | null): Promise<void>;
  };
  /**
   * Operations for connectors attached to other hosts of a shared store go through it (PostgreSQL): queued there by
   * the host that has the invocation, taken by the host the connector polls. Without it, a connector not attached
   * here is offline.
   */
  relay?: StoreRelay;
  /** How often a held poll and a relayed operation look at the store. Default 200 ms. */
  relayIntervalMs?: number;
  /** How long after its last poll a connector still counts as online (it polls again at once). Default 10 s. */
  offlineAfterMs?: number;
  /** How long an operation waits for the connector to take it before it fails as offline. Default 5 s. */
  pickupTimeoutMs?: number;
  /** The longest a poll is held open. Default 30 s. */
  maxWaitMs?: number;
  now?: () => number;
}

interface Pending {
  connector: string;
  operation: ConnectorOperation;
  picked: boolean;
  settle(outcome: { value: Json } | { error: ActionhostError }): void;
}

interface Presence {
  waiters: Set<(operations: ConnectorOperation[]) => void>;
  queue: Pending[];
  lastSeen: number | null;
  /** It said goodbye (POST /api/connector/disconnect): offline at once. */
  left: boolean;
  /** Taken from the store for it after its poll was answered: the next poll carries them. */
  relayed: ConnectorOperation[];
}

export interface ConnectorPresence {
  online: boolean;
  lastSeenAt: string | null;
}

/** What the host waits for an operation's result: connect, bind and the operation itself, each bounded there. */
function resultTimeoutMs(operation: RelayedOperation): number {
  return (operation.application.timeoutMs ?? 10_000) * 3 + 5_000;
}

export class ConnectorHub implements LdapRelay {
  readonly #options: Required<Omit<ConnectorHubOptions, 'connectors' | 'relay'>> &
    Pick<ConnectorHubOptions, 'connectors' | 'relay'>;
  readonly #presence = new Map<string, Presence>();
  readonly #inFlight = new Map<string, Pending>();
  /** Operations another host queued that a connector polling here took: id → connector. */
  readonly #relayed = new Map<string, string>();
  #closed = false;

  constructor(options: ConnectorHubOptions) {
    this.#options = {
      offlineAfterMs: 10_000,
      pickupTimeoutMs: 5_000,
      maxWaitMs: 30_000,
      relayIntervalMs: 200,
      now: Date.now,
      ...options,
    };
  }

  /** LdapRelay: runs the operation on the connector, or fails with AH_CONNECTOR_* (or the operation's own code). */
  async call(connector: string, operation: RelayedOperation, signal: AbortSignal): Promise<Json> {
    if (this.#closed)
      throw ConnectorErrors.offline({ name: connector, reason: 'this host is stopping' }, { connector });
    const state = await this.#options.connectors.stateOf(connector);
    if (state === 'missing') throw ConnectorErrors.notFound({ name: connector }, { connector });
    if (state === 'revoked')
      throw ConnectorErrors.offline({ name: connector, reason: 'its token was revoked' }, { connector });
    const presence = this.#presenceOf(connector);
    const timeoutMs = resultTimeoutMs(operation);
    const wire: ConnectorOperation = {
      id: `op_${randomUUID()}`,
      method: operation.method,
      args: operation.args,
      application: operation.application,
      timeoutMs,
    };
    if (!this.#online(presence)) {
      if (this.#options.relay) return this.#callThroughStore(this.#options.relay, connector, wire, signal);
      const reason =
        presence.lastSeen === null
          ? 'it has not connected since this host started'
          : `it was last seen ${new Date(presence.lastSeen).toISOString()}`;
      throw ConnectorErrors.offline({ name: connector, reason }, { connector });
    }
    signal.throwIfAborted();
    return new Promise<Json>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const onAbort = () =>
        pending.settle({
          error: LdapErrors.unreachable(
            { reason: `the invocation ended before connector "${connector}" answered` },
            { connector },
          ),
        });
      const pending: Pending = {
        connector,
        operation: wire,
        picked: false,
        settle: (outcome) => {
          if (!this.#inFlight.delete(wire.id)) return; // settled already
          for (const timer of timers) clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          presence.queue = presence.queue.filter((queued) => queued !== pending);
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.value);
        },
      };
      this.#inFlight.set(wire.id, pending);
      signal.addEventListener('abort', onAbort, { once: true });
      timers.push(
        setTimeout(() => {
          if (pending.picked) return;
          pending.settle({
            error: ConnectorErrors.offline(
              { name: connector, reason: `it did not take the operation within ${this.#options.pickupTimeoutMs} ms` },
              { connector },
            ),
          });
        }, this.#options.pickupTimeoutMs),
        setTimeout(
          () =>
            pending.settle({
              error: ConnectorErrors.timeout(
                { name: connector, method: wire.method, timeoutMs },
                { connector, method: wire.method },
              ),
            }),
          timeoutMs,
        ),
      );
      const [waiter] = presence.waiters;
      if (waiter) {
        presence.waiters.delete(waiter);
        pending.picked = true;
        waiter([wire]);
      } else presence.queue.push(pending);
    });
  }

  /**
   * A connector's long poll: the operations waiting for it, or those that arrive within `waitMs`, or none. Ends
   * early (with none) when `signal` aborts (the connector hung up) or the host stops.
   */
  async poll(
    connector: string,
    options: { waitMs: number; signal: AbortSignal; address: string | null; version: string | null },
  ): Promise<ConnectorOperation[]> {
    const presence = this.#presenceOf(connector);
    presence.left = false; // polling again after a goodbye: it is back
    await this.#seen(connector, presence, options.address, options.version);
    try {
      // A poll already hung up takes nothing from the store: what it took would be lost with it.
      const relayed = options.signal.aborted ? [] : [...presence.relayed.splice(0), ...(await this.#claim(connector))];
      const queued = presence.queue.splice(0);
      if (queued.length > 0 || relayed.length > 0 || this.#closed || options.signal.aborted) {
        for (const pending of queued) pending.picked = true;
        return [...queued.map((pending) => pending.operation), ...relayed];
      }
      return await new Promise<ConnectorOperation[]>((resolve) => {
        let answered = false;
        const done = (operations: ConnectorOperation[]) => {
          answered = true;
          clearTimeout(timer);
          if (relayTimer) clearInterval(relayTimer);
          options.signal.removeEventListener('abort', hangUp);
          presence.waiters.delete(done);
          resolve(operations);
        };
        const hangUp = () => done([]);
        const timer = setTimeout(() => done([]), Math.min(options.waitMs, this.#options.maxWaitMs));
        // Operations other hosts queue for it arrive while the poll is held: look at the store now and then.
        let looking = false;
        const relayTimer = this.#options.relay
          ? setInterval(() => {
              if (looking) return;
              looking = true;
              this.#claim(connector)
                .then((operations) => {
                  if (operations.length === 0) return;
                  if (answered) presence.relayed.push(...operations);
                  else done(operations);
                })
                .catch(() => undefined) // the store is away: the next look, or the next poll, tries again
                .finally(() => {
                  looking = false;
                });
            }, this.#options.relayIntervalMs)
          : null;
        options.signal.addEventListener('abort', hangUp, { once: true });
        presence.waiters.add(done);
      });
    } finally {
      await this.#seen(connector, presence, null, null);
    }
  }

  /** Results the connector posted; one for an operation it does not own, or one settled already, is ignored. */
  async complete(connector: string, results: OperationResult[]): Promise<void> {
    for (const result of results) {
      const pending = this.#inFlight.get(result.id);
      if (!pending || pending.connector !== connector) continue;
      if (result.ok) pending.settle({ value: result.value });
      else {
        const { code, message, status, details } = result.error;
        pending.settle({ error: new ActionhostError(code, message, status ?? 502, { ...details, connector }) });
      }
    }
    const relay = this.#options.relay;
    for (const result of results) {
      if (!relay || this.#relayed.get(result.id) !== connector) continue;
      this.#relayed.delete(result.id);
      await relay.finish(result);
    }
    await this.#seen(connector, this.#presenceOf(connector), null, null);
  }

  /** It said goodbye: offline at once, and what waits for it fails now rather than at the pickup timeout. */
  leave(connector: string): void {
    const presence = this.#presenceOf(connector);
    presence.left = true;
    this.#drop(connector, presence, 'it disconnected');
  }

  /** Revoked or deleted: its polls end, and what waits for it fails. */
  disconnect(connector: string): void {
    const presence = this.#presence.get(connector);
    if (!presence) return;
    this.#drop(connector, presence, 'its token was revoked');
    this.#presence.delete(connector);
  }

  presence(connector: string): ConnectorPresence {
    const presence = this.#presence.get(connector);
    return {
      online: presence !== undefined && this.#online(presence),
      lastSeenAt: presence?.lastSeen ? new Date(presence.lastSeen).toISOString() : null,
    };
  }

  /** The host stops: held polls are answered (empty) so the server can close, and waiting operations fail. */
  close(): void {
    this.#closed = true;
    for (const [name, presence] of this.#presence) this.#drop(name, presence, 'this host is stopping');
  }

  #drop(connector: string, presence: Presence, reason: string): void {
    for (const waiter of [...presence.waiters]) waiter([]);
    const offline = ConnectorErrors.offline({ name: connector, reason }, { connector });
    for (const pending of [...this.#inFlight.values()]) {
      if (pending.connector === connector) pending.settle({ error: offline });
    }
    // What it took for other hosts fails there now, not at their timeout.
    const relay = this.#options.relay;
    const taken = [...presence.relayed.splice(0).map((operation) => operation.id)];
    for (const [id, owner] of this.#relayed) if (owner === connector) taken.push(id);
    for (const id of taken) {
      this.#relayed.delete(id);
      const { code, message, status, details } = offline;
      relay
        ?.finish({ id, ok: false, error: { code, message, status, details: details as Record<string, Json> } })
        .catch(() => undefined); // the other host's own timeout answers then
    }
  }

  /** Takes what other hosts queued for `connector` in the store, and remembers whose results to write back. */
  async #claim(connector: string): Promise<ConnectorOperation[]> {
    if (!this.#options.relay || this.#closed) return [];
    const operations = await this.#options.relay.claim(connector);
    for (const operation of operations) this.#relayed.set(operation.id, connector);
    return operations;
  }

  /**
   * The connector is not attached here: queue the operation in the store for the host it polls, and wait for the
   * result there. Nobody taking it within the pickup timeout is AH_CONNECTOR_OFFLINE, as it is for a local one.
   */
  async #callThroughStore(
    relay: StoreRelay,
    connector: string,
    wire: ConnectorOperation,
    signal: AbortSignal,
  ): Promise<Json> {
    signal.throwIfAborted();
    const started = this.#options.now();
    await relay.enqueue(connector, wire);
    try {
      for (;;) {
        if (this.#closed)
          throw ConnectorErrors.offline({ name: connector, reason: 'this host is stopping' }, { connector });
        if (signal.aborted)
          throw LdapErrors.unreachable(
            { reason: `the invocation ended before connector "${connector}" answered` },
            { connector },
          );
        const state = await relay.stateOf(wire.id);
        if (state?.state === 'done') return outcomeOf(connector, state.result);
        const waited = this.#options.now() - started;
        if (
          state?.state !== 'taken' &&
          waited >= this.#options.pickupTimeoutMs &&
          (await relay.withdrawQueued(wire.id))
        )
          throw ConnectorErrors.offline(
            {
              name: connector,
              reason: `no host it polls took the operation within ${this.#options.pickupTimeoutMs} ms`,
            },
            { connector },
          );
        if (waited >= wire.timeoutMs)
          throw ConnectorErrors.timeout(
            { name: connector, method: wire.method, timeoutMs: wire.timeoutMs },
            { connector, method: wire.method },
          );
        await sleep(this.#options.relayIntervalMs, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      await relay.forget(wire.id).catch(() => undefined);
    }
  }

  #online(presence: Presence): boolean {
    if (presence.waiters.size > 0) return true;
    if (presence.left || presence.lastSeen === null) return false;
    return this.#options.now() - presence.lastSeen <= this.#options.offlineAfterMs;
  }

  #presenceOf(connector: string): Presence {
    let presence = this.#presence.get(connector);
    if (!presence) {
      presence = { waiters: new Set(), queue: [], lastSeen: null, left: false, relayed: [] };
      this.#presence.set(connector, presence);
    }
    return presence;
  }

  async #seen(connector: string, presence: Presence, address: string | null, version: string | null): Promise<void> {
    const now = this.#options.now();
    presence.lastSeen = now;
    try {
      await this.#options.connectors.touch(connector, new Date(now), address, version);
    } catch {
      // The stored last-seen time is for the status shown after a restart; this host knows it is online (above).
      // A store that cannot take it must not lose the operations this poll carries, nor the results it brought.
    }
  }
}

/** A connector's result as the operation's outcome: its value, or its error (with the connector named). */
function outcomeOf(connector: string, result: OperationResult): Json {
  if (result.ok) return result.value;
  const { code, message, status, details } = result.error;
  throw new ActionhostError(code, message, status ?? 502, { ...details, connector });
}
