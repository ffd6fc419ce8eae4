// Configuration Item rows: insert with matching keys, decode, and look up by a unique identifier.
// Matching rules: ipAddress and serialNumber exact; hostname case-insensitive; macAddress in any common notation.
import {
  type ConfigurationItemCreate,
  hostnameKey,
  macAddressKey,
  type CiIdentifierField,
  type ConfigurationItem,
} from './schemas.ts';
import type { z } from 'zod';
import { queryAll, queryOne, type Queryable } from '../store/index.ts';

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

export async function selectCi(db: Queryable, id: number): Promise<ConfigurationItem | null> {
  const row = await queryOne(db, 'SELECT * FROM itsm_configuration_items WHERE id = $1', [id]);
  return row ? ciFromRow(row) : null;
}

export async function insertCi(
  db: Queryable,
  input: z.output<typeof ConfigurationItemCreate>,
  actor: string,
  now: string,
): Promise<ConfigurationItem> {
  const row = await queryOne(
    db,
    `INSERT INTO itsm_configuration_items
    (name, type, ip_address, hostname, hostname_key, mac_address, mac_key, serial_number, created_at, created_by)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
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
    ],
  );
  return ciFromRow(row!);
}

/** LIKE matches case-insensitively on both backends through lower() (SQLite's LIKE does for ASCII, PostgreSQL's not). */
export async function selectCis(
  db: Queryable,
  filter: { type?: string; name?: string; search?: string; limit: number; offset: number },
): Promise<ConfigurationItem[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const parameter = (value: string) => {
    params.push(value);
    return `$${params.length}`;
  };
  const escaped = (text: string) => `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
  if (filter.search !== undefined) {
    // The identifiers match as a CI lookup does (findCis): host names case-insensitively, MACs in any notation.
    const search = filter.search.trim();
    const clauses = [
      `lower(name) LIKE lower(${parameter(escaped(search))}) ESCAPE '\\'`,
      `ip_address = ${parameter(search)}`,
      `serial_number = ${parameter(search)}`,
      `hostname_key = ${parameter(hostnameKey(search))}`,
    ];
    const mac = macAddressKey(search);
    if (mac !== null) clauses.push(`mac_key = ${parameter(mac)}`);
    where.push(`(${clauses.join(' OR ')})`);
  }
  if (filter.type !== undefined) where.push(`lower(type) = lower(${parameter(filter.type)})`);
  // Wildcards escaped, so a name is matched literally.
  if (filter.name !== undefined) where.push(`lower(name) LIKE lower(${parameter(escaped(filter.name))}) ESCAPE '\\'`);
  params.push(filter.limit, filter.offset);
  const sql = `SELECT * FROM itsm_configuration_items ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT $${params.length - 1} OFFSET $${params.length}`;
  return (await queryAll(db, sql, params)).map(ciFromRow);
}

export async function findCis(db: Queryable, field: CiIdentifierField, value: string): Promise<ConfigurationItem[]> {
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
    await queryAll(db, `SELECT * FROM itsm_configuration_items WHERE ${column} = $1 ORDER BY id LIMIT $2`, [
      key,
      MAX_MATCHES,
    ])
  ).map(ciFromRow);
}
