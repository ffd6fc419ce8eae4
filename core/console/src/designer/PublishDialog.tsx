// Publish: first the preview — the plugin version and integrity each action node will pin and what changed since
// the published version — then the author confirms. Problems, if any, go back onto their nodes.
import { useEffect, useState } from 'react';
import type { PublishPreview, PublishProblem, WorkflowView } from '@actionhost/core';
import { api, segment } from '../api.ts';
import { ErrorNotice, Loading, Modal, useAction } from '../ui.tsx';

export function PublishDialog({
  open,
  workflow,
  onClose,
  onPublished,
  onProblems,
}: {
  open: boolean;
  workflow: WorkflowView;
  onClose: () => void;
  onPublished: (view: WorkflowView) => void;
  onProblems: (problems: PublishProblem[]) => void;
}) {
  const [preview, setPreview] = useState<PublishPreview | null>(null);
  const load = useAction();
  const publish = useAction();
  useEffect(() => {
    if (!open) return;
    setPreview(null);
    load.run(async () => {
      const found = await api<PublishPreview>('POST', `/api/workflows/${segment(workflow.id)}/preview`);
      setPreview(found);
      onProblems(found.problems);
    });
    // Loads once per opening (and again when a save made a new revision).
  }, [open, workflow.id, workflow.revision]);
  const next = (workflow.published?.version ?? 0) + 1;
  return (
    <Modal title={`Publish ${workflow.name}`} open={open} onClose={onClose} wide>
      {load.busy && !preview ? <Loading what="what publishing will do" /> : null}
      <ErrorNotice error={load.error} />
      {preview && !preview.ready ? (
        <div role="alert" className="notice notice-error">
          <p>
            This draft cannot be published yet: {preview.problems.length} problem
            {preview.problems.length === 1 ? '' : 's'}. Each is shown on its node.
          </p>
          <ul>
            {preview.problems.map((problem, index) => (
              <li key={index}>
                <code>{problem.code}</code> {problem.node ? <strong>{problem.node}: </strong> : null}
                {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {preview ? (
        <>
          <h3>Plugin versions it will pin</h3>
          {preview.pins.length === 0 ? (
            <p>No action nodes: nothing is pinned.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Plugin</th>
                  <th scope="col">Version</th>
                  <th scope="col">Integrity</th>
                  <th scope="col">Published version pins</th>
                </tr>
              </thead>
              <tbody>
                {preview.pins.map((pin) => (
                  <tr key={pin.node}>
                    <td>{pin.title}</td>
                    <td>
                      <code>{pin.name}</code>
                    </td>
                    <td>{pin.version}</td>
                    <td>
                      <code className="integrity">{pin.integrity}</code>
                    </td>
                    <td>
                      {pin.previous
                        ? pin.previous.version === pin.version && pin.previous.integrity === pin.integrity
                          ? 'the same'
                          : `${pin.previous.version} (changes)`
                        : 'new'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>
            Changes since {preview.publishedVersion ? `version ${preview.publishedVersion}` : 'nothing (first publish)'}
          </h3>
          {preview.publishedVersion === null ? (
            <p>This is the first published version.</p>
          ) : preview.changes.length === 0 ? (
            <p>No changes to nodes or settings.</p>
          ) : (
            <ul>
              {preview.changes.map((change, index) => (
                <li key={index}>
                  {change.what === 'workflow' ? 'Workflow' : `Node ${change.what}`} {change.change}
                  {change.fields.length > 0 ? `: ${change.fields.join(', ')}` : ''}
                </li>
              ))}
            </ul>
          )}
          <ErrorNotice error={publish.error} title="Publish failed" />
          <div className="form-actions">
            <button
              type="button"
              className="button-primary"
              disabled={!preview.ready || publish.busy}
              onClick={() =>
                publish.run(async () => {
                  const view = await api<WorkflowView>('POST', `/api/workflows/${segment(workflow.id)}/publish`);
                  onPublished(view);
                })
              }
            >
              Publish version {next}
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      ) : null}
    </Modal>
  );
}
