// A workflow's published versions (newest first: who published each, when, its trigger and pinned plugins, which
// one is current) and its switch: deactivate (its trigger starts nothing; executions in flight finish), activate,
// or make an earlier version current again and activate it.
import type { PublishedVersion, WorkflowView } from '@actionhost/core';
import { api, segment } from '../api.ts';
import { triggerLabel } from '../labels.ts';
import { Link } from '../router.tsx';
import { ErrorNotice, formatDate, Loading, PageHeader, useAction, useResource } from '../ui.tsx';

/** `token:<name>` as people read it. */
function who(publishedBy: string | null): string {
  if (publishedBy === null) return 'not recorded';
  return publishedBy.startsWith('token:') ? publishedBy.slice('token:'.length) : publishedBy;
}

export function WorkflowVersions({ id }: { id: string }) {
  const workflow = useResource(
    (signal) => api<WorkflowView>('GET', `/api/workflows/${segment(id)}`, undefined, { signal }),
    `workflow ${id}`,
  );
  const versions = useResource(
    (signal) => api<PublishedVersion[]>('GET', `/api/workflows/${segment(id)}/versions`, undefined, { signal }),
    `versions ${id}`,
  );
  const action = useAction();
  const change = (path: 'activate' | 'deactivate', body?: { version: number }) =>
    action.run(async () => {
      await api('POST', `/api/workflows/${segment(id)}/${path}`, body);
      workflow.reload();
      versions.reload();
    });
  const view = workflow.data;
  return (
    <>
      <PageHeader title={`Versions of ${view?.name ?? id}`}>
        <Link to={`/workflows/${segment(id)}`}>Open in the designer</Link>
      </PageHeader>
      <ErrorNotice error={workflow.error ?? versions.error} />
      <ErrorNotice error={action.error} title="Not changed" />
      {view ? (
        <section className="card" aria-labelledby="switch-title">
          <h2 id="switch-title">Switch</h2>
          <p role="status">
            {view.published === null
              ? 'Never published: there is nothing to activate yet.'
              : view.active
                ? `Active: version ${view.published.version} runs when its trigger fires.`
                : `Switched off: its trigger starts nothing (version ${view.published.version} is current).`}
          </p>
          {view.published ? (
            view.active ? (
              <button type="button" disabled={action.busy} onClick={() => change('deactivate')}>
                Deactivate
              </button>
            ) : (
              <button
                type="button"
                className="button-primary"
                disabled={action.busy}
                onClick={() => change('activate')}
              >
                Activate
              </button>
            )
          ) : null}
        </section>
      ) : null}
      {versions.loading && !versions.data ? <Loading what="published versions" /> : null}
      {versions.data?.length === 0 ? <p>No published version yet.</p> : null}
      {versions.data && versions.data.length > 0 ? (
        <table>
          <caption>Published versions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Published by</th>
              <th scope="col">Published</th>
              <th scope="col">Trigger</th>
              <th scope="col">Pinned plugins</th>
              <th scope="col">Current</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {versions.data.map((version) => (
              <tr key={version.version}>
                <th scope="row">version {version.version}</th>
                <td>{who(version.publishedBy)}</td>
                <td>{formatDate(version.publishedAt)}</td>
                <td>{triggerLabel(version.trigger)}</td>
                <td>
                  <ul className="plain">
                    {[...new Set(Object.values(version.plugins).map((p) => `${p.name}@${p.version}`))].map((pin) => (
                      <li key={pin}>
                        <code>{pin}</code>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{version.current ? (view?.active ? 'current, active' : 'current, switched off') : ''}</td>
                <td>
                  {version.current ? null : (
                    <button
                      type="button"
                      disabled={action.busy}
                      onClick={() => change('activate', { version: version.version })}
                    >
                      Activate version {version.version}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
