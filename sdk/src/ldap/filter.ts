// RFC 4515 search filters built from untrusted values: every value is escaped, so input such as
// `*)(objectClass=*` matches itself literally and can never add a wildcard or another filter component.

/** Escapes a value for a filter assertion: `*` `(` `)` `\` and NUL become `\2a` `\28` `\29` `\5c` `\00`. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ch === '*') out += '\\2a';
    else if (ch === '(') out += '\\28';
    else if (ch === ')') out += '\\29';
    else if (ch === '\\') out += '\\5c';
    else if (ch === '\u0000') out += '\\00';
    else out += ch;
  }
  return out;
}

function checkAttribute(attribute: string): string {
  // a descriptor with options (`cn;lang-en`) or a numeric OID; matching-rule syntax is not accepted here
  if (!/^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)(?:;[A-Za-z0-9-]+)*$/.test(attribute)) {
    throw new Error(`not an attribute description: ${attribute}`);
  }
  return attribute;
}

/** `(attribute=value)` with the value escaped. */
export function filterEquals(attribute: string, value: string): string {
  return `(${checkAttribute(attribute)}=${escapeFilterValue(value)})`;
}

/** `(attribute=*)`: the attribute is present. */
export function filterPresent(attribute: string): string {
  return `(${checkAttribute(attribute)}=*)`;
}

/** `(&f1f2...)` of already-built filters. */
export function filterAnd(...filters: string[]): string {
  return filters.length === 1 ? filters[0] : `(&${filters.join('')})`;
}

/** `(|f1f2...)` of already-built filters. */
export function filterOr(...filters: string[]): string {
  return filters.length === 1 ? filters[0] : `(|${filters.join('')})`;
}

/** `(!f)` of an already-built filter. */
export function filterNot(filter: string): string {
  return `(!${filter})`;
}

const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)(?:;[A-Za-z0-9-]+)*/;
const EXTENSIBLE =
  /^(?:(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)(?:;[A-Za-z0-9-]+)*)?(?::dn)?(?::(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*))?:=/i;

/**
 * Checks a whole filter against RFC 4515's grammar (and/or/not, =, ~=, >=, <=, presence, substrings,
 * extensible matches such as AD's `(userAccountControl:1.2.840.113556.1.4.803:=2)`); throws on anything else.
 * Lenient parsers guess at malformed filters; a guess is how an injected fragment widens a search.
 */
export function assertValidFilter(filter: string): void {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`invalid LDAP filter (${why} at offset ${i})`);
  };
  const value = (allowStar: boolean) => {
    while (i < filter.length && filter[i] !== ')') {
      const ch = filter[i];
      if (ch === '(' || ch === '\u0000') fail(`unescaped "${ch}"`);
      if (ch === '*' && !allowStar) fail('unescaped "*"');
      if (ch === '\\') {
        if (!/^[0-9A-Fa-f]{2}$/.test(filter.slice(i + 1, i + 3))) fail('bad escape');
        i += 3;
      } else i++;
    }
  };
  const one = (): void => {
    if (filter[i] !== '(') fail('expected "("');
    i++;
    const op = filter[i];
    if (op === '&' || op === '|') {
      i++;
      while (filter[i] === '(') one();
    } else if (op === '!') {
      i++;
      one();
    } else {
      const extensible = EXTENSIBLE.exec(filter.slice(i));
      const attribute = ATTRIBUTE.exec(filter.slice(i));
      if (extensible && extensible[0].includes(':')) {
        if (extensible[0] === ':=' || extensible[0] === ':dn:=') fail('extensible match without attribute or rule');
        i += extensible[0].length;
        value(false);
      } else if (attribute) {
        i += attribute[0].length;
        const type = filter.slice(i, i + 2);
        if (type === '~=' || type === '>=' || type === '<=') {
          i += 2;
          value(false);
        } else if (filter[i] === '=') {
          i++;
          value(true);
        } else fail('expected a filter type');
      } else fail('expected an attribute');
    }
    if (filter[i] !== ')') fail('expected ")"');
    i++;
  };
  one();
  if (i !== filter.length) fail('text after the filter');
}
