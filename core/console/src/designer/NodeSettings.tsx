// The settings panel: the workflow itself when nothing is selected, else the selected trigger, If Else or action
// node — title, description, version range, Select Source Node, exits, rules, Input Mappings, Test Connection.
import { useState } from 'react';
import type { PublishProblem, TestConnectionResult, Trigger } from '@actionhost/core';
import { api, segment } from '../api.ts';
import { fieldLabel } from '../labels.ts';
import { ErrorNotice, formatDuration, JsonBlock, SelectField, TextArea, TextField, useAction } from '../ui.tsx';
import type { Catalog } from './catalog.ts';
import { MappingsEditor } from './MappingsEditor.tsx';
import {
  placeholdersIn,
  exitsOf,
  handlesOf,
  nodeKind,
  pluginFor,
  replaceNode,
  splitSpec,
  TRIGGER,
  upstreamOf,
  type ActionNode,
  type ConditionNode,
  type Definition,
  type WorkflowNode,
} from './model.ts';

const OPERATORS = [
  'contains',
  'not contains',
  'equals',
  'not equals',
  'starts with',
  'ends with',
  'in',
  'not in',
  'is empty',
  'is not empty',
  'changed',
] as const;
const NO_VALUE = new Set(['is empty', 'is not empty', 'changed']);

interface Props {
  workflowId: string;
  definition: Definition;
  selected: string | null;
  catalog: Catalog;
  problems: readonly PublishProblem[];
  onChange: (next: (current: Definition) => Definition) => void;
  onDelete: (id: string) => void;
  onConnectExit: (source: string, handle: string, target: string | null) => void;
  saveDraft: () => Promise<boolean>;
  newId: (base: string) => string;
}

export function NodeSettings(props: Props) {
  const { definition, selected } = props;
  const node = definition.nodes.find((candidate) => candidate.id === selected);
  return (
    <aside className="settings" aria-labelledby="settings-title">
      {selected === TRIGGER ? (
        <TriggerSettings {...props} />
      ) : node?.kind === 'condition' ? (
        <ConditionSettings {...props} node={node} />
      ) : node ? (
        <ActionSettings {...props} node={node} />
      ) : (
        <WorkflowSettings {...props} />
      )}
    </aside>
  );
}

function WorkflowSettings({ definition, onChange }: Props) {
  return (
    <>
      <h2 id="settings-title">Workflow settings</h2>
      <TextField
        label="Workflow name"
        required
        value={definition.name}
        onChange={(event) => {
          const name = event.target.value;
          onChange((current) => ({ ...current, name }));
        }}
      />
      <TextArea
        label="Workflow description"
        value={definition.description ?? ''}
        onChange={(event) => {
          const description = event.target.value;
          onChange((current) => ({ ...current, description: description || undefined }));
        }}
      />
      <p className="hint">Select the trigger or a node on the canvas to see its settings.</p>
    </>
  );
}

function TriggerSettings({ definition, catalog, onChange, problems }: Props) {
  const trigger = definition.trigger;
  const set = (next: Trigger) => onChange((current) => ({ ...current, trigger: next }));
  const kind = trigger.kind ?? '';
  const withKind = <T extends Trigger>(value: T): T => {
    const copy = { ...value };
    if (!copy.kind) delete copy.kind;
    return copy;
  };
  return (
    <>
      <h2 id="settings-title">Trigger</h2>
      <NodeProblems problems={problems.filter((problem) => problem.node === TRIGGER)} />
      <SelectField
        label="Module"
        options={[{ value: 'request', label: 'Request' }]}
        value="request"
        onChange={() => undefined}
      />
      <SelectField
        label="Event type"
        options={[
          { value: 'request.created', label: 'Request is created' },
          { value: 'request.updated', label: 'A field is changed' },
        ]}
        value={trigger.event}
        onChange={(event) =>
          set(
            event.target.value === 'request.created'
              ? withKind({ event: 'request.created', kind: trigger.kind })
              : withKind({ event: 'request.updated', field: 'category', kind: trigger.kind }),
          )
        }
      />
      <SelectField
        label="Request kind"
        options={[
          { value: '', label: 'Any request' },
          { value: 'incident', label: 'Incident' },
          { value: 'service-request', label: 'Service Request' },
        ]}
        value={kind}
        onChange={(event) => {
          const value = event.target.value as '' | 'incident' | 'service-request';
          set(withKind({ ...trigger, kind: value || undefined }));
        }}
      />
      {trigger.event === 'request.updated' ? (
        <>
          <SelectField
            label="Field that changes"
            options={catalog.fields.map((field) => ({ value: field, label: fieldLabel(field) }))}
            value={trigger.field}
            onChange={(event) => set({ ...trigger, field: event.target.value })}
          />
          <TextField
            label="From (empty: any)"
            value={trigger.from ?? ''}
            onChange={(event) => {
              const from = event.target.value;
              const next = { ...trigger, from: from || undefined };
              if (!from) delete next.from;
              set(next);
            }}
          />
          <TextField
            label="To (empty: any)"
            value={trigger.to ?? ''}
            onChange={(event) => {
              const to = event.target.value;
              const next = { ...trigger, to: to || undefined };
              if (!to) delete next.to;
              set(next);
            }}
          />
        </>
      ) : null}
    </>
  );
}

function NodeProblems({ problems }: { problems: readonly PublishProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div role="alert" className="notice notice-error">
      <ul className="plain">
        {problems.map((problem, index) => (
          <li key={index}>
            <code>{problem.code}</code> {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function CommonFields({ node, onChange }: { node: WorkflowNode; onChange: Props['onChange'] }) {
  const update = (patch: Partial<WorkflowNode>) =>
    onChange((current) => replaceNode(current, node.id, (found) => ({ ...found, ...patch }) as WorkflowNode));
  return (
    <>
      <TextField
        label="Title"
        required={node.kind === 'action'}
        value={node.title ?? ''}
        onChange={(event) => update({ title: event.target.value })}
      />
      {node.kind === 'action' ? (
        <TextArea
          label="Description"
          value={node.description ?? ''}
          onChange={(event) => update({ description: event.target.value || undefined })}
        />
      ) : null}
    </>
  );
}

function SourceSelect({
  node,
  definition,
  onChange,
}: {
  node: WorkflowNode;
  definition: Definition;
  onChange: Props['onChange'];
}) {
  const upstream = upstreamOf(definition, node.id);
  const options = [
    { value: TRIGGER, label: 'Trigger' },
    ...definition.nodes
      .filter((candidate) => candidate.id !== node.id && upstream.has(candidate.id))
      .map((candidate) => ({ value: candidate.id, label: candidate.title ?? candidate.id })),
  ];
  return (
    <SelectField
      label="Select Source Node"
      hint="Whose data #placeholders# read."
      options={options}
      value={node.source ?? TRIGGER}
      onChange={(event) => {
        const source = event.target.value;
        onChange((current) => replaceNode(current, node.id, (found) => ({ ...found, source })));
      }}
    />
  );
}

function ExitSelects({
  node,
  definition,
  exits,
  onConnectExit,
}: {
  node: WorkflowNode;
  definition: Definition;
  exits: string[];
  onConnectExit: Props['onConnectExit'];
}) {
  const current = new Map(exitsOf(definition, node.id));
  const targets = definition.nodes.filter((candidate) => candidate.id !== node.id);
  return (
    <fieldset>
      <legend>Exits</legend>
      {exits.map((exit) => (
        <SelectField
          key={exit}
          label={`Next on ${exit}`}
          options={[
            { value: '', label: '(nothing: the path ends)' },
            ...targets.map((t) => ({ value: t.id, label: t.title ?? t.id })),
          ]}
          value={current.get(exit) ?? ''}
          onChange={(event) => onConnectExit(node.id, exit, event.target.value || null)}
        />
      ))}
    </fieldset>
  );
}

function ConditionSettings(props: Props & { node: ConditionNode }) {
  const { node, onChange, catalog, problems } = props;
  const update = (patch: Partial<ConditionNode>) =>
    onChange((current) => replaceNode(current, node.id, (found) => ({ ...found, ...patch }) as WorkflowNode));
  const setRule = (index: number, patch: Partial<ConditionNode['rules'][number]>) =>
    update({ rules: node.rules.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)) });
  const listId = `fields-${node.id}`;
  return (
    <>
      <h2 id="settings-title">If Else</h2>
      <NodeProblems problems={problems.filter((problem) => problem.node === node.id)} />
      <CommonFields node={node} onChange={onChange} />
      <SourceSelect node={node} definition={props.definition} onChange={onChange} />
      <SelectField
        label="Match"
        options={[
          { value: 'all', label: 'All rules (and)' },
          { value: 'any', label: 'Any rule (or)' },
        ]}
        value={node.match}
        onChange={(event) => update({ match: event.target.value as 'all' | 'any' })}
      />
      <datalist id={listId}>
        {catalog.fields.map((field) => (
          <option key={field} value={field} />
        ))}
      </datalist>
      {node.rules.map((rule, index) => (
        <fieldset key={index} className="rule">
          <legend>Rule {index + 1}</legend>
          <TextField
            label={`Rule ${index + 1} field`}
            list={listId}
            value={rule.field}
            onChange={(event) => setRule(index, { field: event.target.value })}
          />
          <SelectField
            label={`Rule ${index + 1} operator`}
            options={OPERATORS}
            value={rule.operator}
            onChange={(event) => setRule(index, { operator: event.target.value as (typeof OPERATORS)[number] })}
          />
          {NO_VALUE.has(rule.operator) ? null : (
            <TextField
              label={`Rule ${index + 1} value`}
              hint={rule.operator === 'in' || rule.operator === 'not in' ? 'Comma-separated values' : undefined}
              value={Array.isArray(rule.value) ? rule.value.join(', ') : String(rule.value ?? '')}
              onChange={(event) => setRule(index, { value: event.target.value })}
            />
          )}
          {node.rules.length > 1 ? (
            <button type="button" onClick={() => update({ rules: node.rules.filter((_, i) => i !== index) })}>
              Remove rule {index + 1}
            </button>
          ) : null}
        </fieldset>
      ))}
      <button
        type="button"
        onClick={() => update({ rules: [...node.rules, { field: 'department', operator: 'equals', value: '' }] })}
      >
        Add rule
      </button>
      <ExitSelects
        node={node}
        definition={props.definition}
        exits={['true', 'false']}
        onConnectExit={props.onConnectExit}
      />
      <DeleteNode node={node} onDelete={props.onDelete} />
    </>
  );
}

function DeleteNode({ node, onDelete }: { node: WorkflowNode; onDelete: (id: string) => void }) {
  return (
    <div className="form-actions">
      <button type="button" className="button-danger" onClick={() => onDelete(node.id)}>
        Delete node
      </button>
    </div>
  );
}

function ActionSettings(props: Props & { node: ActionNode }) {
  const { node, catalog, onChange, problems, definition } = props;
  const kind = nodeKind(node, catalog.plugins);
  const integration = node.appIntegration
    ? catalog.appIntegrations.find((candidate) => candidate.name === node.appIntegration)
    : undefined;
  const spec = node.uses ?? integration?.plugin ?? '';
  const plugin = node.uses
    ? pluginFor(node, catalog.plugins)
    : integration
      ? pluginFor({ ...node, uses: integration.plugin, appIntegration: undefined }, catalog.plugins)
      : undefined;
  const update = (patch: Partial<ActionNode>) =>
    onChange((current) => replaceNode(current, node.id, (found) => ({ ...found, ...patch }) as WorkflowNode));
  const { name, range } = splitSpec(spec);
  return (
    <>
      <h2 id="settings-title">{kind}</h2>
      <NodeProblems
        problems={problems.filter((problem) => problem.node === node.id && !problem.path?.includes('/inputs/'))}
      />
      <CommonFields node={node} onChange={onChange} />
      {node.uses !== undefined ? (
        <>
          <p className="field-static">
            <span className="label">Plugin</span> {plugin?.manifest.title ?? name} <code>{name}</code>
          </p>
          <TextField
            label="Version range"
            value={range}
            hint={
              plugin
                ? `Resolves to ${plugin.version} now; publishing pins that version.`
                : 'No installed version satisfies this range.'
            }
            error={plugin ? undefined : 'No installed version satisfies this range.'}
            onChange={(event) => update({ uses: `${name}@${event.target.value}` })}
          />
        </>
      ) : (
        <>
          <SelectField
            label="Application"
            options={[integration?.application ?? 'Microsoft Active Directory']}
            value={integration?.application ?? 'Microsoft Active Directory'}
            onChange={() => undefined}
          />
          <SelectField
            label="App Integration"
            options={[
              ...(integration
                ? []
                : [{ value: node.appIntegration ?? '', label: `${node.appIntegration ?? ''} (missing)` }]),
              ...catalog.appIntegrations.map((item) => ({ value: item.name, label: `${item.name} (${item.action})` })),
            ]}
            value={node.appIntegration ?? ''}
            onChange={(event) => update({ appIntegration: event.target.value })}
          />
        </>
      )}
      <SourceSelect node={node} definition={definition} onChange={onChange} />
      {plugin ? (
        <MappingsEditor
          key={`${plugin.name}@${plugin.version}`}
          node={node}
          definition={definition}
          plugin={plugin}
          catalog={catalog}
          defaults={integration ? { ...integration.mappings, Action: integration.action } : {}}
          problems={problems.filter((problem) => problem.node === node.id && problem.path?.includes('/inputs/'))}
          onInputs={(inputs) => update({ inputs })}
        />
      ) : null}
      <ExitSelects
        node={node}
        definition={definition}
        exits={handlesOf(node, catalog.plugins, plugin?.manifest.paths)}
        onConnectExit={props.onConnectExit}
      />
      {plugin?.manifest.testConnection ? (
        <TestConnection
          workflowId={props.workflowId}
          node={node}
          defaults={integration?.mappings ?? {}}
          saveDraft={props.saveDraft}
        />
      ) : null}
      <DeleteNode node={node} onDelete={props.onDelete} />
    </>
  );
}

/** The custom fields a node's mappings read (`#customFields.initialPassword#`): Test Connection asks for samples. */
function sampleFieldsOf(values: readonly unknown[]): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const name of placeholdersIn(value) ?? []) if (name.startsWith('customFields.')) found.add(name.slice(13));
    } else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  values.forEach(walk);
  return [...found];
}

function TestConnection({
  workflowId,
  node,
  defaults,
  saveDraft,
}: {
  workflowId: string;
  node: ActionNode;
  defaults: Record<string, unknown>;
  saveDraft: () => Promise<boolean>;
}) {
  const action = useAction();
  const [result, setResult] = useState<TestConnectionResult | null>(null);
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [real, setReal] = useState(false);
  const fields = sampleFieldsOf([node.inputs, defaults]);
  return (
    <section className="test-connection" aria-labelledby={`test-${node.id}`}>
      <h3 id={`test-${node.id}`}>Test Connection</h3>
      <p className="hint">
        Saves the draft, then runs the plugin&apos;s connection test with these mappings against a sample request.
      </p>
      {fields.map((field) => (
        <TextField
          key={field}
          label={`Sample ${field}`}
          type={/pass|secret|token/i.test(field) ? 'password' : 'text'}
          autoComplete="off"
          value={samples[field] ?? ''}
          onChange={(event) => setSamples((current) => ({ ...current, [field]: event.target.value }))}
        />
      ))}
      <label className="checkbox-option">
        <input
          type="checkbox"
          checked={real}
          aria-describedby={`test-real-${node.id}`}
          onChange={(event) => setReal(event.target.checked)}
        />{' '}
        Send the real request
      </label>
      {real ? (
        <p id={`test-real-${node.id}`} role="alert" className="notice notice-error">
          Warning: the plugin runs once exactly as the workflow would — the configured method, headers, body and
          credential — with its side effects (a POST creates, a DELETE deletes). Without this, only the plugin&apos;s
          safe connection probe runs.
        </p>
      ) : (
        <p id={`test-real-${node.id}`} className="hint">
          Off: only the plugin&apos;s safe connection probe runs, with no side effects.
        </p>
      )}
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          action.run(async () => {
            setResult(null);
            if (!(await saveDraft())) return;
            const customFields = Object.fromEntries(Object.entries(samples).filter(([, value]) => value !== ''));
            setResult(
              await api<TestConnectionResult>(
                'POST',
                `/api/workflows/${segment(workflowId)}/nodes/${segment(node.id)}/test-connection`,
                {
                  ...(Object.keys(customFields).length > 0 ? { request: { customFields } } : {}),
                  ...(real ? { sendRealRequest: true } : {}),
                },
              ),
            );
          })
        }
      >
        {action.busy ? 'Testing…' : 'Test Connection'}
      </button>
      <div role="status" aria-live="polite">
        {result ? (
          <div className={result.path === 'success' ? 'notice notice-ok' : 'notice notice-error'}>
            <p>
              Result: <strong>{result.path}</strong> in {formatDuration(result.durationMs)} with{' '}
              <code>{result.plugin}</code>
              {result.mode === 'real-request' ? ' (the real request was sent)' : ' (connection probe)'}
            </p>
            <JsonBlock value={result.output} label="Test Connection output" />
          </div>
        ) : null}
      </div>
      <ErrorNotice error={action.error} title="Test Connection failed" />
    </section>
  );
}
