// The end-to-end workload of issue 13, shared by the host run and the plain-Node reference: an "Employee
// On-boarding" service request is created over HTTP; If Else (subject contains "Employee On-boarding" AND
// department equals "IT") then POST {"ticket":"#internalId#","ip":"#customFields.ip#"} to a local target.

/** The bench's sequence number rides in the request's IP address, so the target can tell which request it is. */
export function ipOf(sequence: number): string {
  return `10.${(sequence >>> 16) & 255}.${(sequence >>> 8) & 255}.${sequence & 255}`;
}

export function sequenceOf(ip: unknown): number | null {
  if (typeof ip !== 'string') return null;
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts[0] !== 10) return null;
  return (parts[1] << 16) | (parts[2] << 8) | parts[3];
}

export function requestBody(sequence: number): string {
  return JSON.stringify({
    kind: 'service-request',
    subject: `Employee On-boarding: new hire ${sequence}`,
    department: 'IT',
    customFields: { ip: ipOf(sequence) },
  });
}

/** The published workflow the host runs (the reference server hard-codes the same logic). */
export function onboardingWorkflow(targetUrl: string): Record<string, unknown> {
  return {
    name: 'Bench: Employee On-boarding webhook',
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
        next: { true: 'notify' },
      },
      {
        id: 'notify',
        kind: 'action',
        title: 'Run Webhook',
        uses: '@actionhost/run-webhook@^1.0.0',
        source: 'trigger',
        inputs: {
          URL: targetUrl,
          'Request Type': 'POST',
          'Request JSON': { ticket: '#internalId#', ip: '#customFields.ip#' },
        },
      },
    ],
  };
}
