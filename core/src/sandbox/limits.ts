// A plugin's limits come from its manifest and are capped by the host: a manifest can ask for less, never more.
import type { PluginManifest } from '@actionhost/sdk';

export interface InvocationLimits {
  timeoutMs: number;
  memoryMb: number;
  maxOutputBytes: number;
  maxHostCalls: number;
  maxLogEntries: number;
  /** Largest arguments of one host call (characters of JSON), refused in the guest before they are copied out. */
  maxHostCallBytes: number;
  /** Arguments of the host calls one invocation has in flight at once, together. */
  maxInFlightBytes: number;
}

export interface HostLimits {
  /** Used when the manifest says nothing. */
  defaults: InvocationLimits;
  /** The most any manifest can get. */
  caps: InvocationLimits;
}

const MiB = 1 << 20;

/** Deepest nesting of arrays and objects a plugin's output (or a host call's arguments) may have when it crosses
 * out of the sandbox; the host's walks over plugin data are iterative, this keeps what it stores sane. */
export const OUTPUT_DEPTH_LIMIT = 64;

export const DEFAULT_HOST_LIMITS: HostLimits = {
  defaults: {
    timeoutMs: 10_000,
    memoryMb: 64,
    maxOutputBytes: MiB,
    maxHostCalls: 100,
    maxLogEntries: 200,
    maxHostCallBytes: 6 * MiB,
    maxInFlightBytes: 16 * MiB,
  },
  caps: {
    timeoutMs: 120_000,
    memoryMb: 256,
    maxOutputBytes: 8 * MiB,
    maxHostCalls: 1_000,
    maxLogEntries: 1_000,
    maxHostCallBytes: 6 * MiB,
    maxInFlightBytes: 16 * MiB,
  },
};

/** The limits an invocation of this plugin runs under: each the manifest's (or the host's default), at most the cap. */
export function limitsFor(manifest: PluginManifest, host: HostLimits = DEFAULT_HOST_LIMITS): InvocationLimits {
  const asked = manifest.limits ?? {};
  const pick = (key: keyof InvocationLimits, value: number | undefined) =>
    Math.min(value ?? host.defaults[key], host.caps[key]);
  return {
    timeoutMs: pick('timeoutMs', asked.timeoutMs),
    memoryMb: pick('memoryMb', asked.memoryMb),
    maxOutputBytes: pick('maxOutputBytes', asked.maxOutputBytes),
    maxHostCalls: pick('maxHostCalls', asked.maxHostCalls),
    maxLogEntries: pick('maxLogEntries', undefined),
    maxHostCallBytes: pick('maxHostCallBytes', undefined),
    maxInFlightBytes: pick('maxInFlightBytes', undefined),
  };
}
