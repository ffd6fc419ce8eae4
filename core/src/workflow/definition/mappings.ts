// Input Mappings checked at publish against the input schema of the plugin version being pinned: unknown keys,
// literal values of the wrong type, missing required keys (values with placeholders are checked when they are built).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ActionhostError, Json } from '@actionhost/sdk';
import { WorkflowErrors } from './errors.ts';
import { objectBranches, standalone, type ObjectBranch } from './json-schema.ts';
import { parseTemplate, pointerEscape } from './placeholders.ts';
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

/**
 * Input Mappings against the plugin's input schema: unknown keys, literal values of the wrong type, missing
 * required keys. A schema with branches (oneOf/anyOf) passes when one branch takes the mappings; otherwise the
 * branch that comes closest names the problem. Values with placeholders are type-checked when the run builds
 * them (the sandbox validates the whole input).
 */
export function checkMappings(
  nodeId: string,
  index: number,
  inputs: Record<string, Json>,
  schema: Record<string, unknown>,
  plugin: string,
): void {
  const branches = objectBranches(schema);
  const problems = branches.map((branch) => branchProblems(nodeId, index, inputs, branch, schema, plugin));
  if (problems.some((list) => list.length === 0)) return;
  // A key no branch knows is the clearest message; else the branch with the fewest problems speaks.
  const unknownEverywhere = problems.map((list) => list.find((p) => p.code === 'AH_MAPPING_KEY_UNKNOWN'));
  if (unknownEverywhere.every(Boolean)) throw unknownEverywhere[0]!;
  const closest =
    problems.filter((list, i) => !unknownEverywhere[i]).sort((a, b) => a.length - b.length)[0] ?? problems[0];
  throw closest[0];
}

function branchProblems(
  nodeId: string,
  index: number,
  inputs: Record<string, Json>,
  branch: ObjectBranch,
  root: Record<string, unknown>,
  plugin: string,
) {
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
    const fixed = staticValue(value);
    if (property === undefined || fixed === PLACEHOLDER) continue;
    const validate = validatorFor(standalone(root, property));
    if (!validate(fixed)) {
      const first = (validate.errors ?? [])[0] as ErrorObject | undefined;
      problems.push(
        WorkflowErrors.mappingType(
          {
            node: nodeId,
            key,
            plugin,
            problem: `${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`.trim(),
          },
          { path: `${path}${first?.instancePath ?? ''}`, node: nodeId, key, plugin },
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
