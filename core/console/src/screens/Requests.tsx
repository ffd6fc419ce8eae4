// Requests (incidents and service requests): the list with filters, and raising a new one.
import { useState, type FormEvent } from 'react';
import type { Request as ItsmRequest } from '@actionhost/core';
import { api, segment } from '../api.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import {
  ErrorNotice,
  formatDate,
  Loading,
  Modal,
  PageHeader,
  SelectField,
  TextArea,
  TextField,
  useAction,
  useResource,
} from '../ui.tsx';
import { CustomFieldsEditor, type CustomFieldRow, rowsToFields } from './CustomFieldsEditor.tsx';
import { RaiseFromTemplate } from './RaiseFromTemplate.tsx';

const KINDS = [
  { value: '', label: 'Any kind' },
  { value: 'incident', label: 'Incident' },
  { value: 'service-request', label: 'Service Request' },
];

export function Requests() {
  const { query } = useLocation();
  const kind = query.get('kind') ?? '';
  const status = query.get('status') ?? '';
  const category = query.get('category') ?? '';
  const params = new URLSearchParams();
  if (kind) params.set('kind', kind);
  if (status) params.set('status', status);
  if (category) params.set('category', category);
  const requests = useResource(
    (signal) => api<ItsmRequest[]>('GET', `/api/requests?${params.toString()}`, undefined, { signal }),
    params.toString(),
  );
  const [creating, setCreating] = useState(false);
  const [fromTemplate, setFromTemplate] = useState(false);
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    navigate(`/requests${next.size ? `?${next.toString()}` : ''}`, { replace: true });
  };
  return (
    <>
      <PageHeader title="Requests">
        <button type="button" className="button-primary" onClick={() => setCreating(true)}>
          New request
        </button>
        <button type="button" onClick={() => setFromTemplate(true)}>
          From a template…
        </button>
      </PageHeader>
      {fromTemplate ? <RaiseFromTemplate open onClose={() => setFromTemplate(false)} /> : null}
      <form className="filters" aria-label="Filter requests" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label="Kind"
          options={KINDS}
          value={kind}
          onChange={(event) => setFilter('kind', event.target.value)}
        />
        <TextField label="Status" value={status} onChange={(event) => setFilter('status', event.target.value)} />
        <TextField label="Category" value={category} onChange={(event) => setFilter('category', event.target.value)} />
      </form>
      <ErrorNotice error={requests.error} />
      {requests.loading && !requests.data ? <Loading what="requests" /> : null}
      {requests.data && requests.data.length === 0 ? <p>No requests match.</p> : null}
      {requests.data && requests.data.length > 0 ? (
        <table>
          <caption className="visually-hidden">Requests</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Subject</th>
              <th scope="col">Kind</th>
              <th scope="col">Category</th>
              <th scope="col">Department</th>
              <th scope="col">Status</th>
              <th scope="col">Requester</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {requests.data.map((request) => (
              <tr key={request.internalId}>
                <td>
                  <Link to={`/requests/${request.internalId}`}>{request.displayId}</Link>
                </td>
                <td>{request.subject}</td>
                <td>{request.kind === 'incident' ? 'Incident' : 'Service Request'}</td>
                <td>{request.category ?? '—'}</td>
                <td>{request.department ?? '—'}</td>
                <td>{request.status}</td>
                <td>{request.requester?.name ?? '—'}</td>
                <td>{formatDate(request.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <CreateRequest open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateRequest({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form, setForm] = useState({
    kind: 'incident',
    subject: '',
    description: '',
    category: '',
    department: '',
    priority: 'Low',
    requesterName: '',
    requesterEmail: '',
    requesterUsername: '',
  });
  const [fields, setFields] = useState<CustomFieldRow[]>([{ key: 'ipAddress', value: '' }]);
  const action = useAction();
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      const hasRequester = form.requesterName || form.requesterEmail || form.requesterUsername;
      const created = await api<ItsmRequest>('POST', '/api/requests', {
        kind: form.kind,
        subject: form.subject,
        description: form.description,
        category: form.category || null,
        department: form.department || null,
        priority: form.priority || 'Low',
        requester: hasRequester
          ? { name: form.requesterName, email: form.requesterEmail, username: form.requesterUsername }
          : null,
        customFields: rowsToFields(fields),
      });
      onClose();
      navigate(`/requests/${segment(created.internalId)}`);
    });
  };
  return (
    <Modal title="New request" open={open} onClose={onClose} wide>
      <form onSubmit={submit}>
        <div className="form-grid">
          <SelectField label="Kind" options={KINDS.slice(1)} value={form.kind} onChange={set('kind')} />
          <TextField label="Subject" required value={form.subject} onChange={set('subject')} />
          <TextField label="Category" value={form.category} onChange={set('category')} />
          <TextField label="Department" value={form.department} onChange={set('department')} />
          <TextField label="Priority" value={form.priority} onChange={set('priority')} />
        </div>
        <TextArea label="Description" value={form.description} onChange={set('description')} />
        <fieldset>
          <legend>Requester</legend>
          <div className="form-grid">
            <TextField label="Requester name" value={form.requesterName} onChange={set('requesterName')} />
            <TextField
              label="Requester email"
              type="email"
              value={form.requesterEmail}
              onChange={set('requesterEmail')}
            />
            <TextField label="Requester username" value={form.requesterUsername} onChange={set('requesterUsername')} />
          </div>
        </fieldset>
        <CustomFieldsEditor rows={fields} onRows={setFields} />
        <ErrorNotice error={action.error} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={action.busy}>
            Create request
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
