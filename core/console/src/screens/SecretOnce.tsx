// A secret the host shows only once (a new API token, a connector token): the text to copy, a Copy button, and a
// Done button that hides it for good — it is never kept or shown again.
import { useState } from 'react';
import { TextField } from '../ui.tsx';

export function SecretOnce({
  title,
  label,
  secret,
  onDone,
}: {
  title: string;
  label: string;
  secret: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState('');
  const copy = () => {
    navigator.clipboard.writeText(secret).then(
      () => setCopied('Copied to the clipboard.'),
      () => setCopied('The browser refused the clipboard: select the token and copy it yourself.'),
    );
  };
  return (
    <section className="card notice-ok" aria-label={title}>
      <h2>{title}</h2>
      <p>Copy the token now: it is shown only this once and cannot be read back.</p>
      <div className="secret-row">
        <TextField label={label} readOnly value={secret} onFocus={(event) => event.target.select()} />
        <button type="button" onClick={copy}>
          Copy token
        </button>
      </div>
      <div role="status" aria-live="polite">
        {copied}
      </div>
      <button type="button" onClick={onDone}>
        Done, hide the token
      </button>
    </section>
  );
}
