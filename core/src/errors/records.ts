// The codes of the service-desk records (itsm), credentials, applications and the store underneath them.
import type { ErrorTable } from '@actionhost/sdk/errors';

export const itsmErrors = {
  AH_REQUEST_NOT_FOUND: {
    status: 404,
    message: 'request {id} does not exist',
    description: 'No request has that internal id; list them with GET /api/requests.',
  },
  AH_CI_NOT_FOUND: {
    status: 404,
    message: 'configuration item {id} does not exist',
    description: 'No Configuration Item has that id; list them with GET /api/cis.',
  },
  AH_TEMPLATE_NOT_FOUND: {
    status: 404,
    message: 'no request template "{name}"',
    description:
      'A request names a template that does not exist; list them with GET /api/request-templates (an admin creates them).',
  },
  AH_TEMPLATE_EXISTS: {
    status: 409,
    message: 'a request template named "{name}" already exists',
    description: 'Template names are unique; pick another name or delete the existing template.',
  },
  AH_EVENT_NOT_FOUND: {
    status: 404,
    message: 'outbox event {id} does not exist',
    description: 'An internal reference to a request event that is gone (a host bug if it shows up).',
  },
} as const satisfies ErrorTable;

export const credentialErrors = {
  AH_CREDENTIAL_EXISTS: {
    status: 409,
    message: 'a credential named "{name}" already exists',
    description: 'Credential names are unique; delete the old one first or pick another name.',
  },
  AH_CREDENTIAL_NOT_FOUND: {
    status: 404,
    message: 'no credential named "{name}"',
    description:
      'The credential a node, an Application or an API call names is not stored on this host; create it on the API Credential page (POST /api/credentials).',
  },
  AH_CREDENTIAL_KEY_MISMATCH: {
    status: 500,
    message: 'credential "{name}" was encrypted under master key {keyId}, but this host holds key {currentKeyId}',
    description:
      'The data folder was encrypted with another master key; start the host with that key (ACTIONHOST_MASTER_KEY or master.key) or store the credential again.',
  },
  AH_CREDENTIAL_DECRYPT_FAILED: {
    status: 500,
    message: 'credential "{name}" cannot be decrypted: it was altered or moved',
    description:
      'The stored ciphertext fails authentication (edited, or copied under another name); store the credential again.',
  },
  AH_MASTER_KEY_INVALID: {
    status: 500,
    message: 'the master key from {source} is invalid: {reason}',
    description:
      'ACTIONHOST_MASTER_KEY or <data>/master.key is not a 32-byte key (base64 or hex); restore the right key.',
  },
  AH_MASTER_KEY_MISMATCH: {
    status: 500,
    message:
      'the master key {keyId} cannot open the secrets already stored in {location} (sealed under key {storedKeyId})',
    description:
      'Every host of a store must hold the same master key: start this host with the key the secrets were stored under (ACTIONHOST_MASTER_KEY, or the master.key of the host that stored them); a new key is given by CredentialStore.rotate (which re-encrypts every secret), never by replacing the key.',
  },
  AH_MASTER_KEY_REQUIRED: {
    status: 500,
    message:
      'a host on the shared database {location} needs the master key every host uses: set ACTIONHOST_MASTER_KEY (or put that key in {file})',
    description:
      'On PostgreSQL every host must hold the same master key, so none makes one of its own: start each host with ACTIONHOST_MASTER_KEY set to the key the first host used (for a new database, any 32 random bytes in base64, e.g. `openssl rand -base64 32`), or place that key in <data>/master.key (mode 0600).',
  },
  AH_MASTER_KEY_INSECURE: {
    status: 500,
    message: 'the master key file {file} is readable by other users (mode {mode}); run chmod 600 on it',
    description: 'The host refuses a master key file other users can read; run chmod 600 on it.',
  },
} as const satisfies ErrorTable;

export const applicationErrors = {
  AH_APPLICATION_NOT_FOUND: {
    status: 404,
    message: 'no application named "{name}"',
    description: 'No Application (directory connection) has that name or id; create it with POST /api/applications.',
  },
  AH_APP_INTEGRATION_NOT_FOUND: {
    status: 404,
    message: 'no App Integration named "{name}"',
    description: 'No App Integration has that name; create it with POST /api/app-integrations.',
  },
  AH_APPLICATION_EXISTS: {
    status: 409,
    message: 'an application named "{name}" already exists',
    description: 'Application names are unique; pick another name or change the existing one.',
  },
  AH_APP_INTEGRATION_EXISTS: {
    status: 409,
    message: 'an App Integration named "{name}" already exists',
    description: 'App Integration names are unique; pick another name.',
  },
  AH_APPLICATION_IN_USE: {
    status: 409,
    message: 'application "{name}" is used by App Integration(s) {appIntegrations}; delete them first',
    description: 'An Application that App Integrations use cannot be deleted; delete or repoint those first.',
  },
  AH_APPLICATION_CREDENTIAL_UNSUITABLE: {
    status: 400,
    message:
      'credential "{credential}" is a {type} credential; an application binds with the password of a basic credential',
    description: "An Application binds with a basic credential's username and password; give it one.",
  },
  AH_INITIAL_PASSWORD_NOT_FOUND: {
    status: 404,
    message: 'no initial password {id} is waiting: it was retrieved already, or never kept',
    description:
      'A generated initial password can be retrieved once; the retrieval deletes it. Set a new one with Reset Password.',
  },
  AH_TLS_VERIFY_DISABLED: {
    status: 200,
    message: "TLS certificate verification is off (set by {actor}): the directory server's identity is not checked",
    description:
      "A warning, not an error: listed in an Application's `warnings` (and logged) while tlsVerify is false. Give the Application the server's CA certificate and turn verification on.",
  },
} as const satisfies ErrorTable;

export const storeErrors = {
  AH_STORE_UNAVAILABLE: {
    status: 503,
    message: 'cannot open the database {file}: {reason}',
    description: 'The SQLite file cannot be opened (missing folder, permissions, corruption); check the data folder.',
  },
  AH_STORE_FULL: {
    status: 503,
    message: "the data folder's file system is full: the change was not saved",
    description: 'Free disk space for the data folder; nothing was half-saved.',
  },
  AH_STORE_READ_ONLY: {
    status: 503,
    message: 'the data folder is read-only: the change was not saved',
    description: 'The data folder became read-only (a remount, permissions); make it writable again.',
  },
  AH_STORE_IO: {
    status: 503,
    message: 'the data folder could not be written (I/O error): the change was not saved',
    description: "The disk under the data folder failed a write; check the disk and the host's kernel log.",
  },
  AH_STORE_BUSY: {
    status: 503,
    message: 'the database is busy: try again',
    description: 'Another process holds the database lock for too long; try again (and run one host per data folder).',
  },
  AH_STORE_LEASE_LOST: {
    status: 503,
    message: 'this host no longer holds execution {executionId}: its lease lapsed and the write was refused',
    description:
      'Several hosts share a PostgreSQL database: a host that could not renew its lease (its connection to the database was cut, or it stalled) must not write results for an execution another host may have taken over. The other host resumes it with the same idempotency keys.',
  },
  AH_NOT_FOUND: {
    status: 404,
    message: '{what} {id} does not exist',
    description: 'The record named in the URL does not exist.',
  },
} as const satisfies ErrorTable;
