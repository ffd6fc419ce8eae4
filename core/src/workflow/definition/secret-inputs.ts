// Literal secrets in Input Mappings — a Basic Auth Password typed into a node, an Authorization header — are
// sealed under the master key when a workflow is saved and opened only to build the plugin's input at run
// time: the definition in the database and in API answers holds ciphertext, never the secret itself.
import type { Json } from '@actionhost/sdk';
import { hasPlaceholder } from './placeholders.ts';

/** The credential store fits as is (AES-256-GCM under the master key). */
export interface SecretSealer {
  sealValue(purpose: string, plaintext: string): string;
  openValue(purpose: string, token: string): string;
}

export interface SealedInput {
  $sealed: string;
}

const PURPOSE = 'workflow-input';
const SECRET_KEY = /pass(word|phrase)?$|secret|token|api[ _-]?key|^authorization$/i;

export function isSealed(value: unknown): value is SealedInput {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { $sealed?: unknown }).$sealed === 'string'
  );
}

function isRecord(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Seals every literal string under a secret-looking key, at any depth of objects (placeholders stay as they are). */
export function sealInputs(inputs: Record<string, Json>, sealer: SecretSealer): Record<string, Json> {
  const walk = (value: Json, key: string): Json => {
    if (typeof value === 'string') {
      return SECRET_KEY.test(key) && value !== '' && !hasPlaceholder(value)
        ? { $sealed: sealer.sealValue(PURPOSE, value) }
        : value;
    }
    if (!isRecord(value) || isSealed(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([inner, child]) => [inner, walk(child, inner)]));
  };
  return Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, walk(value, key)]));
}

/** Opens the sealed values of rendered inputs; each opened secret is added to `opened` for redaction. */
export function openInputs(inputs: Json, sealer: SecretSealer | undefined, opened: string[]): Json {
  if (isSealed(inputs)) {
    if (!sealer) throw new Error('a sealed input needs the credential store to open it');
    const text = sealer.openValue(PURPOSE, inputs.$sealed);
    opened.push(text);
    return text;
  }
  if (!isRecord(inputs)) return inputs;
  return Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, openInputs(value, sealer, opened)]));
}

/** For checking mappings against a plugin's schema: a sealed value stands for a string. */
export function sealedAsText(value: Json): Json {
  if (isSealed(value)) return '********';
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, sealedAsText(child)]));
}
