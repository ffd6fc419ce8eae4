// The itsm module's tables. Append new migrations; never edit an applied one.
export const ITSM_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE itsm_requests (
    internal_id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('incident', 'service-request')),
    seq INTEGER NOT NULL,
    display_id TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT,
    department TEXT,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    requester TEXT,
    template TEXT,
    custom_fields TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (kind, seq)
  );
  CREATE TABLE itsm_configuration_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    ip_address TEXT,
    hostname TEXT,
    hostname_key TEXT,
    mac_address TEXT,
    mac_key TEXT,
    serial_number TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE INDEX itsm_ci_ip ON itsm_configuration_items (ip_address);
  CREATE INDEX itsm_ci_hostname ON itsm_configuration_items (hostname_key);
  CREATE INDEX itsm_ci_mac ON itsm_configuration_items (mac_key);
  CREATE INDEX itsm_ci_serial ON itsm_configuration_items (serial_number);
  CREATE TABLE itsm_relations (
    request_id INTEGER NOT NULL REFERENCES itsm_requests (internal_id),
    ci_id INTEGER NOT NULL REFERENCES itsm_configuration_items (id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (request_id, ci_id)
  );
  CREATE TABLE itsm_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES itsm_requests (internal_id),
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX itsm_audit_request ON itsm_audit (request_id, id);
  CREATE TABLE itsm_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES itsm_requests (internal_id),
    changes TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    claimed_at TEXT,
    processed_at TEXT
  );
  CREATE INDEX itsm_events_pending ON itsm_events (processed_at, id);
  `,
  // Request templates (issue 10): named kinds of request with typed fields and defaults.
  `
  CREATE TABLE itsm_templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('incident', 'service-request')),
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    fields TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
];
