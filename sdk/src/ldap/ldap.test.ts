// The SDK's LDAP escaping: values built into DNs and filters stay values, and DNs compare like a directory.
import { describe, expect, it } from 'vitest';
import {
  assertValidFilter,
  childDn,
  dnEquals,
  escapeDnValue,
  escapeFilterValue,
  filterAnd,
  filterEquals,
  firstRdnValue,
  isDnWithin,
  normalizeDn,
  parentDn,
  parseDn,
  DnSyntaxError,
} from './index.ts';

describe('escapeDnValue', () => {
  it('escapes the RFC 4514 specials so a value cannot add an RDN', () => {
    expect(escapeDnValue('lizi,CN=Admins')).toBe('lizi\\,CN\\=Admins');
    expect(escapeDnValue('a+b"c\\d<e>f;g')).toBe('a\\+b\\"c\\\\d\\<e\\>f\\;g');
  });

  it('escapes a leading "#" or space, a trailing space, and control characters', () => {
    expect(escapeDnValue('#x')).toBe('\\#x');
    expect(escapeDnValue(' x ')).toBe('\\ x\\ ');
    expect(escapeDnValue('a\u0000b\nc')).toBe('a\\00b\\0Ac');
  });

  it('round-trips through parseDn for hostile values', () => {
    for (const value of ['lizi,CN=Admins', '*)(objectClass=*', ' #lead', 'trail ', 'x\\,y', 'Zoë Łódź', 'a\u0001b']) {
      const dn = childDn('CN', value, 'CN=Users,DC=test,DC=local');
      const rdns = parseDn(dn);
      expect(rdns).toHaveLength(4);
      expect(rdns[0]).toEqual([{ attribute: 'CN', value }]);
      expect(parentDn(dn)).toBe('CN=Users,DC=test,DC=local');
    }
  });
});

describe('parseDn', () => {
  it('resolves hex escapes, including multi-byte UTF-8', () => {
    expect(firstRdnValue('CN=Zo\\C3\\AB\\2C x,DC=a')).toBe('Zoë, x');
  });

  it('splits multi-valued RDNs and drops spaces around separators', () => {
    expect(parseDn('cn = a + uid=b , dc=x')).toEqual([
      [
        { attribute: 'cn', value: 'a' },
        { attribute: 'uid', value: 'b' },
      ],
      [{ attribute: 'dc', value: 'x' }],
    ]);
  });

  it('rejects strings that are not DNs', () => {
    for (const bad of ['CN', 'CN=a,', 'CN=a\\', '=a', 'CN=a<b', 'CN=a,,DC=b', 'CN=a\\zz']) {
      expect(() => parseDn(bad), bad).toThrow(DnSyntaxError);
    }
  });
});

describe('isDnWithin', () => {
  const base = 'DC=test,DC=local';

  it('compares parsed, normalised RDNs rather than string suffixes', () => {
    expect(isDnWithin('cn=Lizi,CN=users, dc=TEST,dc=Local', base)).toBe(true);
    expect(isDnWithin('CN=x,DC=eviltest,DC=local', base)).toBe(false);
    expect(isDnWithin('CN=x\\,DC=test\\,DC=local', base)).toBe(false);
    expect(isDnWithin('CN=x,DC=test\\,DC=local', base)).toBe(false);
    expect(isDnWithin('DC=local', base)).toBe(false);
  });

  it('counts the base itself as inside unless strict', () => {
    expect(isDnWithin('dc=test,dc=local', base)).toBe(true);
    expect(isDnWithin('dc=test,dc=local', base, { strict: true })).toBe(false);
  });

  it('treats escaped and hex-escaped spellings as the same DN', () => {
    expect(dnEquals('CN=a\\,b,DC=x', 'cn=A\\2cB,dc=X')).toBe(true);
    expect(normalizeDn('CN=A ,  DC=X')).toBe('cn=a,dc=x');
  });
});

describe('filters', () => {
  it('escapes wildcards and parentheses so a value cannot widen a filter', () => {
    expect(escapeFilterValue('*)(objectClass=*')).toBe('\\2a\\29\\28objectClass=\\2a');
    expect(filterEquals('sAMAccountName', '*)(objectClass=*')).toBe('(sAMAccountName=\\2a\\29\\28objectClass=\\2a)');
    expect(escapeFilterValue('a\\b\u0000')).toBe('a\\5cb\\00');
  });

  it('refuses an attribute description that could carry filter syntax', () => {
    expect(() => filterEquals('cn)(uid', 'x')).toThrow();
    expect(filterAnd(filterEquals('objectClass', 'user'), filterEquals('cn', 'a'))).toBe('(&(objectClass=user)(cn=a))');
  });
});

describe('assertValidFilter', () => {
  it('accepts the RFC 4515 forms AD workflows use', () => {
    for (const good of [
      '(objectClass=*)',
      '(&(objectClass=user)(sAMAccountName=li\\2azi))',
      '(|(cn=a*b*c)(!(mail=*)))',
      '(userAccountControl:1.2.840.113556.1.4.803:=2)',
      '(cn>=m)',
      '(cn~=lizi)',
      '(cn;lang-en=x)',
      '(&)',
    ])
      expect(() => assertValidFilter(good), good).not.toThrow();
  });

  it('rejects malformed filters instead of guessing', () => {
    for (const bad of [
      '(&(cn=a)',
      'cn=a',
      '(cn=a))',
      '(cn=a)(cn=b)',
      '(cn=a(b)',
      '(cn=\\zz)',
      '(=a)',
      '(cn>=a*)',
      '(cn)',
      '',
    ]) {
      expect(() => assertValidFilter(bad), bad).toThrow();
    }
  });

  it('accepts every filter built with filterEquals, whatever the value', () => {
    for (const value of ['*)(objectClass=*', '\\', '(', 'a\u0000b', 'Zoë']) {
      expect(() => assertValidFilter(filterAnd(filterEquals('cn', value), filterEquals('sn', value)))).not.toThrow();
    }
  });
});
