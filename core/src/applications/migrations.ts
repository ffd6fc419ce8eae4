// The applications concern's tables. The bind password is not a column: an application names a credential.
export const MIGRATIONS: readonly string[] = [
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
];

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
