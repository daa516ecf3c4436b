import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DirectoryValidationError, parseDirectory } from './directory-validator.js';

const DEMO_DIRECTORY_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'directory',
  'demo-directory.json',
);
const demo = async () => JSON.parse(await readFile(DEMO_DIRECTORY_PATH, 'utf8'));

function problemsOf(raw: unknown): string[] {
  try {
    parseDirectory(raw);
  } catch (error) {
    if (error instanceof DirectoryValidationError) return error.problems;
    throw error;
  }
  throw new Error('the directory was accepted');
}

describe('parseDirectory', () => {
  it('accepts the demo directory with the fixed ids of the project', async () => {
    const directory = parseDirectory(await demo());
    const [tenant] = directory.tenants;
    expect(tenant?.tenantId).toBe('ea1bae79-6a70-405e-bc84-40037bcde9ec');
    const api = tenant?.applications.find((app) => app.displayName === 'aztoso-com-app');
    expect(api?.identifierUris).toEqual(['https://myapp.aztoso.com']);
    expect(api?.appRoles.map((role) => role.value)).toEqual(['consumer', 'writer']);
    expect(directory.containers[0]?.identityHeader).toBe('local-consumer-daemon');
  });

  it('names the field of a value that is not a GUID', async () => {
    const raw = await demo();
    raw.tenants[0].applications[0].appRoles[0].id = 'consumer';
    expect(problemsOf(raw)).toContain('tenants[0].applications[0].appRoles[0].id: must be a GUID');
  });

  it('reports every problem at once, each with its path', async () => {
    const raw = await demo();
    raw.tenants[0].applications[1].requestedAccessTokenVersion = 3;
    raw.tenants[0].managedIdentities[0].type = 'Both';
    delete raw.tenants[0].applications[1].federatedIdentityCredentials[0].audiences;
    expect(problemsOf(raw)).toEqual([
      'tenants[0].applications[1].requestedAccessTokenVersion: must be 1, 2 or null',
      'tenants[0].applications[1].federatedIdentityCredentials[0].audiences: must not be empty',
      'tenants[0].managedIdentities[0].type: must be "SystemAssigned" or "UserAssigned"',
    ]);
  });

  it('refuses assignments and containers that point at nothing', async () => {
    const raw = await demo();
    raw.tenants[0].appRoleAssignments[0].appRoleId = '00000000-0000-0000-0000-000000000001';
    raw.tenants[0].appRoleAssignments[1].principalId = '00000000-0000-0000-0000-000000000002';
    raw.containers[0].managedIdentities.push('00000000-0000-0000-0000-000000000003');
    expect(problemsOf(raw)).toEqual([
      'tenants[0].appRoleAssignments[0].appRoleId: "aztoso-com-app" has no app role "00000000-0000-0000-0000-000000000001"',
      'tenants[0].appRoleAssignments[1].principalId: no managed identity or service principal "00000000-0000-0000-0000-000000000002" in this tenant',
      'containers[0].managedIdentities[3]: no managed identity with principalId "00000000-0000-0000-0000-000000000003"',
    ]);
  });

  it('refuses duplicate ids and identifier URIs', async () => {
    const raw = await demo();
    raw.tenants[0].applications[1].appId = raw.tenants[0].applications[0].appId;
    raw.tenants[0].applications[1].identifierUris = ['https://myapp.aztoso.com/'.slice(0, -1)];
    const problems = problemsOf(raw);
    expect(problems).toContain(
      'tenants[0].applications[1].appId: duplicate application/client id "042e4743-2c83-42e0-8ea9-82cbe6642686" (first at tenants[0].applications[0].appId)',
    );
    expect(
      problems.some((p) =>
        p.startsWith('tenants[0].applications[1].identifierUris[0]: duplicate identifier URI'),
      ),
    ).toBe(true);
  });

  it('requires exactly one form of a client secret', async () => {
    const raw = await demo();
    raw.tenants[0].applications[1].passwordCredentials = [
      { keyId: '11111111-1111-1111-1111-111111111111' },
    ];
    expect(problemsOf(raw)).toEqual([
      'tenants[0].applications[1].passwordCredentials[0].secretText: exactly one of secretText and secretSha256 is required',
    ]);
  });

  it('refuses what is not a directory at all', () => {
    expect(problemsOf([])).toEqual(['(root): must be a JSON object']);
    expect(problemsOf({ tenants: 'x' })).toEqual(['tenants: must be an array']);
  });

  it('adds the first-party Graph and ARM service principals and resolves Graph roles given by value', async () => {
    const directory = parseDirectory(await demo());
    const [tenant] = directory.tenants;
    const graph = tenant?.applications.find(
      (app) => app.appId === '00000003-0000-0000-c000-000000000000',
    );
    expect(graph).toMatchObject({ displayName: 'Microsoft Graph', firstParty: true });
    expect(
      tenant?.applications.some((app) =>
        app.identifierUris.includes('https://management.azure.com/'),
      ),
    ).toBe(true);
    const deployerRoles = tenant?.appRoleAssignments
      .filter((a) => a.principalId === 'a7f3c9e2-1d4b-4a8e-b6c5-3e9f0d2a7b84')
      .map((a) => graph?.appRoles.find((role) => role.id === a.appRoleId)?.value);
    expect(deployerRoles).toEqual(['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All']);
    expect(
      parseDirectory(await demo()).tenants[0]?.applications.find((a) => a.firstParty)
        ?.servicePrincipal?.objectId,
    ).toBe(graph?.servicePrincipal?.objectId);
  });

  it('refuses an application that claims a first-party appId', async () => {
    const raw = await demo();
    raw.tenants[0].applications[0].appId = '00000003-0000-0000-c000-000000000000';
    expect(problemsOf(raw)).toContain(
      'tenants[0].applications[0].appId: "00000003-0000-0000-c000-000000000000" is a Microsoft first-party app; every tenant already holds its service principal',
    );
  });

  it('names a Graph role that does not exist', async () => {
    const raw = await demo();
    const assignments = raw.tenants[0].appRoleAssignments;
    assignments.push({
      principalId: assignments[0].principalId,
      resourceAppId: '00000003-0000-0000-c000-000000000000',
      appRole: 'Mail.Send',
    });
    expect(problemsOf(raw)).toContain(
      `tenants[0].appRoleAssignments[${assignments.length - 1}].appRole: "Microsoft Graph" has no app role "Mail.Send"`,
    );
  });

  it('names an assignment given twice', async () => {
    const raw = await demo();
    const assignments = raw.tenants[0].appRoleAssignments;
    assignments.push({ ...assignments[0] });
    expect(problemsOf(raw)).toContain(
      `tenants[0].appRoleAssignments[${assignments.length - 1}]: duplicate app role assignment "${assignments[0].principalId}/${assignments[0].resourceId}/${assignments[0].appRoleId}" (first at tenants[0].appRoleAssignments[0])`,
    );
  });
});
