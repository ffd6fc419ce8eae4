// A plugin's limits come from its manifest and are capped by the host: a manifest can ask for less, never more.
import type { PluginManifest } from '@actionhost/sdk';

export interface InvocationLimits {
  timeoutMs: number;
  memoryMb: number;
  maxOutputBytes: number;
  maxHostCalls: number;
  maxLogEntries: number;
}

export interface HostLimits {
  /** Used when the manifest says nothing. */
  defaults: InvocationLimits;
  /** The most any manifest can get. */
  caps: InvocationLimits;
}

export const DEFAULT_HOST_LIMITS: HostLimits = {
  defaults: { timeoutMs: 10_000, memoryMb: 64, maxOutputBytes: 1 << 20, maxHostCalls: 100, maxLogEntries: 200 },
  caps: { timeoutMs: 120_000, memoryMb: 256, maxOutputBytes: 8 << 20, maxHostCalls: 1_000, maxLogEntries: 1_000 },
};

export function limitsFor(manifest: PluginManifest, host: HostLimits = DEFAULT_HOST_LIMITS): InvocationLimits {
  const asked = manifest.limits ?? {};
  const pick = (key: keyof InvocationLimits, value: number | undefined) =>
    Math.min(value ?? host.defaults[key], host.caps[key]);
  return {
    timeoutMs: pick('timeoutMs', asked.timeoutMs),
    memoryMb: pick('memoryMb', asked.memoryMb),
    maxOutputBytes: pick('maxOutputBytes', asked.maxOutputBytes),
    maxHostCalls: pick('maxHostCalls', asked.maxHostCalls),
    maxLogEntries: host.defaults.maxLogEntries,
  };
}
