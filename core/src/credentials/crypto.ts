// AES-256-GCM sealing of one credential's secret. A fresh 12-byte IV per seal; the credential's name and
// type are bound as additional data, so a ciphertext copied onto another row fails to open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;
const IV_BYTES = 12;

export interface Sealed {
  iv: Uint8Array;
  tag: Uint8Array;
  ciphertext: Uint8Array;
}

/** A short, stable, non-secret name for a key, stored with each secret so rotation knows what to re-encrypt. */
export function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update('actionhost master key id\0').update(key).digest('hex').slice(0, 16);
}

function additionalData(name: string, type: string): Buffer {
  return Buffer.from(`actionhost:credential:v1\0${name}\0${type}`, 'utf8');
}

export function seal(key: Uint8Array, name: string, type: string, plaintext: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(name, type));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Throws when the key is wrong or anything (iv, tag, ciphertext, name, type) was altered. */
export function open(key: Uint8Array, name: string, type: string, sealed: Sealed): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(additionalData(name, type));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
}
