// Test Connection shows a real response: what identifies a session or carries a credential never reaches the
// designer, whether it is a header, a secret-looking key in the body, or a known secret value anywhere.
import { describe, expect, it } from 'vitest';
import { redactResponse } from './test-connection.ts';

describe('redactResponse', () => {
  it('hides session and credential headers, secret-looking body keys and known secret values; keeps the rest', () => {
    const shown = redactResponse(
      {
        status: 200,
        headers: {
          'content-type': 'application/json',
          'set-cookie': 'sid=abc123; HttpOnly',
          'www-authenticate': 'Bearer realm="itsm"',
          'x-api-key': 'k-998877',
          'x-signature': 'sha256=ffee',
          'x-request-id': 'r-1',
        },
        json: { token: 'tok-112233', user: 'jdoe', note: 'echo s3cr3t-value here' },
      },
      ['s3cr3t-value'],
    );
    expect(shown).toEqual({
      status: 200,
      headers: {
        'content-type': 'application/json',
        'set-cookie': '[REDACTED]',
        'www-authenticate': '[REDACTED]',
        'x-api-key': '[REDACTED]',
        'x-signature': '[REDACTED]',
        'x-request-id': 'r-1',
      },
      json: { token: '[REDACTED]', user: 'jdoe', note: 'echo [REDACTED] here' },
    });
  });
});
