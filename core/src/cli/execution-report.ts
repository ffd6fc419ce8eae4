// What `actionhost executions show` prints for a person: the execution in a few lines and a table of its steps
// (node, plugin@version, attempt, status, path, duration, error code). Scripts use --json, which has everything.
import { textTable } from '@actionhost/sdk/cli';
import type { Execution } from '../workflow/index.ts';

function duration(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function executionReport(execution: Execution): string {
  const lines = [
    `execution ${execution.id}  ${execution.status}${execution.outcome ? ` (outcome: ${execution.outcome})` : ''}`,
    `  workflow   ${execution.workflowId} (version ${execution.workflowVersion})`,
    `  request    ${execution.requestId ?? '-'}`,
    ...(execution.retryOf ? [`  retry of   ${execution.retryOf}`] : []),
    `  created    ${execution.createdAt}`,
    `  started    ${execution.startedAt ?? '-'}`,
    `  finished   ${execution.finishedAt ?? '-'}`,
    ...(execution.nextAttemptAt ? [`  next try   ${execution.nextAttemptAt}`] : []),
    ...(execution.error ? [`  error      ${execution.error.code}: ${execution.error.message}`] : []),
    ...(execution.failedSteps.length > 0 ? [`  failed     ${execution.failedSteps.join(', ')}`] : []),
    '',
  ];
  if (execution.steps.length === 0) return [...lines, 'no steps yet'].join('\n');
  const rows = execution.steps.map((step) => [
    step.nodeId,
    step.plugin ?? `(${step.kind})`,
    String(step.attempt),
    step.status,
    step.path ?? '-',
    duration(step.durationMs),
    step.error?.code ?? '',
  ]);
  return [...lines, textTable([['NODE', 'PLUGIN', 'ATTEMPT', 'STATUS', 'PATH', 'DURATION', 'ERROR'], ...rows])].join(
    '\n',
  );
}
