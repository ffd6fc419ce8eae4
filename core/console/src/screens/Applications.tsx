// Applications (directory connections, e.g. Microsoft Active Directory, bound with a stored basic credential) and
// App Integrations (an application, an action and default Input Mappings): create, edit, delete, Test Connection.
import { useState, type FormEvent } from 'react';
import type { AppIntegration, Application, ConnectionTestResult, CredentialSummary } from '@actionhost/core';
import { api, segment } from '../api.ts';
import {
  ErrorNotice,
  formatDuration,
  Loading,
  Modal,
  PageHeader,
  SelectField,
  TextArea,
  TextField,
  useAction,
  useResource,
} from '../ui.tsx';

const ACTIONS = [
  'Create New User',
  'Update User Attribute',
  'Add to Group',
  'Remove from Group',
  'Enable User',
  'Disable User',
  'Reset Password',
  'Move User',
  'Delete User',
];

export function Applications() {
  const applications = useResource(
    (signal) => api<Application[]>('GET', '/api/applications', undefined, { signal }),
    'applications',
  );
  const integrations = useResource(
    (signal) => api<AppIntegration[]>('GET', '/api/app-integrations', undefined, { signal }),
    'integrations',
  );
  const credentials = useResource(
    (signal) => api<CredentialSummary[]>('GET', '/api/credentials', undefined, { signal }),
    'credentials',
  );
  const [editing, setEditing] = useState<Application | 'new' | null>(null);
  const [editingIntegration, setEditingIntegration] = useState<AppIntegration | 'new' | null>(null);
  const [tests, setTests] = useState<Record<string, ConnectionTestResult>>({});
  const [deleting, setDeleting] = useState<{ kind: 'application' | 'App Integration'; name: string } | null>(null);
  const action = useAction();
  const reloadAll = () => {
    applications.reload();
    integrations.reload();
  };
  return (
    <>
      <PageHeader title="Applications" />
      <ErrorNotice error={applications.error ?? integrations.error ?? action.error} />
      <section aria-labelledby="apps-title">
        <div className="section-header">
          <h2 id="apps-title">Applications</h2>
          <button type="button" className="button-primary" onClick={() => setEditing('new')}>
            New application
          </button>
        </div>
        {applications.loading && !applications.data ? <Loading what="applications" /> : null}
        {applications.data?.length === 0 ? <p>No applications configured.</p> : null}
        {applications.data && applications.data.length > 0 ? (
          <table>
            <caption className="visually-hidden">Applications</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Directory</th>
                <th scope="col">Base DN</th>
                <th scope="col">Credential</th>
                <th scope="col">Connection</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {applications.data.map((application) => {
                const test = tests[application.name];
                return (
                  <tr key={application.id}>
                    <td>
                      {application.name}
                      {application.warnings.map((warning) => (
                        <div key={warning.code} className="field-error">
                          <code>{warning.code}</code> {warning.message}
                        </div>
                      ))}
                    </td>
                    <td>
                      <code>{application.url}</code>
                    </td>
                    <td>
                      <code>{application.baseDn}</code>
                    </td>
                    <td>{application.credential}</td>
                    <td role="status" aria-live="polite">
                      {test ? (
                        test.ok ? (
                          <span className="ok">Connected in {formatDuration(test.durationMs)}</span>
                        ) : (
                          <span className="field-error">
                            <code>{test.error?.code}</code> {test.error?.message}
                          </span>
                        )
                      ) : (
                        <span className="muted">not tested</span>
                      )}
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        aria-label={`Test Connection of ${application.name}`}
                        onClick={() =>
                          action.run(async () => {
                            const result = await api<ConnectionTestResult>(
                              'POST',
                              `/api/applications/${segment(application.name)}/test-connection`,
                            );
                            setTests((current) => ({ ...current, [application.name]: result }));
                          })
                        }
                      >
                        Test Connection
                      </button>
                      <button
                        type="button"
                        aria-label={`Edit ${application.name}`}
                        onClick={() => setEditing(application)}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="button-danger"
                        aria-label={`Delete ${application.name}`}
                        onClick={() => setDeleting({ kind: 'application', name: application.name })}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </section>
      <section aria-labelledby="integrations-title">
        <div className="section-header">
          <h2 id="integrations-title">App Integrations</h2>
          <button type="button" className="button-primary" onClick={() => setEditingIntegration('new')}>
            New App Integration
          </button>
        </div>
        {integrations.data?.length === 0 ? <p>No App Integrations yet.</p> : null}
        {integrations.data && integrations.data.length > 0 ? (
          <table>
            <caption className="visually-hidden">App Integrations</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Application</th>
                <th scope="col">Action</th>
                <th scope="col">Plugin</th>
                <th scope="col">Default mappings</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {integrations.data.map((integration) => (
                <tr key={integration.id}>
                  <td>{integration.name}</td>
                  <td>{integration.application}</td>
                  <td>{integration.action}</td>
                  <td>
                    <code>{integration.plugin}</code>
                  </td>
                  <td>
                    <ul className="plain">
                      {Object.entries(integration.mappings).map(([key, value]) => (
                        <li key={key}>
                          <code>{key}</code>: {typeof value === 'string' ? value : JSON.stringify(value)}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      aria-label={`Edit ${integration.name}`}
                      onClick={() => setEditingIntegration(integration)}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="button-danger"
                      aria-label={`Delete ${integration.name}`}
                      onClick={() => setDeleting({ kind: 'App Integration', name: integration.name })}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <Modal title={`Delete ${deleting?.kind ?? ''}`} open={deleting !== null} onClose={() => setDeleting(null)}>
        <p>
          Delete the {deleting?.kind} <strong>{deleting?.name}</strong>? Workflows that use it fail at their next
          publish.
        </p>
        <div className="form-actions">
          <button
            type="button"
            className="button-danger"
            onClick={() =>
              action.run(async () => {
                const target = deleting!;
                setDeleting(null);
                await api(
                  'DELETE',
                  `/api/${target.kind === 'application' ? 'applications' : 'app-integrations'}/${segment(target.name)}`,
                );
                reloadAll();
              })
            }
          >
            Delete {deleting?.kind}
          </button>
          <button type="button" onClick={() => setDeleting(null)}>
            Cancel
          </button>
        </div>
      </Modal>
      {editing !== null ? (
        <ApplicationForm
          application={editing === 'new' ? null : editing}
          credentials={(credentials.data ?? []).filter((credential) => credential.type === 'basic').map((c) => c.name)}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reloadAll();
          }}
        />
      ) : null}
      {editingIntegration !== null ? (
        <IntegrationForm
          integration={editingIntegration === 'new' ? null : editingIntegration}
          applications={(applications.data ?? []).map((application) => application.name)}
          onClose={() => setEditingIntegration(null)}
          onSaved={() => {
            setEditingIntegration(null);
            integrations.reload();
          }}
        />
      ) : null}
    </>
  );
}

function ApplicationForm({
  application,
  credentials,
  onClose,
  onSaved,
}: {
  application: Application | null;
  credentials: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const [form, setForm] = useState({
    name: application?.name ?? 'Microsoft Active Directory',
    url: application?.url ?? 'ldaps://',
    bindDn: application?.bindDn ?? '',
    credential: application?.credential ?? credentials[0] ?? '',
    baseDn: application?.baseDn ?? '',
    domain: application?.domain ?? '',
    caCertificate: application?.caCertificate ?? '',
    tlsVerify: application?.tlsVerify ?? true,
    timeoutMs: String(application?.timeoutMs ?? 10000),
  });
  const action = useAction();
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      const body = {
        name: form.name,
        type: 'microsoft-active-directory',
        url: form.url,
        bindDn: form.bindDn,
        credential: form.credential,
        baseDn: form.baseDn,
        ...(form.domain ? { domain: form.domain } : {}),
        ...(form.caCertificate.trim() ? { caCertificate: form.caCertificate } : {}),
        tlsVerify: form.tlsVerify,
        timeoutMs: Number(form.timeoutMs) || 10000,
      };
      if (application) await api('PUT', `/api/applications/${segment(application.name)}`, body);
      else await api('POST', '/api/applications', body);
      onSaved();
    });
  };
  return (
    <Modal title={application ? `Edit ${application.name}` : 'New application'} open onClose={onClose} wide>
      <form onSubmit={submit}>
        <div className="form-grid">
          <TextField label="Application name" required value={form.name} onChange={set('name')} />
          <SelectField
            label="Application type"
            options={[{ value: 'microsoft-active-directory', label: 'Microsoft Active Directory' }]}
            value="microsoft-active-directory"
            onChange={() => undefined}
          />
          <TextField
            label="Directory URL"
            required
            hint="ldaps://host:636, or ldap://host:389 with StartTLS"
            value={form.url}
            onChange={set('url')}
          />
          <TextField label="Bind DN or user principal name" required value={form.bindDn} onChange={set('bindDn')} />
          <SelectField
            label="Bind credential"
            hint="A basic credential from the API Credentials page: its password is the bind password."
            options={credentials.length > 0 ? credentials : [{ value: '', label: '(no basic credential stored)' }]}
            value={form.credential}
            onChange={set('credential')}
          />
          <TextField label="Base DN" required value={form.baseDn} onChange={set('baseDn')} />
          <TextField label="Domain" value={form.domain} onChange={set('domain')} />
          <TextField label="Timeout (ms)" inputMode="numeric" value={form.timeoutMs} onChange={set('timeoutMs')} />
        </div>
        <TextArea label="CA certificate (PEM)" rows={4} value={form.caCertificate} onChange={set('caCertificate')} />
        <div className="field checkbox">
          <input
            id="tls-verify"
            type="checkbox"
            checked={form.tlsVerify}
            onChange={(event) => setForm((current) => ({ ...current, tlsVerify: event.target.checked }))}
          />
          <label htmlFor="tls-verify">Verify the directory&apos;s TLS certificate</label>
        </div>
        <ErrorNotice error={action.error} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={action.busy}>
            {application ? 'Save application' : 'Create application'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

function IntegrationForm({
  integration,
  applications,
  onClose,
  onSaved,
}: {
  integration: AppIntegration | null;
  applications: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const [form, setForm] = useState({
    name: integration?.name ?? 'AD App',
    application: integration?.application ?? applications[0] ?? '',
    action: integration?.action ?? 'Create New User',
  });
  const [rows, setRows] = useState(
    Object.entries(integration?.mappings ?? {}).map(([key, value]) => ({
      key,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    })),
  );
  const action = useAction();
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      const body = {
        ...form,
        mappings: Object.fromEntries(rows.filter((row) => row.key.trim()).map((row) => [row.key.trim(), row.value])),
      };
      if (integration) await api('PUT', `/api/app-integrations/${segment(integration.name)}`, body);
      else await api('POST', '/api/app-integrations', body);
      onSaved();
    });
  };
  return (
    <Modal title={integration ? `Edit ${integration.name}` : 'New App Integration'} open onClose={onClose} wide>
      <form onSubmit={submit}>
        <div className="form-grid">
          <TextField label="App Integration name" required value={form.name} onChange={set('name')} />
          <SelectField
            label="Application"
            options={applications.length > 0 ? applications : [{ value: '', label: '(no application)' }]}
            value={form.application}
            onChange={set('application')}
          />
          <SelectField label="Action" options={ACTIONS} value={form.action} onChange={set('action')} />
        </div>
        <fieldset>
          <legend>Default Input Mappings</legend>
          <p className="hint">
            Passwords must be placeholders such as #customFields.initialPassword#: they are never stored here.
          </p>
          {rows.map((row, index) => (
            <div className="custom-field-row" key={index}>
              <label>
                Mapping {index + 1} key
                <input
                  value={row.key}
                  onChange={(event) =>
                    setRows(rows.map((r, i) => (i === index ? { ...r, key: event.target.value } : r)))
                  }
                />
              </label>
              <label>
                Mapping {index + 1} value
                <input
                  value={row.value}
                  onChange={(event) =>
                    setRows(rows.map((r, i) => (i === index ? { ...r, value: event.target.value } : r)))
                  }
                />
              </label>
              <button type="button" onClick={() => setRows(rows.filter((_, i) => i !== index))}>
                Remove mapping {index + 1}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setRows([...rows, { key: '', value: '' }])}>
            Add mapping
          </button>
        </fieldset>
        <ErrorNotice error={action.error} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={action.busy}>
            {integration ? 'Save App Integration' : 'Create App Integration'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
