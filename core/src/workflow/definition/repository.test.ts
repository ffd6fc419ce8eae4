// The definitions' repository on both backends: drafts listed in creation order (ids byte by byte on ties),
// published versions numbered per workflow, switching on and off, and deleting drafts and published workflows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../../store/database.fixtures.ts';
import { DefinitionRepository } from './repository.ts';
import { EXAMPLE_WORKFLOWS } from './examples.ts';
import { parseDefinition } from './validate.ts';

const [linking, onboarding] = EXAMPLE_WORKFLOWS.map((input) => parseDefinition(input));

describe.each(BACKENDS)('the definition repository on %s', (backend) => {
  let test: TestDatabase;
  let repository: DefinitionRepository;
  const at = new Date('2026-05-01T08:00:00.000Z');

  beforeEach(async () => {
    test = await openTestDatabase(backend);
    repository = await DefinitionRepository.open(test.db, () => at);
  });
  afterEach(() => test.close());

  it('lists drafts oldest first, ids compared byte by byte when created at the same time', async () => {
    // Upper case sorts before lower case byte by byte; a locale's collation would interleave them.
    for (const id of ['wf_b', 'wf_B', 'wf_a', 'wf_A']) await repository.createWorkflow(linking, id);
    expect((await repository.listWorkflows()).map((record) => record.id)).toEqual(['wf_A', 'wf_B', 'wf_a', 'wf_b']);
    const updated = await repository.updateWorkflow('wf_a', { ...linking, name: 'Renamed' });
    expect(updated).toMatchObject({ id: 'wf_a', name: 'Renamed', revision: 2, publishedVersion: null, active: false });
    expect(await repository.updateWorkflow('wf_missing', linking)).toBeNull();
  });

  it('numbers published versions per workflow and makes the newest current and active', async () => {
    await repository.createWorkflow(linking, 'wf_1');
    await repository.createWorkflow(onboarding, 'wf_2');
    const first = await repository.publish('wf_1', linking, {}, 'user:editor');
    const second = await repository.publish('wf_1', linking, {});
    const other = await repository.publish('wf_2', onboarding, {});
    expect([first.version, second.version, other.version]).toEqual([1, 2, 1]);
    expect(await repository.getPublished('wf_1')).toEqual(second);
    expect(await repository.getPublished('wf_1', 1)).toEqual(first);
    expect((await repository.listPublished('wf_1')).map((published) => published.version)).toEqual([2, 1]);
    expect(await repository.getWorkflow('wf_1')).toMatchObject({ publishedVersion: 2, active: true });
    const event = linking.trigger.event;
    expect((await repository.listActive(event)).map((published) => published.workflowId)).toEqual(['wf_1']);
    await repository.setActive('wf_1', false);
    expect(await repository.listActive(event)).toEqual([]);
    await repository.setActive('wf_1', true, 1);
    expect(await repository.listActive(event)).toEqual([first]);
  });

  it('deletes a draft for good, and only hides a published workflow', async () => {
    await repository.createWorkflow(linking, 'wf_draft');
    await repository.createWorkflow(linking, 'wf_published');
    await repository.publish('wf_published', linking, {});
    expect(await repository.deleteDraft('wf_draft')).toBe('deleted');
    expect(await repository.deleteDraft('wf_draft')).toBe('missing');
    expect(await repository.deleteDraft('wf_published')).toBe('published');
    expect(await repository.unfinishedExecutions('wf_published')).toBe(0);
    await repository.markDeleted('wf_published');
    expect(await repository.getWorkflow('wf_published')).toBeNull();
    expect(await repository.listWorkflows()).toEqual([]);
    expect(await repository.listActive(linking.trigger.event)).toEqual([]);
    expect(await repository.getPublished('wf_published', 1)).toMatchObject({ workflowId: 'wf_published', version: 1 });
  });
});
