// Custom fields of a request as key/value rows (ipAddress, hostname, macAddress, serialNumber, or any other key).
import { useId } from 'react';

export interface CustomFieldRow {
  key: string;
  value: string;
}

const SUGGESTED = ['ipAddress', 'hostname', 'macAddress', 'serialNumber', 'initialPassword'];

export function rowsToFields(rows: readonly CustomFieldRow[]): Record<string, string> {
  return Object.fromEntries(
    rows.filter((row) => row.key.trim() && row.value !== '').map((row) => [row.key.trim(), row.value]),
  );
}

export function CustomFieldsEditor({
  rows,
  onRows,
}: {
  rows: CustomFieldRow[];
  onRows: (rows: CustomFieldRow[]) => void;
}) {
  const list = useId();
  const set = (index: number, patch: Partial<CustomFieldRow>) =>
    onRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset>
      <legend>Custom fields</legend>
      <datalist id={list}>
        {SUGGESTED.map((key) => (
          <option key={key} value={key} />
        ))}
      </datalist>
      {rows.map((row, index) => (
        <div className="custom-field-row" key={index}>
          <label>
            Custom field {index + 1} name
            <input list={list} value={row.key} onChange={(event) => set(index, { key: event.target.value })} />
          </label>
          <label>
            Custom field {index + 1} value
            <input
              type={/pass/i.test(row.key) ? 'password' : 'text'}
              autoComplete="off"
              value={row.value}
              onChange={(event) => set(index, { value: event.target.value })}
            />
          </label>
          <button type="button" onClick={() => onRows(rows.filter((_, i) => i !== index))}>
            Remove custom field {index + 1}
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onRows([...rows, { key: '', value: '' }])}>
        Add custom field
      </button>
    </fieldset>
  );
}
