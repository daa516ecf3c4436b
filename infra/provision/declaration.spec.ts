import { readFileSync } from 'node:fs';
import {
  DECLARATION_SCHEMA_PATH,
  DeclarationError,
  declarationJsonSchema,
  parseDeclaration,
  readDeclaration,
} from './declaration.ts';

const DEMO_PATH = new URL('../entra/demo.entra.json', import.meta.url).pathname;
const demoRaw = () => JSON.parse(readFileSync(DEMO_PATH, 'utf8'));

function problems(raw: unknown): string {
  try {
    parseDeclaration(raw, 'test.json');
  } catch (error) {
    if (!(error instanceof DeclarationError)) throw error;
    return error.message;
  }
  throw new Error('the declaration was accepted');
}

describe('declaration', () => {
  it('reads the demo declaration with the roles of the emulator demo directory', () => {
    const declaration = readDeclaration(DEMO_PATH);
    const directory = JSON.parse(
      readFileSync(
        new URL('../../apps/mock-idp/directory/demo-directory.json', import.meta.url),
        'utf8',
      ),
    );
    const directoryApi = directory.tenants[0].applications.find(
      (a: { displayName: string }) => a.displayName === 'aztoso-com-app',
    );
    const api = declaration.applications.find((a) => a.displayName === 'aztoso-com-app');
    expect(api?.identifierUris).toEqual(['https://myapp.aztoso.com']);
    expect(api?.requestedAccessTokenVersion).toBe(directoryApi.requestedAccessTokenVersion);
    expect(api?.appRoles).toEqual(directoryApi.appRoles);
    expect(declaration.appRoleAssignments).toHaveLength(2);
  });

  it('fills the defaults a short declaration leaves out', () => {
    const declaration = parseDeclaration({ applications: [{ displayName: 'x' }] });
    expect(declaration.applications[0]).toEqual({
      displayName: 'x',
      identifierUris: [],
      requestedAccessTokenVersion: null,
      appRoles: [],
      servicePrincipal: { appRoleAssignmentRequired: false },
      federatedIdentityCredentials: [],
    });
    expect(declaration.appRoleAssignments).toEqual([]);
  });

  it('names the field of every problem', () => {
    const raw = demoRaw();
    raw.applications[0].appRoles[0].id = 'not-a-guid';
    raw.applications[0].appRoles[1].value = 'consumer';
    raw.applications[1].federatedIdentityCredentials[0].subject = { clientId: 'x' };
    raw.appRoleAssignments[0].appRole = 'reader';
    raw.appRoleAssignments[1].principal = { application: 'missing-app' };
    raw.applications[0].identifierUri = 'typo';
    const message = problems(raw);
    expect(message).toContain('test.json is not valid');
    expect(message).toContain('applications[0].appRoles[0].id: must be a GUID');
    expect(message).toContain('applications[0]: Unrecognized key: "identifierUri"');
    expect(message).toContain('applications[1].federatedIdentityCredentials[0].subject');
    // Cross-field rules run once the shapes are right: check them on their own.
    const references = demoRaw();
    references.applications[0].appRoles[1].value = 'consumer';
    references.appRoleAssignments[0].appRole = 'reader';
    references.appRoleAssignments[1].principal = { application: 'missing-app' };
    const crossField = problems(references);
    expect(crossField).toContain(
      "applications[0].appRoles[1].value: 'consumer' is used by two roles",
    );
    expect(crossField).toContain(
      "appRoleAssignments[0].appRole: 'reader' is not a role of 'aztoso-com-app' (roles: consumer, consumer)",
    );
    expect(crossField).toContain(
      "appRoleAssignments[1].principal.application: 'missing-app' is not an application of this declaration",
    );
  });

  it('refuses a role held by applications that does not allow Application members', () => {
    const raw = demoRaw();
    raw.applications[0].appRoles[0].allowedMemberTypes = ['User'];
    expect(problems(raw)).toContain(
      "appRoleAssignments[0].appRole: 'consumer' does not allow Application members",
    );
  });

  it('says when the file is not JSON or not there', () => {
    expect(() => readDeclaration('/nonexistent/x.json')).toThrow(
      /cannot read \/nonexistent\/x.json/,
    );
    expect(() => readDeclaration(new URL('./README.md', import.meta.url).pathname)).toThrow(
      /is not JSON/,
    );
  });

  it('has its committed JSON schema generated from the zod schema', () => {
    // Out of date? node infra/provision/write-schema.ts
    expect(JSON.parse(readFileSync(DECLARATION_SCHEMA_PATH, 'utf8'))).toEqual(
      declarationJsonSchema(),
    );
  });
});
