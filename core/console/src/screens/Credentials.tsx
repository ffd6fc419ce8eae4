// The API Credential page: stored credentials by name and type; create (the secret is write-only: typed here,
// sent once, never shown again) and delete.
import { useState, type FormEvent } from 'react';
import type { CredentialSummary } from '@actionhost/core';
import { api, segment } from '../api.ts';
import {
  ErrorNotice,
  formatDate,
  Loading,
  Modal,
  PageHeader,
  SelectField,
  TextField,
  useAction,
  useResource,
} from '../ui.tsx';

const TYPES = [
  { value: 'basic', label: 'Basic Auth (username and password)' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'api-key', label: 'API key header' },
];

export function Credentials() {
  const credentials = useResource(
    (signal) => api<CredentialSummary[]>('GET', '/api/credentials', undefined, { signal }),
    'credentials',
  );
  const [deleting, setDeleting] = useState<string | null>(null);
  const remove = useAction();
  return (
    <>
      <PageHeader title="API Credentials" />
      <CreateCredential onCreated={credentials.reload} />
      <ErrorNotice error={credentials.error ?? remove.error} />
      {credentials.loading && !credentials.data ? <Loading what="credentials" /> : null}
      {credentials.data?.length === 0 ? <p>No credentials stored.</p> : null}
      {credentials.data && credentials.data.length > 0 ? (
        <table>
          <caption className="visually-hidden">Stored credentials</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Header</th>
              <th scope="col">Updated</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {credentials.data.map((credential) => (
              <tr key={credential.name}>
                <td>{credential.name}</td>
                <td>{credential.type}</td>
                <td>{credential.header ?? '—'}</td>
                <td>{formatDate(credential.updatedAt)}</td>
                <td>
                  <button
                    type="button"
                    className="button-danger"
                    aria-label={`Delete credential ${credential.name}`}
                    onClick={() => setDeleting(credential.name)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Modal title="Delete credential" open={deleting !== null} onClose={() => setDeleting(null)}>
        <p>
          Delete the credential <strong>{deleting}</strong>? Workflows and applications that use it will fail until it
          is stored again.
        </p>
        <div className="form-actions">
          <button
            type="button"
            className="button-danger"
            onClick={() =>
              remove.run(async () => {
                await api('DELETE', `/api/credentials/${segment(deleting!)}`);
                setDeleting(null);
                credentials.reload();
              })
            }
          >
            Delete credential
          </button>
          <button type="button" onClick={() => setDeleting(null)}>
            Cancel
          </button>
        </div>
      </Modal>
    </>
  );
}

function CreateCredential({ onCreated }: { onCreated: () => void }) {
  const empty = { name: '', type: 'basic', username: '', password: '', token: '', header: '', value: '' };
  const [form, setForm] = useState(empty);
  const [done, setDone] = useState('');
  const action = useAction();
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      const secret =
        form.type === 'basic'
          ? { username: form.username, password: form.password }
          : form.type === 'bearer'
            ? { token: form.token }
            : { header: form.header, value: form.value };
      await api('POST', '/api/credentials', { name: form.name, type: form.type, secret });
      // The secret leaves the form as soon as it is stored: it is never shown or kept in the page again.
      setForm(empty);
      setDone(`Stored credential ${form.name}. Its secret cannot be read back.`);
      onCreated();
    });
  };
  return (
    <form onSubmit={submit} className="card" aria-labelledby="new-credential">
      <h2 id="new-credential">New credential</h2>
      <div className="form-grid">
        <TextField label="Credential name" required value={form.name} onChange={set('name')} />
        <SelectField label="Credential type" options={TYPES} value={form.type} onChange={set('type')} />
        {form.type === 'basic' ? (
          <>
            <TextField label="Username" required autoComplete="off" value={form.username} onChange={set('username')} />
            <TextField
              label="Password"
              required
              type="password"
              autoComplete="new-password"
              value={form.password}
              onChange={set('password')}
            />
          </>
        ) : null}
        {form.type === 'bearer' ? (
          <TextField
            label="Token"
            required
            type="password"
            autoComplete="new-password"
            value={form.token}
            onChange={set('token')}
          />
        ) : null}
        {form.type === 'api-key' ? (
          <>
            <TextField label="Header name" required value={form.header} onChange={set('header')} />
            <TextField
              label="Key value"
              required
              type="password"
              autoComplete="new-password"
              value={form.value}
              onChange={set('value')}
            />
          </>
        ) : null}
      </div>
      <ErrorNotice error={action.error} />
      <div role="status" aria-live="polite">
        {done}
      </div>
      <button type="submit" className="button-primary" disabled={action.busy}>
        Store credential
      </button>
    </form>
  );
}
