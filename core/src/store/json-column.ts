// Columns the store keeps as JSON text, read back: every concern's rows decode them the same way.
import type { Json } from '@actionhost/sdk';

/**
 * The value of a JSON text column. A NULL column reads as `fallback`, or as null when none is given: the caller's
 * type then says whether the column may be NULL (`ErrorSummary | null`) or never is (a NOT NULL column).
 */
export function parseJsonColumn<T = Json>(text: unknown): T;
export function parseJsonColumn<T = Json>(text: unknown, fallback: T): T;
export function parseJsonColumn(text: unknown, fallback: unknown = null): unknown {
  if (typeof text !== 'string') return fallback;
  return JSON.parse(text) as unknown;
}
