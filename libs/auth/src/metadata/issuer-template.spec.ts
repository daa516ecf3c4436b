import { describe, expect, it } from '@jest/globals';
import { IssuerTemplate } from './issuer-template.js';

const HOME = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';
const OTHER = '5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

describe('IssuerTemplate', () => {
  it("turns a tenant's own issuer into a template for any tenant", () => {
    const v1 = new IssuerTemplate(`https://sts.windows.net/${HOME}/`, HOME);
    expect(v1.issuerFor(OTHER)).toBe(`https://sts.windows.net/${OTHER}/`);
    expect(v1.tenantOf(`https://sts.windows.net/${OTHER}/`)).toBe(OTHER);
  });

  it('takes the {tenantid} placeholder of the common/organizations documents', () => {
    const v2 = new IssuerTemplate('https://login.microsoftonline.com/{tenantid}/v2.0', HOME);
    expect(v2.tenantOf(`https://login.microsoftonline.com/${OTHER}/v2.0`)).toBe(OTHER);
  });

  it('finds no tenant in issuers of another shape', () => {
    const v2 = new IssuerTemplate(`https://login.microsoftonline.com/${HOME}/v2.0`, HOME);
    for (const issuer of [
      `https://sts.windows.net/${HOME}/`,
      `https://login.microsoftonline.com/${HOME}/v2.0/`,
      'https://login.microsoftonline.com/not-a-guid/v2.0',
      `https://login.microsoftonline.com/${HOME}/${HOME}/v2.0`,
      `https://evil.example/https://login.microsoftonline.com/${HOME}/v2.0`,
    ]) {
      expect(v2.tenantOf(issuer)).toBeUndefined();
    }
  });
});
