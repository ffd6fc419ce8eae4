// Plugins: every installed version with title, category, declared capabilities, limits, integrity and the
// published workflows that pin it; upload a .tgz (the checks of `registry install` run on the host).
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { pluginDetail, type PluginDetail } from '../designer/catalog.ts';
import type { PluginSummary } from '../designer/model.ts';
import { Link } from '../router.tsx';
import { ErrorNotice, Loading, PageHeader, useAction, useResource } from '../ui.tsx';

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
    (signal) => api<PluginSummary[]>('GET', '/api/plugins', undefined, { signal }),
    'plugins',
  );
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
                  <PinnedBy name={plugin.name} version={plugin.version} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
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
  const [done, setDone] = useState('');
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    action.run(async () => {
      const result = await api<{ name: string; version: string; alreadyInstalled?: boolean }>(
        'POST',
        '/api/plugins',
        undefined,
        {
          raw: file,
          contentType: 'application/gzip',
        },
      );
      setDone(`${result.alreadyInstalled ? 'Already installed' : 'Installed'} ${result.name}@${result.version}.`);
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
