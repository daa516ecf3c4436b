import { describe, expect, it } from '@jest/globals';
import { maskUrl } from './logger-params.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

describe('maskUrl', () => {
  it('leaves URLs without secrets as they are', () => {
    expect(maskUrl('/api/items')).toBe('/api/items');
    expect(maskUrl('/api/items?page=2&size=10')).toBe('/api/items?page=2&size=10');
  });

  it('masks token parameters, also when their name is percent-encoded', () => {
    for (const name of [
      'access_token',
      'access%5Ftoken',
      '%61ccess_token',
      'ACCESS_TOKEN',
      'client_assertion',
    ]) {
      const masked = maskUrl(`/api/items?page=2&${name}=${JWT}`);
      expect(masked).not.toContain('eyJ');
      expect(masked).toContain('page=2');
      expect(masked).toContain('[REDACTED]');
    }
  });

  it('masks a JWT-shaped value under any name', () => {
    expect(maskUrl(`/api/items?x=${JWT}`)).toBe('/api/items?x=[REDACTED]');
  });
});
