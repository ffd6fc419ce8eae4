// ConnectorService: the connectors concern's door — admins issue, list, revoke and re-issue connector tokens;
// connectors authenticate with theirs, poll for operations and post results; the hub relays ldap operations.
import type { Store } from '../store/index.ts';
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
import { ConnectorStore, type ConnectorRow } from './store.ts';

export interface ConnectorServiceOptions extends Omit<ConnectorHubOptions, 'connectors'> {
  store: Store;
  clock?: () => Date;
}

export class ConnectorService {
  /** The LdapRelay the ldap capability and Test Connection hand "via connector" operations to. */
  readonly hub: ConnectorHub;
  readonly #store: ConnectorStore;

  constructor(options: ConnectorServiceOptions) {
    const { store, clock, ...hub } = options;
    this.#store = new ConnectorStore(store, clock);
    this.hub = new ConnectorHub({ ...hub, connectors: this.#store });
  }

  /** Registers a connector; the answer holds its token, the only time it is shown. */
  create(input: ConnectorCreate, actor: string): IssuedConnector {
    const parsed = ConnectorCreate.safeParse(input);
    if (!parsed.success) throw validationFailed('connector', parsed.error);
    const body = parsed.data;
    const { row, token } = this.#store.create({ name: body.name, description: body.description }, actor);
    return { ...this.#view(row), token };
  }

  list(): Connector[] {
    return this.#store.list().map((row) => this.#view(row));
  }

  get(name: string): Connector {
    return this.#view(this.#store.get(name));
  }

  has(name: string): boolean {
    return this.#store.has(name);
  }

  /** Its token stops working at once; a connected connector is cut off and what waits for it fails. */
  revoke(name: string): Connector {
    const row = this.#store.revoke(name);
    this.hub.disconnect(name);
    return this.#view(row);
  }

  /** A new token (shown once) replaces the old one, which stops working; a revoked connector is usable again. */
  issueToken(name: string): IssuedConnector {
    const { row, token } = this.#store.issueToken(name);
    this.hub.disconnect(name);
    return { ...this.#view(row), token };
  }

  delete(name: string): void {
    this.#store.delete(name);
    this.hub.disconnect(name);
  }

  /** The connector a bearer token belongs to; AH_CONNECTOR_UNAUTHENTICATED otherwise. */
  authenticate(authorization: string | undefined): string {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw ConnectorErrors.unauthenticated({ reason: 'send "Authorization: Bearer <connector token>"' });
    const name = this.#store.verify(match[1]);
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

  results(connector: string, body: ResultsRequest): void {
    this.hub.complete(connector, body.results);
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
