import { describe, expect, it } from '@jest/globals';
import { MASKED_JWT, maskJwts } from './mask-jwts.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl_-';

describe('maskJwts', () => {
  it('returns lines without a JWT unchanged', () => {
    const line = '{"level":30,"req":{"url":"/api/items?page=2"},"msg":"request completed"}';
    expect(maskJwts(line)).toBe(line);
  });

  it.each([
    ['in a URL path', `/api/items/${JWT}`],
    ['as a bare query key', `/api/items?${JWT}`],
    ['as a matrix parameter', `/api/items;t=${JWT}`],
    ['with percent-encoded dots', `/api/items/${JWT.replaceAll('.', '%2E')}`],
    ['in a message', `cannot use token ${JWT}: expired`],
    ['without its signature', `/x/${JWT.split('.').slice(0, 2).join('.')}`],
  ])('masks a token %s', (_where, text) => {
    const line = JSON.stringify({ level: 40, msg: text });
    const masked = maskJwts(line);
    expect(masked).not.toContain('eyJ');
    expect(masked).toContain(MASKED_JWT);
    expect(JSON.parse(masked)).toMatchObject({ level: 40 });
  });
});
