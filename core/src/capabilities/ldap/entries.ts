// Directory entries as plain JSON for the guest: every attribute a list of strings. AD's binary attributes
// are asked for as buffers and written in their usual text forms (objectGUID as a GUID, objectSid as S-1-...),
// everything else binary as base64 — the guest has no Buffer to decode them with.
import type { Entry } from 'ldapts';
import type { LdapEntry } from '@actionhost/sdk';

/** Attributes AD stores as octet strings; requested as buffers so they are not mangled into UTF-8 text. */
export const BINARY_ATTRIBUTES = [
  'objectGUID',
  'objectSid',
  'sIDHistory',
  'tokenGroups',
  'thumbnailPhoto',
  'jpegPhoto',
  'userCertificate',
  'nTSecurityDescriptor',
  'msExchMailboxGuid',
  'msDS-GenerationId',
  'logonHours',
  'mS-DS-ConsistencyGuid',
];
const binary = new Set(BINARY_ATTRIBUTES.map((name) => name.toLowerCase()));

/** objectGUID bytes → "c7b6bcb0-7863-49d5-a1a4-f9f0e8c9036a" (the first three groups are little-endian). */
export function guidToString(bytes: Buffer): string {
  if (bytes.length !== 16) return bytes.toString('base64');
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = [...bytes.subarray(from, to)];
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

/** objectSid bytes → "S-1-5-21-...". */
export function sidToString(bytes: Buffer): string {
  if (bytes.length < 8) return bytes.toString('base64');
  const count = bytes[1];
  if (bytes.length !== 8 + count * 4) return bytes.toString('base64');
  const authority = bytes.readUIntBE(2, 6);
  const parts = [`S-${bytes[0]}-${authority}`];
  for (let i = 0; i < count; i++) parts.push(String(bytes.readUInt32LE(8 + i * 4)));
  return parts.join('-');
}

function textOf(attribute: string, value: Buffer | string): string {
  if (typeof value === 'string') return value;
  const name = attribute.toLowerCase();
  if (name === 'objectguid' || name === 'msexchmailboxguid' || name === 'ms-ds-consistencyguid')
    return guidToString(value);
  if (name === 'objectsid' || name === 'sidhistory' || name === 'tokengroups') return sidToString(value);
  return binary.has(name) ? value.toString('base64') : value.toString('utf8');
}

export function toLdapEntry(entry: Entry): LdapEntry {
  const attributes: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const values = Array.isArray(value) ? value : [value];
    attributes[name] = values.map((v) => textOf(name, v));
  }
  return { dn: entry.dn, attributes };
}

/** unicodePwd's required form: the password in double quotes, UTF-16LE encoded. */
export function unicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}
