// The API Credential page: stored credentials by name and type with the binding an admin gave each (the URL prefixes
// and plugins it may be used for); create with its binding, rotate (a new secret in place, the binding kept unless
// changed) and delete. A secret is write-only: typed here, sent once, never shown again.
import { useState, type FormEvent } from 'react';
import type { CredentialSummary } from '@actionhost/core';
import { api, segment } from '../api.ts';
import type { PluginSummary } from '../designer/model.ts';
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
import {
  BindingFields,
  BindingSummary,
  EMPTY_SECRET,
  SecretFields,
  secretOf,
  TYPES,
  urlsFromText,
  type SecretForm,
} from './CredentialFields.tsx';

export function Credentials() {
  const credentials = useResource(
    (signal) => api<CredentialSummary[]>('GET', '/api/credentials', undefined, { signal }),
    'credentials',
  );
  const plugins = useResource(async (signal) => {
    const list = await api<PluginSummary[]>('GET', '/api/plugins', undefined, { signal });
    return [...new Set(list.map((plugin) => plugin.name))].sort();
  }, 'plugin-names');
  const installed = plugins.data ?? [];
  const [deleting, setDeleting] = useState<string | null>(null);
  const [rotating, setRotating] = useState<CredentialSummary | null>(null);
  const remove = useAction();
  return (
    <>
      <PageHeader title="API Credentials" />
      <CreateCredential installed={installed} onCreated={credentials.reload} />
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
              <th scope="col">May be used for</th>
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
                <td>
                  <BindingSummary binding={credential.binding} />
                </td>
                <td>{formatDate(credential.updatedAt)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    aria-label={`Rotate credential ${credential.name}`}
                    onClick={() => setRotating(credential)}
                  >
                    Rotate
                  </button>
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
      <Modal
        title={`Rotate credential ${rotating?.name ?? ''}`}
        open={rotating !== null}
        onClose={() => setRotating(null)}
        wide
      >
        {rotating ? (
          <RotateCredential
            credential={rotating}
            installed={installed}
            onDone={() => {
              setRotating(null);
              credentials.reload();
            }}
          />
        ) : null}
      </Modal>
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

function CreateCredential({ installed, onCreated }: { installed: readonly string[]; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [type, setType] = useState('basic');
  const [secret, setSecret] = useState<SecretForm>(EMPTY_SECRET);
  const [urls, setUrls] = useState('');
  const [plugins, setPlugins] = useState<string[]>([]);
  const [done, setDone] = useState('');
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      await api('POST', '/api/credentials', {
        name,
        type,
        secret: secretOf(type, secret),
        binding: { urls: urlsFromText(urls), plugins },
      });
      // The secret leaves the form as soon as it is stored: it is never shown or kept in the page again.
      setSecret(EMPTY_SECRET);
      setName('');
      setUrls('');
      setPlugins([]);
      setDone(`Stored credential ${name}. Its secret cannot be read back.`);
      onCreated();
    });
  };
  return (
    <form onSubmit={submit} className="card" aria-labelledby="new-credential">
      <h2 id="new-credential">New credential</h2>
      <div className="form-grid">
        <TextField label="Credential name" required value={name} onChange={(event) => setName(event.target.value)} />
        <SelectField
          label="Credential type"
          options={TYPES}
          value={type}
          onChange={(event) => setType(event.target.value)}
        />
        <SecretFields type={type} form={secret} onChange={setSecret} />
      </div>
      <BindingFields urls={urls} plugins={plugins} installed={installed} onUrls={setUrls} onPlugins={setPlugins} />
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

function RotateCredential({
  credential,
  installed,
  onDone,
}: {
  credential: CredentialSummary;
  installed: readonly string[];
  onDone: () => void;
}) {
  const [type, setType] = useState<string>(credential.type);
  const [secret, setSecret] = useState<SecretForm>({ ...EMPTY_SECRET, header: credential.header ?? '' });
  const [rebind, setRebind] = useState(false);
  const [urls, setUrls] = useState(credential.binding.urls.join('\n'));
  const [plugins, setPlugins] = useState<string[]>(credential.binding.plugins);
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      await api('PUT', `/api/credentials/${segment(credential.name)}`, {
        type,
        secret: secretOf(type, secret),
        ...(rebind ? { binding: { urls: urlsFromText(urls), plugins } } : {}),
      });
      onDone();
    });
  };
  return (
    <form onSubmit={submit}>
      <p>
        The new secret replaces the stored one at once: every workflow and application that names{' '}
        <strong>{credential.name}</strong> uses it from its next call.
      </p>
      <div className="form-grid">
        <SelectField
          label="Credential type"
          options={TYPES}
          value={type}
          onChange={(event) => setType(event.target.value)}
        />
        <SecretFields type={type} form={secret} onChange={setSecret} header={credential.header} />
      </div>
      <label className="checkbox-option">
        <input type="checkbox" checked={rebind} onChange={(event) => setRebind(event.target.checked)} /> Change what it
        may be used for too
      </label>
      {rebind ? (
        <BindingFields urls={urls} plugins={plugins} installed={installed} onUrls={setUrls} onPlugins={setPlugins} />
      ) : (
        <BindingSummary binding={credential.binding} />
      )}
      <ErrorNotice error={action.error} title="Not rotated" />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={action.busy}>
          Store the new secret
        </button>
      </div>
    </form>
  );
}
