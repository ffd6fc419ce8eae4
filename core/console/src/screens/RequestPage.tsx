// A request's page: its fields (editable: subject, category, department, status, priority, custom fields), the
// Relations tab (linked Configuration Items) and the Audit Trail tab (every change and plugin execution).
import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { AuditEntry, Relation, Request as ItsmRequest } from '@actionhost/core';
import { api } from '../api.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import {
  asText,
  ErrorNotice,
  formatDate,
  formatDuration,
  JsonBlock,
  Loading,
  PageHeader,
  TextField,
  useAction,
  useResource,
} from '../ui.tsx';
import { CustomFieldsEditor, rowsToFields, type CustomFieldRow } from './CustomFieldsEditor.tsx';

const TABS = [
  { id: 'details', label: 'Details' },
  { id: 'relations', label: 'Relations' },
  { id: 'audit', label: 'Audit Trail' },
] as const;
type Tab = (typeof TABS)[number]['id'];

const SECRET_FIELD = /pass(word|phrase)?|secret|token/i;

export function RequestPage({ id }: { id: number }) {
  const { query } = useLocation();
  const tab = TABS.find((candidate) => candidate.id === query.get('tab'))?.id ?? 'details';
  const request = useResource(
    (signal) => api<ItsmRequest>('GET', `/api/requests/${id}`, undefined, { signal }),
    String(id),
  );
  const select = (next: Tab) => navigate(`/requests/${id}${next === 'details' ? '' : `?tab=${next}`}`);
  const onKeyDown = (event: KeyboardEvent) => {
    const index = TABS.findIndex((candidate) => candidate.id === tab);
    const move = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!move) return;
    event.preventDefault();
    const next = TABS[(index + move + TABS.length) % TABS.length].id;
    select(next);
    requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
  };
  if (request.error) {
    return (
      <>
        <PageHeader title={`Request ${id}`} />
        <ErrorNotice error={request.error} />
      </>
    );
  }
  if (!request.data) return <Loading what="the request" />;
  const data = request.data;
  return (
    <>
      <PageHeader title={`${data.displayId}: ${data.subject}`} />
      <p>
        <Link to="/requests">Back to requests</Link>
      </p>
      <div role="tablist" aria-label="Request sections" onKeyDown={onKeyDown} className="tabs">
        {TABS.map((candidate) => (
          <button
            key={candidate.id}
            id={`tab-${candidate.id}`}
            role="tab"
            type="button"
            aria-selected={tab === candidate.id}
            aria-controls={`panel-${candidate.id}`}
            tabIndex={tab === candidate.id ? 0 : -1}
            onClick={() => select(candidate.id)}
          >
            {candidate.label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={0} className="tabpanel">
        {tab === 'details' ? <Details request={data} onSaved={request.reload} /> : null}
        {tab === 'relations' ? <Relations id={id} /> : null}
        {tab === 'audit' ? <AuditTrail id={id} /> : null}
      </section>
    </>
  );
}

function Details({ request, onSaved }: { request: ItsmRequest; onSaved: () => void }) {
  const [form, setForm] = useState({
    subject: request.subject,
    category: request.category ?? '',
    department: request.department ?? '',
    status: request.status,
    priority: request.priority,
  });
  const initialRows = Object.entries(request.customFields).map(([key, value]) => ({
    key,
    value: SECRET_FIELD.test(key) ? '' : typeof value === 'string' ? value : JSON.stringify(value),
  }));
  const [rows, setRows] = useState<CustomFieldRow[]>(initialRows);
  const [saved, setSaved] = useState('');
  const action = useAction();
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      const fields: Record<string, string | null> = rowsToFields(rows);
      // A key removed from the rows is removed from the request; an emptied secret keeps its stored value.
      for (const key of Object.keys(request.customFields)) {
        if (!(key in fields) && !(SECRET_FIELD.test(key) && rows.some((row) => row.key === key))) fields[key] = null;
      }
      const { changes } = await api<{ changes: { field: string }[] }>('PATCH', `/api/requests/${request.internalId}`, {
        subject: form.subject,
        category: form.category || null,
        department: form.department || null,
        status: form.status,
        priority: form.priority,
        customFields: fields,
      });
      setSaved(
        changes.length === 0
          ? 'Nothing changed.'
          : `Saved: ${changes.map((change) => change.field).join(', ')} changed.`,
      );
      onSaved();
    });
  };
  return (
    <>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>{request.kind === 'incident' ? 'Incident' : 'Service Request'}</dd>
        <dt>Requester</dt>
        <dd>{request.requester ? `${request.requester.name} <${request.requester.email}>` : '—'}</dd>
        <dt>Template</dt>
        <dd>{request.template ?? '—'}</dd>
        <dt>Description</dt>
        <dd className="pre-line">{request.description || '—'}</dd>
        <dt>Custom fields</dt>
        <dd>
          {Object.keys(request.customFields).length === 0 ? (
            '—'
          ) : (
            <ul className="plain">
              {Object.entries(request.customFields).map(([key, value]) => (
                <li key={key}>
                  <code>{key}</code>:{' '}
                  {SECRET_FIELD.test(key)
                    ? '•••••• (hidden)'
                    : typeof value === 'string'
                      ? value
                      : JSON.stringify(value)}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          {formatDate(request.createdAt)} by {request.createdBy}
        </dd>
      </dl>
      <form onSubmit={submit} aria-label="Edit request">
        <h2>Edit</h2>
        <div className="form-grid">
          <TextField label="Subject" required value={form.subject} onChange={set('subject')} />
          <TextField label="Category" value={form.category} onChange={set('category')} />
          <TextField label="Department" value={form.department} onChange={set('department')} />
          <TextField label="Status" required value={form.status} onChange={set('status')} />
          <TextField label="Priority" required value={form.priority} onChange={set('priority')} />
        </div>
        <CustomFieldsEditor rows={rows} onRows={setRows} />
        <ErrorNotice error={action.error} />
        <div role="status" aria-live="polite">
          {saved}
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={action.busy}>
            Save changes
          </button>
        </div>
      </form>
    </>
  );
}

/** Reloads every few seconds: workflows link CIs and write the Audit Trail after the change that triggered them. */
function usePolling(reload: () => void, ms = 2000): void {
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, ms);
    return () => clearInterval(timer);
  }, [reload, ms]);
}

function Relations({ id }: { id: number }) {
  const relations = useResource(
    (signal) => api<Relation[]>('GET', `/api/requests/${id}/relations`, undefined, { signal }),
    `relations-${id}`,
  );
  usePolling(relations.reload);
  return (
    <>
      <h2>Relations</h2>
      <ErrorNotice error={relations.error} />
      {relations.data === undefined ? <Loading what="relations" /> : null}
      {relations.data?.length === 0 ? <p>No Configuration Items are linked to this request.</p> : null}
      {relations.data && relations.data.length > 0 ? (
        <table>
          <caption className="visually-hidden">Linked Configuration Items</caption>
          <thead>
            <tr>
              <th scope="col">Configuration Item</th>
              <th scope="col">Type</th>
              <th scope="col">IP address</th>
              <th scope="col">Host name</th>
              <th scope="col">Linked</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {relations.data.map((relation) => (
              <tr key={relation.ciId}>
                <td>{relation.configurationItem.name}</td>
                <td>{relation.configurationItem.type}</td>
                <td>{relation.configurationItem.ipAddress ?? '—'}</td>
                <td>{relation.configurationItem.hostname ?? '—'}</td>
                <td>{formatDate(relation.createdAt)}</td>
                <td>{relation.createdBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

function AuditTrail({ id }: { id: number }) {
  const { session } = useSession();
  const audit = useResource(
    (signal) => api<AuditEntry[]>('GET', `/api/requests/${id}/audit`, undefined, { signal }),
    `audit-${id}`,
  );
  usePolling(audit.reload);
  return (
    <>
      <h2>Audit Trail</h2>
      <ErrorNotice error={audit.error} />
      {audit.data === undefined ? <Loading what="the audit trail" /> : null}
      {audit.data ? (
        <ol className="audit">
          {audit.data.map((entry) => (
            <li key={entry.id} className={`audit-entry audit-${entry.kind.replace('.', '-')}`}>
              <div className="audit-head">
                <strong>{AUDIT_LABELS[entry.kind] ?? entry.kind}</strong>{' '}
                <span className="muted">{formatDate(entry.at)}</span> <span className="muted">by {entry.actor}</span>
              </div>
              {entry.kind === 'plugin.execution' ? (
                <PluginExecution data={entry.data} canSeeExecutions={can(session?.role, 'editor')} />
              ) : entry.kind === 'field.changed' ? (
                <p>
                  <code>{asText(entry.data.field)}</code>: {show(entry.data.from)} → {show(entry.data.to)}
                </p>
              ) : (
                <JsonBlock value={entry.data} label={`${entry.kind} details`} />
              )}
            </li>
          ))}
        </ol>
      ) : null}
    </>
  );
}

const AUDIT_LABELS: Record<string, string> = {
  'request.created': 'Request created',
  'field.changed': 'Field changed',
  'relation.added': 'Configuration Item linked',
  'plugin.execution': 'Plugin execution',
};

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function PluginExecution({ data, canSeeExecutions }: { data: Record<string, unknown>; canSeeExecutions: boolean }) {
  const workflow = data.workflow as { id: string; name?: string; version?: number } | null;
  const node = data.node as { id: string; title?: string } | null;
  const executionId = data.executionId as string | null;
  return (
    <dl className="facts compact">
      <dt>Workflow</dt>
      <dd>
        {workflow ? `${workflow.name ?? workflow.id}${workflow.version ? ` (version ${workflow.version})` : ''}` : '—'}
      </dd>
      <dt>Node</dt>
      <dd>{node ? (node.title ?? node.id) : '—'}</dd>
      <dt>Plugin</dt>
      <dd>
        <code>{asText(data.plugin)}</code>
      </dd>
      <dt>Path</dt>
      <dd>{show(data.path)}</dd>
      <dt>Duration</dt>
      <dd>{formatDuration(data.durationMs as number | null)}</dd>
      {data.errorCode ? (
        <>
          <dt>Error</dt>
          <dd>
            <code>{asText(data.errorCode)}</code> {asText(data.errorMessage)}
          </dd>
        </>
      ) : null}
      <dt>Inputs</dt>
      <dd>
        <JsonBlock value={data.inputs} label="Plugin inputs (secrets redacted)" />
      </dd>
      {data.outputSummary ? (
        <>
          <dt>Output</dt>
          <dd className="pre-line">{asText(data.outputSummary)}</dd>
        </>
      ) : null}
      {executionId && canSeeExecutions ? (
        <>
          <dt>Execution</dt>
          <dd>
            <Link to={`/executions/${encodeURIComponent(executionId)}`}>Open execution {executionId}</Link>
          </dd>
        </>
      ) : null}
    </dl>
  );
}
