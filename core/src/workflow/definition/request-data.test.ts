// The placeholder picker's list comes from the same table publishing checks placeholders against.
import { describe, expect, it } from 'vitest';
import { isKnownRequestPath, requestFieldCatalog } from './request-data.ts';

describe('requestFieldCatalog', () => {
  const custom = new Set(['ipAddress', 'hostname']);
  const { fields, openPrefixes } = requestFieldCatalog(custom);

  it('lists only fields that publishing accepts', () => {
    expect(fields.length).toBeGreaterThan(10);
    for (const field of fields) expect(isKnownRequestPath(field.split('.'), custom), field).toBe(true);
  });

  it('lists the request fields, the requester parts and the custom fields, with and without their prefix', () => {
    expect(fields).toEqual(
      expect.arrayContaining([
        'internalId',
        'subject',
        'department',
        'requester.email',
        'ipAddress',
        'customFields.hostname',
      ]),
    );
    expect(fields).not.toContain('subjct');
  });

  it('names the open prefixes under which any name is valid, and publishing agrees', () => {
    expect(openPrefixes).toEqual(['customFields.']);
    expect(isKnownRequestPath(['customFields', 'anything'], custom)).toBe(true);
  });
});
