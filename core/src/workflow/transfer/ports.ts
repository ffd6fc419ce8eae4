// What export and import need from their neighbours besides the plugin catalogue and App Integrations (which
// publishing already reaches through definition/'s ports): credential names and types, and capability approvals.
type MaybePromise<T> = T | Promise<T>;

/** Names and types of the stored credentials, never a secret (CredentialStore fits). */
export interface CredentialDirectory {
  list(): MaybePromise<readonly { name: string; type: string }[]>;
}

/** Which capabilities of an installed plugin version an admin has not approved yet (empty when all are). */
export interface CapabilityApprovals {
  unapproved(name: string, version: string): MaybePromise<readonly string[]>;
}
