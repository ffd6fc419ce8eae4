// CredentialStore: named secrets encrypted at rest under the master key. Only `resolve` ever returns a
// secret, and only to host code (capabilities) — never to the API, a log, an execution or the audit trail.
import type { z } from 'zod';
import type { Store } from '../store/index.ts';
import { CredentialErrors } from './errors.ts';
import { keyIdOf, open, seal, KEY_BYTES } from './crypto.ts';
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

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE credentials (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    header TEXT,
    key_id TEXT NOT NULL,
    iv BLOB NOT NULL,
    tag BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  // What an admin approved the credential for (JSON CredentialBinding); NULL on rows made before bindings: those
  // are attached to no request until an admin gives them one (PUT /api/credentials/:name).
  `ALTER TABLE credentials ADD COLUMN binding TEXT`,
];

export interface CredentialStoreOptions {
  store: Store;
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

type SummaryRow = Pick<CredentialRow, 'name' | 'type' | 'header' | 'binding' | 'created_at' | 'updated_at'>;
const SUMMARY_COLUMNS = 'name, type, header, binding, created_at, updated_at';

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
  readonly #store: Store;
  readonly #clock: () => Date;
  #key: Uint8Array;
  #keyId: string;
  readonly #keys = new Map<string, Uint8Array>();
  /** secretValues() as of a fingerprint of the table: the engine asks once per execution, decrypting is costly. */
  #secretValues: { fingerprint: string; values: readonly string[] } | null = null;

  constructor(options: CredentialStoreOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? (() => new Date());
    this.#key = checkKey(options.masterKey, 'masterKey');
    this.#keyId = keyIdOf(this.#key);
    for (const key of options.previousKeys ?? []) this.#keys.set(keyIdOf(checkKey(key, 'previousKeys')), key);
    this.#keys.set(this.#keyId, this.#key);
    this.#store.migrate('credentials', MIGRATIONS);
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

  create<T extends CredentialType>(
    name: string,
    type: T,
    secret: SecretOf<T>,
    binding: CredentialBinding = NO_BINDING,
  ): CredentialSummary {
    const checkedName = this.#parse(CredentialName, name, 'name');
    const checkedType = this.#parse(CredentialType, type, 'type') as T;
    const checkedSecret = this.#parse(SECRET_SCHEMAS[checkedType], secret, 'secret') as SecretOf<T>;
    const checkedBinding = JSON.stringify(this.#parse(CredentialBinding, binding, 'binding'));
    const now = this.#clock().toISOString();
    const sealed = seal(this.#key, checkedName, checkedType, JSON.stringify(checkedSecret));
    const header = checkedType === 'api-key' ? (checkedSecret as SecretOf<'api-key'>).header : null;
    return this.#store.transaction(() => {
      const inserted = this.#store.db
        .prepare(
          `INSERT OR IGNORE INTO credentials
        (name, type, header, key_id, iv, tag, ciphertext, binding, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          checkedName,
          checkedType,
          header,
          this.#keyId,
          sealed.iv,
          sealed.tag,
          sealed.ciphertext,
          checkedBinding,
          now,
          now,
        );
      if (Number(inserted.changes) === 0) throw CredentialErrors.exists(checkedName);
      return summaryOf({
        name: checkedName,
        type: checkedType,
        header,
        binding: checkedBinding,
        created_at: now,
        updated_at: now,
      });
    });
  }

  /**
   * Rotates a credential in place: a new secret (and type), sealed with a fresh IV under the current key; the
   * binding is kept unless `binding` is given. Workflows that name the credential use the new secret at once.
   */
  update<T extends CredentialType>(
    name: string,
    type: T,
    secret: SecretOf<T>,
    binding?: CredentialBinding,
  ): CredentialSummary {
    const checkedType = this.#parse(CredentialType, type, 'type') as T;
    const checkedSecret = this.#parse(SECRET_SCHEMAS[checkedType], secret, 'secret') as SecretOf<T>;
    const checkedBinding =
      binding === undefined ? undefined : JSON.stringify(this.#parse(CredentialBinding, binding, 'binding'));
    const now = this.#clock().toISOString();
    const sealed = seal(this.#key, name, checkedType, JSON.stringify(checkedSecret));
    const header = checkedType === 'api-key' ? (checkedSecret as SecretOf<'api-key'>).header : null;
    return this.#store.transaction(() => {
      const updated = this.#store.db
        .prepare(
          `UPDATE credentials SET type = ?, header = ?, key_id = ?, iv = ?, tag = ?, ciphertext = ?,
           binding = COALESCE(?, binding), updated_at = ? WHERE name = ?`,
        )
        .run(
          checkedType,
          header,
          this.#keyId,
          sealed.iv,
          sealed.tag,
          sealed.ciphertext,
          checkedBinding ?? null,
          now,
          name,
        );
      if (Number(updated.changes) === 0) throw CredentialErrors.notFound(name);
      return this.get(name);
    });
  }

  /** Names, types, dates and (api-key) header names. Never a secret. */
  list(): CredentialSummary[] {
    const rows = this.#store.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM credentials ORDER BY name`).all();
    return (rows as unknown as SummaryRow[]).map(summaryOf);
  }

  get(name: string): CredentialSummary {
    const row = this.#store.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM credentials WHERE name = ?`).get(name);
    if (row === undefined) throw CredentialErrors.notFound(name);
    return summaryOf(row as unknown as SummaryRow);
  }

  has(name: string): boolean {
    return this.#store.db.prepare('SELECT 1 FROM credentials WHERE name = ?').get(name) !== undefined;
  }

  delete(name: string): void {
    const deleted = this.#store.transaction(() =>
      this.#store.db.prepare('DELETE FROM credentials WHERE name = ?').run(name),
    );
    if (Number(deleted.changes) === 0) throw CredentialErrors.notFound(name);
  }

  /** The secret, for host code that attaches it to an outgoing request (the http capability's CredentialResolver). */
  async resolve(name: string, signal?: AbortSignal): Promise<ResolvedCredential> {
    signal?.throwIfAborted();
    const row = this.#store.db.prepare('SELECT * FROM credentials WHERE name = ?').get(name) as
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
    // Every write (create, update, delete, rotate; from this process or another one) changes the row count, the
    // latest updated_at or the rowids: while none of them moved, the list decrypted last time still holds.
    const seen = this.#store.db
      .prepare('SELECT COUNT(*) AS n, MAX(updated_at) AS at, TOTAL(rowid) AS ids FROM credentials')
      .get() as { n: number; at: string | null; ids: number };
    const fingerprint = `${seen.n}|${seen.at}|${seen.ids}|${this.#keyId}`;
    if (this.#secretValues?.fingerprint === fingerprint) return [...this.#secretValues.values];
    const rows = this.#store.db.prepare('SELECT * FROM credentials').all() as unknown as CredentialRow[];
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
   * Re-encrypts every secret under `newKey` in one transaction, then seals new secrets with it. Persist the
   * new key (saveMasterKey or ACTIONHOST_MASTER_KEY) before the next start. Returns how many were re-encrypted.
   */
  rotate(newKey: Uint8Array): number {
    const key = checkKey(newKey, 'newKey');
    const keyId = keyIdOf(key);
    const now = this.#clock().toISOString();
    const count = this.#store.transaction(() => {
      const rows = this.#store.db.prepare('SELECT * FROM credentials').all() as unknown as CredentialRow[];
      const update = this.#store.db.prepare(
        'UPDATE credentials SET key_id = ?, iv = ?, tag = ?, ciphertext = ?, updated_at = ? WHERE name = ?',
      );
      for (const row of rows) {
        const sealed = seal(key, row.name, row.type, JSON.stringify(this.#open(row)));
        update.run(keyId, sealed.iv, sealed.tag, sealed.ciphertext, now, row.name);
      }
      return rows.length;
    });
    this.#key = key;
    this.#keyId = keyId;
    this.#keys.set(keyId, key);
    return count;
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
