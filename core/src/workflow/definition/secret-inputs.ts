// Secrets typed into Input Mappings — a Basic Auth Password, an API key in a header — are sealed under the master
// key when a workflow is saved and opened only to build the plugin's input at run time: the definition in the
// database and in API answers holds ciphertext, never the secret itself. Which positions are secret: keys that name
// a secret (secrets/'s rule) and every value under a `Headers` object, unless written { "$public": ... }.
// A sealed value holds the literal text: `p##w` typed as a template is sealed as `p#w`, as `{ "$literal": "p#w" }`.
import type { Json } from '@actionhost/sdk';
import { isHeadersKey, isSecretKey } from '../../secrets/index.ts';
import { WorkflowErrors, asActionhostError } from './errors.ts';
import { defineKey, parseTemplate, pointerEscape } from './placeholders.ts';
import { valueFormOf } from './value-forms.ts';

/** The credential store fits as is (AES-256-GCM under the master key). */
export interface SecretSealer {
  sealValue(purpose: string, plaintext: string): string;
  openValue(purpose: string, token: string): string;
}

// Sealed values of workflow nodes are sealed for this purpose only: a value sealed elsewhere (another purpose)
// does not open in a node, so it cannot be pasted into one and sent to a URL of the editor's choosing.
const PURPOSE = 'workflow-input';

/**
 * Seals every secret of a node's Input Mappings (`path` is the JSON path of `inputs`). Templates with placeholders
 * stay as they are (their values are read at run time); a sealed value passed back unchanged must open here.
 */
export function sealInputs(inputs: Record<string, Json>, sealer: SecretSealer, path = ''): Record<string, Json> {
  return sealEntries(inputs, false, sealer, path);
}

/** An object's entries: a secret key makes its value secret, a Headers object makes every header value secret. */
function sealEntries(
  value: { [key: string]: Json },
  secret: boolean,
  sealer: SecretSealer,
  path: string,
): { [key: string]: Json } {
  const sealed: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}/${pointerEscape(key)}`;
    const headers = isHeadersKey(key) && isRecord(child) && !valueFormOf(child);
    defineKey(
      sealed,
      key,
      headers ? sealEntries(child, true, sealer, at) : sealValue(child, secret || isSecretKey(key), sealer, at),
    );
  }
  return sealed;
}

function sealValue(value: Json, secret: boolean, sealer: SecretSealer, path: string): Json {
  const form = valueFormOf(value);
  if (form?.kind === 'sealed') {
    openSealed(sealer, form.token, path);
    return value;
  }
  if (form?.kind === 'public') return value;
  if (form?.kind === 'literal') return secret && form.text !== '' ? seal(sealer, form.text) : value;
  if (typeof value === 'string') {
    if (!secret || value === '') return value;
    const segments = parseTemplate(value, path);
    if (segments.some((segment) => segment.kind === 'ref')) return value;
    return seal(sealer, segments.map((segment) => (segment.kind === 'text' ? segment.text : '')).join(''));
  }
  if (Array.isArray(value)) return value.map((item, index) => sealValue(item, secret, sealer, `${path}/${index}`));
  return isRecord(value) ? sealEntries(value, secret, sealer, path) : value;
}

function seal(sealer: SecretSealer, text: string): Json {
  return { $sealed: sealer.sealValue(PURPOSE, text) };
}

/** Opens a sealed value of a node; AH_SEALED_VALUE_INVALID (with the path) when it does not open here. */
export function openSealed(sealer: SecretSealer, token: string, path: string): string {
  try {
    return sealer.openValue(PURPOSE, token);
  } catch (error) {
    const cause = asActionhostError(error).code;
    throw WorkflowErrors.sealedValueInvalid(
      { problem: "does not open with this host's master key (it was sealed elsewhere, or altered)" },
      { path, cause },
    );
  }
}

function isRecord(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
