// How the seed's screens name things: triggers ("Category is changed"), node kinds, request fields.
import type { Trigger } from '@actionhost/core';

const FIELD_LABELS: Record<string, string> = {
  category: 'Category',
  subject: 'Subject',
  department: 'Department',
  status: 'Status',
  priority: 'Priority',
  description: 'Description',
  template: 'Template',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

export function triggerLabel(trigger: Trigger): string {
  const kind =
    trigger.kind === 'service-request' ? 'Service Request' : trigger.kind === 'incident' ? 'Incident' : 'Request';
  if (trigger.event === 'request.created') return `${kind} is created`;
  const from = trigger.from === undefined ? '' : ` from ${trigger.from ?? 'empty'}`;
  const to = trigger.to === undefined ? '' : ` to ${trigger.to ?? 'empty'}`;
  return `${fieldLabel(trigger.field)} is changed${from}${to}${trigger.kind ? ` (${kind.toLowerCase()}s)` : ''}`;
}

/** The seed's trigger presets, offered when a workflow is created. */
export const TRIGGER_PRESETS: { label: string; trigger: Trigger }[] = [
  { label: 'Service Request is created', trigger: { event: 'request.created', kind: 'service-request' } },
  { label: 'Incident is created', trigger: { event: 'request.created', kind: 'incident' } },
  { label: 'Request is created (any kind)', trigger: { event: 'request.created' } },
  {
    label: 'Category is changed (incidents)',
    trigger: { event: 'request.updated', field: 'category', kind: 'incident' },
  },
  { label: 'Category is changed (any request)', trigger: { event: 'request.updated', field: 'category' } },
];
