// What a fresh host starts with besides its first-party plugins (first-party.ts): the seed's two example workflows
// ("Incident-CI Linking", "Employee On-boarding") loaded as drafts for a workflow author to review and publish.
import { EXAMPLE_WORKFLOWS, type WorkflowService } from '../workflow/index.ts';

/** Loads the seed workflows as drafts, once (a workflow of the same name is left alone). */
export function seedExampleWorkflows(workflows: WorkflowService, progress: (message: string) => void): string[] {
  const existing = new Set(workflows.list().map((workflow) => workflow.definition.name));
  const created: string[] = [];
  for (const definition of EXAMPLE_WORKFLOWS) {
    if (existing.has(definition.name)) continue;
    workflows.create(definition);
    progress(`loaded example workflow "${definition.name}" as a draft`);
    created.push(definition.name);
  }
  return created;
}
