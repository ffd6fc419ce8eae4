// What a fresh host starts with besides its first-party plugins (first-party.ts): the seed's "Employee On-boarding"
// request template, and the seed's two example workflows ("Incident-CI Linking", "Employee On-boarding") loaded as
// drafts for a workflow author to review and publish.
import { EXAMPLE_WORKFLOWS, type WorkflowService } from '../workflow/index.ts';
import { EMPLOYEE_ONBOARDING_TEMPLATE, type ItsmService } from '../itsm/index.ts';

/** Loads the seed workflows as drafts, once (a workflow of the same name is left alone). */
export async function seedExampleWorkflows(
  workflows: WorkflowService,
  progress: (message: string) => void,
): Promise<string[]> {
  const existing = new Set((await workflows.list()).map((workflow) => workflow.definition.name));
  const created: string[] = [];
  for (const definition of EXAMPLE_WORKFLOWS) {
    if (existing.has(definition.name)) continue;
    await workflows.create(definition);
    progress(`loaded example workflow "${definition.name}" as a draft`);
    created.push(definition.name);
  }
  return created;
}

/** Creates the seed's request templates, once (a template of the same name is left alone, edited or not). */
export async function seedRequestTemplates(itsm: ItsmService, progress: (message: string) => void): Promise<string[]> {
  const existing = new Set((await itsm.listTemplates()).map((template) => template.name));
  if (existing.has(EMPLOYEE_ONBOARDING_TEMPLATE.name)) return [];
  await itsm.createTemplate(EMPLOYEE_ONBOARDING_TEMPLATE, 'system');
  progress(`created the request template "${EMPLOYEE_ONBOARDING_TEMPLATE.name}"`);
  return [EMPLOYEE_ONBOARDING_TEMPLATE.name];
}
