// AD answers are classified by their diagnostic text, so Windows DCs and Samba land on the same stable code
// even where their numeric result codes differ. Samba's wording is exercised against the real DC in test/ad;
// here are the Windows Server diagnostics, as ldapts hands them over.
import { describe, expect, it } from 'vitest';
import { isConnectionFailure, toLdapError } from './errors.ts';

const context = { operation: 'modify' as const, applicationId: 'ad', dn: 'CN=x,DC=corp,DC=example' };
const ldapError = (code: number, message: string) =>
  Object.assign(new Error(`${message} Code: 0x${code.toString(16)}`), { code });

describe('toLdapError', () => {
  it.each([
    [
      53,
      '0000052D: SvcErr: DSID-031A1248, problem 5003 (WILL_NOT_PERFORM), data 0',
      'setPassword',
      'AH_LDAP_PASSWORD_POLICY',
    ],
    [
      19,
      '0000052D: AtrErr: DSID-03191083, #1:\n\t0: 0000052D: DSID-03191083, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)',
      'setPassword',
      'AH_LDAP_PASSWORD_POLICY',
    ],
    [68, '00000524: UpdErr: DSID-031A11E0, problem 6005 (ENTRY_EXISTS), data 0', 'add', 'AH_LDAP_ALREADY_EXISTS'],
    [19, '00002071: samldb: samAccountName already in use!', 'add', 'AH_LDAP_ALREADY_EXISTS'],
    [
      32,
      '0000208D: NameErr: DSID-0310020A, problem 2001 (NO_OBJECT), data 0, best match of:',
      'modify',
      'AH_LDAP_NO_SUCH_OBJECT',
    ],
    [
      50,
      '00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0',
      'add',
      'AH_LDAP_INSUFFICIENT_RIGHTS',
    ],
    [
      49,
      '80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 52e, v3839',
      'bind',
      'AH_LDAP_INVALID_CREDENTIALS',
    ],
    [53, '00002077: SvcErr: DSID-031A129B, problem 5003 (WILL_NOT_PERFORM)', 'modify', 'AH_LDAP_ERROR'],
  ] as const)('result %i "%s" during %s → %s', (resultCode, diagnostic, operation, code) => {
    const error = toLdapError(ldapError(resultCode, diagnostic), { ...context, operation });
    expect(error.code).toBe(code);
    expect(error.details.resultCode).toBe(resultCode);
  });

  it('a constraint violation while setting a password is a password-policy failure even without AD text', () => {
    expect(toLdapError(ldapError(19, 'constraint violation'), { ...context, operation: 'setPassword' }).code).toBe(
      'AH_LDAP_PASSWORD_POLICY',
    );
    expect(toLdapError(ldapError(19, 'constraint violation'), context).code).toBe('AH_LDAP_ERROR');
  });

  it('socket, TLS and timeout failures are AH_LDAP_UNREACHABLE; LDAP results never count as connection failures', () => {
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:636'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      new Error('SearchRequest: Operation timed out'),
      new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'),
    ]) {
      expect(isConnectionFailure(error)).toBe(true);
      expect(toLdapError(error, context).code).toBe('AH_LDAP_UNREACHABLE');
    }
    expect(isConnectionFailure(ldapError(52, 'TLS negotiation required'))).toBe(false);
  });
});
