// Integration Connectors (admin): the agents that run next to a directory the host cannot reach, with their health
// (online, offline, never connected, revoked), when each was last seen, from where and in which version; register
// one (its token shown once), issue a new token, revoke, delete.
import { useState, type FormEvent } from 'react';
import type { Connector, IssuedConnector } from '@actionhost/core';
import { api, segment } from '../api.ts';
import {
  ErrorNotice,
  formatDate,
  Loading,
  Modal,
  PageHeader,
  StatusBadge,
  TextField,
  useAction,
  useResource,
} from '../ui.tsx';
import { SecretOnce } from './SecretOnce.tsx';

type Pending = { connector: Connector; what: 'revoke' | 'delete' | 'token' };

const CONFIRM = {
  revoke: { title: 'Revoke connector', button: 'Revoke', text: 'Its token stops working at once; it is cut off.' },
  token: {
    title: 'Issue a new token',
    button: 'Issue a new token',
    text: 'The old token stops working; the connector needs the new one.',
  },
  delete: {
    title: 'Delete connector',
    button: 'Delete connector',
    text: 'Applications that name it fail with AH_CONNECTOR_NOT_FOUND.',
  },
};

export function Connectors() {
  const connectors = useResource((signal) => api<Connector[]>('GET', '/api/connectors', undefined, { signal }), 'all');
  const [issued, setIssued] = useState<IssuedConnector | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  const create = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      setIssued(await api<IssuedConnector>('POST', '/api/connectors', { name, description }));
      setName('');
      setDescription('');
      connectors.reload();
    });
  };
  const confirm = ({ connector, what }: Pending) => {
    setPending(null);
    action.run(async () => {
      const path = `/api/connectors/${segment(connector.name)}`;
      if (what === 'delete') await api('DELETE', path);
      else if (what === 'revoke') await api('POST', `${path}/revoke`);
      else setIssued(await api<IssuedConnector>('POST', `${path}/token`));
      connectors.reload();
    });
  };
  return (
    <>
      <PageHeader title="Connectors" />
      <form onSubmit={create} className="card" aria-labelledby="new-connector">
        <h2 id="new-connector">Register a connector</h2>
        <div className="form-grid">
          <TextField label="Connector name" required value={name} onChange={(event) => setName(event.target.value)} />
          <TextField
            label="Description"
            hint="Where it runs and what it reaches"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
        <button type="submit" className="button-primary" disabled={action.busy}>
          Register connector
        </button>
      </form>
      <ErrorNotice error={connectors.error ?? action.error} />
      {issued ? (
        <SecretOnce
          key={`${issued.name} ${issued.tokenIssuedAt}`}
          title={`Token of connector ${issued.name}`}
          label="Connector token"
          secret={issued.token}
          onDone={() => setIssued(null)}
        />
      ) : null}
      {connectors.loading && !connectors.data ? <Loading what="connectors" /> : null}
      {connectors.data?.length === 0 ? <p>No connector registered.</p> : null}
      {connectors.data && connectors.data.length > 0 ? (
        <table>
          <caption className="visually-hidden">Connectors</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Health</th>
              <th scope="col">Last seen</th>
              <th scope="col">Address</th>
              <th scope="col">Version</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {connectors.data.map((connector) => (
              <tr key={connector.name}>
                <th scope="row">
                  {connector.name}
                  {connector.description ? <div className="muted">{connector.description}</div> : null}
                </th>
                <td>
                  <StatusBadge status={connector.status} />
                </td>
                <td>{connector.lastSeenAt ? formatDate(connector.lastSeenAt) : 'never'}</td>
                <td>{connector.address ?? '—'}</td>
                <td>{connector.version ?? '—'}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    aria-label={`New token for ${connector.name}`}
                    onClick={() => setPending({ connector, what: 'token' })}
                  >
                    New token
                  </button>
                  {connector.status === 'revoked' ? null : (
                    <button
                      type="button"
                      aria-label={`Revoke ${connector.name}`}
                      onClick={() => setPending({ connector, what: 'revoke' })}
                    >
                      Revoke
                    </button>
                  )}
                  <button
                    type="button"
                    className="button-danger"
                    aria-label={`Delete ${connector.name}`}
                    onClick={() => setPending({ connector, what: 'delete' })}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Modal
        title={pending ? CONFIRM[pending.what].title : ''}
        open={pending !== null}
        onClose={() => setPending(null)}
      >
        {pending ? (
          <>
            <p>
              <strong>{pending.connector.name}</strong>: {CONFIRM[pending.what].text}
            </p>
            <div className="form-actions">
              <button type="button" className="button-danger" onClick={() => confirm(pending)}>
                {CONFIRM[pending.what].button}
              </button>
              <button type="button" onClick={() => setPending(null)}>
                Cancel
              </button>
            </div>
          </>
        ) : null}
      </Modal>
    </>
  );
}
