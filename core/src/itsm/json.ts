// JSON values of the itsm tables compared stably, for change tracking (a PATCH that repeats a value changes nothing),
// and walked without recursion where they may be plugin data (redaction, depth checks).
import type { Json } from '@actionhost/sdk';

/** JSON text with object keys sorted, so two equal values always compare equal as strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    return Object.fromEntries(
      Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/** How rebuildJson treats what it meets; C is a context handed from a container to its entries (e.g. a schema). */
export interface JsonRebuild<C> {
  /** A string value's replacement. */
  text?: (text: string) => Json;
  /** An object key's replacement. */
  key?: (key: string) => string;
  /** A replacement for an entry (key of the original), or undefined to keep rebuilding it. */
  replace?: (key: string | number, value: Json, context: C) => Json | undefined;
  /** The context an entry's value is rebuilt with. */
  child?: (key: string | number, context: C) => C;
}

/**
 * A copy of a JSON value rebuilt with `how`, walked with an explicit stack instead of recursion: plugin data can
 * nest deeper than the call stack allows, and a walk over it (redaction) must never be what overflows.
 */
export function rebuildJson<C>(value: Json, context: C, how: JsonRebuild<C>): Json {
  const copy = (inner: Json, innerContext: C, pending: Array<[Json, Json, C]>): Json => {
    if (typeof inner === 'string') return how.text ? how.text(inner) : inner;
    if (inner === null || typeof inner !== 'object') return inner;
    const target: Json = Array.isArray(inner) ? [] : {};
    pending.push([inner, target, innerContext]);
    return target;
  };
  const pending: Array<[Json, Json, C]> = [];
  const root = copy(value, context, pending);
  while (pending.length > 0) {
    const [source, target, parent] = pending.pop()!;
    if (Array.isArray(source)) {
      const list = target as Json[];
      for (let index = 0; index < source.length; index++) {
        const replaced = how.replace?.(index, source[index], parent);
        list[index] =
          replaced !== undefined ? replaced : copy(source[index], how.child?.(index, parent) ?? parent, pending);
      }
    } else {
      for (const [key, inner] of Object.entries(source as Record<string, Json>)) {
        const replaced = how.replace?.(key, inner, parent);
        const built = replaced !== undefined ? replaced : copy(inner, how.child?.(key, parent) ?? parent, pending);
        // defineProperty: a key named "__proto__" stays a plain key instead of setting the prototype.
        Object.defineProperty(target, how.key ? how.key(key) : key, {
          value: built,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
  }
  return root;
}

/** Nesting depth of a JSON value (a scalar is 0, `[]` and `{}` are 1), counted without recursion; stops counting
 * past `limit` and returns limit + 1. */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [inner, depth] = stack.pop()!;
    if (inner === null || typeof inner !== 'object') continue;
    const here = depth + 1;
    if (here > limit) return limit + 1;
    if (here > deepest) deepest = here;
    for (const child of Array.isArray(inner) ? inner : Object.values(inner)) {
      if (child !== null && typeof child === 'object') stack.push([child, here]);
    }
  }
  return deepest;
}
