// The seed's two example workflows, as `npm start` loads them (drafts: publishing needs the plugins installed,
// and the on-boarding one an App Integration named "AD App"). The on-boarding one reads the new hire from the
// fields of the "Employee On-boarding" request template (core/src/itsm/templates.ts), which `npm start` seeds too.
import type { WorkflowDefinitionInput } from './schema.ts';

/** "Usecase: Incident-CI Linking": category changed from any to any → link the CI matching the incident's IP address. */
export const INCIDENT_CI_LINKING: WorkflowDefinitionInput = {
  name: 'Incident-CI Linking',
  description:
    "When an incident's category changes, link the Configuration Item whose IP address the incident carries.",
  module: 'request',
  trigger: { event: 'request.updated', field: 'category', kind: 'incident' },
  start: 'link-ci',
  nodes: [
    {
      id: 'link-ci',
      kind: 'action',
      title: 'Execute Plugin',
      description: 'Execute Plugin',
      source: 'trigger',
      uses: '@actionhost/ci-linking@^1.0.0',
      inputs: { 'Request.Id': '#internalId#', 'Unique Identifier Type': 'ip address' },
    },
  ],
};

/**
 * "Usecase: Automate User Creation in Active Directory for Employee Onboarding": the seed's Input Mappings — mail,
 * Action and Username only — with "dynamic data from the request": the template's email and username fields.
 */
export const EMPLOYEE_ONBOARDING: WorkflowDefinitionInput = {
  name: 'Employee On-boarding: create the Active Directory user',
  description:
    'When an "Employee On-boarding" service request for the IT department is raised, create the user in Active Directory.',
  module: 'request',
  trigger: { event: 'request.created', kind: 'service-request' },
  start: 'is-onboarding',
  nodes: [
    {
      id: 'is-onboarding',
      kind: 'condition',
      title: 'If Else',
      match: 'all',
      rules: [
        { field: 'subject', operator: 'contains', value: 'Employee On-boarding' },
        { field: 'department', operator: 'equals', value: 'IT' },
      ],
      next: { true: 'create-user' },
    },
    {
      id: 'create-user',
      kind: 'action',
      title: 'Execute App Integration',
      description: 'Create a new user for User Onboard',
      source: 'trigger',
      appIntegration: 'AD App',
      inputs: { mail: '#customFields.email#', Action: 'Create New User', Username: '#customFields.username#' },
    },
  ],
};

export const EXAMPLE_WORKFLOWS: readonly WorkflowDefinitionInput[] = [INCIDENT_CI_LINKING, EMPLOYEE_ONBOARDING];
