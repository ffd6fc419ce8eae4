// Publish: first the preview — the plugin version and integrity each action node will pin, whether what each may
// reach is approved (and what it widens), and what changed since the published version — then the author confirms.
// An admin may approve unapproved capabilities as part of publishing. Problems, if any, go back onto their nodes.
import { useEffect, useState } from 'react';
import type { CapabilityReview, PublishPreview, PublishProblem, WorkflowView } from '@actionhost/core';
import { api, segment } from '../api.ts';
import { useSession } from '../session.tsx';
import { ErrorNotice, formatDate, Loading, Modal, useAction } from '../ui.tsx';

const NOT_APPROVED = 'AH_CAPABILITIES_NOT_APPROVED';

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
  const [reviews, setReviews] = useState<CapabilityReview[]>([]);
  const [approve, setApprove] = useState(false);
  const { session } = useSession();
  const load = useAction();
  const publish = useAction();
  useEffect(() => {
    if (!open) return;
    setPreview(null);
    setApprove(false);
    load.run(async () => {
      const found = await api<PublishPreview>('POST', `/api/workflows/${segment(workflow.id)}/preview`);
      const versions = [...new Map(found.pins.map((pin) => [`${pin.name}@${pin.version}`, pin])).values()];
      setReviews(
        await Promise.all(
          versions.map((pin) =>
            api<CapabilityReview>('GET', `/api/plugins/${segment(pin.name)}/${segment(pin.version)}/capabilities`),
          ),
        ),
      );
      setPreview(found);
      onProblems(found.problems.filter((problem) => problem.code !== NOT_APPROVED));
    });
    // Loads once per opening (and again when a save made a new revision).
  }, [open, workflow.id, workflow.revision]);
  const next = (workflow.published?.version ?? 0) + 1;
  const unapproved = reviews.filter((review) => !review.approved);
  // Only unapproved capabilities stand in the way: an admin may approve them by publishing.
  const otherProblems = preview?.problems.filter((problem) => problem.code !== NOT_APPROVED) ?? [];
  const canApprove = session?.role === 'admin' && unapproved.length > 0 && otherProblems.length === 0;
  const ready = preview !== null && (preview.ready || (canApprove && approve));
  return (
    <Modal title={`Publish ${workflow.name}`} open={open} onClose={onClose} wide>
      {load.busy && !preview ? <Loading what="what publishing will do" /> : null}
      <ErrorNotice error={load.error} />
      {preview && otherProblems.length > 0 ? (
        <div role="alert" className="notice notice-error">
          <p>
            This draft cannot be published yet: {otherProblems.length} problem
            {otherProblems.length === 1 ? '' : 's'}. Each is shown on its node.
          </p>
          <ul>
            {otherProblems.map((problem, index) => (
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
                  <th scope="col">What it may reach</th>
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
                    <td>
                      <Reach review={reviews.find((r) => r.name === pin.name && r.version === pin.version)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {unapproved.length > 0 && session?.role !== 'admin' ? (
            <p role="alert" className="notice notice-error">
              <code>{NOT_APPROVED}</code> An admin must approve what{' '}
              {unapproved.length === 1 ? 'this version' : 'these versions'} may reach before the workflow can be
              published.
            </p>
          ) : null}
          {canApprove ? (
            <label className="checkbox-option">
              <input type="checkbox" checked={approve} onChange={(event) => setApprove(event.target.checked)} /> I
              approve what {unapproved.map((review) => `${review.name}@${review.version}`).join(', ')} may reach
            </label>
          ) : null}
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
              disabled={!ready || publish.busy}
              onClick={() =>
                publish.run(async () => {
                  const view = await api<WorkflowView>(
                    'POST',
                    `/api/workflows/${segment(workflow.id)}/publish`,
                    approve && canApprove ? { acceptCapabilities: true } : undefined,
                  );
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

/** Whether what a pinned version may reach is approved (by whom), and what it widens beyond the approved version. */
function Reach({ review }: { review: CapabilityReview | undefined }) {
  if (!review) return <span className="muted">—</span>;
  const widened = review.difference.widened;
  const beyond =
    widened.length === 0
      ? 'nothing beyond the approved version'
      : `beyond ${review.difference.from ?? 'nothing approved'}: ${widened.join('; ')}`;
  return review.approval ? (
    <>
      approved by {review.approval.approvedBy}, {formatDate(review.approval.approvedAt)}
    </>
  ) : (
    <>
      <span className="field-error">not approved</span>
      <br />
      {beyond}
    </>
  );
}
