// defineErrors: a table row becomes a typed constructor whose errors keep ActionhostError's shape and toJSON().
import { describe, expect, it } from 'vitest';
import { ActionhostError, defineErrors, formatErrorMessage, isActionhostError, messageParamNames } from './errors.ts';

const Errors = defineErrors({
  AH_TEST_TIMEOUT: {
    status: 504,
    message: 'the plugin did not finish within {timeoutMs} ms',
    description: 'It ran too long.',
  },
  AH_TEST_CLOSED: { status: 503, message: 'the sandbox is closed', description: 'It is closing.' },
  AH_TEST_TWO: { status: 400, message: '{a} and {b} and {a} again', description: 'Two parameters.' },
});

describe('defineErrors', () => {
  it('fills the template with the parameters and keeps code, status and details', () => {
    const error = Errors.AH_TEST_TIMEOUT({ timeoutMs: 250 }, { plugin: '@acme/x@1.0.0' });
    expect(error).toBeInstanceOf(ActionhostError);
    expect(isActionhostError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'AH_TEST_TIMEOUT',
      status: 504,
      message: 'the plugin did not finish within 250 ms',
      details: { plugin: '@acme/x@1.0.0' },
    });
  });

  it('serialises exactly as an ActionhostError built by hand', () => {
    const made = Errors.AH_TEST_TIMEOUT({ timeoutMs: 5 }, { path: '/x' });
    const byHand = new ActionhostError('AH_TEST_TIMEOUT', 'the plugin did not finish within 5 ms', 504, { path: '/x' });
    expect(made.toJSON()).toEqual(byHand.toJSON());
    expect(Object.keys(made.toJSON())).toEqual(['code', 'message', 'details']);
  });

  it('takes the details first for a template without parameters, and an empty object by default', () => {
    expect(Errors.AH_TEST_CLOSED().details).toEqual({});
    expect(Errors.AH_TEST_CLOSED({ plugin: 'p' })).toMatchObject({
      message: 'the sandbox is closed',
      details: { plugin: 'p' },
    });
  });

  it('carries the row it was made from', () => {
    const { code, status, template, description } = Errors.AH_TEST_TIMEOUT;
    expect({ code, status, template, description }).toEqual({
      code: 'AH_TEST_TIMEOUT',
      status: 504,
      template: 'the plugin did not finish within {timeoutMs} ms',
      description: 'It ran too long.',
    });
  });

  it('changes the status only when a throw site asks for it', () => {
    expect(Errors.AH_TEST_CLOSED({}, { status: 500 }).status).toBe(500);
    expect(Errors.AH_TEST_TWO({ a: 1, b: 2 }).status).toBe(400);
  });

  it('checks the parameter names at compile time', () => {
    // @ts-expect-error timeoutMs is required by the template
    const missing = Errors.AH_TEST_TIMEOUT({});
    // @ts-expect-error the template has no parameter named seconds
    const unknown = Errors.AH_TEST_TIMEOUT({ timeoutMs: 1, seconds: 1 });
    expect(missing.message).toBe('the plugin did not finish within {timeoutMs} ms');
    expect(unknown.message).toBe('the plugin did not finish within 1 ms');
  });
});

describe('formatErrorMessage', () => {
  it('replaces every occurrence of a {name} and leaves other braces alone', () => {
    expect(formatErrorMessage('{a} and {b} and {a}', { a: 'x', b: 0 })).toBe('x and 0 and x');
    expect(formatErrorMessage('return { path, output }', {})).toBe('return { path, output }');
    expect(messageParamNames('{a} and { not one } and {b} and {a}')).toEqual(['a', 'b']);
  });
});
