// The publisher keys this host trusts (the trust store of `registry trust`): list, add one (the .pub file's text or
// "ed25519:<base64>") and stop trusting one after a confirmation. Packages a key signed stay installed; the Plugins
// table then shows them as untrusted.
import { useState, type FormEvent } from 'react';
import type { TrustedKey } from '@actionhost/core';
import { api, segment } from '../api.ts';
import { ErrorNotice, formatDate, Loading, Modal, TextArea, TextField, useAction, useResource } from '../ui.tsx';

export function TrustedKeys({ onChanged }: { onChanged: () => void }) {
  const keys = useResource((signal) => api<TrustedKey[]>('GET', '/api/trusted-keys', undefined, { signal }), 'keys');
  const [publisher, setPublisher] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [removing, setRemoving] = useState<TrustedKey | null>(null);
  const add = useAction();
  const remove = useAction();
  const changed = () => {
    keys.reload();
    onChanged();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.run(async () => {
      await api('POST', '/api/trusted-keys', { publisher, publicKey });
      setPublisher('');
      setPublicKey('');
      changed();
    });
  };
  return (
    <section className="card" aria-labelledby="trusted-keys-title">
      <h2 id="trusted-keys-title">Trusted publisher keys</h2>
      <ErrorNotice error={keys.error ?? remove.error} />
      {keys.loading && !keys.data ? <Loading what="trusted keys" /> : null}
      {keys.data?.length === 0 ? <p>No publisher key is trusted: every signed package shows as untrusted.</p> : null}
      {keys.data && keys.data.length > 0 ? (
        <table>
          <caption className="visually-hidden">Trusted publisher keys</caption>
          <thead>
            <tr>
              <th scope="col">Publisher</th>
              <th scope="col">Key id</th>
              <th scope="col">Added by</th>
              <th scope="col">Added</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.keyId}>
                <th scope="row">{key.publisher}</th>
                <td>
                  <code>{key.keyId}</code>
                </td>
                <td>{key.addedBy}</td>
                <td>{formatDate(key.addedAt)}</td>
                <td>
                  <button
                    type="button"
                    className="button-danger"
                    aria-label={`Stop trusting ${key.publisher} (${key.keyId})`}
                    onClick={() => setRemoving(key)}
                  >
                    Stop trusting
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form onSubmit={submit} aria-labelledby="trust-key-title">
        <h3 id="trust-key-title">Trust a publisher key</h3>
        <TextField
          label="Publisher"
          required
          value={publisher}
          onChange={(event) => setPublisher(event.target.value)}
        />
        <TextArea
          label="Public key"
          rows={3}
          required
          value={publicKey}
          onChange={(event) => setPublicKey(event.target.value)}
          hint={`The publisher's .pub file (PEM), or "ed25519:" and the key in base64`}
        />
        <ErrorNotice error={add.error} title="Not trusted" />
        <button type="submit" disabled={add.busy}>
          Trust this key
        </button>
      </form>
      <Modal title="Stop trusting a key" open={removing !== null} onClose={() => setRemoving(null)}>
        <p>
          Stop trusting the key of <strong>{removing?.publisher}</strong>? Packages it signed stay installed and show as
          untrusted; under the trusted-signatures policy new ones are refused.
        </p>
        <div className="form-actions">
          <button
            type="button"
            className="button-danger"
            onClick={() => {
              const key = removing!;
              setRemoving(null);
              remove.run(async () => {
                await api('DELETE', `/api/trusted-keys/${segment(key.keyId)}`);
                changed();
              });
            }}
          >
            Stop trusting
          </button>
          <button type="button" onClick={() => setRemoving(null)}>
            Cancel
          </button>
        </div>
      </Modal>
    </section>
  );
}
