// Input Mappings for one action node, generated from its plugin's input JSON Schema: a labelled control per key
// (enum → list, boolean, number, JSON, text), required marks, descriptions, secret keys masked (a stored secret is
// never shown: it comes back sealed; what is typed into one is sent as { "$literal": text }, so `p#w` needs no
// escaping), a placeholder picker per text field with unknown placeholders flagged in place, and the plugin's
// mapping presets.
import { useEffect, useId, useState } from 'react';
import type { PublishProblem } from '@actionhost/core';
import { asText } from '../ui.tsx';
import { pluginDetail, type Catalog, type PluginDetail } from './catalog.ts';
import { isSealed, literalText, mappingFields, outputFields, type MappingField } from './schema-fields.ts';
import {
  pluginFor,
  TRIGGER,
  unknownPlaceholders,
  upstreamOf,
  type ActionNode,
  type Definition,
  type PluginSummary,
} from './model.ts';

type Inputs = ActionNode['inputs'];
type Json = Inputs[string];

export function MappingsEditor({
  node,
  definition,
  plugin,
  catalog,
  defaults,
  problems,
  onInputs,
}: {
  node: ActionNode;
  definition: Definition;
  plugin: PluginSummary;
  catalog: Catalog;
  defaults: Record<string, unknown>;
  problems: readonly PublishProblem[];
  onInputs: (inputs: Inputs) => void;
}) {
  const [detail, setDetail] = useState<PluginDetail | null>(null);
  const [preset, setPreset] = useState('');
  const [extraKey, setExtraKey] = useState('');
  useEffect(() => {
    let live = true;
    pluginDetail(plugin.name, plugin.version).then(
      (found) => live && setDetail(found),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [plugin.name, plugin.version]);

  const inputs = node.inputs ?? {};
  const fields = mappingFields(plugin.manifest.input, { ...defaults, ...inputs });
  const known = new Set(fields.map((field) => field.key));
  const extra = Object.keys(inputs).filter((key) => !known.has(key));
  const set = (key: string, value: Json | undefined) => {
    const next = { ...inputs };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onInputs(next);
  };

  // What placeholders this node can read: the request (when its source is the trigger) and upstream outputs.
  const upstream = upstreamOf(definition, node.id);
  const readsTrigger = dataSourceOf(definition, node.source ?? TRIGGER) === TRIGGER;
  const choices: string[] = readsTrigger ? [...catalog.fields] : [];
  for (const other of definition.nodes) {
    if (other.kind !== 'action' || !upstream.has(other.id)) continue;
    const otherPlugin = pluginFor(other, catalog.plugins);
    choices.push(`nodes.${other.id}.path`);
    for (const field of outputFields(otherPlugin?.manifest.output)) choices.push(`nodes.${other.id}.output.${field}`);
    if (!readsTrigger && dataSourceOf(definition, node.source ?? TRIGGER) === other.id) {
      choices.push(...outputFields(otherPlugin?.manifest.output));
    }
  }
  const context = { fields: catalog.fields, openPrefixes: catalog.openPrefixes, readsTrigger, upstream };
  const problemFor = (key: string) =>
    problems.filter(
      (problem) =>
        decodeURIComponent(problem.path?.split('/inputs/')[1]?.split('/')[0] ?? '')
          .replace(/~1/g, '/')
          .replace(/~0/g, '~') === key,
    );
  const presets = Object.keys(detail?.mappings ?? {});

  return (
    <fieldset className="mappings">
      <legend>Input Mappings</legend>
      {presets.length > 0 ? (
        <div className="preset-row">
          <label htmlFor={`preset-${node.id}`}>Mapping preset</label>
          <select id={`preset-${node.id}`} value={preset} onChange={(event) => setPreset(event.target.value)}>
            <option value="">Choose a preset…</option>
            {presets.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={!preset}
            onClick={() => onInputs({ ...inputs, ...(detail!.mappings[preset] as Inputs) })}
          >
            Apply preset
          </button>
        </div>
      ) : null}
      {fields.map((field) => (
        <MappingControl
          key={field.key}
          field={field}
          value={inputs[field.key]}
          fallback={defaults[field.key]}
          choices={choices}
          credentials={catalog.credentials}
          unknown={(text) => unknownPlaceholders(text, context)}
          problems={problemFor(field.key)}
          onValue={(value) => set(field.key, value)}
        />
      ))}
      {extra.map((key) => (
        <MappingControl
          key={key}
          field={{
            key,
            required: false,
            control: 'text',
            options: [],
            secret: false,
            description: "Not in the plugin's input schema",
          }}
          value={inputs[key]}
          choices={choices}
          credentials={catalog.credentials}
          unknown={(text) => unknownPlaceholders(text, context)}
          problems={problemFor(key)}
          onValue={(value) => set(key, value)}
          removable
        />
      ))}
      <div className="preset-row">
        <label htmlFor={`extra-${node.id}`}>New mapping key</label>
        <input id={`extra-${node.id}`} value={extraKey} onChange={(event) => setExtraKey(event.target.value)} />
        <button
          type="button"
          disabled={extraKey.trim() === '' || Object.hasOwn(inputs, extraKey.trim())}
          onClick={() => {
            set(extraKey.trim(), '');
            setExtraKey('');
          }}
        >
          Add mapping
        </button>
      </div>
    </fieldset>
  );
}

/** A condition passes its source's data on: the data a node reads comes from the nearest action or the trigger. */
function dataSourceOf(definition: Definition, source: string): string {
  let current = source;
  for (let guard = 0; guard < 500 && current !== TRIGGER; guard++) {
    const node = definition.nodes.find((candidate) => candidate.id === current);
    if (!node || node.kind === 'action') return current;
    current = node.source ?? TRIGGER;
  }
  return current;
}

function MappingControl({
  field,
  value,
  fallback,
  choices,
  credentials,
  unknown,
  problems,
  onValue,
  removable,
}: {
  field: MappingField;
  value: Json | undefined;
  fallback?: unknown;
  choices: readonly string[];
  credentials: Catalog['credentials'];
  unknown: (text: string) => string[] | null;
  problems: readonly PublishProblem[];
  onValue: (value: Json | undefined) => void;
  removable?: boolean;
}) {
  const id = useId();
  const sealed = isSealed(value);
  const literal = literalText(value);
  // A secret is typed as is unless it was written as a template (it reads placeholders: "##" for "#").
  const typedAsIs = field.secret && typeof value !== 'string';
  const text =
    literal ?? (value === undefined || sealed ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  const [draft, setDraft] = useState(text);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const bad = typeof value === 'string' ? unknown(value) : [];
  const messages: string[] = [
    ...problems.map((problem) => `${problem.code}: ${problem.message}`),
    ...(bad === null
      ? ['A "#" opens no placeholder: write "##" for a literal "#".']
      : bad.map((name) => `Unknown placeholder #${name}#`)),
    ...(jsonError ? [jsonError] : []),
  ];
  const describedBy =
    [field.description || field.secret ? `${id}-description` : '', messages.length > 0 ? `${id}-problems` : '']
      .filter(Boolean)
      .join(' ') || undefined;
  const label = (
    <label htmlFor={id}>
      {field.key}
      {field.required ? <span aria-hidden="true"> *</span> : null}
      {field.required ? <span className="visually-hidden"> (required)</span> : null}
    </label>
  );
  const fromText = (raw: string): Json | undefined => {
    if (raw === '') return undefined;
    if (typedAsIs) return { $literal: raw };
    if (field.control === 'number' && /^-?\d+(\.\d+)?$/.test(raw.trim())) return Number(raw);
    return raw;
  };
  let control;
  if (
    field.control === 'enum' ||
    field.control === 'boolean' ||
    (field.key === 'Credential' && credentials.length > 0)
  ) {
    const options =
      field.control === 'boolean'
        ? ['true', 'false']
        : field.key === 'Credential' && field.control !== 'enum'
          ? credentials.map((c) => c.name)
          : field.options;
    control = (
      <select
        id={id}
        aria-describedby={describedBy}
        aria-invalid={messages.length > 0 || undefined}
        value={value === undefined ? '' : asText(value)}
        onChange={(event) => {
          const raw = event.target.value;
          onValue(raw === '' ? undefined : field.control === 'boolean' ? raw === 'true' : raw);
        }}
      >
        <option value="">
          {fallback !== undefined ? `(App Integration default: ${asText(fallback)})` : '(not set)'}
        </option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (field.control === 'json') {
    control = (
      <textarea
        id={id}
        rows={4}
        aria-describedby={describedBy}
        aria-invalid={messages.length > 0 || undefined}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={() => {
          if (draft.trim() === '') {
            setJsonError(null);
            onValue(undefined);
            return;
          }
          try {
            onValue(JSON.parse(draft) as Json);
            setJsonError(null);
          } catch {
            setJsonError('Not valid JSON: the mapping keeps its last valid value.');
          }
        }}
      />
    );
  } else {
    control = (
      <input
        id={id}
        type={field.secret ? 'password' : 'text'}
        autoComplete={field.secret ? 'new-password' : 'off'}
        aria-describedby={describedBy}
        aria-invalid={messages.length > 0 || undefined}
        placeholder={
          sealed
            ? 'stored secret: type to replace'
            : fallback !== undefined
              ? `App Integration default: ${typeof fallback === 'string' ? fallback : JSON.stringify(fallback)}`
              : undefined
        }
        value={text}
        onChange={(event) => onValue(fromText(event.target.value))}
      />
    );
  }
  const canPick = field.control === 'text' || field.control === 'number';
  return (
    <div className="field mapping">
      {label}
      <div className="mapping-row">
        {control}
        {canPick ? (
          <select
            aria-label={`Insert placeholder into ${field.key}`}
            value=""
            onChange={(event) => {
              const picked = event.target.value;
              if (!picked) return;
              // Text typed as is becomes a template here: its own "#" are doubled so they stay literal.
              const base = typeof value === 'string' ? value : (literal ?? '').replaceAll('#', '##');
              onValue(`${base}#${picked}#`);
            }}
          >
            <option value="">Insert placeholder…</option>
            {choices.map((choice) => (
              <option key={choice} value={choice}>
                #{choice}#
              </option>
            ))}
          </select>
        ) : null}
        {removable ? (
          <button type="button" onClick={() => onValue(undefined)} aria-label={`Remove mapping ${field.key}`}>
            Remove
          </button>
        ) : null}
      </div>
      {field.key === 'Credential' && typeof value === 'string' ? (
        <BindingHint credential={credentials.find((c) => c.name === value)} />
      ) : null}
      {field.description || field.secret ? (
        <div id={`${id}-description`} className="hint">
          {field.description}
          {field.secret ? (
            <>
              {field.description ? ' ' : null}
              {typedAsIs
                ? 'Secret: sent exactly as typed (a # needs no escaping).'
                : 'Secret with placeholders: #field# reads a value, ## is a literal #.'}{' '}
              {typedAsIs ? null : (
                <button
                  type="button"
                  className="button-link"
                  onClick={() => onValue(text ? { $literal: text } : undefined)}
                >
                  Type {field.key} as is
                </button>
              )}
            </>
          ) : null}
        </div>
      ) : null}
      {messages.length > 0 ? (
        <ul id={`${id}-problems`} className="field-error plain">
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Where the chosen credential may go, as the admin bound it: a URL outside it fails with AH_CREDENTIAL_NOT_ALLOWED. */
function BindingHint({ credential }: { credential: Catalog['credentials'][number] | undefined }) {
  if (!credential?.binding) return null;
  const { urls, plugins } = credential.binding;
  const where = urls.length === 0 ? 'Bound to no URL: never sent with a request' : `May be sent to ${urls.join(', ')}`;
  return <div className="hint">{`${where}${plugins.length > 0 ? `; only for ${plugins.join(', ')}` : ''}.`}</div>;
}
