// Secrets typed into Input Mappings — a Basic Auth Password, an API key in a header — are sealed under the master
// key when a workflow is saved and opened only to build the plugin's input at run time: the definition in the
// database and in API answers holds ciphertext, never the secret itself. Which positions are secret: keys that name
// a secret (secrets/'s rule) and every value under a `Headers` object, unless written { "$public": ... }.
// A sealed value holds the literal text: `p##w` typed as a template is sealed as `p#w`, as `{ "$literal": "p#w" }`.
// A node's sealed value is bound (as AAD) to where it was typed: the workflow, the node, the input's path and the
// origin of the node's URL, so it opens nowhere else — not in another workflow, and not once the URL points away.
import type { Json } from '@actionhost/sdk';
import { isHeadersKey, isSecretKey } from '../../secrets/index.ts';
import { WorkflowErrors, asActionhostError } from './errors.ts';
import { defineKey, parseTemplate, pointerEscape } from './placeholders.ts';
import { Problems } from './problems.ts';
import { valueFormOf } from './value-forms.ts';

/** The credential store fits as is (AES-256-GCM under the master key). */
export interface SecretSealer {
  sealValue(purpose: string, plaintext: string): string;
  openValue(purpose: string, token: string): string;
}

/**
 * Where a node's secrets were typed: they are sealed for this place only. `inputs` are the node's own Input
 * Mappings (not App Integration defaults): their URL decides the destination the secrets may be sent to.
 */
export interface SealBinding {
  workflowId: string;
  nodeId: string;
  inputs: Record<string, Json>;
}

// Values sealed without a binding (App Integration mappings, and node values sealed before bindings existed) use
// this purpose; a node's own sealed values never open under it, so neither can be pasted into a node.
const PURPOSE = 'workflow-input';
const BOUND_PURPOSE = 'workflow-node-input';

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Seals every secret of a node's Input Mappings (`path` is the JSON path of `inputs`). Templates with placeholders
 * stay as they are (their values are read at run time); a sealed value passed back unchanged must open here, for
 * this binding: every one that does not (copied from elsewhere, or its node's URL moved) is reported at once.
 */
export function sealInputs(
  inputs: Record<string, Json>,
  sealer: SecretSealer,
  path = '',
  binding?: SealBinding,
  problems?: Problems,
): Record<string, Json> {
  const found = problems ?? new Problems();
  const place: Place = { sealer, base: path, binding, problems: found, destination: undefined };
  const sealed = sealEntries(inputs, false, place, path);
  if (!problems) found.throwIfAny();
  return sealed;
}

interface Place {
  sealer: SecretSealer;
  base: string;
  binding: SealBinding | undefined;
  problems: Problems;
  destination: string | null | undefined;
}

/** An object's entries: a secret key makes its value secret, a Headers object makes every header value secret. */
function sealEntries(
  value: { [key: string]: Json },
  secret: boolean,
  place: Place,
  path: string,
): { [key: string]: Json } {
  const sealed: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}/${pointerEscape(key)}`;
    const headers = isHeadersKey(key) && isRecord(child) && !valueFormOf(child);
    defineKey(
      sealed,
      key,
      headers ? sealEntries(child, true, place, at) : sealValue(child, secret || isSecretKey(key), place, at),
    );
  }
  return sealed;
}

function sealValue(value: Json, secret: boolean, place: Place, path: string): Json {
  const form = valueFormOf(value);
  if (form?.kind === 'sealed') {
    try {
      openWith(place, form.token, path);
    } catch (error) {
      place.problems.add(asActionhostError(error));
    }
    return value;
  }
  if (form?.kind === 'public') return value;
  if (form?.kind === 'literal') return secret && form.text !== '' ? seal(place, form.text, path) : value;
  if (typeof value === 'string') {
    if (!secret || value === '') return value;
    const segments = parseTemplate(value, path);
    if (segments.some((segment) => segment.kind === 'ref')) return value;
    return seal(place, segments.map((segment) => (segment.kind === 'text' ? segment.text : '')).join(''), path);
  }
  if (Array.isArray(value)) return value.map((item, index) => sealValue(item, secret, place, `${path}/${index}`));
  return isRecord(value) ? sealEntries(value, secret, place, path) : value;
}

function seal(place: Place, text: string, path: string): Json {
  try {
    return { $sealed: place.sealer.sealValue(purposeAt(place, path), text) };
  } catch (error) {
    place.problems.add(asActionhostError(error));
    return null;
  }
}

function openWith(place: Place, token: string, path: string): string {
  const purpose = purposeAt(place, path);
  try {
    return place.sealer.openValue(purpose, token);
  } catch (error) {
    const cause = asActionhostError(error).code;
    throw WorkflowErrors.sealedValueInvalid(
      {
        problem:
          place.binding === undefined
            ? "does not open with this host's master key (it was sealed elsewhere, or altered)"
            : 'does not open in this node: it was typed in another workflow or node, or for another URL origin (type the secret again)',
      },
      { path, cause },
    );
  }
}

/** The purpose (AAD) a value at `path` is sealed for: the binding's place and destination, or the plain purpose. */
function purposeAt(place: Place, path: string): string {
  const { binding } = place;
  if (binding === undefined) return PURPOSE;
  place.destination ??= destinationOf(binding.inputs, place.base);
  if (place.destination === null) {
    throw WorkflowErrors.sealedValueInvalid(
      {
        problem:
          "cannot be bound to this node's destination: its URL's scheme or host is a placeholder. Write the host as text, or keep the secret in a stored credential",
      },
      { path },
    );
  }
  const key = path.startsWith(place.base) ? path.slice(place.base.length) : path;
  return `${BOUND_PURPOSE}\n${JSON.stringify([binding.workflowId, binding.nodeId, key, place.destination])}`;
}

/**
 * Where a node sends what it is given: the origins of its own top-level URL inputs (a key that ends in "url", such
 * as Run Webhook's `URL` or a `Base URL`), as `key=origin` lines; '' when it has none. A template's origin is its
 * fixed scheme and host (the text before the first `/`, `?` or `#` that follows them); null when a placeholder
 * chooses the scheme or host, since a secret cannot be bound to a destination the data decides.
 */
export function destinationOf(inputs: Record<string, Json>, path = ''): string | null {
  const origins: string[] = [];
  for (const [key, value] of Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (
      !key
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .endsWith('url')
    )
      continue;
    const form = valueFormOf(value);
    const text = form?.kind === 'public' ? form.template : form?.kind === 'literal' ? null : value;
    if (form?.kind === 'literal') {
      origins.push(`${key}=${originOf(form.text)}`);
      continue;
    }
    if (typeof text !== 'string') continue;
    let segments;
    try {
      segments = parseTemplate(text, `${path}/${pointerEscape(key)}`);
    } catch {
      return null;
    }
    const first = segments.findIndex((segment) => segment.kind === 'ref');
    const fixed = segments
      .slice(0, first === -1 ? segments.length : first)
      .map((segment) => (segment.kind === 'text' ? segment.text : ''))
      .join('');
    if (first === -1) {
      origins.push(`${key}=${originOf(fixed)}`);
      continue;
    }
    const authority = SCHEME.exec(fixed);
    if (!authority) return null;
    const end = fixed.slice(authority[0].length).search(/[/?#]/);
    if (end === -1) return null;
    origins.push(`${key}=${originOf(fixed.slice(0, authority[0].length + end))}`);
  }
  return origins.join('\n');
}

/** The URL's origin (scheme, host, port; normalised); the trimmed text itself when it is no URL. */
function originOf(text: string): string {
  try {
    return new URL(text.trim()).origin;
  } catch {
    return text.trim();
  }
}

/**
 * Opens a sealed value at `path` (a JSON path under `base`, the path of the inputs): with a binding, for that node
 * only; AH_SEALED_VALUE_INVALID (with the path) when it does not open here.
 */
export function openSealed(
  sealer: SecretSealer,
  token: string,
  path: string,
  base = '',
  binding?: SealBinding,
): string {
  return openWith({ sealer, base, binding, problems: new Problems(), destination: undefined }, token, path);
}

/** Whether the node's own inputs hold a sealed value at `pointer` (relative to the inputs). */
export function ownSealedAt(inputs: Record<string, Json>, pointer: string): boolean {
  let value: Json | undefined = inputs;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) value = value[Number(key)];
    else if (isRecord(value as Json) && Object.hasOwn(value as object, key))
      value = (value as Record<string, Json>)[key];
    else return false;
  }
  return valueFormOf(value ?? null)?.kind === 'sealed';
}

function isRecord(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
