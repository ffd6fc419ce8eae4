// Plugins: every installed version with title, category, declared capabilities, limits, integrity, its publisher
// signature (trusted, untrusted, unsigned), who approved what it may reach, and the published workflows that pin
// it; approve a version; upload a .tgz (the checks of `registry install` run on the host); compare two versions of
// one plugin; the publisher keys this host trusts.
import { useEffect, useState, type FormEvent } from 'react';
import type { CapabilityReview, SignatureStatus } from '@actionhost/core';
import { api, segment } from '../api.ts';
import { pluginDetail, type PluginDetail } from '../designer/catalog.ts';
import type { PluginSummary } from '../designer/model.ts';
import { Link } from '../router.tsx';
import { ErrorNotice, formatDate, Loading, Modal, PageHeader, useAction, useResource } from '../ui.tsx';
import { PluginCompare } from './PluginCompare.tsx';
import { TrustedKeys } from './TrustedKeys.tsx';

/** GET /api/plugins: each version with its signature status and capability approval. */
type InstalledVersion = PluginSummary & { signature: SignatureStatus; approval: CapabilityReview['approval'] };

function capabilityText(capabilities: Record<string, unknown> | undefined): string[] {
  if (!capabilities) return [];
  const lines: string[] = [];
  const http = capabilities.http as { hosts?: string[] } | undefined;
  if (http) lines.push(`http: ${(http.hosts ?? []).join(', ') || 'no hosts'}`);
  if (capabilities.ldap) lines.push('ldap');
  const itsm = capabilities.itsm as string[] | undefined;
  if (itsm?.length) lines.push(`itsm: ${itsm.join(', ')}`);
  for (const [key, value] of Object.entries(capabilities)) {
    if (!['http', 'ldap', 'itsm'].includes(key) && value) lines.push(key);
  }
  return lines;
}

export function Plugins() {
  const plugins = useResource(
    (signal) => api<InstalledVersion[]>('GET', '/api/plugins', undefined, { signal }),
    'plugins',
  );
  const [approving, setApproving] = useState<InstalledVersion | null>(null);
  return (
    <>
      <PageHeader title="Plugins" />
      <Upload onInstalled={plugins.reload} />
      <ErrorNotice error={plugins.error} />
      {plugins.loading && !plugins.data ? <Loading what="plugins" /> : null}
      {plugins.data ? (
        <table>
          <caption className="visually-hidden">Installed plugin versions</caption>
          <thead>
            <tr>
              <th scope="col">Plugin</th>
              <th scope="col">Version</th>
              <th scope="col">Category</th>
              <th scope="col">Capabilities</th>
              <th scope="col">Limits</th>
              <th scope="col">Integrity</th>
              <th scope="col">Signature</th>
              <th scope="col">Capabilities approved</th>
              <th scope="col">Pinned by</th>
            </tr>
          </thead>
          <tbody>
            {plugins.data.map((plugin) => (
              <tr key={`${plugin.name}@${plugin.version}`}>
                <td>
                  <strong>{plugin.manifest.title}</strong>
                  <br />
                  <code>{plugin.name}</code>
                </td>
                <td>{plugin.version}</td>
                <td>{plugin.manifest.category}</td>
                <td>
                  <ul className="plain">
                    {capabilityText(plugin.manifest.capabilities).map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                </td>
                <td>
                  {Object.entries(plugin.manifest.limits ?? {})
                    .map(([key, value]) => `${key} ${String(value as number)}`)
                    .join(', ') || '—'}
                </td>
                <td>
                  <code className="integrity">{plugin.integrity}</code>
                </td>
                <td>
                  <Signature signature={plugin.signature} />
                </td>
                <td>
                  {plugin.approval ? (
                    <>
                      by {plugin.approval.approvedBy}
                      <br />
                      <span className="muted">{formatDate(plugin.approval.approvedAt)}</span>
                    </>
                  ) : (
                    <>
                      <span className="field-error">not approved</span>{' '}
                      <button
                        type="button"
                        aria-label={`Approve capabilities of ${plugin.name}@${plugin.version}`}
                        onClick={() => setApproving(plugin)}
                      >
                        Approve…
                      </button>
                    </>
                  )}
                </td>
                <td>
                  <PinnedBy name={plugin.name} version={plugin.version} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {plugins.data ? <PluginCompare plugins={plugins.data} /> : null}
      <TrustedKeys onChanged={plugins.reload} />
      <Modal
        title={`Approve ${approving ? `${approving.name}@${approving.version}` : ''}`}
        open={approving !== null}
        onClose={() => setApproving(null)}
        wide
      >
        {approving ? (
          <Approve
            name={approving.name}
            version={approving.version}
            onDone={() => {
              setApproving(null);
              plugins.reload();
            }}
          />
        ) : null}
      </Modal>
    </>
  );
}

function Signature({ signature }: { signature: SignatureStatus }) {
  if (signature.status === 'trusted') return <span className="ok">trusted: {signature.publisher}</span>;
  if (signature.status === 'untrusted') {
    return (
      <span className="field-error">
        untrusted key <code>{signature.keyId}</code>
      </span>
    );
  }
  return <span className="muted">unsigned</span>;
}

/** The capability review of one version and the admin's approval of what it may reach. */
function Approve({ name, version, onDone }: { name: string; version: string; onDone: () => void }) {
  const review = useResource(
    (signal) =>
      api<CapabilityReview>('GET', `/api/plugins/${segment(name)}/${segment(version)}/capabilities`, undefined, {
        signal,
      }),
    `${name}@${version}`,
  );
  const approve = useAction();
  const difference = review.data?.difference;
  return (
    <>
      <ErrorNotice error={review.error} />
      {review.loading && !review.data ? <Loading what="its capability review" /> : null}
      {difference ? (
        <p>
          {difference.widened.length === 0
            ? `It may reach nothing beyond ${difference.from ?? 'what is approved'}.`
            : `It may reach, beyond ${difference.from ?? 'nothing approved'}: `}
          {difference.widened.length > 0 ? <strong>{difference.widened.join('; ')}</strong> : null}
        </p>
      ) : null}
      <p>Approving lets workflows publish with this version. It is recorded in your name.</p>
      <ErrorNotice error={approve.error} title="Not approved" />
      <div className="form-actions">
        <button
          type="button"
          className="button-primary"
          disabled={!review.data || approve.busy}
          onClick={() =>
            approve.run(async () => {
              await api('POST', `/api/plugins/${segment(name)}/${segment(version)}/capabilities/approval`);
              onDone();
            })
          }
        >
          Approve what it may reach
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </>
  );
}

function PinnedBy({ name, version }: { name: string; version: string }) {
  const [detail, setDetail] = useState<PluginDetail | null>(null);
  useEffect(() => {
    let live = true;
    pluginDetail(name, version).then(
      (found) => live && setDetail(found),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [name, version]);
  if (!detail) return <span className="muted">…</span>;
  if (detail.pinnedBy.length === 0) return <span className="muted">no workflow</span>;
  return (
    <ul className="plain">
      {detail.pinnedBy.map((pin) => (
        <li key={pin.workflowId}>
          <Link to={`/workflows/${encodeURIComponent(pin.workflowId)}`}>{pin.name ?? pin.workflowId}</Link>
          {pin.publishedVersion ? ` (v${pin.publishedVersion})` : ''}
        </li>
      ))}
    </ul>
  );
}

function Upload({ onInstalled }: { onInstalled: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [accept, setAccept] = useState(false);
  const [done, setDone] = useState('');
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    action.run(async () => {
      const result = await api<{
        name: string;
        version: string;
        alreadyInstalled?: boolean;
        signature: SignatureStatus;
        capabilities: CapabilityReview;
      }>('POST', `/api/plugins${accept ? '?acceptCapabilities=true' : ''}`, undefined, {
        raw: file,
        contentType: 'application/gzip',
      });
      const { approved, difference } = result.capabilities;
      const widened = difference.widened.join('; ');
      setDone(
        `${result.alreadyInstalled ? 'Already installed' : 'Installed'} ${result.name}@${result.version} ` +
          `(${result.signature.status}). ` +
          (approved
            ? 'What it may reach is approved.'
            : `Not approved: it may reach ${widened || 'nothing new'} beyond ${difference.from ?? 'nothing approved'}.`),
      );
      onInstalled();
    });
  };
  return (
    <form onSubmit={submit} className="card upload" aria-labelledby="upload-title">
      <h2 id="upload-title">Install a plugin package</h2>
      <div className="field">
        <label htmlFor="plugin-file">Plugin package (.tgz)</label>
        <input
          id="plugin-file"
          type="file"
          accept=".tgz,application/gzip"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
      </div>
      <label className="checkbox-option">
        <input type="checkbox" checked={accept} onChange={(event) => setAccept(event.target.checked)} /> Approve what it
        may reach (its capabilities) in my name
      </label>
      <ErrorNotice error={action.error} title="Install failed" />
      <div role="status" aria-live="polite">
        {done}
      </div>
      <button type="submit" disabled={!file || action.busy}>
        {action.busy ? 'Installing…' : 'Upload and install'}
      </button>
    </form>
  );
}
