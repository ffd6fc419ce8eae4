// The applications concern's tables on each backend. The bind password is not a column: an application names a
// credential.
import type { Migrations } from '../store/index.ts';

const SQLITE: readonly string[] = [
  `CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    url TEXT NOT NULL,
    bind_dn TEXT NOT NULL,
    credential TEXT NOT NULL,
    base_dn TEXT NOT NULL,
    domain TEXT,
    ca_certificate TEXT,
    tls_verify INTEGER NOT NULL,
    timeout_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE app_integrations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    application_id TEXT NOT NULL REFERENCES applications(id),
    plugin TEXT NOT NULL,
    action TEXT NOT NULL,
    mappings TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX app_integrations_application ON app_integrations (application_id);`,
  // Issue 10: Applications reached through an Integration Connector, and generated initial passwords kept sealed
  // until an admin retrieves them once.
  `ALTER TABLE applications ADD COLUMN connector TEXT;
  CREATE TABLE initial_passwords (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    dn TEXT NOT NULL,
    dn_key TEXT NOT NULL,
    sealed TEXT NOT NULL,
    plugin TEXT NOT NULL,
    request_id INTEGER,
    execution_id TEXT,
    workflow_id TEXT,
    node_id TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX initial_passwords_entry ON initial_passwords (application_id, dn_key);
  CREATE INDEX initial_passwords_request ON initial_passwords (request_id);`,
];

// One migration with the latest schema (no PostgreSQL store had these tables before); names and ids sort byte by byte,
// as SQLite sorts them.
const POSTGRES: readonly string[] = [
  `CREATE TABLE applications (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE,
    type TEXT NOT NULL,
    url TEXT NOT NULL,
    bind_dn TEXT NOT NULL,
    credential TEXT NOT NULL,
    base_dn TEXT NOT NULL,
    domain TEXT,
    ca_certificate TEXT,
    tls_verify INTEGER NOT NULL,
    timeout_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    connector TEXT
  );
  CREATE TABLE app_integrations (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE,
    application_id TEXT NOT NULL REFERENCES applications(id),
    plugin TEXT NOT NULL,
    action TEXT NOT NULL,
    mappings TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX app_integrations_application ON app_integrations (application_id);
  CREATE TABLE initial_passwords (
    id TEXT COLLATE "C" PRIMARY KEY,
    application_id TEXT NOT NULL,
    dn TEXT NOT NULL,
    dn_key TEXT NOT NULL,
    sealed TEXT NOT NULL,
    plugin TEXT NOT NULL,
    request_id BIGINT,
    execution_id TEXT,
    workflow_id TEXT,
    node_id TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX initial_passwords_entry ON initial_passwords (application_id, dn_key);
  CREATE INDEX initial_passwords_request ON initial_passwords (request_id);`,
];

export const APPLICATION_MIGRATIONS: Migrations = { sqlite: SQLITE, postgres: POSTGRES };

export interface ApplicationRow {
  id: string;
  name: string;
  type: string;
  url: string;
  bind_dn: string;
  credential: string;
  base_dn: string;
  domain: string | null;
  ca_certificate: string | null;
  tls_verify: number;
  timeout_ms: number;
  connector: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface AppIntegrationRow {
  id: string;
  name: string;
  application_id: string;
  application_name: string;
  plugin: string;
  action: string;
  mappings: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}
