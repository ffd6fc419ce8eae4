// The fields of a credential form, shared by create and rotate: the secret of each type (write-only, typed here and
// sent once) and the binding an admin gives it (the URL prefixes it may be sent to, the plugins that may use it).
import type { CredentialSummary } from '@actionhost/core';
import { TextArea, TextField } from '../ui.tsx';

export type CredentialType = CredentialSummary['type'];
export type Binding = CredentialSummary['binding'];

export const TYPES = [
  { value: 'basic', label: 'Basic Auth (username and password)' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'api-key', label: 'API key header' },
];

export interface SecretForm {
  username: string;
  password: string;
  token: string;
  header: string;
  value: string;
}

export const EMPTY_SECRET: SecretForm = { username: '', password: '', token: '', header: '', value: '' };

export function secretOf(type: string, form: SecretForm): Record<string, string> {
  if (type === 'basic') return { username: form.username, password: form.password };
  if (type === 'bearer') return { token: form.token };
  return { header: form.header, value: form.value };
}

export function SecretFields({
  type,
  form,
  onChange,
  header,
}: {
  type: string;
  form: SecretForm;
  onChange: (form: SecretForm) => void;
  /** The stored api-key header name (not secret), offered when rotating. */
  header?: string;
}) {
  const set = (name: keyof SecretForm) => (event: { target: { value: string } }) =>
    onChange({ ...form, [name]: event.target.value });
  if (type === 'basic') {
    return (
      <>
        <TextField label="Username" required autoComplete="off" value={form.username} onChange={set('username')} />
        <TextField
          label="Password"
          required
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={set('password')}
        />
      </>
    );
  }
  if (type === 'bearer') {
    return (
      <TextField
        label="Token"
        required
        type="password"
        autoComplete="new-password"
        value={form.token}
        onChange={set('token')}
      />
    );
  }
  return (
    <>
      <TextField label="Header name" required placeholder={header} value={form.header} onChange={set('header')} />
      <TextField
        label="Key value"
        required
        type="password"
        autoComplete="new-password"
        value={form.value}
        onChange={set('value')}
      />
    </>
  );
}

/** One URL prefix a line; blank lines dropped. */
export function urlsFromText(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

export function BindingFields({
  urls,
  plugins,
  installed,
  onUrls,
  onPlugins,
}: {
  urls: string;
  plugins: readonly string[];
  installed: readonly string[];
  onUrls: (text: string) => void;
  onPlugins: (plugins: string[]) => void;
}) {
  return (
    <>
      <TextArea
        label="URL prefixes it may be sent to"
        rows={3}
        value={urls}
        onChange={(event) => onUrls(event.target.value)}
        hint="One a line, e.g. https://api.example.com/v1/ (every URL under it). None: never attached to an outgoing request — an Application's bind credential needs none."
      />
      <fieldset>
        <legend>Plugins that may use it</legend>
        <p className="hint">None checked: any plugin.</p>
        {installed.map((name) => (
          <label key={name} className="checkbox-option">
            <input
              type="checkbox"
              checked={plugins.includes(name)}
              onChange={(event) =>
                onPlugins(event.target.checked ? [...plugins, name] : plugins.filter((candidate) => candidate !== name))
              }
            />{' '}
            {name}
          </label>
        ))}
      </fieldset>
    </>
  );
}

/** The binding as a table cell shows it. */
export function BindingSummary({ binding }: { binding: Binding }) {
  return (
    <ul className="plain">
      {binding.urls.length === 0 ? (
        <li className="muted">no URL (never sent with a request)</li>
      ) : (
        binding.urls.map((url) => (
          <li key={url}>
            <code>{url}</code>
          </li>
        ))
      )}
      <li>{binding.plugins.length === 0 ? 'any plugin' : `plugins: ${binding.plugins.join(', ')}`}</li>
    </ul>
  );
}
