// limitsFor: every limit an invocation runs under is the manifest's (or the host's default), never above the host's cap.
import { describe, expect, it } from 'vitest';
import { PluginManifest } from '@actionhost/sdk';
import { DEFAULT_HOST_LIMITS, limitsFor, type HostLimits, type InvocationLimits } from './limits.ts';

const manifest = (limits: Record<string, number>) =>
  PluginManifest.parse({
    name: '@test/limits',
    version: '1.0.0',
    title: 'Limits',
    category: 'plugin',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: {},
    output: {},
    paths: ['success'],
    limits,
  });

const keys = Object.keys(DEFAULT_HOST_LIMITS.caps) as (keyof InvocationLimits)[];

describe('limitsFor', () => {
  it('caps every limit at the host cap, whatever the manifest asks for', () => {
    const greedy = manifest({ timeoutMs: 600_000, memoryMb: 1024, maxOutputBytes: 1e12, maxHostCalls: 1e9 });
    const tight: HostLimits = {
      defaults: DEFAULT_HOST_LIMITS.defaults,
      caps: Object.fromEntries(keys.map((key) => [key, 7])) as unknown as InvocationLimits,
    };
    expect(limitsFor(greedy, tight)).toEqual(Object.fromEntries(keys.map((key) => [key, 7])));
    for (const key of keys) expect(limitsFor(greedy)[key]).toBeLessThanOrEqual(DEFAULT_HOST_LIMITS.caps[key]);
  });

  it("gives the manifest what it asks for below the cap, and the host's default for what it leaves out", () => {
    expect(limitsFor(manifest({ timeoutMs: 2000, memoryMb: 32 }))).toEqual({
      ...DEFAULT_HOST_LIMITS.defaults,
      timeoutMs: 2000,
      memoryMb: 32,
    });
    expect(limitsFor(manifest({}))).toEqual(DEFAULT_HOST_LIMITS.defaults);
  });

  it('applies a default that is above the cap only up to the cap', () => {
    const host: HostLimits = {
      defaults: DEFAULT_HOST_LIMITS.caps,
      caps: DEFAULT_HOST_LIMITS.defaults,
    };
    expect(limitsFor(manifest({}), host)).toEqual(DEFAULT_HOST_LIMITS.defaults);
  });
});
