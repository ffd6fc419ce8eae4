// API tokens per role (admin): create one for an agent, an editor or another admin, optionally expiring, with its
// secret shown once (to copy); list them; revoke one after a confirmation. The host refuses to revoke the last
// admin token that works, and that refusal shows as the API's error.
import { useState, type FormEvent } from 'react';
import type { TokenCreated, TokenInfo } from '@actionhost/core';
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
import { SecretOnce } from './SecretOnce.tsx';

const ROLES = [
  { value: 'agent', label: 'agent: requests and configuration items' },
  { value: 'editor', label: 'editor: workflows and executions' },
  { value: 'admin', label: 'admin: everything, tokens included' },
];

export function Tokens() {
  const tokens = useResource((signal) => api<TokenInfo[]>('GET', '/api/tokens', undefined, { signal }), 'tokens');
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);
  const revoke = useAction();
  const now = Date.now();
  return (
    <>
      <PageHeader title="API Tokens" />
      <CreateToken onCreated={tokens.reload} />
      <ErrorNotice error={tokens.error} />
      <ErrorNotice error={revoke.error} title="Not revoked" />
      {tokens.loading && !tokens.data ? <Loading what="tokens" /> : null}
      {tokens.data ? (
        <table>
          <caption className="visually-hidden">API tokens that are not revoked</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => (
              <tr key={token.id}>
                <th scope="row">{token.name}</th>
                <td>{token.role}</td>
                <td>{formatDate(token.createdAt)}</td>
                <td>
                  {token.expiresAt === null ? 'never' : formatDate(token.expiresAt)}
                  {token.expiresAt !== null && Date.parse(token.expiresAt) <= now ? ' (expired)' : ''}
                </td>
                <td>
                  <button
                    type="button"
                    className="button-danger"
                    aria-label={`Revoke token ${token.name}`}
                    onClick={() => {
                      revoke.clear();
                      setRevoking(token);
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Modal title="Revoke token" open={revoking !== null} onClose={() => setRevoking(null)}>
        <p>
          Revoke the {revoking?.role} token <strong>{revoking?.name}</strong>? Whoever holds it is signed out at their
          next call, and it cannot be restored.
        </p>
        <div className="form-actions">
          <button
            type="button"
            className="button-danger"
            onClick={() => {
              const token = revoking!;
              setRevoking(null);
              revoke.run(async () => {
                await api('DELETE', `/api/tokens/${segment(token.id)}`);
                tokens.reload();
              });
            }}
          >
            Revoke token
          </button>
          <button type="button" onClick={() => setRevoking(null)}>
            Cancel
          </button>
        </div>
      </Modal>
    </>
  );
}

function CreateToken({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('agent');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      // datetime-local is the user's wall clock; the API takes an instant.
      const expiresAt = expires ? new Date(expires).toISOString() : undefined;
      const token = await api<TokenCreated>('POST', '/api/tokens', { name, role, expiresAt });
      setCreated(token);
      setName('');
      setExpires('');
      onCreated();
    });
  };
  return (
    <>
      <form onSubmit={submit} className="card" aria-labelledby="new-token">
        <h2 id="new-token">New token</h2>
        <div className="form-grid">
          <TextField
            label="Token name"
            required
            maxLength={100}
            hint="Who or what holds it, e.g. service desk agent Ada"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <SelectField label="Role" options={ROLES} value={role} onChange={(event) => setRole(event.target.value)} />
          <TextField
            label="Expires (optional)"
            type="datetime-local"
            hint="Empty: the token works until it is revoked"
            value={expires}
            onChange={(event) => setExpires(event.target.value)}
          />
        </div>
        <ErrorNotice error={action.error} title="Not created" />
        <button type="submit" className="button-primary" disabled={action.busy}>
          Create token
        </button>
      </form>
      {created ? (
        <SecretOnce
          key={created.id}
          title={`Token ${created.name} (${created.role})`}
          label="New token"
          secret={created.token}
          onDone={() => setCreated(null)}
        />
      ) : null}
    </>
  );
}
