import { parseDeclaration, type Declaration } from './declaration.ts';
import { PlanError, planChanges } from './planner.ts';
import type { ApplicationState, TenantState } from './tenant-state.ts';
import { principalKey } from './tenant-state.ts';

const TENANT = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';
const DAEMON = { appId: '9b8c291c-309f-4335-acaa-1cbeb22a5732' };
const DAEMON_OBJECT_ID = 'c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993';
const CONSUMER = {
  id: 'b1122c6b-d771-4887-9acd-af5d6fc1856b',
  value: 'consumer',
  displayName: 'Consumer',
  description: 'Consumers can use the service',
  allowedMemberTypes: ['Application' as const],
  isEnabled: true,
};
const OPTIONS = { prune: false, authorityHost: 'https://login.microsoftonline.com/' };

const declaration: Declaration = parseDeclaration({
  applications: [
    {
      displayName: 'api',
      identifierUris: ['https://api.example'],
      requestedAccessTokenVersion: 1,
      appRoles: [CONSUMER],
    },
    {
      displayName: 'fic-app',
      federatedIdentityCredentials: [
        { name: 'daemon-mi', issuer: '{authorityHost}/{tenantId}/v2.0', subject: DAEMON },
      ],
    },
  ],
  appRoleAssignments: [
    { principal: DAEMON, resource: 'api', appRole: 'consumer' },
    { principal: { application: 'fic-app' }, resource: 'api', appRole: 'consumer' },
  ],
});

const empty = (): ApplicationState => ({
  application: null,
  servicePrincipal: null,
  federatedCredentials: [],
  assignedTo: [],
});

function emptyTenant(): TenantState {
  return {
    tenantId: TENANT,
    applications: new Map([
      ['api', empty()],
      ['fic-app', empty()],
    ]),
    principals: new Map([
      [principalKey(DAEMON), { objectId: DAEMON_OBJECT_ID, displayName: 'id-consumer-daemon' }],
      [principalKey({ application: 'fic-app' }), { pendingServicePrincipalOf: 'fic-app' }],
    ]),
  };
}

/** The tenant once the declaration is true in it. */
function provisionedTenant(): TenantState {
  const tenant = emptyTenant();
  tenant.applications.set('api', {
    application: {
      id: 'a0000000-0000-0000-0000-000000000001',
      appId: 'a0000000-0000-0000-0000-000000000002',
      displayName: 'api',
      identifierUris: ['https://api.example'],
      appRoles: [{ ...CONSUMER, origin: 'Application' }],
      api: { requestedAccessTokenVersion: 1 },
    },
    servicePrincipal: {
      id: 'a0000000-0000-0000-0000-000000000003',
      appId: 'a0000000-0000-0000-0000-000000000002',
      displayName: 'api',
      appRoleAssignmentRequired: false,
    },
    federatedCredentials: [],
    assignedTo: [
      {
        id: 'assignment-1',
        principalId: DAEMON_OBJECT_ID.toUpperCase(),
        resourceId: 'a0000000-0000-0000-0000-000000000003',
        appRoleId: CONSUMER.id,
      },
      {
        id: 'assignment-2',
        principalId: 'f0000000-0000-0000-0000-000000000003',
        resourceId: 'a0000000-0000-0000-0000-000000000003',
        appRoleId: CONSUMER.id,
      },
    ],
  });
  tenant.applications.set('fic-app', {
    application: {
      id: 'f0000000-0000-0000-0000-000000000001',
      appId: 'f0000000-0000-0000-0000-000000000002',
      displayName: 'fic-app',
      identifierUris: [],
      appRoles: [],
      api: { requestedAccessTokenVersion: null },
    },
    servicePrincipal: {
      id: 'f0000000-0000-0000-0000-000000000003',
      appId: 'f0000000-0000-0000-0000-000000000002',
      displayName: 'fic-app',
    },
    federatedCredentials: [
      {
        id: 'fic-1',
        name: 'daemon-mi',
        issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        subject: DAEMON_OBJECT_ID,
        audiences: ['api://AzureADTokenExchange'],
      },
    ],
    assignedTo: [],
  });
  tenant.principals.set(principalKey({ application: 'fic-app' }), {
    objectId: 'f0000000-0000-0000-0000-000000000003',
    displayName: 'fic-app',
  });
  return tenant;
}

describe('planChanges', () => {
  it('creates everything in an empty tenant, in dependency order', () => {
    const plan = planChanges(declaration, emptyTenant(), OPTIONS);
    expect(plan.changes.map((c) => c.kind)).toEqual([
      'createApplication',
      'createServicePrincipal',
      'createApplication',
      'createServicePrincipal',
      'createFederatedCredential',
      'createAssignment',
      'createAssignment',
    ]);
    const fic = plan.changes.find((c) => c.kind === 'createFederatedCredential');
    expect(fic).toMatchObject({
      body: {
        issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        subject: { objectId: DAEMON_OBJECT_ID },
        audiences: ['api://AzureADTokenExchange'],
      },
    });
    expect(plan.changes.at(-1)).toMatchObject({
      principal: { pendingServicePrincipalOf: 'fic-app' },
    });
    expect(plan.changes[0]?.summary).toBe(
      "+ application 'api' (identifier URIs: https://api.example; roles: consumer; access token version: 1)",
    );
  });

  it('plans nothing once the tenant matches, and keeps what is not declared', () => {
    const plan = planChanges(declaration, provisionedTenant(), OPTIONS);
    expect(plan.changes).toEqual([]);
    expect(plan.kept).toEqual([]);
    const trimmed = parseDeclaration({
      applications: declaration.applications,
      appRoleAssignments: [declaration.appRoleAssignments[1]],
    });
    const kept = planChanges(trimmed, provisionedTenant(), OPTIONS);
    expect(kept.changes).toEqual([]);
    expect(kept.kept).toEqual([
      `role consumer of 'api' held by '?' (${DAEMON_OBJECT_ID.toUpperCase()})`,
    ]);
  });

  it('removes undeclared assignments, credentials and roles only with prune', () => {
    const trimmed = parseDeclaration({
      applications: [
        { ...declaration.applications[0], appRoles: [] },
        { ...declaration.applications[1], federatedIdentityCredentials: [] },
      ],
      appRoleAssignments: [],
    });
    const plan = planChanges(trimmed, provisionedTenant(), { ...OPTIONS, prune: true });
    expect(plan.changes.map((c) => c.summary)).toEqual([
      "~ application 'api': disable role consumer (removed at the end)",
      "- federated credential 'daemon-mi' of 'fic-app' (subject c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993)",
      `- role consumer of 'api' held by '?' (${DAEMON_OBJECT_ID.toUpperCase()})`,
      "- role consumer of 'api' held by '?' (f0000000-0000-0000-0000-000000000003)",
      "- roles consumer of 'api'",
    ]);
    expect(planChanges(trimmed, provisionedTenant(), OPTIONS).changes).toEqual([]);
  });

  it('updates what differs', () => {
    const tenant = provisionedTenant();
    const api = tenant.applications.get('api')!;
    api.application!.api = { requestedAccessTokenVersion: 2 };
    api.application!.appRoles[0]!.description = 'old';
    tenant.applications.get('fic-app')!.federatedCredentials[0]!.issuer = 'https://elsewhere/v2.0';
    const summaries = planChanges(declaration, tenant, OPTIONS).changes.map((c) => c.summary);
    expect(summaries).toEqual([
      "~ application 'api': access token version 2 -> 1; change role consumer",
      expect.stringMatching(
        /^~ federated credential 'daemon-mi' of 'fic-app' .*was issuer https:\/\/elsewhere/,
      ),
    ]);
  });

  it('refuses to change the id of an existing role', () => {
    const tenant = provisionedTenant();
    tenant.applications.get('api')!.application!.appRoles[0]!.id =
      '11111111-1111-1111-1111-111111111111';
    expect(() => planChanges(declaration, tenant, OPTIONS)).toThrow(PlanError);
  });
});
