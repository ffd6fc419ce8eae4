// The definition schema and its structural checks: each problem is one stable code with the JSON path of the culprit.
import { describe, expect, it } from 'vitest';
import { parseDefinition, validateDefinition } from './validate.ts';
import { DEFAULT_CUSTOM_FIELDS } from './request-data.ts';
import { incidentCiLinking } from '../workflow.fixtures.ts';
import { EXAMPLE_WORKFLOWS } from './examples.ts';

const context = { customFieldNames: new Set(DEFAULT_CUSTOM_FIELDS) };

function problem(input: unknown): { code: string; path?: unknown } {
  try {
    validateDefinition(parseDefinition(input), context);
  } catch (error) {
    const e = error as { code: string; details: { path?: unknown } };
    return { code: e.code, path: e.details.path };
  }
  throw new Error('expected the definition to be rejected');
}

const action = (id: string, extra: Record<string, unknown> = {}) =>
  ({
    id,
    kind: 'action',
    title: id,
    uses: '@actionhost/run-webhook@^1',
    inputs: {},
    ...extra,
  }) as never;

describe('workflow definition', () => {
  it("accepts the seed's Incident-CI Linking workflow", () => {
    const graph = validateDefinition(parseDefinition(incidentCiLinking()), context);
    expect([...graph.byId.keys()]).toEqual(['link']);
  });

  it("accepts the seed's on-boarding workflow with an If Else node and an App Integration", () => {
    const definition = {
      name: 'Employee On-boarding',
      module: 'request',
      trigger: { event: 'request.created', kind: 'service-request' },
      start: 'check',
      nodes: [
        {
          id: 'check',
          kind: 'condition',
          match: 'all',
          rules: [
            { field: 'subject', operator: 'contains', value: 'Employee On-boarding' },
            { field: 'department', operator: 'equals', value: 'IT' },
          ],
          next: { true: 'create' },
        },
        {
          id: 'create',
          kind: 'action',
          title: 'Execute App Integration',
          appIntegration: 'AD App',
          source: 'trigger',
          inputs: { mail: '#requester.email#', Action: 'Create New User', Username: '#requester.username#' },
        },
      ],
    };
    expect(() => validateDefinition(parseDefinition(definition), context)).not.toThrow();
  });

  it('accepts the example workflows npm start loads as drafts', () => {
    for (const example of EXAMPLE_WORKFLOWS)
      expect(() => validateDefinition(parseDefinition(example), context)).not.toThrow();
  });

  it('rejects a malformed definition with the path of the bad field', () => {
    expect(problem({ ...incidentCiLinking(), module: 'change' })).toEqual({
      code: 'AH_VALIDATION_FAILED',
      path: '/module',
    });
    expect(problem({ ...incidentCiLinking(), nodes: [{ id: 'x', kind: 'action' }] })).toMatchObject({
      code: 'AH_VALIDATION_FAILED',
    });
    expect(problem({ ...incidentCiLinking(), trigger: { event: 'request.deleted' } })).toMatchObject({
      code: 'AH_VALIDATION_FAILED',
      path: '/trigger/event',
    });
  });

  it('points into the node that does not match its kind', () => {
    const at = (node: unknown) => problem({ ...incidentCiLinking(), start: undefined, nodes: [node] });
    expect(
      at({ id: 'c', kind: 'condition', match: 'all', rules: [{ field: 'subject', operator: 'resembles' }] }),
    ).toEqual({ code: 'AH_VALIDATION_FAILED', path: '/nodes/0/rules/0/operator' });
    expect(at({ id: 'a', kind: 'action', uses: '@actionhost/ci-linking@^1' })).toEqual({
      code: 'AH_VALIDATION_FAILED',
      path: '/nodes/0/title',
    });
    expect(at({ id: 'a', kind: 'action', title: 't', uses: 'a@1', appIntegration: 'AD App' })).toEqual({
      code: 'AH_VALIDATION_FAILED',
      path: '/nodes/0/uses',
    });
    expect(at({ id: 'a', kind: 'loop' })).toEqual({ code: 'AH_VALIDATION_FAILED', path: '/nodes/0/kind' });
  });

  it('rejects duplicate node ids and the reserved id "trigger"', () => {
    expect(problem({ ...incidentCiLinking(), start: 'a', nodes: [action('a'), action('a')] })).toEqual({
      code: 'AH_NODE_ID_DUPLICATE',
      path: '/nodes/1/id',
    });
    expect(problem({ ...incidentCiLinking(), start: 'trigger', nodes: [action('trigger')] })).toEqual({
      code: 'AH_NODE_ID_RESERVED',
      path: '/nodes/0/id',
    });
  });

  it('rejects edges and start nodes that point nowhere', () => {
    expect(problem({ ...incidentCiLinking(), start: 'ghost', nodes: [action('a')] })).toEqual({
      code: 'AH_EDGE_TARGET_UNKNOWN',
      path: '/start',
    });
    expect(
      problem({ ...incidentCiLinking(), start: 'a', nodes: [action('a', { next: { success: 'ghost' } })] }),
    ).toEqual({ code: 'AH_EDGE_TARGET_UNKNOWN', path: '/nodes/0/next/success' });
  });

  it('rejects a cycle', () => {
    const nodes = [action('a', { next: { success: 'b' } }), action('b', { next: { failure: 'a' } })];
    expect(problem({ ...incidentCiLinking(), start: 'a', nodes })).toMatchObject({ code: 'AH_WORKFLOW_CYCLE' });
  });

  it('rejects a source node that does not exist or is not upstream', () => {
    expect(problem({ ...incidentCiLinking(), start: 'a', nodes: [action('a', { source: 'ghost' })] })).toEqual({
      code: 'AH_SOURCE_NODE_UNKNOWN',
      path: '/nodes/0/source',
    });
    const nodes = [action('a', { source: 'b', next: { success: 'b' } }), action('b')];
    expect(problem({ ...incidentCiLinking(), start: 'a', nodes })).toEqual({
      code: 'AH_SOURCE_NODE_NOT_UPSTREAM',
      path: '/nodes/0/source',
    });
  });

  it('accepts an upstream action as source and its output in placeholders', () => {
    const nodes = [
      action('a', { next: { success: 'b' } }),
      action('b', { source: 'a', inputs: { URL: 'http://h/#status#/#nodes.a.output.body#' } }),
    ];
    expect(() =>
      validateDefinition(parseDefinition({ ...incidentCiLinking(), start: 'a', nodes }), context),
    ).not.toThrow();
  });

  it('rejects unknown placeholders naming the mapping that holds them', () => {
    const unknownField = incidentCiLinking({ nodes: [action('link', { inputs: { URL: 'http://h/#subjct#' } })] });
    expect(problem(unknownField)).toEqual({ code: 'AH_PLACEHOLDER_UNKNOWN', path: '/nodes/0/inputs/URL' });
    const nested = incidentCiLinking({
      nodes: [action('link', { inputs: { 'Request JSON': { a: ['x', '#requester.phone#'] } } })],
    });
    expect(problem(nested)).toEqual({ code: 'AH_PLACEHOLDER_UNKNOWN', path: '/nodes/0/inputs/Request JSON/a/1' });
    const laterNode = {
      ...incidentCiLinking(),
      start: 'a',
      nodes: [action('a', { inputs: { URL: '#nodes.b.output.x#' }, next: { success: 'b' } }), action('b')],
    };
    expect(problem(laterNode)).toEqual({ code: 'AH_PLACEHOLDER_UNKNOWN', path: '/nodes/0/inputs/URL' });
  });

  it('rejects a lone "#" and accepts "##" as a literal', () => {
    expect(problem(incidentCiLinking({ nodes: [action('link', { inputs: { URL: 'issue #5' } })] }))).toEqual({
      code: 'AH_PLACEHOLDER_SYNTAX',
      path: '/nodes/0/inputs/URL',
    });
    expect(() =>
      validateDefinition(
        parseDefinition(incidentCiLinking({ nodes: [action('link', { inputs: { URL: 'issue ##5' } })] })),
        context,
      ),
    ).not.toThrow();
  });

  it('accepts custom fields with and without the customFields prefix', () => {
    const nodes = [action('link', { inputs: { a: '#ipAddress#', b: '#customFields.assetTag#' } })];
    expect(() => validateDefinition(parseDefinition(incidentCiLinking({ nodes })), context)).not.toThrow();
  });

  it('rejects a condition rule without the value its operator needs', () => {
    const nodes = [{ id: 'c', kind: 'condition', match: 'all', rules: [{ field: 'subject', operator: 'contains' }] }];
    expect(problem({ ...incidentCiLinking(), start: 'c', nodes })).toEqual({
      code: 'AH_CONDITION_VALUE_REQUIRED',
      path: '/nodes/0/rules/0/value',
    });
  });

  it('rejects a trigger on a field requests do not have', () => {
    expect(problem(incidentCiLinking({ trigger: { event: 'request.updated', field: 'colour' } }))).toEqual({
      code: 'AH_PLACEHOLDER_UNKNOWN',
      path: '/trigger/field',
    });
  });
});
