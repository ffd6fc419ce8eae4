// The three object forms an Input Mapping value may take besides a template string. A single-key object whose key
// is one of these is the form, anywhere in a mapping (a header value, a field of Request JSON):
//   { "$literal": "p#w" }    the text exactly as typed: no placeholders, no escapes (secret fields use it)
//   { "$public": "t##1" }    a template marked not secret where values are sealed by default (a header value)
//   { "$sealed": "v1...." }  a secret sealed under the master key when the workflow was saved (never typed)
import type { Json } from '@actionhost/sdk';

export type ValueForm =
  { kind: 'literal'; text: string } | { kind: 'public'; template: string } | { kind: 'sealed'; token: string };

const FORM_KEYS = { $literal: 'literal', $public: 'public', $sealed: 'sealed' } as const;
type FormKey = keyof typeof FORM_KEYS;

export interface SealedInput {
  $sealed: string;
}

/** The form `value` takes, when it is one; a malformed one (`{ "$literal": 5 }`) is reported by `formProblem`. */
export function valueFormOf(value: unknown): ValueForm | undefined {
  const key = formKeyOf(value);
  if (key === undefined) return undefined;
  const inner = (value as Record<string, unknown>)[key];
  if (typeof inner !== 'string') return undefined;
  switch (FORM_KEYS[key]) {
    case 'literal':
      return { kind: 'literal', text: inner };
    case 'public':
      return { kind: 'public', template: inner };
    case 'sealed':
      return { kind: 'sealed', token: inner };
  }
}

/** Why a value that looks like a form is not one (its inner value is no string), else undefined. */
export function formProblem(value: unknown): string | undefined {
  const key = formKeyOf(value);
  if (key === undefined) return undefined;
  return typeof (value as Record<string, unknown>)[key] === 'string' ? undefined : `${key} takes a string`;
}

function formKeyOf(value: unknown): FormKey | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !Object.hasOwn(FORM_KEYS, keys[0])) return undefined;
  return keys[0] as FormKey;
}

export function isSealed(value: unknown): value is SealedInput {
  return valueFormOf(value)?.kind === 'sealed';
}

/** A literal text as a template that renders to exactly that text (every `#` doubled). */
export function literalAsTemplate(text: string): string {
  return text.replaceAll('#', '##');
}

/**
 * The template a value stands for when mappings are checked or placeholders collected: a literal is its escaped
 * text, a public value its template, a sealed value an opaque string. Other values are returned as they are.
 */
export function asTemplate(value: Json): Json {
  const form = valueFormOf(value);
  if (!form) return value;
  if (form.kind === 'literal') return literalAsTemplate(form.text);
  if (form.kind === 'public') return form.template;
  return '********';
}
