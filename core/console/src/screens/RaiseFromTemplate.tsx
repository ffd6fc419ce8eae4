// Raise a request from a request template ("Employee On-boarding"): pick the template, fill in its fields — each
// control made from the field's type (text, email, date, number, yes/no, choice), required marks, defaults — and
// the requester. The host checks the values and fills in the template's kind, subject and defaults.
import { useState, type FormEvent } from 'react';
import type { Request as ItsmRequest, RequestTemplate, TemplateField } from '@actionhost/core';
import { api, segment } from '../api.ts';
import { navigate } from '../router.tsx';
import { ErrorNotice, Loading, Modal, SelectField, TextField, useAction, useResource } from '../ui.tsx';

type Values = Record<string, string | boolean>;

function initialValues(template: RequestTemplate): Values {
  const values: Values = {};
  for (const field of template.fields) {
    if (field.type === 'boolean') values[field.key] = field.default === true;
    else values[field.key] = field.default === undefined ? '' : String(field.default);
  }
  return values;
}

/** The values the API takes: numbers as numbers, empty optional fields left out (their defaults apply). */
function fieldValues(template: RequestTemplate, values: Values): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const field of template.fields) {
    const value = values[field.key];
    if (typeof value === 'boolean') out[field.key] = value;
    else if (value === '' || value === undefined) continue;
    else out[field.key] = field.type === 'number' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return out;
}

export function RaiseFromTemplate({ open, onClose }: { open: boolean; onClose: () => void }) {
  const templates = useResource(
    (signal) => api<RequestTemplate[]>('GET', '/api/request-templates', undefined, { signal }),
    'request-templates',
  );
  const [chosen, setChosen] = useState('');
  const [values, setValues] = useState<Values>({});
  const [requester, setRequester] = useState({ name: '', email: '', username: '' });
  const action = useAction();
  const template = templates.data?.find((candidate) => candidate.name === chosen);
  const choose = (name: string) => {
    setChosen(name);
    const found = templates.data?.find((candidate) => candidate.name === name);
    setValues(found ? initialValues(found) : {});
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!template) return;
    action.run(async () => {
      const hasRequester = requester.name || requester.email || requester.username;
      const created = await api<ItsmRequest>('POST', '/api/requests', {
        template: template.name,
        fields: fieldValues(template, values),
        requester: hasRequester ? requester : null,
      });
      onClose();
      navigate(`/requests/${segment(created.internalId)}`);
    });
  };
  return (
    <Modal title="Raise a request from a template" open={open} onClose={onClose} wide>
      <ErrorNotice error={templates.error} />
      {templates.loading && !templates.data ? <Loading what="request templates" /> : null}
      {templates.data?.length === 0 ? <p>No request template exists yet.</p> : null}
      {templates.data && templates.data.length > 0 ? (
        <form onSubmit={submit}>
          <SelectField
            label="Template"
            value={chosen}
            onChange={(event) => choose(event.target.value)}
            options={[
              { value: '', label: 'Choose a template…' },
              ...templates.data.map((candidate) => ({
                value: candidate.name,
                label: `${candidate.name} (${candidate.kind})`,
              })),
            ]}
          />
          {template ? (
            <>
              {template.description ? <p className="muted">{template.description}</p> : null}
              <fieldset>
                <legend>{template.name}</legend>
                <div className="form-grid">
                  {template.fields.map((field) => (
                    <TemplateFieldControl
                      key={field.key}
                      field={field}
                      value={values[field.key]}
                      onValue={(value) => setValues((current) => ({ ...current, [field.key]: value }))}
                    />
                  ))}
                </div>
              </fieldset>
              <fieldset>
                <legend>Requester</legend>
                <div className="form-grid">
                  <TextField
                    label="Requester name"
                    value={requester.name}
                    onChange={(event) => setRequester({ ...requester, name: event.target.value })}
                  />
                  <TextField
                    label="Requester email"
                    type="email"
                    value={requester.email}
                    onChange={(event) => setRequester({ ...requester, email: event.target.value })}
                  />
                  <TextField
                    label="Requester username"
                    value={requester.username}
                    onChange={(event) => setRequester({ ...requester, username: event.target.value })}
                  />
                </div>
              </fieldset>
            </>
          ) : null}
          <ErrorNotice error={action.error} title="Not raised" />
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={!template || action.busy}>
              Raise request
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </Modal>
  );
}

function TemplateFieldControl({
  field,
  value,
  onValue,
}: {
  field: TemplateField;
  value: string | boolean | undefined;
  onValue: (value: string | boolean) => void;
}) {
  if (field.type === 'boolean') {
    return (
      <label className="checkbox-option">
        <input type="checkbox" checked={value === true} onChange={(event) => onValue(event.target.checked)} />{' '}
        {field.label}
      </label>
    );
  }
  if (field.type === 'choice') {
    return (
      <SelectField
        label={field.label}
        required={field.required}
        value={typeof value === 'string' ? value : ''}
        onChange={(event) => onValue(event.target.value)}
        options={[{ value: '', label: field.required ? 'Choose…' : '(none)' }, ...(field.options ?? [])]}
      />
    );
  }
  const type = { text: 'text', email: 'email', date: 'date', number: 'number' }[field.type];
  return (
    <TextField
      label={field.label}
      type={type}
      required={field.required}
      maxLength={field.maxLength}
      hint={<code>#{field.key}#</code>}
      value={typeof value === 'string' ? value : ''}
      onChange={(event) => onValue(event.target.value)}
    />
  );
}
