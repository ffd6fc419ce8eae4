// Which request field holds the identifier and which CI field it matches, for each "Unique Identifier Type".
// Plain ECMAScript only: this runs inside the sandbox.
import type { CiIdentifierField, Json } from '@actionhost/sdk';

export type IdentifierType = 'ip address' | 'hostname' | 'mac address' | 'serial number';

/** "IP Address" → "[Ii][Pp] ..." : JSON Schema patterns have no case-insensitive flag. */
const anyCase = (word: string) => word.replace(/[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);
const separator = '[ _.-]?';

/** Accepts "ip address", "IP Address", "ip", "ipAddress", "Host Name", "MAC", "serial no", ... */
export const IDENTIFIER_TYPE_PATTERN =
  '^\\s*(?:' +
  [
    `${anyCase('ip')}(?:${separator}${anyCase('address')})?`,
    `${anyCase('host')}(?:${separator}${anyCase('name')})?`,
    `${anyCase('mac')}(?:${separator}${anyCase('address')})?`,
    `${anyCase('serial')}(?:${separator}(?:${anyCase('number')}|${anyCase('no')}\\.?))?`,
  ].join('|') +
  ')\\s*$';

interface IdentifierRule {
  type: IdentifierType;
  ciField: CiIdentifierField;
  /** Custom field names (lower case, letters and digits only) that may hold the identifier, in preference order. */
  customFieldKeys: string[];
}

const RULES: IdentifierRule[] = [
  { type: 'ip address', ciField: 'ipAddress', customFieldKeys: ['ipaddress', 'ip'] },
  { type: 'hostname', ciField: 'hostname', customFieldKeys: ['hostname', 'host'] },
  { type: 'mac address', ciField: 'macAddress', customFieldKeys: ['macaddress', 'mac'] },
  { type: 'serial number', ciField: 'serialNumber', customFieldKeys: ['serialnumber', 'serial', 'serialno'] },
];

const compact = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The rule for an input such as "IP Address"; undefined when the type is unknown. */
export function identifierRule(input: string): IdentifierRule | undefined {
  const key = compact(input);
  return RULES.find((rule) => rule.customFieldKeys.includes(key) || compact(rule.type) === key);
}

/** The identifier from the request's custom fields ("ipAddress", "IP Address", "ip_address" ...), or null. */
export function identifierFrom(customFields: Record<string, Json>, rule: IdentifierRule): string | null {
  const byKey = new Map<string, Json>();
  for (const [name, value] of Object.entries(customFields)) {
    const key = compact(name);
    if (!byKey.has(key)) byKey.set(key, value);
  }
  for (const key of rule.customFieldKeys) {
    const value = byKey.get(key);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return null;
}
