// Input Mappings checked at publish against the input schema of the plugin version being pinned: unknown keys,
// literal values of the wrong type, missing required keys, and placeholders whose type cannot fit their key.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ActionhostError, Json } from '@actionhost/sdk';
import { WorkflowErrors } from './errors.ts';
import { objectBranches, standalone, typesMeet, typesOf, type ObjectBranch } from './json-schema.ts';
import { parseTemplate, pointerEscape, type Reference } from './placeholders.ts';
import { aggregate } from './problems.ts';
import { valueFormOf } from './value-forms.ts';

const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

/** ajv caches by object identity; schemas arrive freshly parsed, so cache by their text instead. */
function validatorFor(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    if (validators.size > 1000) validators.clear();
    validate = ajv.compile(schema as object);
    validators.set(key, validate);
  }
  return validate;
}

/** What a placeholder can hold (JSON type names), or undefined when that is not known; for type checks at publish. */
export type PlaceholderTypes = (ref: Reference) => readonly string[] | undefined;

/**
 * Input Mappings against the plugin's input schema: unknown keys, literal values of the wrong type (an enum's
 * allowed values listed), missing required keys, and a value that is exactly one placeholder whose type cannot
 * satisfy the key (`#internalId#`, an integer, into a string). A schema with branches (oneOf/anyOf) passes when one
 * branch takes the mappings; otherwise the branch that comes closest names its problems. Throws them all at once.
 */
export function checkMappings(
  nodeId: string,
  index: number,
  inputs: Record<string, Json>,
  schema: Record<string, unknown>,
  plugin: string,
  placeholderTypes?: PlaceholderTypes,
): void {
  const problems = mappingProblems(nodeId, index, inputs, schema, plugin, placeholderTypes);
  if (problems.length > 0) throw aggregate(problems);
}

/** The problems checkMappings reports, as a list (empty when the mappings fit). */
export function mappingProblems(
  nodeId: string,
  index: number,
  inputs: Record<string, Json>,
  schema: Record<string, unknown>,
  plugin: string,
  placeholderTypes?: PlaceholderTypes,
): ActionhostError[] {
  const branches = objectBranches(schema);
  const context = { nodeId, index, inputs, root: schema, plugin, placeholderTypes };
  const problems = branches.map((branch) => branchProblems(context, branch));
  if (problems.some((list) => list.length === 0)) return [];
  // Keys no branch knows are the clearest message; else the branch with the fewest problems speaks.
  const unknownEverywhere = problems.map((list) => list.filter((p) => p.code === 'AH_MAPPING_KEY_UNKNOWN'));
  if (unknownEverywhere.every((list) => list.length > 0)) return unknownEverywhere[0];
  const closest =
    problems.filter((_list, i) => unknownEverywhere[i].length === 0).sort((a, b) => a.length - b.length)[0] ??
    problems[0];
  return closest.map((problem) => withAllowedValuesOfEveryBranch(problem, problems.flat(), context));
}

interface CheckContext {
  nodeId: string;
  index: number;
  inputs: Record<string, Json>;
  root: Record<string, unknown>;
  plugin: string;
  placeholderTypes?: PlaceholderTypes;
}

function branchProblems(context: CheckContext, branch: ObjectBranch): ActionhostError[] {
  const { nodeId, index, inputs, root, plugin } = context;
  const problems: ActionhostError[] = [];
  const known = Object.keys(branch.properties);
  for (const [key, value] of Object.entries(inputs)) {
    const path = `/nodes/${index}/inputs/${pointerEscape(key)}`;
    const property = Object.hasOwn(branch.properties, key)
      ? branch.properties[key]
      : typeof branch.additional === 'object'
        ? branch.additional
        : undefined;
    if (property === undefined && branch.additional === false) {
      problems.push(
        WorkflowErrors.mappingKeyUnknown(
          { node: nodeId, key, plugin, keys: known.join(', ') || 'nothing' },
          { path, node: nodeId, key, plugin },
        ),
      );
      continue;
    }
    if (property === undefined) continue;
    const fixed = staticValue(value);
    if (fixed === PLACEHOLDER) {
      const mismatch = placeholderMismatch(value, property, context.placeholderTypes);
      if (mismatch) {
        problems.push(
          WorkflowErrors.mappingType(
            { node: nodeId, key, plugin, problem: mismatch.problem },
            { path, node: nodeId, key, plugin, placeholderTypes: mismatch.given, expected: mismatch.wanted },
          ),
        );
      }
      continue;
    }
    const validate = validatorFor(standalone(root, property));
    if (!validate(fixed)) {
      const first = (validate.errors ?? [])[0] as ErrorObject | undefined;
      const allowed = allowedValuesOf(first);
      const problem = allowed
        ? `${first?.instancePath ?? ''} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`.trim()
        : `${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`.trim();
      problems.push(
        WorkflowErrors.mappingType(
          { node: nodeId, key, plugin, problem },
          {
            path: `${path}${first?.instancePath ?? ''}`,
            node: nodeId,
            key,
            plugin,
            ...(allowed ? { allowedValues: allowed } : {}),
          },
        ),
      );
    }
  }
  for (const key of branch.required) {
    const property = branch.properties[key] as Record<string, unknown> | undefined;
    if (!Object.hasOwn(inputs, key) && property?.default === undefined) {
      problems.push(
        WorkflowErrors.mappingRequired(
          { node: nodeId, key, plugin },
          { path: `/nodes/${index}/inputs/${pointerEscape(key)}`, node: nodeId, key, plugin },
        ),
      );
    }
  }
  return problems;
}

/** The values an enum or const error allows, when the error is one. */
function allowedValuesOf(error: ErrorObject | undefined): Json[] | undefined {
  if (error?.keyword === 'enum') return (error.params as { allowedValues: Json[] }).allowedValues;
  if (error?.keyword === 'const') return [(error.params as { allowedValue: Json }).allowedValue];
  return undefined;
}

/**
 * A key that decides the branch (run-webhook's "Credential Type": one const per branch) allows the values of every
 * branch, not only those of the branch that came closest: the problem lists them all.
 */
function withAllowedValuesOfEveryBranch(
  problem: ActionhostError,
  all: readonly ActionhostError[],
  context: CheckContext,
): ActionhostError {
  const details = problem.details as { key?: string; allowedValues?: Json[]; path?: string };
  if (!details.allowedValues) return problem;
  const values = new Map<string, Json>();
  for (const other of all) {
    const d = other.details as { key?: string; allowedValues?: Json[]; path?: string };
    if (d.key === details.key && d.path === details.path) {
      for (const value of d.allowedValues ?? []) values.set(JSON.stringify(value), value);
    }
  }
  const allowed = [...values.values()];
  return WorkflowErrors.mappingType(
    {
      node: context.nodeId,
      key: details.key ?? '',
      plugin: context.plugin,
      problem: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
    },
    { ...problem.details, allowedValues: allowed },
  );
}

/** When `value` is exactly one placeholder whose possible types cannot satisfy `property`, why. */
function placeholderMismatch(
  value: Json,
  property: unknown,
  placeholderTypes: PlaceholderTypes | undefined,
): { problem: string; given: readonly string[]; wanted: readonly string[] } | undefined {
  if (!placeholderTypes) return undefined;
  const form = valueFormOf(value);
  const template = form?.kind === 'public' ? form.template : value;
  if (typeof template !== 'string') return undefined;
  const segments = parseTemplate(template);
  // Inside a longer text a placeholder is stringified: the value is text, whatever the field holds.
  const ref = segments.length === 1 && segments[0].kind === 'ref' ? segments[0].ref : undefined;
  const given = ref ? placeholderTypes(ref) : ['string'];
  const wanted = typesOf(property);
  if (!given || !wanted || typesMeet(given, wanted)) return undefined;
  const name = ref ? `#${ref.text}#` : 'this text';
  return {
    problem: `${name} holds ${given.join(' or ')}, but the key takes ${wanted.join(' or ')}`,
    given,
    wanted,
  };
}

const PLACEHOLDER = Symbol('has a placeholder');

/**
 * The value a mapping gives when it holds no placeholder (templates unescaped, literal values as typed, a sealed
 * value as a stand-in string), or PLACEHOLDER: such values are type-checked against what the placeholder reads.
 */
function staticValue(value: Json): Json | typeof PLACEHOLDER {
  const form = valueFormOf(value);
  if (form?.kind === 'literal') return form.text;
  if (form?.kind === 'sealed') return '********';
  const template = form?.kind === 'public' ? form.template : value;
  if (typeof template === 'string') {
    const segments = parseTemplate(template);
    if (segments.some((segment) => segment.kind === 'ref')) return PLACEHOLDER;
    return segments.map((segment) => (segment.kind === 'text' ? segment.text : '')).join('');
  }
  if (Array.isArray(template)) {
    const items = template.map(staticValue);
    return items.includes(PLACEHOLDER) ? PLACEHOLDER : (items as Json[]);
  }
  if (template !== null && typeof template === 'object') {
    const built: Record<string, Json> = {};
    for (const [key, item] of Object.entries(template)) {
      const fixed = staticValue(item);
      if (fixed === PLACEHOLDER) return PLACEHOLDER;
      Object.defineProperty(built, key, { value: fixed, enumerable: true, writable: true, configurable: true });
    }
    return built;
  }
  return template;
}
