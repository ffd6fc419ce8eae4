// The credentials concern's tables on each backend, and the key check: a value sealed under the master key when the
// first secret is stored, which every later start (of this host or another one on the same store) must open.
import type { Migrations } from '../store/index.ts';

export const CREDENTIAL_MIGRATIONS: Migrations = {
  sqlite: [
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
    `CREATE TABLE credential_key_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key_id TEXT NOT NULL,
    iv BLOB NOT NULL,
    tag BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    created_at TEXT NOT NULL
  )`,
  ],
  // Names sort byte by byte, as SQLite sorts them (COLLATE "C"; the database's own collation may follow a locale).
  postgres: [
    `CREATE TABLE credentials (
    name TEXT COLLATE "C" PRIMARY KEY,
    type TEXT NOT NULL,
    header TEXT,
    key_id TEXT NOT NULL,
    iv BYTEA NOT NULL,
    tag BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    binding TEXT
  );
  CREATE TABLE credential_key_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key_id TEXT NOT NULL,
    iv BYTEA NOT NULL,
    tag BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    created_at TEXT NOT NULL
  )`,
  ],
};
