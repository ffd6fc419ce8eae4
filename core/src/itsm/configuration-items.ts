// Configuration Item rows: insert with matching keys, decode, and look up by a unique identifier.
// Matching rules: ipAddress and serialNumber exact; hostname case-insensitive; macAddress in any common notation.
import type { DatabaseSync } from 'node:sqlite';
import {
  type ConfigurationItemCreate,
  hostnameKey,
  macAddressKey,
  type CiIdentifierField,
  type ConfigurationItem,
} from './schemas.ts';
import type { z } from 'zod';

type CiRow = Record<string, unknown>;

/** Upper bound on matches returned by a lookup: more than one is already ambiguous for a caller. */
export const MAX_MATCHES = 100;

export function ciFromRow(row: CiRow): ConfigurationItem {
  return {
    id: Number(row.id),
    name: String(row.name),
    type: String(row.type),
    ipAddress: (row.ip_address as string | null) ?? null,
    hostname: (row.hostname as string | null) ?? null,
    macAddress: (row.mac_address as string | null) ?? null,
    serialNumber: (row.serial_number as string | null) ?? null,
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
  };
}

export function selectCi(db: DatabaseSync, id: number): ConfigurationItem | null {
  const row = db.prepare('SELECT * FROM itsm_configuration_items WHERE id = ?').get(id) as CiRow | undefined;
  return row ? ciFromRow(row) : null;
}

export function insertCi(
  db: DatabaseSync,
  input: z.output<typeof ConfigurationItemCreate>,
  actor: string,
  now: string,
): ConfigurationItem {
  const result = db
    .prepare(
      `INSERT INTO itsm_configuration_items
    (name, type, ip_address, hostname, hostname_key, mac_address, mac_key, serial_number, created_at, created_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      input.name,
      input.type,
      input.ipAddress,
      input.hostname,
      input.hostname === null ? null : hostnameKey(input.hostname),
      input.macAddress,
      input.macAddress === null ? null : macAddressKey(input.macAddress),
      input.serialNumber,
      now,
      actor,
    );
  return selectCi(db, Number(result.lastInsertRowid))!;
}

export function selectCis(
  db: DatabaseSync,
  filter: { type?: string; name?: string; search?: string; limit: number; offset: number },
): ConfigurationItem[] {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.search !== undefined) {
    // The identifiers match as a CI lookup does (findCis): host names case-insensitively, MACs in any notation.
    const search = filter.search.trim();
    where.push("(name LIKE ? ESCAPE '\\' OR ip_address = ? OR serial_number = ? OR hostname_key = ? OR mac_key = ?)");
    params.push(
      `%${search.replace(/[\\%_]/g, (c) => '\\' + c)}%`,
      search,
      search,
      hostnameKey(search),
      macAddressKey(search) ?? '\u0000',
    );
  }
  if (filter.type !== undefined) {
    where.push('type = ? COLLATE NOCASE');
    params.push(filter.type);
  }
  if (filter.name !== undefined) {
    // LIKE is case-insensitive for ASCII; escape its wildcards so a name is matched literally.
    where.push("name LIKE ? ESCAPE '\\'");
    params.push(`%${filter.name.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
  }
  const sql = `SELECT * FROM itsm_configuration_items ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT ? OFFSET ?`;
  return (db.prepare(sql).all(...params, filter.limit, filter.offset) as CiRow[]).map(ciFromRow);
}

export function findCis(db: DatabaseSync, field: CiIdentifierField, value: string): ConfigurationItem[] {
  const trimmed = value.trim();
  let column: string;
  let key: string | null;
  switch (field) {
    case 'ipAddress':
      column = 'ip_address';
      key = trimmed;
      break;
    case 'serialNumber':
      column = 'serial_number';
      key = trimmed;
      break;
    case 'hostname':
      column = 'hostname_key';
      key = hostnameKey(trimmed);
      break;
    case 'macAddress':
      column = 'mac_key';
      key = macAddressKey(trimmed);
      break;
  }
  if (key === null || key === '') return [];
  return (
    db
      .prepare(`SELECT * FROM itsm_configuration_items WHERE ${column} = ? ORDER BY id LIMIT ?`)
      .all(key, MAX_MATCHES) as CiRow[]
  ).map(ciFromRow);
}
