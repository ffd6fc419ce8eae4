// ConnectorService: the connectors concern's door — admins issue, list, revoke and re-issue connector tokens;
// connectors authenticate with theirs, poll for operations and post results; the hub relays ldap operations.
import type { Database } from '../store/index.ts';
import { validationFailed } from '../errors/index.ts';
import { ConnectorErrors } from './errors.ts';
import { ConnectorHub, type ConnectorHubOptions } from './hub.ts';
import {
  ConnectorCreate,
  PollRequest,
  type Connector,
  type IssuedConnector,
  type PollAnswer,
  type ResultsRequest,
} from './schemas.ts';
import { CONNECTOR_MIGRATIONS, ConnectorStore, type ConnectorRow } from './store.ts';
import { StoreRelay, type OperationSealer } from './relay.ts';

export interface ConnectorServiceOptions extends Omit<ConnectorHubOptions, 'connectors' | 'relay'> {
  db: Database;
  /**
   * Seals operations relayed through a PostgreSQL store to the host a connector polls (CredentialStore fits: every
   * host of the store holds the same master key). Without it, a connector attached to another host is offline here.
   */
  sealer?: OperationSealer;
  clock?: () => Date;
}

export class ConnectorService {
  /** The LdapRelay the ldap capability and Test Connection hand "via connector" operations to. */
  readonly hub: ConnectorHub;
  readonly #store: ConnectorStore;

  private constructor(options: ConnectorServiceOptions) {
    const { db, clock, sealer, ...hub } = options;
    this.#store = new ConnectorStore(db, clock);
    // Several hosts share a PostgreSQL store, and a connector polls one of them: the others relay through the store.
    const relay = db.dialect === 'postgres' && sealer ? new StoreRelay(db, sealer, clock) : undefined;
    this.hub = new ConnectorHub({ ...hub, connectors: this.#store, ...(relay ? { relay } : {}) });
  }

  static async open(options: ConnectorServiceOptions): Promise<ConnectorService> {
    await options.db.migrate('connectors', CONNECTOR_MIGRATIONS);
    return new ConnectorService(options);
  }

  /** Registers a connector; the answer holds its token, the only time it is shown. */
  async create(input: ConnectorCreate, actor: string): Promise<IssuedConnector> {
    const parsed = ConnectorCreate.safeParse(input);
    if (!parsed.success) throw validationFailed('connector', parsed.error);
    const body = parsed.data;
    const { row, token } = await this.#store.create({ name: body.name, description: body.description }, actor);
    return { ...this.#view(row), token };
  }

  async list(): Promise<Connector[]> {
    return (await this.#store.list()).map((row) => this.#view(row));
  }

  async get(name: string): Promise<Connector> {
    return this.#view(await this.#store.get(name));
  }

  async has(name: string): Promise<boolean> {
    return this.#store.has(name);
  }

  /** Its token stops working at once; a connected connector is cut off and what waits for it fails. */
  async revoke(name: string): Promise<Connector> {
    const row = await this.#store.revoke(name);
    this.hub.disconnect(name);
    return this.#view(row);
  }

  /** A new token (shown once) replaces the old one, which stops working; a revoked connector is usable again. */
  async issueToken(name: string): Promise<IssuedConnector> {
    const { row, token } = await this.#store.issueToken(name);
    this.hub.disconnect(name);
    return { ...this.#view(row), token };
  }

  async delete(name: string): Promise<void> {
    await this.#store.delete(name);
    this.hub.disconnect(name);
  }

  /** The connector a bearer token belongs to; AH_CONNECTOR_UNAUTHENTICATED otherwise. */
  async authenticate(authorization: string | undefined): Promise<string> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw ConnectorErrors.unauthenticated({ reason: 'send "Authorization: Bearer <connector token>"' });
    const name = await this.#store.verify(match[1]);
    if (name === null) throw ConnectorErrors.unauthenticated({ reason: 'it is unknown or was revoked' });
    return name;
  }

  async poll(
    connector: string,
    input: PollRequest,
    context: { signal: AbortSignal; address: string | null },
  ): Promise<PollAnswer> {
    const parsed = PollRequest.safeParse(input);
    if (!parsed.success) throw validationFailed('poll', parsed.error);
    const body = parsed.data;
    const operations = await this.hub.poll(connector, {
      waitMs: body.waitMs,
      signal: context.signal,
      address: context.address,
      version: body.version,
    });
    return { connector, operations };
  }

  async results(connector: string, body: ResultsRequest): Promise<void> {
    await this.hub.complete(connector, body.results);
  }

  leave(connector: string): void {
    this.hub.leave(connector);
  }

  close(): void {
    this.hub.close();
  }

  #view(row: ConnectorRow): Connector {
    const presence = this.hub.presence(row.name);
    const lastSeenAt = presence.lastSeenAt ?? row.last_seen_at;
    return {
      name: row.name,
      description: row.description,
      status:
        row.revoked_at !== null
          ? 'revoked'
          : presence.online
            ? 'online'
            : lastSeenAt === null
              ? 'never-connected'
              : 'offline',
      lastSeenAt,
      address: row.last_address,
      version: row.version,
      tokenIssuedAt: row.token_issued_at,
      revokedAt: row.revoked_at,
      createdBy: row.created_by,
      createdAt: row.created_at,
    };
  }
}
