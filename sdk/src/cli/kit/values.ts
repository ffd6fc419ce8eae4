// The kinds of value a flag or an environment variable can hold. Each is a zod schema from the text a user typed
// to the value a command uses, plus a phrase saying what a valid value looks like, which help texts, the README's
// settings table and every "invalid value" error reuse.
import { resolve } from 'node:path';
import { z } from 'zod';

export interface Value<T> {
  /** Parses the text a user gave (a flag's argument or an environment variable). */
  schema: z.ZodType<T, string>;
  /** What a valid value looks like: "a whole number from 1 to 64". */
  expects: string;
}

export function wholeNumber(min: number, max: number): Value<number> {
  const expects = `a whole number from ${min} to ${max}`;
  return {
    schema: z
      .string()
      .trim()
      .regex(/^-?\d+$/, 'not a whole number')
      .transform(Number)
      .pipe(z.number().min(min, `below ${min}`).max(max, `above ${max}`)),
    expects,
  };
}

export function choice<const T extends readonly string[]>(options: T): Value<T[number]> {
  return {
    schema: z.enum(options, { error: `not one of ${options.join(', ')}` }),
    expects: `one of ${options.join(', ')}`,
  };
}

export function commaList(example: string): Value<string[]> {
  return {
    schema: z.string().transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
    expects: `a comma-separated list, e.g. ${example}`,
  };
}

export function text(minLength = 1): Value<string> {
  return {
    schema: z.string().min(minLength, minLength === 1 ? 'empty' : `shorter than ${minLength} characters`),
    expects: minLength === 1 ? 'any text' : `text of at least ${minLength} characters`,
  };
}

/** A folder, resolved against the current folder. */
export function folder(): Value<string> {
  return {
    schema: z
      .string()
      .trim()
      .min(1, 'empty')
      .transform((path) => resolve(path)),
    expects: 'a folder path',
  };
}

export function onOff(): Value<boolean> {
  return {
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'not true or false' }))
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
    expects: 'true or false',
  };
}

/** Base64 text that decodes to exactly `bytes` bytes (kept as text: the consumer decodes it). */
export function base64Bytes(bytes: number): Value<string> {
  return {
    schema: z
      .string()
      .trim()
      .refine(
        (value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === bytes,
        `not base64 of ${bytes} bytes`,
      ),
    expects: `base64 of ${bytes} random bytes, e.g. from \`openssl rand -base64 ${bytes}\``,
  };
}

export function httpUrl(): Value<string> {
  return {
    schema: z.string().refine((value) => {
      if (!URL.canParse(value)) return false;
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    }, 'not an http(s) URL'),
    expects: 'an http(s) URL, e.g. http://127.0.0.1:4873',
  };
}

/** Text matching `pattern`; `expects` describes it ("sha512-<base64>"). */
export function matching(pattern: RegExp, expects: string): Value<string> {
  return { schema: z.string().regex(pattern, `not ${expects}`), expects };
}

/** Parses `raw` with `value`: the value, or the problem in words (the first issue's message). */
export function parseValue<T>(value: Value<T>, raw: string): { ok: true; value: T } | { ok: false; problem: string } {
  const parsed = value.schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: parsed.error.issues[0]?.message ?? 'invalid' };
}
