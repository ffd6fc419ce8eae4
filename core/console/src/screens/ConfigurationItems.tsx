// Configuration Items: the list, one search box (name, IP address, host name, MAC address or serial number),
// and creating a CI.
import { useState, type FormEvent } from 'react';
import type { ConfigurationItem } from '@actionhost/core';
import { api } from '../api.ts';
import { navigate, useLocation } from '../router.tsx';
import { ErrorNotice, formatDate, Loading, Modal, PageHeader, TextField, useAction, useResource } from '../ui.tsx';

export function ConfigurationItems() {
  const { query } = useLocation();
  const search = query.get('search') ?? '';
  const [text, setText] = useState(search);
  const [creating, setCreating] = useState(false);
  const items = useResource(
    (signal) =>
      api<ConfigurationItem[]>('GET', `/api/cis${search ? `?search=${encodeURIComponent(search)}` : ''}`, undefined, {
        signal,
      }),
    search,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/cis${text.trim() ? `?search=${encodeURIComponent(text.trim())}` : ''}`);
  };
  return (
    <>
      <PageHeader title="Configuration Items">
        <button type="button" className="button-primary" onClick={() => setCreating(true)}>
          New Configuration Item
        </button>
      </PageHeader>
      <form role="search" onSubmit={submit} className="filters">
        <TextField
          label="Search by name, IP address, host name, MAC address or serial number"
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit">Search</button>
        {search ? (
          <button
            type="button"
            onClick={() => {
              setText('');
              navigate('/cis');
            }}
          >
            Clear
          </button>
        ) : null}
      </form>
      <ErrorNotice error={items.error} />
      {items.loading && !items.data ? <Loading what="configuration items" /> : null}
      {items.data && items.data.length === 0 ? <p>No Configuration Items{search ? ' match' : ' yet'}.</p> : null}
      {items.data && items.data.length > 0 ? (
        <table>
          <caption className="visually-hidden">Configuration Items</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">IP address</th>
              <th scope="col">Host name</th>
              <th scope="col">MAC address</th>
              <th scope="col">Serial number</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.data.map((item) => (
              <tr key={item.id}>
                <td>{item.name}</td>
                <td>{item.type}</td>
                <td>{item.ipAddress ?? '—'}</td>
                <td>{item.hostname ?? '—'}</td>
                <td>{item.macAddress ?? '—'}</td>
                <td>{item.serialNumber ?? '—'}</td>
                <td>{formatDate(item.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <CreateItem
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          items.reload();
        }}
      />
    </>
  );
}

function CreateItem({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const empty = { name: '', type: 'Hardware', ipAddress: '', hostname: '', macAddress: '', serialNumber: '' };
  const [form, setForm] = useState(empty);
  const action = useAction();
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      await api('POST', '/api/cis', {
        name: form.name,
        type: form.type || 'Hardware',
        ipAddress: form.ipAddress || null,
        hostname: form.hostname || null,
        macAddress: form.macAddress || null,
        serialNumber: form.serialNumber || null,
      });
      setForm(empty);
      onCreated();
    });
  };
  return (
    <Modal title="New Configuration Item" open={open} onClose={onClose}>
      <form onSubmit={submit}>
        <TextField label="Name" required value={form.name} onChange={set('name')} />
        <TextField label="Type" value={form.type} onChange={set('type')} />
        <TextField label="IP address" value={form.ipAddress} onChange={set('ipAddress')} />
        <TextField label="Host name" value={form.hostname} onChange={set('hostname')} />
        <TextField label="MAC address" value={form.macAddress} onChange={set('macAddress')} />
        <TextField label="Serial number" value={form.serialNumber} onChange={set('serialNumber')} />
        <ErrorNotice error={action.error} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={action.busy}>
            Create Configuration Item
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
