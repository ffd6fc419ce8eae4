// Errors of the credential store and the master key; codes, statuses and messages come from core's error table.
// Messages never contain a secret.
import type { z } from 'zod';
import { CoreErrors, validationFailed } from '../errors/index.ts';

export const CredentialErrors = {
  exists: (name: string) => CoreErrors.AH_CREDENTIAL_EXISTS({ name }, { name }),
  notFound: (name: string) => CoreErrors.AH_CREDENTIAL_NOT_FOUND({ name }, { name }),
  /** zod issue messages name the rule broken, never the value, so they are safe to return. */
  invalid: (error: z.ZodError) => validationFailed('credential', error),
  /** The secret was encrypted under a key this host does not hold (wrong ACTIONHOST_MASTER_KEY or master.key). */
  keyMismatch: (name: string, keyId: string, currentKeyId: string) =>
    CoreErrors.AH_CREDENTIAL_KEY_MISMATCH({ name, keyId, currentKeyId }, { name, keyId, currentKeyId }),
  /** Authentication of the ciphertext failed: the row was altered or copied under another name. */
  decryptFailed: (name: string) => CoreErrors.AH_CREDENTIAL_DECRYPT_FAILED({ name }, { name }),
  /** The master key cannot open the check value sealed when the first secret was stored: another host's key. */
  masterKeyMismatch: (location: string, keyId: string, storedKeyId: string) =>
    CoreErrors.AH_MASTER_KEY_MISMATCH({ location, keyId, storedKeyId }, { location, keyId, storedKeyId }),
  /** On a shared store no host makes a key of its own: each must be given the one they share. */
  masterKeyRequired: (location: string, file: string) =>
    CoreErrors.AH_MASTER_KEY_REQUIRED({ location, file }, { location }),
  masterKeyInvalid: (source: string, reason: string) =>
    CoreErrors.AH_MASTER_KEY_INVALID({ source, reason }, { source }),
  masterKeyInsecure: (file: string, mode: number) => {
    const octal = (mode & 0o777).toString(8);
    return CoreErrors.AH_MASTER_KEY_INSECURE({ file, mode: octal }, { file, mode: octal });
  },
} as const;
