// Retries of an action node at run time: which failures are worth another attempt under the node's RetryPolicy
// (declared with the definition), and when that attempt is due (exponential backoff with jitter, at least the
// target's Retry-After).
import type { ActionhostError, Json } from '@actionhost/sdk';
import type { RetryPolicy } from '../definition/index.ts';
import type { PluginOutcome } from './ports.ts';

/**
 * Failures that say nothing about the request itself, so the same call may well succeed later: the endpoint
 * could not be reached or did not answer in time, the sandbox worker died or was too busy, the plugin ran out
 * of time. They count whether the invocation threw them or a plugin returned them as `output.error.code`
 * (Run Webhook takes its failure path with `{ status: 0, error: { code } }` when no answer arrived). An
 * Integration Connector that is offline never got the ldap operation, so another attempt cannot repeat a write
 * (AH_CONNECTOR_TIMEOUT can: the connector may have run it, so it is not retried).
 */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'AH_HTTP_CONNECT_FAILED',
  'AH_HTTP_TIMEOUT',
  'AH_PLUGIN_CRASHED',
  'AH_PLUGIN_TIMEOUT',
  'AH_SANDBOX_BUSY',
  'AH_CONNECTOR_OFFLINE',
]);

/** Longest wait a Retry-After answer can impose on a step. */
const RETRY_AFTER_CEILING_MS = 3_600_000;

export interface RetryVerdict {
  retry: boolean;
  /** Why (an error code or `status <n>`), for the step's record. */
  reason: string | null;
  /** The target's Retry-After, in ms, when the output carried one. */
  retryAfterMs: number | null;
}

/** Decides whether one attempt's result (a thrown error or a returned outcome) is worth another attempt. */
export function judgeAttempt(
  policy: RetryPolicy,
  result: { error: ActionhostError } | { outcome: PluginOutcome },
  now = Date.now(),
): RetryVerdict {
  if ('error' in result) {
    const retry = RETRYABLE_CODES.has(result.error.code);
    return { retry, reason: retry ? result.error.code : null, retryAfterMs: null };
  }
  const output = result.outcome.output;
  if (!isObject(output)) return { retry: false, reason: null, retryAfterMs: null };
  const error = output.error;
  const code = isObject(error) && typeof error.code === 'string' ? error.code : null;
  const status = typeof output.status === 'number' ? output.status : null;
  const retryAfterMs = readRetryAfter(output.headers, now);
  if (code !== null && RETRYABLE_CODES.has(code)) return { retry: true, reason: code, retryAfterMs };
  if (status !== null && policy.onStatus.includes(status))
    return { retry: true, reason: `status ${status}`, retryAfterMs };
  return { retry: false, reason: null, retryAfterMs: null };
}

/**
 * Delay before attempt `nextAttempt` (2 = the first retry): backoffMs · 2^(n-2), capped at maxBackoffMs, with
 * "equal jitter" (a random half on top of the other half) so many executions failing together do not retry in
 * lockstep; never shorter than the target's Retry-After.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  nextAttempt: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, nextAttempt - 2));
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, RETRY_AFTER_CEILING_MS));
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); header names are case-insensitive. */
export function readRetryAfter(headers: Json | undefined, now = Date.now()): number | null {
  if (!isObject(headers)) return null;
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after');
  const value = entry && typeof entry[1] === 'string' ? entry[1].trim() : null;
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
