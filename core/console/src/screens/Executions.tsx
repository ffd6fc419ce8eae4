// Executions: newest first, filtered by workflow, request, status, outcome (whether every action node succeeded,
// apart from whether the engine finished the run) and time, a page at a time.
import type { ExecutionSummary, WorkflowView } from '@actionhost/core';
import { api } from '../api.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import {
  ErrorNotice,
  formatDate,
  formatDuration,
  Loading,
  PageHeader,
  SelectField,
  StatusBadge,
  TextField,
  useResource,
} from '../ui.tsx';

const PAGE = 25;
const STATUSES = ['', 'queued', 'running', 'succeeded', 'failed'];
const OUTCOMES = [
  { value: '', label: 'Any outcome' },
  { value: 'success', label: 'success: every action node succeeded' },
  { value: 'failure', label: 'failure: an action node took its failure path' },
];

/** datetime-local (local time, no zone) ↔ the API's ISO 8601 with offset. */
function toIso(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function Executions() {
  const { query } = useLocation();
  const filters = {
    workflowId: query.get('workflowId') ?? '',
    requestId: query.get('requestId') ?? '',
    status: query.get('status') ?? '',
    outcome: query.get('outcome') ?? '',
    since: query.get('since') ?? '',
    until: query.get('until') ?? '',
  };
  const page = Math.max(0, Number(query.get('page') ?? '0') || 0);
  const params = new URLSearchParams({ limit: String(PAGE + 1), offset: String(page * PAGE) });
  if (filters.workflowId) params.set('workflowId', filters.workflowId);
  if (/^\d+$/.test(filters.requestId)) params.set('requestId', filters.requestId);
  if (filters.status) params.set('status', filters.status);
  if (filters.outcome) params.set('outcome', filters.outcome);
  const since = toIso(filters.since);
  const until = toIso(filters.until);
  if (since) params.set('since', since);
  if (until) params.set('until', until);
  const executions = useResource(
    (signal) => api<ExecutionSummary[]>('GET', `/api/executions?${params.toString()}`, undefined, { signal }),
    params.toString(),
  );
  const workflows = useResource(
    (signal) => api<WorkflowView[]>('GET', '/api/workflows', undefined, { signal }),
    'workflows',
  );
  const names = new Map((workflows.data ?? []).map((workflow) => [workflow.id, workflow.name]));
  const go = (patch: Record<string, string>) => {
    const next = new URLSearchParams(query);
    for (const [key, value] of Object.entries(patch)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in patch)) next.delete('page');
    navigate(`/executions${next.size ? `?${next.toString()}` : ''}`, { replace: !('page' in patch) });
  };
  const rows = executions.data?.slice(0, PAGE) ?? [];
  const more = (executions.data?.length ?? 0) > PAGE;
  return (
    <>
      <PageHeader title="Executions">
        <button type="button" onClick={executions.reload}>
          Refresh
        </button>
      </PageHeader>
      <form className="filters" aria-label="Filter executions" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label="Workflow"
          options={[
            { value: '', label: 'Any workflow' },
            ...(workflows.data ?? []).map((w) => ({ value: w.id, label: w.name })),
          ]}
          value={filters.workflowId}
          onChange={(event) => go({ workflowId: event.target.value })}
        />
        <TextField
          label="Request id"
          inputMode="numeric"
          value={filters.requestId}
          onChange={(event) => go({ requestId: event.target.value })}
        />
        <SelectField
          label="Status"
          options={STATUSES.map((status) => ({ value: status, label: status || 'Any status' }))}
          value={filters.status}
          onChange={(event) => go({ status: event.target.value })}
        />
        <SelectField
          label="Outcome"
          options={OUTCOMES}
          value={filters.outcome}
          onChange={(event) => go({ outcome: event.target.value })}
        />
        <TextField
          label="From"
          type="datetime-local"
          value={filters.since}
          onChange={(event) => go({ since: event.target.value })}
        />
        <TextField
          label="Until"
          type="datetime-local"
          value={filters.until}
          onChange={(event) => go({ until: event.target.value })}
        />
      </form>
      <ErrorNotice error={executions.error} />
      {executions.loading && !executions.data ? <Loading what="executions" /> : null}
      {executions.data && rows.length === 0 ? <p>No executions match.</p> : null}
      {rows.length > 0 ? (
        <table>
          <caption className="visually-hidden">Executions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Workflow</th>
              <th scope="col">Request</th>
              <th scope="col">Status</th>
              <th scope="col">Outcome</th>
              <th scope="col">Error</th>
              <th scope="col">Duration</th>
              <th scope="col">Execution</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((execution) => (
              <tr key={execution.id}>
                <td>{formatDate(execution.createdAt)}</td>
                <td>
                  {names.get(execution.workflowId) ?? execution.workflowId}{' '}
                  <span className="muted">v{execution.workflowVersion}</span>
                </td>
                <td>{execution.requestId ?? '—'}</td>
                <td>
                  <StatusBadge status={execution.status} />
                </td>
                <td>{execution.outcome ?? '—'}</td>
                <td>{execution.error ? <code>{execution.error.code}</code> : '—'}</td>
                <td>
                  {execution.startedAt && execution.finishedAt
                    ? formatDuration(new Date(execution.finishedAt).getTime() - new Date(execution.startedAt).getTime())
                    : '—'}
                </td>
                <td>
                  <Link
                    to={`/executions/${encodeURIComponent(execution.id)}`}
                    aria-label={`Open execution ${execution.id}`}
                  >
                    {execution.id.slice(0, 12)}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <nav aria-label="Pages" className="pager">
        <button type="button" disabled={page === 0} onClick={() => go({ page: page > 1 ? String(page - 1) : '' })}>
          Newer
        </button>
        <span>Page {page + 1}</span>
        <button type="button" disabled={!more} onClick={() => go({ page: String(page + 1) })}>
          Older
        </button>
      </nav>
    </>
  );
}
