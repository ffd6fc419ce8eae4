// Operations for a connector that is attached to another host of the same PostgreSQL store: the host that has the
// invocation queues the operation in the store, the host the connector polls takes it from there and writes the
// result back, and the first host reads it. Rows live only while an operation is under way, and hold the operation
// and its result sealed under the master key (every host of the store holds it): an operation carries the bind
// password, and Create New User a generated password.
import type { Database } from '../store/index.ts';
import { queryAll, queryOne } from '../store/index.ts';
import { ConnectorOperation, OperationResult } from './schemas.ts';

/** The state of a queued operation as the host that queued it sees it. */
export type RelayState = { state: 'queued' } | { state: 'taken' } | { state: 'done'; result: OperationResult } | null;

/** The table's rows (PostgreSQL only: an embedded store has one host, which the connector is attached to or not). */
export const CONNECTOR_OPERATIONS_TABLE = `CREATE TABLE connector_operations (
    id TEXT PRIMARY KEY,
    connector TEXT NOT NULL,
    operation TEXT NOT NULL,
    state TEXT NOT NULL,
    result TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX connector_operations_queued ON connector_operations (connector, state)`;

/** Seals with the master key (CredentialStore fits); the workflow concern's OperationSealer has the same shape. */
export interface OperationSealer {
  sealValue(purpose: string, plaintext: string): string;
  openValue(purpose: string, token: string): string;
}

const OPERATION = 'connector-operation';
const RESULT = 'connector-result';

export class StoreRelay {
  readonly #db: Database;
  readonly #sealer: OperationSealer;
  readonly #clock: () => Date;

  constructor(db: Database, sealer: OperationSealer, clock: () => Date = () => new Date()) {
    this.#db = db;
    this.#sealer = sealer;
    this.#clock = clock;
  }

  /** Queues an operation for whichever host `connector` polls. */
  async enqueue(connector: string, operation: ConnectorOperation): Promise<void> {
    const at = this.#clock().toISOString();
    await this.#db.withTransaction((tx) =>
      tx.query(
        `INSERT INTO connector_operations (id, connector, operation, state, created_at) VALUES ($1, $2, $3, 'queued', $4)`,
        [operation.id, connector, this.#sealer.sealValue(OPERATION, JSON.stringify(operation)), at],
      ),
    );
  }

  /** Takes the operations queued for `connector` (each is taken by one host only). */
  async claim(connector: string): Promise<ConnectorOperation[]> {
    const rows = await this.#db.withTransaction((tx) =>
      queryAll(
        tx,
        `UPDATE connector_operations SET state = 'taken' WHERE connector = $1 AND state = 'queued'
         RETURNING operation`,
        [connector],
      ),
    );
    return rows.map((row) =>
      ConnectorOperation.parse(JSON.parse(this.#sealer.openValue(OPERATION, String(row.operation)))),
    );
  }

  /** Writes the connector's result for the host that queued the operation (nothing when it gave up on it). */
  async finish(result: OperationResult): Promise<void> {
    await this.#db.withTransaction((tx) =>
      tx.query(`UPDATE connector_operations SET state = 'done', result = $2 WHERE id = $1 AND state = 'taken'`, [
        result.id,
        this.#sealer.sealValue(RESULT, JSON.stringify(result)),
      ]),
    );
  }

  /** Where the operation stands; null once it was withdrawn. */
  async stateOf(id: string): Promise<RelayState> {
    const row = await queryOne(this.#db, 'SELECT state, result FROM connector_operations WHERE id = $1', [id]);
    if (row === undefined) return null;
    if (row.state === 'done') {
      const result = OperationResult.parse(JSON.parse(this.#sealer.openValue(RESULT, String(row.result))));
      return { state: 'done', result };
    }
    return { state: row.state === 'taken' ? 'taken' : 'queued' };
  }

  /** Withdraws an operation nobody took yet; false when a host took it meanwhile. */
  async withdrawQueued(id: string): Promise<boolean> {
    const deleted = await this.#db.withTransaction((tx) =>
      tx.query(`DELETE FROM connector_operations WHERE id = $1 AND state = 'queued'`, [id]),
    );
    return deleted.rowCount === 1;
  }

  /** Forgets the operation, whatever its state (the host that queued it has its answer or gave up). */
  async forget(id: string): Promise<void> {
    await this.#db.withTransaction((tx) => tx.query('DELETE FROM connector_operations WHERE id = $1', [id]));
  }
}
