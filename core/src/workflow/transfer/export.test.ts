// Export leaves every sealed (typed-in) secret out, wherever it sits in a node's inputs: nested objects and lists.
import { describe, expect, it } from 'vitest';
import type { PublishedWorkflow, WorkflowRecord } from '../definition/index.ts';
import { exportWorkflow } from './export.ts';

const definition = {
  name: 'Lists',
  module: 'request',
  trigger: { event: 'request.created' },
  start: 'call',
  nodes: [
    {
      id: 'call',
      kind: 'action',
      title: 'Call',
      uses: '@acme/lists@^1.0.0',
      inputs: {
        Targets: [{ url: 'https://a.example', secret: { $sealed: 'v1.sealed-in-a-list' } }, { $sealed: 'v1.second' }],
        Nested: { deeper: { token: { $sealed: 'v1.nested' } } },
        Plain: ['kept', 2],
      },
    },
  ],
} as unknown as PublishedWorkflow['definition'];

const record = { id: 'wf_1', name: 'Lists', definition } as unknown as WorkflowRecord;
const published: PublishedWorkflow = {
  workflowId: 'wf_1',
  version: 1,
  definition,
  actions: {
    call: { name: '@acme/lists', version: '1.0.0', integrity: 'sha512-x', inputs: {}, inputSchema: {}, paths: [] },
  },
  publishedAt: '2026-11-29T00:00:00.000Z',
  publishedBy: null,
};

describe('exportWorkflow', () => {
  it('empties sealed values inside lists and nested objects and lists their places', async () => {
    const document = await exportWorkflow(record, published, 'published', {
      catalog: {} as never,
      context: {} as never,
      hostVersion: 'test',
      clock: () => new Date('2026-11-29T00:00:00.000Z'),
    });
    expect(JSON.stringify(document)).not.toContain('$sealed');
    expect(document.secretInputs).toEqual([
      { node: 'call', path: '/nodes/0/inputs/Targets/0/secret' },
      { node: 'call', path: '/nodes/0/inputs/Targets/1' },
      { node: 'call', path: '/nodes/0/inputs/Nested/deeper/token' },
    ]);
    expect(document.workflow.nodes[0]).toMatchObject({
      inputs: { Targets: [{ url: 'https://a.example', secret: '' }, ''], Plain: ['kept', 2] },
    });
  });
});
