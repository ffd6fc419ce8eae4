// The palette: If Else, every installed plugin by title, category and version, and the App Integrations.
// Each entry is a button: Enter or a click adds the node below the others and selects it.
import type { AppIntegrationName } from './catalog.ts';
import { compareVersions, newNodeId, type Definition, type PluginSummary, type WorkflowNode } from './model.ts';

const CATEGORY_LABELS: Record<string, string> = {
  'http-request': 'HTTP Request Actions',
  plugin: 'Plugins',
  'app-integration': 'App Integration plugins',
};

export function Palette({
  plugins,
  appIntegrations,
  definition,
  onAdd,
}: {
  plugins: readonly PluginSummary[];
  appIntegrations: readonly AppIntegrationName[];
  definition: Definition;
  onAdd: (node: WorkflowNode) => void;
}) {
  // The newest version of each plugin; the node's range (^version) lets a publish pick later compatible ones.
  const newest = new Map<string, PluginSummary>();
  for (const plugin of plugins) {
    const known = newest.get(plugin.name);
    if (!known || compareVersions(plugin.version, known.version) > 0) newest.set(plugin.name, plugin);
  }
  const byCategory = new Map<string, PluginSummary[]>();
  for (const plugin of newest.values()) {
    byCategory.set(plugin.manifest.category, [...(byCategory.get(plugin.manifest.category) ?? []), plugin]);
  }
  const addPlugin = (plugin: PluginSummary) => {
    const title = plugin.manifest.category === 'http-request' ? 'Run Webhook' : 'Execute Plugin';
    onAdd({
      id: newNodeId(definition, title),
      kind: 'action',
      title,
      uses: `${plugin.name}@^${plugin.version}`,
      source: 'trigger',
      inputs: {},
      next: {},
    });
  };
  return (
    <aside className="palette" aria-labelledby="palette-title">
      <h2 id="palette-title">Add a node</h2>
      <h3>Conditions</h3>
      <ul className="plain">
        <li>
          <button
            type="button"
            className="palette-item"
            onClick={() =>
              onAdd({
                id: newNodeId(definition, 'if-else'),
                kind: 'condition',
                title: 'If Else',
                match: 'all',
                rules: [{ field: 'subject', operator: 'contains', value: '' }],
                next: {},
              })
            }
          >
            <span className="palette-title">
              <span className="visually-hidden">Add </span>If Else
            </span>
            <span className="palette-meta">true / false</span>
          </button>
        </li>
      </ul>
      {[...byCategory].map(([category, list]) => (
        <section key={category}>
          <h3>{CATEGORY_LABELS[category] ?? category}</h3>
          <ul className="plain">
            {list.map((plugin) => (
              <li key={plugin.name}>
                <button type="button" className="palette-item" onClick={() => addPlugin(plugin)}>
                  <span className="palette-title">
                    <span className="visually-hidden">Add </span>
                    {plugin.manifest.title}
                  </span>
                  <span className="palette-meta">
                    {category} · {plugin.version}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <h3>Execute App Integration</h3>
      {appIntegrations.length === 0 ? (
        <p className="hint">No App Integrations yet (an admin adds them under Applications).</p>
      ) : (
        <ul className="plain">
          {appIntegrations.map((integration) => (
            <li key={integration.name}>
              <button
                type="button"
                className="palette-item"
                onClick={() =>
                  onAdd({
                    id: newNodeId(definition, 'app-integration'),
                    kind: 'action',
                    title: 'Execute App Integration',
                    appIntegration: integration.name,
                    source: 'trigger',
                    inputs: {},
                    next: {},
                  })
                }
              >
                <span className="palette-title">
                  <span className="visually-hidden">Add App Integration </span>
                  {integration.name}
                </span>
                <span className="palette-meta">
                  {integration.application} · {integration.action}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
