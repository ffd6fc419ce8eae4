// The placeholder language: type-preserving single placeholders, stringified interpolation, data-safe JSON bodies.
import { describe, expect, it } from 'vitest';
import type { Json } from '@actionhost/sdk';
import { parseTemplate, type Reference } from './placeholders.ts';
import { renderValue } from './render.ts';
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

describe('value forms', () => {
  it('takes { "$literal": text } exactly as typed, "#" and all', () => {
    expect(renderValue({ $literal: 'p#w ##x #subject#' }, resolve)).toBe('p#w ##x #subject#');
    expect(renderValue({ Password: { $literal: 'Rst!Passw0rd#42' } }, resolve)).toEqual({
      Password: 'Rst!Passw0rd#42',
    });
  });

  it('renders { "$public": template } as the template it holds', () => {
    expect(renderValue({ $public: 't##1 for #internalId#' }, resolve)).toBe('t#1 for 42');
  });

  it('applies one "#" rule to every string, secret-looking or not', () => {
    expect(() => renderValue({ Password: 'p#w' }, resolve)).toThrow(
      expect.objectContaining({ code: 'AH_PLACEHOLDER_SYNTAX' }),
    );
    expect(renderValue({ Password: 'p##w', Header: 't##1' }, resolve)).toEqual({ Password: 'p#w', Header: 't#1' });
  });

  it('keeps the value out of a syntax error, which may be a password', () => {
    try {
      renderValue({ Password: 'hunter#2' }, resolve, '/inputs');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'AH_PLACEHOLDER_SYNTAX', details: { path: '/inputs/Password' } });
      expect(JSON.stringify(error) + (error as Error).message).not.toContain('hunter');
    }
  });
});
