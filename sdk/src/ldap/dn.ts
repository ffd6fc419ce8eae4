// RFC 4514 distinguished names: escape a value for an RDN, parse a DN into RDNs, and compare DNs the way a
// directory does (attribute types and values case-insensitively, escapes resolved). Plain ECMAScript only:
// plugins bundle this into their sandbox script, and the host's ldap capability uses the same parser.

export interface RdnPart {
  attribute: string;
  value: string;
}
/** One RDN: usually one attribute=value pair, several for a multi-valued RDN (`CN=a+UID=b`). */
export type Rdn = RdnPart[];

const HEX = '0123456789ABCDEF';
function hexByte(code: number): string {
  return '\\' + HEX[code >> 4] + HEX[code & 15];
}

/**
 * Escapes one attribute value for use inside a DN (RFC 4514 §2.4), e.g. `lizi,CN=Admins` → `lizi\,CN\=Admins`.
 * Besides the RFC's specials it escapes `=` and control characters, which AD and most parsers then accept
 * unambiguously.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) out += hexByte(code);
    else if (',+"\\<>;='.includes(ch)) out += '\\' + ch;
    else if ((ch === '#' || ch === ' ') && i === 0) out += '\\' + ch;
    else if (ch === ' ' && i === value.length - 1) out += '\\' + ch;
    else out += ch;
  }
  return out;
}

/** A DN with one RDN prepended: `childDn('CN', 'lizi', 'CN=Users,DC=x')` → `CN=lizi,CN=Users,DC=x` (value escaped). */
export function childDn(attribute: string, value: string, parent: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(attribute)) throw new Error(`not an attribute type: ${attribute}`);
  const rdn = `${attribute}=${escapeDnValue(value)}`;
  return parent.trim() === '' ? rdn : `${rdn},${parent}`;
}

export class DnSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnSyntaxError';
  }
}

function isHex(ch: string | undefined): boolean {
  return ch !== undefined && /^[0-9A-Fa-f]$/.test(ch);
}

/** Decodes collected UTF-8 bytes (from `\C3\A9` escapes); invalid sequences become U+FFFD. */
function decodeUtf8(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const extra = b >= 0xf0 && b < 0xf8 ? 3 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xc0 && b < 0xe0 ? 1 : 0;
    let cp = b & (0x3f >> extra);
    let ok = extra > 0 && i + extra < bytes.length;
    for (let k = 1; ok && k <= extra; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (!ok || cp > 0x10ffff) {
      out += '\uFFFD';
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += extra + 1;
  }
  return out;
}

/**
 * Parses a DN string into RDNs, most specific first, with escapes resolved (`\,`, `\2C`, multi-byte UTF-8
 * escapes) and insignificant spaces around separators dropped. `#hex` values are kept as written.
 * Throws DnSyntaxError on anything that is not a DN (an unescaped special, a missing `=`, a dangling `\`).
 */
export function parseDn(dn: string): Rdn[] {
  const rdns: Rdn[] = [];
  if (dn.trim() === '') return rdns;
  let i = 0;
  let rdn: Rdn = [];
  const fail = (why: string): never => {
    throw new DnSyntaxError(`invalid DN (${why} at offset ${i})`);
  };
  for (;;) {
    while (dn[i] === ' ') i++;
    // attribute type: a descriptor (CN) or a numeric OID (2.5.4.3), optionally written "OID.2.5.4.3"
    const typeMatch = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)/.exec(dn.slice(i));
    if (!typeMatch) fail('expected an attribute type');
    const attribute = typeMatch![0];
    i += attribute.length;
    while (dn[i] === ' ') i++;
    if (dn[i] !== '=') fail('expected "="');
    i++;
    while (dn[i] === ' ') i++;
    let value = '';
    if (dn[i] === '#') {
      const hexMatch = /^#(?:[0-9A-Fa-f]{2})+/.exec(dn.slice(i));
      if (!hexMatch) fail('bad #hex value');
      value = hexMatch![0];
      i += value.length;
      while (dn[i] === ' ') i++;
    } else if (dn[i] === '"') {
      // RFC 2253 quoted value (legacy, still produced by some tools)
      i++;
      while (i < dn.length && dn[i] !== '"') {
        if (dn[i] === '\\') {
          i++;
          if (i >= dn.length) fail('dangling escape');
        }
        value += dn[i++];
      }
      if (dn[i] !== '"') fail('unterminated quoted value');
      i++;
      while (dn[i] === ' ') i++;
    } else {
      let bytes: number[] = [];
      let trailingSpaces = 0; // unescaped spaces at the end are not part of the value
      const flush = () => {
        if (bytes.length) {
          value += decodeUtf8(bytes);
          bytes = [];
        }
      };
      while (i < dn.length && dn[i] !== ',' && dn[i] !== '+' && dn[i] !== ';') {
        const ch = dn[i];
        if (ch === '\\') {
          const next = dn[i + 1];
          if (isHex(next) && isHex(dn[i + 2])) {
            bytes.push(parseInt(dn.slice(i + 1, i + 3), 16));
            i += 3;
          } else if (next !== undefined && ' "#+,;<=>\\'.includes(next)) {
            flush();
            value += next;
            i += 2;
          } else fail('bad escape');
          trailingSpaces = 0;
          continue;
        }
        if (ch === '"' || ch === '<' || ch === '>' || ch.charCodeAt(0) === 0) fail(`unescaped "${ch}"`);
        flush();
        value += ch;
        trailingSpaces = ch === ' ' ? trailingSpaces + 1 : 0;
        i++;
      }
      flush();
      if (trailingSpaces) value = value.slice(0, value.length - trailingSpaces);
    }
    rdn.push({ attribute, value });
    if (i >= dn.length) {
      rdns.push(rdn);
      return rdns;
    }
    const separator = dn[i++];
    if (separator === '+') continue;
    rdns.push(rdn);
    rdn = [];
    if (i >= dn.length) fail('trailing separator');
  }
}

/** Writes RDNs back as a DN string with RFC 4514 escaping. */
export function formatDn(rdns: readonly Rdn[]): string {
  return rdns
    .map((rdn) =>
      rdn
        .map(
          (part) =>
            `${part.attribute}=${part.value.startsWith('#') && /^#(?:[0-9A-Fa-f]{2})+$/.test(part.value) ? part.value : escapeDnValue(part.value)}`,
        )
        .join('+'),
    )
    .join(',');
}

function normalRdn(rdn: Rdn): string {
  return rdn
    .map((p) => `${p.attribute.toLowerCase()}=${escapeDnValue(p.value.toLowerCase())}`)
    .sort()
    .join('+');
}

/** The canonical form used for comparison: lower-case types and values, escapes resolved, spaces dropped. */
export function normalizeDn(dn: string): string {
  return parseDn(dn).map(normalRdn).join(',');
}

/** True when both strings name the same entry (AD compares DNs case-insensitively). */
export function dnEquals(a: string, b: string): boolean {
  return normalizeDn(a) === normalizeDn(b);
}

/** True when `dn` is `base` or below it — compared RDN by RDN, never as a string suffix. */
export function isDnWithin(dn: string, base: string, options: { strict?: boolean } = {}): boolean {
  const inner = parseDn(dn).map(normalRdn);
  const outer = parseDn(base).map(normalRdn);
  if (inner.length < outer.length || (options.strict && inner.length === outer.length)) return false;
  const offset = inner.length - outer.length;
  return outer.every((rdn, index) => inner[offset + index] === rdn);
}

/** The DN one level up (`CN=a,CN=Users,DC=x` → `CN=Users,DC=x`); '' for a single RDN. */
export function parentDn(dn: string): string {
  return formatDn(parseDn(dn).slice(1));
}

/** The first RDN as a string (`CN=lizi\,x`), escaping kept. */
export function firstRdn(dn: string): string {
  const [rdn] = parseDn(dn);
  if (!rdn) throw new DnSyntaxError('invalid DN (empty)');
  return formatDn([rdn]);
}

/** The value of the first RDN, unescaped (`CN=lizi\,x,...` → `lizi,x`). */
export function firstRdnValue(dn: string): string {
  const [rdn] = parseDn(dn);
  if (!rdn) throw new DnSyntaxError('invalid DN (empty)');
  return rdn[0].value;
}
