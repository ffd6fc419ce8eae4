// The Plugins screen's comparison of two installed versions of one plugin: pick the plugin and the two versions,
// see what the host's difference says (`registry info --diff`): what the second may reach beyond the first, and
// every change of capabilities, limits, paths and input/output schema fields.
import { useEffect, useState } from 'react';
import type { PluginDifference } from '@actionhost/core';
import { api, segment } from '../api.ts';
import type { PluginSummary } from '../designer/model.ts';
import { ErrorNotice, Loading, SelectField } from '../ui.tsx';
import { differenceRows } from './plugin-difference.ts';

/** Newest first, by semver precedence (a pre-release sorts before its release). */
export function byVersionDescending(a: string, b: string): number {
  const parse = (version: string) => {
    const [core, pre] = version.split('-', 2) as [string, string | undefined];
    return { numbers: core.split('.').map(Number), pre };
  };
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) {
    const difference = (y.numbers[i] ?? 0) - (x.numbers[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return -1;
  if (y.pre === undefined) return 1;
  return y.pre.localeCompare(x.pre, 'en', { numeric: true });
}

export function PluginCompare({ plugins }: { plugins: PluginSummary[] }) {
  const versions = new Map<string, string[]>();
  for (const plugin of plugins) versions.set(plugin.name, [...(versions.get(plugin.name) ?? []), plugin.version]);
  const comparable = [...versions.entries()]
    .filter(([, list]) => list.length > 1)
    .map(([name, list]) => [name, list.sort(byVersionDescending)] as const);
  const [name, setName] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const list = versions.get(name) ?? [];

  const choose = (chosen: string) => {
    setName(chosen);
    const sorted = [...(versions.get(chosen) ?? [])].sort(byVersionDescending);
    setTo(sorted[0] ?? '');
    setFrom(sorted[1] ?? '');
  };

  return (
    <section className="card" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare two versions</h2>
      {comparable.length === 0 ? (
        <p className="muted">No plugin has more than one version installed.</p>
      ) : (
        <>
          <div className="form-grid">
            <SelectField
              label="Plugin to compare"
              value={name}
              onChange={(event) => choose(event.target.value)}
              options={[{ value: '', label: 'Choose a plugin…' }, ...comparable.map(([plugin]) => plugin)]}
            />
            {name ? (
              <>
                <SelectField
                  label="From version"
                  value={from}
                  onChange={(event) => setFrom(event.target.value)}
                  options={list}
                />
                <SelectField
                  label="To version"
                  value={to}
                  onChange={(event) => setTo(event.target.value)}
                  options={list}
                />
              </>
            ) : null}
          </div>
          {name && from && to ? <Difference name={name} from={from} to={to} /> : null}
        </>
      )}
    </section>
  );
}

function Difference({ name, from, to }: { name: string; from: string; to: string }) {
  const [state, setState] = useState<{ key: string; difference?: PluginDifference; error?: unknown }>({ key: '' });
  const key = `${name}@${from}..${to}`;
  useEffect(() => {
    if (from === to) return;
    const controller = new AbortController();
    api<PluginDifference>(
      'GET',
      `/api/plugins/${segment(name)}/${segment(to)}/difference?against=${encodeURIComponent(from)}`,
      undefined,
      { signal: controller.signal },
    ).then(
      (difference) => setState({ key, difference }),
      (error: unknown) => !controller.signal.aborted && setState({ key, error }),
    );
    return () => controller.abort();
  }, [name, from, to, key]);
  if (from === to) return <p>Choose two different versions.</p>;
  if (state.key !== key) return <Loading what="the difference" />;
  if (state.error !== undefined) return <ErrorNotice error={state.error} />;
  const difference = state.difference!;
  const changes = differenceRows(difference);
  return (
    <>
      <p role="status">
        {difference.widened.length === 0 ? (
          `${name} ${to} may reach nothing that ${from} may not.`
        ) : (
          <>
            {name} {to} may reach beyond {from}: <strong>{difference.widened.join('; ')}</strong>
          </>
        )}
      </p>
      {changes.length === 0 ? (
        <p>The two versions declare the same capabilities, limits, paths and schemas.</p>
      ) : (
        <table>
          <caption>
            Changes in {name} from {from} to {to}
          </caption>
          <thead>
            <tr>
              <th scope="col">Part</th>
              <th scope="col">Item</th>
              <th scope="col">Change</th>
              <th scope="col">In {from}</th>
              <th scope="col">In {to}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change, index) => (
              <tr key={`${index} ${change.section} ${change.item}`}>
                <td>{change.section}</td>
                <th scope="row">
                  <code>{change.item}</code>
                </th>
                <td>{change.kind}</td>
                <td>{change.before || '—'}</td>
                <td>{change.after || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
