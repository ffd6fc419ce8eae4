// Builds a plugin's input from its Input Mappings: templates resolved (a string that is exactly one placeholder
// keeps the referenced value's JSON type; placeholders inside a longer string are stringified), literal values
// taken as typed, sealed values opened, URL fields encoded by position (url-template.ts). Objects and arrays are
// rebuilt item by item, so whatever a referenced value contains can only ever become the content of one string.
import type { Json } from '@actionhost/sdk';
import { WorkflowErrors } from './errors.ts';
import { objectBranches } from './json-schema.ts';
import { defineKey, parseTemplate, pointerEscape, type Reference } from './placeholders.ts';
import { openSealed, ownSealedAt, type SealBinding, type SecretSealer } from './secret-inputs.ts';
import { isUrlSchema, renderUrl } from './url-template.ts';
import { valueFormOf } from './value-forms.ts';

export interface RenderOptions {
  /** Reads the value a placeholder names (undefined or null: nothing there). */
  resolve: (ref: Reference, path: string) => Json | undefined;
  /** The plugin's input schema: string properties with `format: "uri"` are rendered as URLs. */
  schema?: unknown;
  /** Opens sealed values; a sealed value without one is an error. */
  sealer?: SecretSealer;
  /** Every opened secret is added here, so the step can scrub it from what it records. */
  opened?: string[];
  /**
   * The node the inputs belong to: a sealed value typed into the node opens only for it (its workflow, node, path
   * and URL origin); one that came from App Integration defaults opens as those are sealed.
   */
  binding?: SealBinding;
}

/** The plugin input the mappings stand for, at JSON path `path`. */
export function renderInputs(value: Json, options: RenderOptions, path = ''): Json {
  return render(value, options.schema, { ...options, base: path }, path);
}

/** Renders a mapping value without a schema or a sealer (templates and literal values only). */
export function renderValue(value: Json, resolve: RenderOptions['resolve'], path = ''): Json {
  return render(value, undefined, { resolve }, path);
}

type Rendering = RenderOptions & { base?: string };

function render(value: Json, schema: unknown, options: Rendering, path: string): Json {
  const form = valueFormOf(value);
  if (form?.kind === 'literal') return form.text;
  if (form?.kind === 'public') return renderTemplate(form.template, schema, options, `${path}/$public`);
  if (form?.kind === 'sealed') {
    if (!options.sealer) throw WorkflowErrors.sealedValueInvalid({ problem: 'cannot be opened here' }, { path });
    const base = options.base ?? '';
    const own = options.binding !== undefined && ownSealedAt(options.binding.inputs, path.slice(base.length));
    const text = openSealed(options.sealer, form.token, path, base, own ? options.binding : undefined);
    options.opened?.push(text);
    return text;
  }
  if (typeof value === 'string') return renderTemplate(value, schema, options, path);
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    return value.map((item, index) => render(item, items, options, `${path}/${index}`));
  }
  if (value !== null && typeof value === 'object') {
    const built: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      const at = `${path}/${pointerEscape(key)}`;
      defineKey(built, key, render(item, propertySchema(schema, key), options, at));
    }
    return built;
  }
  return value;
}

function renderTemplate(template: string, schema: unknown, options: Rendering, path: string): Json {
  const segments = parseTemplate(template, path);
  const resolve = (ref: Reference) => options.resolve(ref, path);
  if (isUrlSchema(schema) && segments.some((segment) => segment.kind === 'ref')) {
    return renderUrl(segments, resolve, path);
  }
  if (segments.length === 1 && segments[0].kind === 'ref') return resolve(segments[0].ref) ?? null;
  return segments.map((segment) => (segment.kind === 'text' ? segment.text : stringify(resolve(segment.ref)))).join('');
}

/** The schema of property `key` (the first branch that has it, or the branch's additionalProperties). */
function propertySchema(schema: unknown, key: string): unknown {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const branches = objectBranches(schema);
  const declared = branches.find((branch) => Object.hasOwn(branch.properties, key));
  if (declared) return declared.properties[key];
  return branches.find((branch) => typeof branch.additional === 'object')?.additional;
}

function itemSchema(schema: unknown): unknown {
  return typeof schema === 'object' && schema !== null ? (schema as { items?: unknown }).items : undefined;
}

function stringify(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
