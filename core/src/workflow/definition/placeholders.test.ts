// The placeholder language: type-preserving single placeholders, stringified interpolation, data-safe JSON bodies.
import { describe, expect, it } from 'vitest';
import type { Json } from '@actionhost/sdk';
import { parseTemplate, renderValue, type Reference } from './placeholders.ts';
import { readRequestPath } from './request-data.ts';

const request: Record<string, Json> = {
  internalId: 42,
  subject: 'Printer broken", "admin": true, "x": "',
  category: null,
  requester: { name: 'Ann', email: 'ann@example.com', username: 'ann' },
  customFields: { ipAddress: '10.0.0.5', tags: ['a', 'b'] },
};
const resolve = (ref: Reference) => (ref.kind === 'source' ? readRequestPath(request, ref.path) : null);

describe('placeholders', () => {
  it('keeps the JSON type of a value that is exactly one placeholder', () => {
    expect(renderValue('#internalId#', resolve)).toBe(42);
    expect(renderValue('#customFields.tags#', resolve)).toEqual(['a', 'b']);
    expect(renderValue('#category#', resolve)).toBeNull();
  });

  it('stringifies placeholders inside a longer string', () => {
    expect(renderValue('id=#internalId# ip=#ipAddress# by #requester.email#', resolve)).toBe(
      'id=42 ip=10.0.0.5 by ann@example.com',
    );
    expect(renderValue('cat=#category#;', resolve)).toBe('cat=;');
  });

  it('builds JSON bodies as data so a value cannot break out of its string', () => {
    const body = renderValue(
      { title: 'Ticket: #subject#', id: '#internalId#', nested: ['#subject#'] },
      resolve,
    ) as Record<string, Json>;
    expect(body.title).toBe('Ticket: Printer broken", "admin": true, "x": "');
    expect(body.id).toBe(42);
    expect(Object.keys(body)).toEqual(['title', 'id', 'nested']);
    const wire = JSON.parse(JSON.stringify(body));
    expect(wire.admin).toBeUndefined();
    expect(wire.nested).toEqual([request.subject]);
  });

  it('keeps a "__proto__" key of a JSON body as data', () => {
    const body = renderValue(JSON.parse('{"__proto__": {"admin": "#internalId#"}}'), resolve) as Record<string, Json>;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(JSON.stringify(body)).toBe('{"__proto__":{"admin":42}}');
  });

  it('reads plain custom field names from customFields', () => {
    expect(renderValue('#ipAddress#', resolve)).toBe('10.0.0.5');
    expect(renderValue('#hostname#', resolve)).toBeNull();
  });

  it('treats "##" as a literal "#"', () => {
    expect(renderValue('room ##4 for #internalId#', resolve)).toBe('room #4 for 42');
    expect(parseTemplate('##')).toEqual([{ kind: 'text', text: '#' }]);
  });

  it('parses node output references', () => {
    const [segment] = parseTemplate('#nodes.lookup.output.items.0#');
    expect(segment).toMatchObject({
      kind: 'ref',
      ref: { kind: 'node', node: 'lookup', part: 'output', path: ['items', '0'] },
    });
  });

  it('rejects a "#" that opens no placeholder', () => {
    expect(() => parseTemplate('a # b', '/x')).toThrow(expect.objectContaining({ code: 'AH_PLACEHOLDER_SYNTAX' }));
    expect(() => parseTemplate('#unterminated', '/x')).toThrow(
      expect.objectContaining({ code: 'AH_PLACEHOLDER_SYNTAX' }),
    );
  });
});
