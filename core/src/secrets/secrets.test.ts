// The redaction rules: every derived form of a secret is found wherever it sits, and ordinary text is left alone.
import { describe, expect, it } from 'vitest';
import { REDACTED, basicAuthForms, expandSecrets, isSecretKey, scrubText, secretForms } from './index.ts';

const scrub = (text: string, secrets: string[]) => scrubText(text, expandSecrets(secrets), REDACTED);
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('secret forms', () => {
  const password = 'c0rrect horse/battery+staple?&=é';

  it('finds the password inside base64(user:password) whatever the length of the user', () => {
    for (const user of ['a', 'ab', 'abc', 'svc-desk', 'x'.repeat(31)]) {
      const header = `Basic ${base64(`${user}:${password}`)}`;
      const scrubbed = scrub(`{"authorization":"${header}"}`, [password]);
      expect(scrubbed, user).toContain(REDACTED);
      // what is left of the header cannot give the password back
      const left = /Basic ([^"]*)/.exec(scrubbed)![1].replace(REDACTED, '');
      expect(Buffer.from(left, 'base64').toString('latin1'), user).not.toContain('horse');
    }
  });

  it('finds the percent-encoded, form-encoded, JSON-escaped and base64 spellings', () => {
    const quoted = 'pa"ss\\word 42';
    for (const spelling of [
      encodeURIComponent(password),
      encodeURIComponent(password).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
      encodeURIComponent(password).replaceAll('%20', '+'),
      base64(password),
      Buffer.from(password).toString('base64url'),
    ]) {
      expect(scrub(`before ${spelling} after`, [password])).toBe(`before ${REDACTED} after`);
    }
    expect(scrub(JSON.stringify({ echoed: quoted }), [quoted])).toBe(JSON.stringify({ echoed: REDACTED }));
  });

  it("finds the spellings of other servers' JSON encoders and of an HTML page", () => {
    const tricky = `pw/<it's>&"é"€`;
    const php = JSON.stringify(tricky)
      .slice(1, -1)
      .replaceAll('/', '\\/')
      .replace(/[\u0080-\uffff]/g, (unit) => {
        return '\\u' + unit.charCodeAt(0).toString(16).padStart(4, '0');
      });
    expect(php).toContain('\\/');
    expect(php).toContain('\\u00e9');
    const html = tricky
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;');
    for (const spelling of [
      php,
      php.replace(/\\u[0-9a-f]{4}/g, (escape) => '\\u' + escape.slice(2).toUpperCase()),
      JSON.stringify(tricky).slice(1, -1).replaceAll('/', '\\/'),
      html.replaceAll("'", '&#39;'),
      html.replaceAll("'", '&#x27;'),
      html.replaceAll("'", '&apos;'),
    ]) {
      expect(scrub(`{"echo":"${spelling}"}`, [tricky]), spelling).toBe(`{"echo":"${REDACTED}"}`);
    }
  });

  it('gives the whole Basic header value for a known user and password', () => {
    const header = `Basic ${base64(`svc:${password}`)}`;
    expect(scrubText(`got ${header}!`, basicAuthForms('svc', password), REDACTED)).toBe(`got ${REDACTED}!`);
  });

  it('leaves short values alone so that outputs stay readable', () => {
    expect(secretForms('abc')).toEqual([]);
    expect(scrub('abc abcd', ['abc'])).toBe('abc abcd');
  });

  it('replaces the longest form first', () => {
    const forms = secretForms(password);
    expect([...forms].sort((a, b) => b.length - a.length)).toEqual(forms);
  });
});

describe('secret keys', () => {
  it('names passwords, tokens, API keys and authorization, not ordinary fields', () => {
    for (const key of ['Password', 'pwd', 'client_secret', 'X-Auth-Token', 'apiKey', 'Authorization', 'unicodePwd'])
      expect(isSecretKey(key), key).toBe(true);
    for (const key of ['Username', 'URL', 'Credential', 'Credential Type', 'mail', 'Keywords']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});
