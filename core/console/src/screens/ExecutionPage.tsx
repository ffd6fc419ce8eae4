// One execution: its steps as a timeline (node, plugin@version, attempt, path, duration, error code and message,
// redacted input, output, logs), refreshed while it runs; Retry and Cancel.
import { useEffect } from 'react';
import type { Execution, WorkflowView } from '@actionhost/core';
import { api } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import {
  ErrorNotice,
  formatDate,
  formatDuration,
  JsonBlock,
  Loading,
  PageHeader,
  StatusBadge,
  useAction,
  useResource,
} from '../ui.tsx';

/** The step's error, or the `{ error: { code, message } }` a plugin answered on its failure path. */
function failureOf(step: Execution['steps'][number]): { code: string; message: string } | null {
  if (step.error) return step.error;
  const output = step.output as { error?: { code?: unknown; message?: unknown } } | null;
  const error = output && typeof output === 'object' && !Array.isArray(output) ? output.error : undefined;
  return error && typeof error.code === 'string'
    ? { code: error.code, message: typeof error.message === 'string' ? error.message : '' }
    : null;
}

export function ExecutionPage({ id }: { id: string }) {
  const { session } = useSession();
  const execution = useResource(
    (signal) => api<Execution>('GET', `/api/executions/${encodeURIComponent(id)}`, undefined, { signal }),
    id,
  );
  const action = useAction();
  const workflowId = execution.data?.workflowId;
  const workflow = useResource(
    (signal) =>
      workflowId
        ? api<WorkflowView>('GET', `/api/workflows/${encodeURIComponent(workflowId)}`, undefined, { signal })
        : Promise.resolve(undefined),
    workflowId ?? '',
  );
  const live = execution.data?.status === 'running' || execution.data?.status === 'queued';
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(execution.reload, 1000);
    return () => clearInterval(timer);
  }, [live, execution.reload]);
  if (execution.error && !execution.data) {
    return (
      <>
        <PageHeader title="Execution" />
        <ErrorNotice error={execution.error} />
      </>
    );
  }
  if (!execution.data) return <Loading what="the execution" />;
  const data = execution.data;
  return (
    <>
      <PageHeader title={`Execution ${data.id}`}>
        {data.status === 'succeeded' || data.status === 'failed' ? (
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              action.run(async () => {
                const retried = await api<Execution>('POST', `/api/executions/${encodeURIComponent(data.id)}/retry`);
                navigate(`/executions/${encodeURIComponent(retried.id)}`);
              })
            }
          >
            Retry
          </button>
        ) : (
          <button
            type="button"
            className="button-danger"
            disabled={action.busy}
            onClick={() =>
              action.run(async () => {
                await api('POST', `/api/executions/${encodeURIComponent(data.id)}/cancel`);
                execution.reload();
              })
            }
          >
            Cancel
          </button>
        )}
      </PageHeader>
      <p>
        <Link to="/executions">Back to executions</Link>
      </p>
      <ErrorNotice error={action.error} />
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={data.status} />{' '}
          {live ? <span role="status">(live: refreshing every second)</span> : null}
        </dd>
        <dt>Workflow</dt>
        <dd>
          <Link to={`/workflows/${encodeURIComponent(data.workflowId)}`}>{workflow.data?.name ?? data.workflowId}</Link>{' '}
          version {data.workflowVersion}
        </dd>
        <dt>Request</dt>
        <dd>
          {data.requestId === null ? (
            '—'
          ) : can(session?.role, 'agent') ? (
            <Link to={`/requests/${data.requestId}`}>{data.requestId}</Link>
          ) : (
            data.requestId
          )}
        </dd>
        <dt>Trigger</dt>
        <dd>
          {data.trigger.type === 'request.created'
            ? 'Request created'
            : data.trigger.type === 'request.updated'
              ? 'Request changed'
              : data.trigger.type}
          {data.trigger.changes.length > 0
            ? `: ${data.trigger.changes.map((change) => `${change.field} ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`).join(', ')}`
            : ''}
        </dd>
        <dt>Created</dt>
        <dd>{formatDate(data.createdAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatDate(data.finishedAt)}</dd>
        {data.retryOf ? (
          <>
            <dt>Retry of</dt>
            <dd>
              <Link to={`/executions/${encodeURIComponent(data.retryOf)}`}>{data.retryOf}</Link>
            </dd>
          </>
        ) : null}
        {data.error ? (
          <>
            <dt>Error</dt>
            <dd>
              <code>{data.error.code}</code> {data.error.message}
            </dd>
          </>
        ) : null}
      </dl>
      <h2>Steps</h2>
      {data.steps.length === 0 ? <p>No steps yet.</p> : null}
      <ol className="timeline" aria-label="Step timeline">
        {data.steps.map((step) => (
          <li key={step.seq} className={`step step-${step.status}`}>
            <h3>
              {step.title ?? step.nodeId} <StatusBadge status={step.status} />
              {step.path === 'failure' ? (
                <>
                  {' '}
                  <StatusBadge status="failure path" />
                </>
              ) : null}
            </h3>
            <dl className="facts compact">
              <dt>Node</dt>
              <dd>
                <code>{step.nodeId}</code> ({step.kind === 'condition' ? 'If Else' : 'action'})
              </dd>
              {step.plugin ? (
                <>
                  <dt>Plugin</dt>
                  <dd>
                    <code>{step.plugin}</code>
                  </dd>
                </>
              ) : null}
              <dt>Attempt</dt>
              <dd>{step.attempt}</dd>
              <dt>Path</dt>
              <dd>{step.path ?? '—'}</dd>
              <dt>Duration</dt>
              <dd>{formatDuration(step.durationMs)}</dd>
              {failureOf(step) ? (
                <>
                  <dt>Error</dt>
                  <dd>
                    <code>{failureOf(step)!.code}</code> {failureOf(step)!.message}
                  </dd>
                </>
              ) : null}
              {step.retryAt ? (
                <>
                  <dt>Next attempt</dt>
                  <dd>{formatDate(step.retryAt)}</dd>
                </>
              ) : null}
            </dl>
            <details>
              <summary>Input (secrets redacted)</summary>
              <JsonBlock value={step.inputs} label={`Input of ${step.title ?? step.nodeId}`} />
            </details>
            <details>
              <summary>Output</summary>
              <JsonBlock value={step.output} label={`Output of ${step.title ?? step.nodeId}`} />
            </details>
            {step.logs.length > 0 ? (
              <details>
                <summary>Logs ({step.logs.length})</summary>
                <ul className="plain logs">
                  {step.logs.map((log, index) => (
                    <li key={index}>
                      <span className="muted">{log.at}</span> <strong>{log.level}</strong> {log.message}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}
