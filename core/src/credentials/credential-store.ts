// CredentialStore: named secrets encrypted at rest under the master key. Only `resolve` ever returns a
// secret, and only to host code (capabilities) — never to the API, a log, an execution or the audit trail.
import type { z } from 'zod';
import { queryAll, queryOne, type Database, type Queryable } from '../store/index.ts';
import { CredentialErrors } from './errors.ts';
import { keyIdOf, open, seal, KEY_BYTES, type Sealed } from './crypto.ts';
import { CREDENTIAL_MIGRATIONS } from './migrations.ts';
import {
  CredentialBinding,
  CredentialName,
  CredentialType,
  NO_BINDING,
  SECRET_SCHEMAS,
  secretValues,
  type CredentialSummary,
  type ResolvedCredential,
  type SecretOf,
} from './schemas.ts';

export interface CredentialStoreOptions {
  db: Database;
  masterKey: Uint8Array;
  /** Older keys still accepted for reading (e.g. while a rotation is rolled out). */
  previousKeys?: readonly Uint8Array[];
  clock?: () => Date;
}

interface CredentialRow {
  name: string;
  type: CredentialType;
  header: string | null;
  key_id: string;
  iv: Uint8Array;
  tag: Uint8Array;
  ciphertext: Uint8Array;
  binding: string | null;
  created_at: string;
  updated_at: string;
}

type CheckRow = Pick<CredentialRow, 'key_id' | 'iv' | 'tag' | 'ciphertext'>;

type SummaryRow = Pick<CredentialRow, 'name' | 'type' | 'header' | 'binding' | 'created_at' | 'updated_at'>;
const SUMMARY_COLUMNS = 'name, type, header, binding, created_at, updated_at';

/** What the key check seals: its name and type are bound as AAD, as a credential's are. */
const CHECK = { name: 'actionhost:key-check', type: 'key-check', plaintext: 'actionhost master key check v1' };

function checkKey(key: unknown, what: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw CredentialErrors.masterKeyInvalid(
      what,
      `must be ${KEY_BYTES} bytes (did you forget to await loadMasterKey?)`,
    );
  }
  return key;
}

export class CredentialStore {
  readonly #db: Database;
  readonly #clock: () => Date;
  #key: Uint8Array;
  #keyId: string;
  readonly #keys = new Map<string, Uint8Array>();
  /** The key check is in the store and opens with a key this host holds: writes need not look again. */
  #keyChecked = false;
  /** secretValues() as of a fingerprint of the table: the engine asks once per execution, decrypting is costly. */
  #secretValues: { fingerprint: string; values: readonly string[] } | null = null;

  private constructor(options: CredentialStoreOptions) {
    this.#db = options.db;
    this.#clock = options.clock ?? (() => new Date());
    this.#key = checkKey(options.masterKey, 'masterKey');
    this.#keyId = keyIdOf(this.#key);
    for (const key of options.previousKeys ?? []) this.#keys.set(keyIdOf(checkKey(key, 'previousKeys')), key);
    this.#keys.set(this.#keyId, this.#key);
  }

  /**
   * Opens the store and checks the master key against the secrets already stored: a host whose key cannot open
   * them (another host's store, a lost master.key) is refused here with AH_MASTER_KEY_MISMATCH, not at the first
   * request that needs a secret.
   */
  static async open(options: CredentialStoreOptions): Promise<CredentialStore> {
    const credentials = new CredentialStore(options);
    await options.db.migrate('credentials', CREDENTIAL_MIGRATIONS);
    await credentials.#verifyKey();
    return credentials;
  }

  /** The id of the key new secrets are sealed with. */
  get keyId(): string {
    return this.#keyId;
  }

  /**
   * Seals a secret that lives elsewhere than this table (e.g. a password typed into a workflow node's Input
   * Mappings) under the master key: `v1.<keyId>.<iv>.<tag>.<ciphertext>`, with `purpose` bound as AAD.
   */
  sealValue(purpose: string, plaintext: string): string {
    const sealed = seal(this.#key, purpose, 'sealed-value', plaintext);
    const part = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
    return `v1.${this.#keyId}.${part(sealed.iv)}.${part(sealed.tag)}.${part(sealed.ciphertext)}`;
  }

  /** Opens what sealValue made; AH_CREDENTIAL_KEY_MISMATCH / AH_CREDENTIAL_DECRYPT_FAILED otherwise. */
  openValue(purpose: string, token: string): string {
    const [version, keyId = '', iv = '', tag = '', ciphertext = ''] = token.split('.');
    const key = this.#keys.get(keyId);
    if (version !== 'v1' || key === undefined) throw CredentialErrors.keyMismatch(purpose, keyId, this.#keyId);
    try {
      const bytes = (text: string) => Buffer.from(text, 'base64url');
      return open(key, purpose, 'sealed-value', { iv: bytes(iv), tag: bytes(tag), ciphertext: bytes(ciphertext) });
    } catch {
      throw CredentialErrors.decryptFailed(purpose);
    }
  }

  async create<T extends CredentialType>(
    name: string,
    type: T,
    secret: SecretOf<T>,
    binding: CredentialBinding = NO_BINDING,
  ): Promise<CredentialSummary> {
    const checkedName = this.#parse(CredentialName, name, 'name');
    const checkedType = this.#parse(CredentialType, type, 'type') as T;
    const checkedSecret = this.#parse(SECRET_SCHEMAS[checkedType], secret, 'secret') as SecretOf<T>;
    const checkedBinding = JSON.stringify(this.#parse(CredentialBinding, binding, 'binding'));
    const now = this.#clock().toISOString();
    const sealed = seal(this.#key, checkedName, checkedType, JSON.stringify(checkedSecret));
    const header = checkedType === 'api-key' ? (checkedSecret as SecretOf<'api-key'>).header : null;
    const check = this.#keyChecked ? null : this.#sealCheck();
    const created = await this.#db.withTransaction(async (tx) => {
      if (check) await this.#storeCheck(tx, check, 'keep');
      const inserted = await tx.query(
        `INSERT INTO credentials
        (name, type, header, key_id, iv, tag, ciphertext, binding, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (name) DO NOTHING`,
        [checkedName, checkedType, header, this.#keyId, ...bytesOf(sealed), checkedBinding, now, now],
      );
      if (inserted.rowCount === 0) throw CredentialErrors.exists(checkedName);
      return summaryOf({
        name: checkedName,
        type: checkedType,
        header,
        binding: checkedBinding,
        created_at: now,
        updated_at: now,
      });
    });
    // Only once committed: a refused write rolled the check back with it.
    this.#keyChecked = true;
    return created;
  }

  /**
   * Rotates a credential in place: a new secret (and type), sealed with a fresh IV under the current key; the
   * binding is kept unless `binding` is given. Workflows that name the credential use the new secret at once.
   */
  async update<T extends CredentialType>(
    name: string,
    type: T,
    secret: SecretOf<T>,
    binding?: CredentialBinding,
  ): Promise<CredentialSummary> {
    const checkedType = this.#parse(CredentialType, type, 'type') as T;
    const checkedSecret = this.#parse(SECRET_SCHEMAS[checkedType], secret, 'secret') as SecretOf<T>;
    const checkedBinding =
      binding === undefined ? undefined : JSON.stringify(this.#parse(CredentialBinding, binding, 'binding'));
    const now = this.#clock().toISOString();
    const sealed = seal(this.#key, name, checkedType, JSON.stringify(checkedSecret));
    const header = checkedType === 'api-key' ? (checkedSecret as SecretOf<'api-key'>).header : null;
    const check = this.#keyChecked ? null : this.#sealCheck();
    const updated = await this.#db.withTransaction(async (tx) => {
      if (check) await this.#storeCheck(tx, check, 'keep');
      const changed = await tx.query(
        `UPDATE credentials SET type = $1, header = $2, key_id = $3, iv = $4, tag = $5, ciphertext = $6,
           binding = COALESCE($7, binding), updated_at = $8 WHERE name = $9`,
        [checkedType, header, this.#keyId, ...bytesOf(sealed), checkedBinding ?? null, now, name],
      );
      if (changed.rowCount === 0) throw CredentialErrors.notFound(name);
      return this.#summary(tx, name);
    });
    this.#keyChecked = true;
    return updated;
  }

  /** Names, types, dates and (api-key) header names. Never a secret. */
  async list(): Promise<CredentialSummary[]> {
    const rows = await queryAll(this.#db, `SELECT ${SUMMARY_COLUMNS} FROM credentials ORDER BY name`);
    return (rows as unknown as SummaryRow[]).map(summaryOf);
  }

  async get(name: string): Promise<CredentialSummary> {
    return this.#summary(this.#db, name);
  }

  async has(name: string): Promise<boolean> {
    return (await queryOne(this.#db, 'SELECT 1 AS found FROM credentials WHERE name = $1', [name])) !== undefined;
  }

  async delete(name: string): Promise<void> {
    const deleted = await this.#db.withTransaction((tx) => tx.query('DELETE FROM credentials WHERE name = $1', [name]));
    if (deleted.rowCount === 0) throw CredentialErrors.notFound(name);
  }

  /** The secret, for host code that attaches it to an outgoing request (the http capability's CredentialResolver). */
  async resolve(name: string, signal?: AbortSignal): Promise<ResolvedCredential> {
    signal?.throwIfAborted();
    const row = (await queryOne(this.#db, 'SELECT * FROM credentials WHERE name = $1', [name])) as
      CredentialRow | undefined;
    if (row === undefined) throw CredentialErrors.notFound(name);
    return { type: row.type, ...this.#open(row), binding: bindingOf(row.binding) } as ResolvedCredential;
  }

  /**
   * Every secret string of every credential (passwords, their Basic header form, tokens, api-key values), so
   * the workflow engine can scrub them from whatever it stores. A row this host cannot open is skipped: its
   * secret can never have been attached to a request by this host.
   */
  async secretValues(signal?: AbortSignal): Promise<string[]> {
    signal?.throwIfAborted();
    // Every write (create, update, delete, rotate; from this host or another one) changes a row's name, key or
    // updated_at, or the set of rows: while none of them moved, the list decrypted last time still holds.
    const seen = await queryAll(this.#db, 'SELECT name, key_id, updated_at FROM credentials ORDER BY name');
    const fingerprint = JSON.stringify([this.#keyId, seen.map((row) => [row.name, row.key_id, row.updated_at])]);
    if (this.#secretValues?.fingerprint === fingerprint) return [...this.#secretValues.values];
    const rows = (await queryAll(this.#db, 'SELECT * FROM credentials')) as unknown as CredentialRow[];
    const values = new Set<string>();
    for (const row of rows) {
      let secret: ResolvedCredential;
      try {
        secret = { type: row.type, ...this.#open(row), binding: NO_BINDING } as ResolvedCredential;
      } catch {
        continue;
      }
      for (const value of secretValues(secret)) values.add(value);
    }
    this.#secretValues = { fingerprint, values: [...values] };
    return [...values];
  }

  /**
   * Re-encrypts every secret (and the key check) under `newKey` in one transaction, then seals new secrets with
   * it. Persist the new key (saveMasterKey or ACTIONHOST_MASTER_KEY) before the next start, on every host of the
   * store. Returns how many were re-encrypted.
   */
  async rotate(newKey: Uint8Array): Promise<number> {
    const key = checkKey(newKey, 'newKey');
    const keyId = keyIdOf(key);
    const now = this.#clock().toISOString();
    const check = { keyId, sealed: seal(key, CHECK.name, CHECK.type, CHECK.plaintext) };
    const count = await this.#db.withTransaction(async (tx) => {
      const rows = (await queryAll(tx, 'SELECT * FROM credentials')) as unknown as CredentialRow[];
      // Opened and sealed before the first write: a row this host cannot open stops the rotation untouched.
      const resealed = rows.map((row) => ({
        name: row.name,
        sealed: seal(key, row.name, row.type, JSON.stringify(this.#open(row))),
      }));
      for (const row of resealed) {
        await tx.query(
          'UPDATE credentials SET key_id = $1, iv = $2, tag = $3, ciphertext = $4, updated_at = $5 WHERE name = $6',
          [keyId, ...bytesOf(row.sealed), now, row.name],
        );
      }
      await this.#storeCheck(tx, check, 'replace');
      return rows.length;
    });
    this.#key = key;
    this.#keyId = keyId;
    this.#keys.set(keyId, key);
    this.#keyChecked = true;
    return count;
  }

  async #summary(db: Queryable, name: string): Promise<CredentialSummary> {
    const row = await queryOne(db, `SELECT ${SUMMARY_COLUMNS} FROM credentials WHERE name = $1`, [name]);
    if (row === undefined) throw CredentialErrors.notFound(name);
    return summaryOf(row as unknown as SummaryRow);
  }

  /**
   * At open: the stored key check must open with a key this host holds. A store from before the check (secrets but
   * no check) is checked against its secrets instead: one that opens proves the key, and the check is written.
   */
  async #verifyKey(): Promise<void> {
    const stored = await queryOne(this.#db, 'SELECT key_id, iv, tag, ciphertext FROM credential_key_check');
    if (stored !== undefined) {
      this.#assertCheck(stored as unknown as CheckRow);
      this.#keyChecked = true;
      return;
    }
    const rows = (await queryAll(this.#db, 'SELECT * FROM credentials')) as unknown as CredentialRow[];
    if (rows.length === 0) return; // written with the first secret
    if (!rows.some((row) => this.#opens(row)))
      throw CredentialErrors.masterKeyMismatch(this.#db.location, this.#keyId, rows[0].key_id);
    const check = this.#sealCheck();
    await this.#db.withTransaction((tx) => this.#storeCheck(tx, check, 'keep'));
    this.#keyChecked = true;
  }

  #sealCheck(): { keyId: string; sealed: Sealed } {
    return { keyId: this.#keyId, sealed: seal(this.#key, CHECK.name, CHECK.type, CHECK.plaintext) };
  }

  /**
   * Writes the key check: `keep` leaves one already there (another host may have stored its first secret at the
   * same moment) but refuses the write when that one does not open with our keys; `replace` is for rotation.
   */
  async #storeCheck(tx: Queryable, check: { keyId: string; sealed: Sealed }, mode: 'keep' | 'replace'): Promise<void> {
    const inserted = await tx.query(
      `INSERT INTO credential_key_check (id, key_id, iv, tag, ciphertext, created_at) VALUES (1, $1, $2, $3, $4, $5)
       ON CONFLICT (id) DO ${mode === 'keep' ? 'NOTHING' : 'UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext'}`,
      [check.keyId, ...bytesOf(check.sealed), this.#clock().toISOString()],
    );
    if (inserted.rowCount === 0) {
      const stored = await queryOne(tx, 'SELECT key_id, iv, tag, ciphertext FROM credential_key_check');
      this.#assertCheck(stored as unknown as CheckRow);
    }
  }

  #assertCheck(row: CheckRow): void {
    const key = this.#keys.get(row.key_id);
    try {
      if (key === undefined) throw new Error('no such key');
      open(key, CHECK.name, CHECK.type, { iv: row.iv, tag: row.tag, ciphertext: row.ciphertext });
    } catch {
      throw CredentialErrors.masterKeyMismatch(this.#db.location, this.#keyId, row.key_id);
    }
  }

  #opens(row: CredentialRow): boolean {
    try {
      this.#open(row);
      return true;
    } catch {
      return false;
    }
  }

  #open(row: CredentialRow): Record<string, string> {
    const key = this.#keys.get(row.key_id);
    if (key === undefined) throw CredentialErrors.keyMismatch(row.name, row.key_id, this.#keyId);
    try {
      return JSON.parse(
        open(key, row.name, row.type, { iv: row.iv, tag: row.tag, ciphertext: row.ciphertext }),
      ) as Record<string, string>;
    } catch {
      throw CredentialErrors.decryptFailed(row.name);
    }
  }

  #parse<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
    const result = schema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) issue.path.unshift(field);
      throw CredentialErrors.invalid(result.error);
    }
    return result.data;
  }
}

function summaryOf(row: SummaryRow): CredentialSummary {
  return {
    name: row.name,
    type: row.type,
    ...(row.type === 'api-key' && row.header !== null ? { header: row.header } : {}),
    binding: bindingOf(row.binding),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A stored binding; a row from before bindings (NULL) or one that no longer parses allows nothing. */
function bindingOf(text: string | null): CredentialBinding {
  if (text === null) return NO_BINDING;
  try {
    const parsed = CredentialBinding.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : NO_BINDING;
  } catch {
    return NO_BINDING;
  }
}

/** iv, tag and ciphertext as statement parameters (Buffer is what both backends take for a BLOB/BYTEA). */
function bytesOf(sealed: Sealed): [Buffer, Buffer, Buffer] {
  return [Buffer.from(sealed.iv), Buffer.from(sealed.tag), Buffer.from(sealed.ciphertext)];
}
