// The first-party plugins' real manifests (as `npm run build` writes them) against publishing's mapping checks
// and the redaction of step inputs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PluginManifest } from '@actionhost/sdk';
import { checkMappings, redactInputs } from './index.ts';

const pluginDir = (name: string) => new URL(`../../../plugins/${name}/`, import.meta.url);
const realManifest = (name: string) =>
  PluginManifest.parse(JSON.parse(readFileSync(new URL('plugin.json', pluginDir(name)), 'utf8')));

describe('first-party manifests', () => {
  const webhook = realManifest('run-webhook');
  const check = (inputs: Record<string, unknown>) => {
    try {
      checkMappings('hook', 0, inputs as never, webhook.input, 'run-webhook');
      return null;
    } catch (error) {
      return error as { code: string; details: unknown };
    }
  };

  it('accepts run-webhook mappings for each Credential Type branch', () => {
    expect(
      check({
        URL: 'https://127.0.0.1/x/#internalId#',
        'Request Type': 'POST',
        'Request JSON': { id: '#internalId#', nested: [1, { a: null }] },
      }),
    ).toBeNull();
    expect(
      check({ URL: 'https://127.0.0.1/x', 'Credential Type': 'By Credentials', Credential: 'crm-token' }),
    ).toBeNull();
    expect(
      check({ URL: 'https://127.0.0.1/x', 'Credential Type': 'Basic Auth', Username: 'svc', Password: 'pw' }),
    ).toBeNull();
  });

  it('names the problem of the closest run-webhook branch', () => {
    expect(check({ URL: 'https://127.0.0.1/x', 'Credential Type': 'Basic Auth', Username: 'svc' })).toMatchObject({
      code: 'AH_MAPPING_REQUIRED',
      details: { key: 'Password' },
    });
    expect(check({ URL: 'https://127.0.0.1/x', Colour: 'red' })).toMatchObject({
      code: 'AH_MAPPING_KEY_UNKNOWN',
      details: { key: 'Colour' },
    });
    expect(check({ URL: 'https://127.0.0.1/x', 'Request Type': 'FETCH' })).toMatchObject({
      code: 'AH_MAPPING_TYPE',
      details: { key: 'Request Type' },
    });
    expect(check({ 'Request Type': 'GET' })).toMatchObject({ code: 'AH_MAPPING_REQUIRED', details: { key: 'URL' } });
  });

  it('lists the allowed values of an enum, across the branches a discriminating key chooses between', () => {
    expect(check({ URL: 'https://127.0.0.1/x', 'Credential Type': 'Bearer Token' })).toMatchObject({
      code: 'AH_MAPPING_TYPE',
      details: { key: 'Credential Type', allowedValues: ['No Auth', 'Basic Auth', 'By Credentials'] },
    });
    expect(check({ URL: 'https://127.0.0.1/x', 'Request Type': 'FETCH' })).toMatchObject({
      details: { key: 'Request Type', allowedValues: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    });
  });

  it("redacts run-webhook's writeOnly Password found in a branch", () => {
    expect(redactInputs({ URL: 'https://h', Password: 'pw-123456', Username: 'svc' }, webhook.input, [])).toEqual({
      URL: 'https://h',
      Password: '[REDACTED]',
      Username: 'svc',
    });
  });

  it("accepts the seed's ci-linking mappings and rejects a literal of the wrong type", () => {
    const ci = realManifest('ci-linking');
    expect(() =>
      checkMappings(
        'link',
        0,
        { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
        ci.input,
        'ci-linking',
      ),
    ).not.toThrow();
    expect(() =>
      checkMappings('link', 0, { 'Request.Id': 'abc', 'Unique Identifier Type': 'ip address' }, ci.input, 'ci-linking'),
    ).toThrow(expect.objectContaining({ code: 'AH_MAPPING_TYPE' }));
  });
});
