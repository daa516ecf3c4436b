// Microsoft's first-party service principals that every Entra tenant holds and that tokens are
// asked for: Microsoft Graph (with the application permissions an Entra setup uses, under their
// real ids) and Azure Resource Manager. Their object ids are derived from the tenant, so they are
// the same at every start and can be named in a directory or state file.
import type { AppRole, Application } from './directory.types.js';
import { deterministicGuid } from './guid.js';

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const AZURE_RESOURCE_MANAGER_APP_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
/** The tenant Microsoft's own apps are registered in (appOwnerOrganizationId of their service principals). */
export const MICROSOFT_SERVICES_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/**
 * `{authority}` is the emulator's own https base URL (`https://{host}:{port}`), where it also serves
 * Graph: a client configured with that Graph URL (the Azure CLI uses one value as Graph URL and token
 * resource) asks for tokens with it.
 */
export const GRAPH_IDENTIFIER_URIS = [
  'https://graph.microsoft.com',
  'https://canary.graph.microsoft.com',
  '{authority}',
];

/** Microsoft Graph application permissions (app roles), with the ids Microsoft publishes. */
export const GRAPH_APP_ROLES = {
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'Application.ReadWrite.OwnedBy': '18a4783c-866b-4cc7-a460-3d5e5662c884',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
} as const;

export type GraphPermission = keyof typeof GRAPH_APP_ROLES;

const GRAPH_ROLE_DESCRIPTIONS: Record<GraphPermission, [displayName: string, description: string]> =
  {
    'Application.Read.All': [
      'Read all applications',
      'Allows the app to read all applications and service principals without a signed-in user.',
    ],
    'Application.ReadWrite.All': [
      'Read and write all applications',
      'Allows the app to create, read, update and delete applications and service principals without a signed-in user. Does not allow management of consent grants.',
    ],
    'Application.ReadWrite.OwnedBy': [
      'Manage apps that this app creates or owns',
      'Allows the app to create other applications, and fully manage those applications (read, update, update application secrets and delete), without a signed-in user. It cannot update any apps that it is not an owner of.',
    ],
    'AppRoleAssignment.ReadWrite.All': [
      'Manage app permission grants and app role assignments',
      'Allows the app to manage permission grants for application permissions to any API (including Microsoft Graph) and application assignments for any app, without a signed-in user.',
    ],
    'Directory.Read.All': [
      'Read directory data',
      "Allows the app to read data in your organization's directory, such as users, groups and apps, without a signed-in user.",
    ],
    'Directory.ReadWrite.All': [
      'Read and write directory data',
      "Allows the app to read and write data in your organization's directory, such as users, and groups, without a signed-in user. Does not allow user or group deletion.",
    ],
    'User.Read.All': [
      "Read all users' full profiles",
      'Allows the app to read user profiles without a signed in user.',
    ],
  };

function graphAppRoles(): AppRole[] {
  return Object.entries(GRAPH_APP_ROLES).map(([value, id]) => {
    const [displayName, description] = GRAPH_ROLE_DESCRIPTIONS[value as GraphPermission];
    return {
      id,
      value,
      displayName,
      description,
      allowedMemberTypes: ['Application'],
      isEnabled: true,
    };
  });
}

function firstParty(
  tenantId: string,
  appId: string,
  displayName: string,
  identifierUris: string[],
  appRoles: AppRole[],
): Application {
  return {
    appId,
    // The registration lives in Microsoft's tenant: not visible here, its id only has to be unique.
    objectId: deterministicGuid('first-party application', tenantId, appId),
    displayName,
    identifierUris,
    requestedAccessTokenVersion: null,
    appRoles,
    passwordCredentials: [],
    keyCredentials: [],
    federatedIdentityCredentials: [],
    servicePrincipal: {
      objectId: deterministicGuid('first-party service principal', tenantId, appId),
      appRoleAssignmentRequired: false,
    },
    owners: [],
    firstParty: true,
  };
}

export function firstPartyApplications(tenantId: string): Application[] {
  return [
    firstParty(
      tenantId,
      MICROSOFT_GRAPH_APP_ID,
      'Microsoft Graph',
      GRAPH_IDENTIFIER_URIS,
      graphAppRoles(),
    ),
    firstParty(
      tenantId,
      AZURE_RESOURCE_MANAGER_APP_ID,
      'Windows Azure Service Management API',
      ['https://management.azure.com/', 'https://management.core.windows.net/'],
      [],
    ),
  ];
}
