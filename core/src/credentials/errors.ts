// Errors of the credential store and the master key. Messages never contain a secret.
import { ActionhostError } from '@actionhost/sdk';
import type { z } from 'zod';

const pointer = (path: readonly PropertyKey[]) =>
  '/' + path.map((part) => String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export const CredentialErrors = {
  exists: (name: string) =>
    new ActionhostError('AH_CREDENTIAL_EXISTS', `a credential named "${name}" already exists`, 409, { name }),
  notFound: (name: string) =>
    new ActionhostError('AH_CREDENTIAL_NOT_FOUND', `no credential named "${name}"`, 404, { name }),
  /** zod issue messages name the rule broken, never the value, so they are safe to return. */
  invalid: (error: z.ZodError) => {
    const issues = error.issues.map((issue) => ({ path: pointer(issue.path), message: issue.message }));
    const first = issues[0] ?? { path: '/', message: 'invalid' };
    return new ActionhostError('AH_VALIDATION_FAILED', `invalid credential: ${first.path} ${first.message}`, 400, {
      path: first.path,
      issues,
    });
  },
  /** The secret was encrypted under a key this host does not hold (wrong ACTIONHOST_MASTER_KEY or master.key). */
  keyMismatch: (name: string, keyId: string, currentKeyId: string) =>
    new ActionhostError(
      'AH_CREDENTIAL_KEY_MISMATCH',
      `credential "${name}" was encrypted under master key ${keyId}, but this host holds key ${currentKeyId}`,
      500,
      { name, keyId, currentKeyId },
    ),
  /** Authentication of the ciphertext failed: the row was altered or copied under another name. */
  decryptFailed: (name: string) =>
    new ActionhostError(
      'AH_CREDENTIAL_DECRYPT_FAILED',
      `credential "${name}" cannot be decrypted: it was altered or moved`,
      500,
      { name },
    ),
  masterKeyInvalid: (source: string, reason: string) =>
    new ActionhostError('AH_MASTER_KEY_INVALID', `the master key from ${source} is invalid: ${reason}`, 500, {
      source,
    }),
  masterKeyInsecure: (file: string, mode: number) =>
    new ActionhostError(
      'AH_MASTER_KEY_INSECURE',
      `the master key file ${file} is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`,
      500,
      { file, mode: (mode & 0o777).toString(8) },
    ),
} as const;
