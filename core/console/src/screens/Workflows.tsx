// Workflows: the list (name, trigger, published version and whether it is active, pinned plugin versions, last
// change), create, duplicate, its published versions, and delete a draft or a switched-off workflow.
import { useState, type FormEvent } from 'react';
import type { WorkflowView } from '@actionhost/core';
import { api, segment } from '../api.ts';
import { triggerLabel, TRIGGER_PRESETS } from '../labels.ts';
import { Link, navigate } from '../router.tsx';
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

export function Workflows() {
  const workflows = useResource((signal) => api<WorkflowView[]>('GET', '/api/workflows', undefined, { signal }), 'all');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<WorkflowView | null>(null);
  const action = useAction();

  const duplicate = (workflow: WorkflowView) =>
    action.run(async () => {
      const names = new Set(workflows.data?.map((w) => w.name));
      let name = `${workflow.name} (copy)`;
      for (let n = 2; names.has(name); n++) name = `${workflow.name} (copy ${n})`;
      const definition = withoutSealedValues(workflow.definition) as object;
      const created = await api<WorkflowView>('POST', '/api/workflows', { ...definition, name });
      navigate(`/workflows/${segment(created.id)}`);
    });

  return (
    <>
      <PageHeader title="Workflows">
        <button type="button" className="button-primary" onClick={() => setCreating(true)}>
          New workflow
        </button>
      </PageHeader>
      <ErrorNotice error={workflows.error ?? action.error} />
      {workflows.loading && !workflows.data ? <Loading what="workflows" /> : null}
      {workflows.data && workflows.data.length === 0 ? <p>No workflows yet. Create one to get started.</p> : null}
      {workflows.data && workflows.data.length > 0 ? (
        <table>
          <caption className="visually-hidden">Workflows</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Trigger</th>
              <th scope="col">Published</th>
              <th scope="col">Pinned plugins</th>
              <th scope="col">Last change</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {workflows.data.map((workflow) => (
              <tr key={workflow.id}>
                <td>
                  <Link to={`/workflows/${segment(workflow.id)}`}>{workflow.name}</Link>
                </td>
                <td>{triggerLabel(workflow.definition.trigger)}</td>
                <td>
                  {workflow.published ? (
                    `version ${workflow.published.version}`
                  ) : (
                    <span className="muted">draft only</span>
                  )}
                  {workflow.published ? (workflow.active ? ', active' : ', switched off') : null}
                  {workflow.published &&
                  workflow.revision > 0 &&
                  workflow.updatedAt > workflow.published.publishedAt ? (
                    <span className="muted"> (draft changed since)</span>
                  ) : null}
                </td>
                <td>
                  {workflow.published ? (
                    <ul className="plain">
                      {[...new Set(Object.values(workflow.published.plugins).map((p) => `${p.name}@${p.version}`))].map(
                        (pin) => (
                          <li key={pin}>
                            <code>{pin}</code>
                          </li>
                        ),
                      )}
                    </ul>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{formatDate(workflow.updatedAt)}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => duplicate(workflow)} aria-label={`Duplicate ${workflow.name}`}>
                    Duplicate
                  </button>
                  {workflow.published ? (
                    <Link
                      to={`/workflows/${segment(workflow.id)}/versions`}
                      aria-label={`Versions of ${workflow.name}`}
                    >
                      Versions
                    </Link>
                  ) : null}
                  {workflow.published && workflow.active ? null : (
                    <button
                      type="button"
                      className="button-danger"
                      onClick={() => setDeleting(workflow)}
                      aria-label={`Delete ${workflow.name}`}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <CreateWorkflow open={creating} onClose={() => setCreating(false)} />
      <Modal title="Delete draft" open={deleting !== null} onClose={() => setDeleting(null)}>
        <p>
          Delete <strong>{deleting?.name}</strong>? This cannot be undone
          {deleting?.published ? ' (its executions, published versions and Audit Trail entries stay)' : ''}.
        </p>
        <div className="form-actions">
          <button
            type="button"
            className="button-danger"
            onClick={() =>
              action.run(async () => {
                await api('DELETE', `/api/workflows/${segment(deleting!.id)}`);
                setDeleting(null);
                workflows.reload();
              })
            }
          >
            Delete draft
          </button>
          <button type="button" onClick={() => setDeleting(null)}>
            Cancel
          </button>
        </div>
      </Modal>
    </>
  );
}

function CreateWorkflow({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const [preset, setPreset] = useState('0');
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      const created = await api<WorkflowView>('POST', '/api/workflows', {
        name: name.trim(),
        module: 'request',
        trigger: TRIGGER_PRESETS[Number(preset)].trigger,
        nodes: [],
      });
      onClose();
      navigate(`/workflows/${segment(created.id)}`);
    });
  };
  return (
    <Modal title="New workflow" open={open} onClose={onClose}>
      <form onSubmit={submit}>
        <TextField label="Name" required value={name} onChange={(event) => setName(event.target.value)} />
        <SelectField
          label="Module"
          options={[{ value: 'request', label: 'Request' }]}
          value="request"
          onChange={() => undefined}
        />
        <SelectField
          label="Event type (trigger)"
          options={TRIGGER_PRESETS.map((item, index) => ({ value: String(index), label: item.label }))}
          value={preset}
          onChange={(event) => setPreset(event.target.value)}
        />
        <ErrorNotice error={action.error} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={action.busy || name.trim() === ''}>
            Create workflow
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * The definition with every typed-in secret ({ "$sealed": ... }) left empty: a sealed value opens only in the
 * workflow and node it was typed in, so the copy's secrets are typed again (the server would refuse them otherwise).
 */
function withoutSealedValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSealedValues);
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$sealed') return '';
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutSealedValues(item)]));
}
