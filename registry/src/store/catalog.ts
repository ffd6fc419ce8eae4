// The registry's index: installed plugin versions, their pins, publisher signatures and capability approvals, and the
// trust store of publisher keys. One interface, two backends: SQLite in the data folder (registry.db, one host) and
// PostgreSQL (several hosts on one database, which also keeps each version's package bytes).
import type { PluginManifest } from '@actionhost/sdk';
import type { FileRecord } from '../tarball/index.ts';

export interface VersionRow {
  name: string;
  version: string;
  integrity: string;
  manifest: PluginManifest;
  /** Every extracted file with its sha256, recorded at install */
  files: FileRecord[];
  mappings: Record<string, Record<string, unknown>>;
  installedAt: string;
  /** The publisher key whose valid signature the package carried at install; null when unsigned */
  signature: SignedBy | null;
}

export interface SignedBy {
  keyId: string;
  /** "ed25519:<base64>" */
  publicKey: string;
}

/** An admin's approval of what one version may reach (or the rule that approved it on their behalf). */
export interface ApprovalRow {
  name: string;
  version: string;
  approvedBy: string;
  approvedAt: string;
  via: string;
  /** The version's capabilities as approved */
  capabilities: Record<string, unknown>;
  /** The approved version it was compared with, when there was one */
  against: string | null;
  /** What it widened beyond `against` when approved */
  widened: string[];
}

/** A publisher key the host trusts: packages it signed count as trusted. */
export interface TrustedKeyRow {
  keyId: string;
  publicKey: string;
  publisher: string;
  addedBy: string;
  addedAt: string;
}

export interface StoredRow {
  name: string;
  version: string;
  integrity: string;
  manifest: string;
  files: string;
  mappings: string;
  installed_at: string;
  signature: string | null;
}

/** A version's verified package as the index keeps it (PostgreSQL only): the tarball and its sha512 integrity. */
export interface StoredPackage {
  integrity: string;
  bytes: Buffer;
}

/**
 * The index both backends implement. Every method is asynchronous (node-postgres is); `transaction` runs its callback
 * under the index's write lock (SQLite's BEGIN IMMEDIATE, a PostgreSQL advisory lock), with the catalog to use inside.
 */
export interface Catalog {
  readonly backend: 'sqlite' | 'postgres';
  /** Whether `insert` keeps the package bytes, so that another host can fetch them (`packageOf`). */
  readonly keepsPackages: boolean;
  /** Runs fn holding the write lock; commits when it resolves, rolls back when it throws. Nested calls join. */
  transaction<T>(fn: (catalog: Catalog) => Promise<T>): Promise<T>;
  get(name: string, version: string): Promise<VersionRow | undefined>;
  versionsOf(name: string): Promise<VersionRow[]>;
  /** Just the version strings of a plugin: resolving a range needs no manifests. */
  versionNumbers(name: string): Promise<string[]>;
  all(): Promise<VersionRow[]>;
  /** Indexes a version; `tarball` is its verified package (kept where `keepsPackages`). */
  insert(row: VersionRow, tarball: Uint8Array): Promise<void>;
  /** The package bytes kept for a version; undefined when this backend keeps none (or the row is gone). */
  packageOf(name: string, version: string): Promise<StoredPackage | undefined>;
  /** Drops a version with its pins, approval and package. */
  delete(name: string, version: string): Promise<void>;
  pin(name: string, version: string, owner: string, at: string): Promise<void>;
  unpin(owner: string): Promise<void>;
  pins(name: string, version: string): Promise<string[]>;
  trustedKeys(): Promise<TrustedKeyRow[]>;
  trustedKey(keyId: string): Promise<TrustedKeyRow | undefined>;
  addTrustedKey(key: TrustedKeyRow): Promise<void>;
  /** True when a key was removed. */
  removeTrustedKey(keyId: string): Promise<boolean>;
  approval(name: string, version: string): Promise<ApprovalRow | undefined>;
  approvalsOf(name: string): Promise<ApprovalRow[]>;
  /** Records an approval; an existing one for the version is kept (the first approval is the one that counted). */
  addApproval(approval: ApprovalRow): Promise<void>;
  meta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

export function fromStored(row: StoredRow): VersionRow {
  return {
    name: row.name,
    version: row.version,
    integrity: row.integrity,
    manifest: JSON.parse(row.manifest) as VersionRow['manifest'],
    files: JSON.parse(row.files) as VersionRow['files'],
    mappings: JSON.parse(row.mappings) as VersionRow['mappings'],
    installedAt: row.installed_at,
    signature: row.signature === null ? null : (JSON.parse(row.signature) as SignedBy),
  };
}

export interface StoredApproval {
  name: string;
  version: string;
  approved_by: string;
  approved_at: string;
  via: string;
  capabilities: string;
  against: string | null;
  widened: string;
}

export function approvalFrom(row: StoredApproval): ApprovalRow {
  return {
    name: row.name,
    version: row.version,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    via: row.via,
    capabilities: JSON.parse(row.capabilities ?? '{}') as Record<string, unknown>,
    against: row.against,
    widened: JSON.parse(row.widened) as string[],
  };
}

export interface StoredTrustedKey {
  key_id: string;
  public_key: string;
  publisher: string;
  added_by: string;
  added_at: string;
}

export function trustedKeyFrom(row: StoredTrustedKey): TrustedKeyRow {
  return {
    keyId: row.key_id,
    publicKey: row.public_key,
    publisher: row.publisher,
    addedBy: row.added_by,
    addedAt: row.added_at,
  };
}
