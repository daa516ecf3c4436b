// App registrations and service principals of entra-s2s through the Microsoft Graph Bicep extension
// (types: github.com/microsoftgraph/msgraph-bicep-types, generated/.../v1.0/1.0.0). Only v1.0 types:
// the beta ones re-create assignments on redeploy and fail as duplicates.
extension microsoftGraphV1

@description('The API application of the declaration (entra/demo.entra.json, format: provision/README.md): displayName, requestedAccessTokenVersion, appRoles, servicePrincipal.')
param api object

@description('App ID URI of the API.')
param identifierUri string

@description('The FIC application of the declaration: displayName, requestedAccessTokenVersion, servicePrincipal, federatedIdentityCredentials.')
param fic object

@description('Issuer of the federated credential: the tenant\'s v2.0 issuer, which signs managed identity tokens.')
param ficIssuer string

@description('Subject of the federated credential: the object (principal) id of the daemon\'s managed identity.')
param ficSubject string

// The declaration file is read raw (loadJsonContent): the defaults `npm run provision` applies to
// omitted fields are applied here too, so that both tools make the same objects.
var appRoles = map(api.appRoles, role => {
  id: role.id
  value: role.value
  displayName: role.displayName
  description: role.description
  allowedMemberTypes: role.?allowedMemberTypes ?? ['Application']
  isEnabled: role.?isEnabled ?? true
})

// uniqueName is the tenant-wide key that makes a redeployment update the same app registration.
resource apiApplication 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: api.displayName
  displayName: api.displayName
  identifierUris: [identifierUri]
  api: {
    // null and 1 both mean v1.0 tokens
    requestedAccessTokenVersion: api.?requestedAccessTokenVersion ?? 1
  }
  appRoles: appRoles
}

resource apiServicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: apiApplication.appId
  appRoleAssignmentRequired: api.?servicePrincipal.?appRoleAssignmentRequired ?? false
}

var credential = fic.federatedIdentityCredentials[0]

resource ficApplication 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: fic.displayName
  displayName: fic.displayName
  api: {
    requestedAccessTokenVersion: fic.?requestedAccessTokenVersion ?? 1
  }

  // Nested, and named '<app uniqueName>/<credential name>': declared beside its application (or
  // with the bare credential name) the write races the application or is not found.
  resource managedIdentityCredential 'federatedIdentityCredentials@v1.0' = {
    name: '${ficApplication.uniqueName}/${credential.name}'
    description: credential.?description
    issuer: ficIssuer
    subject: ficSubject
    audiences: credential.?audiences ?? ['api://AzureADTokenExchange']
  }
}

resource ficServicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: ficApplication.appId
  appRoleAssignmentRequired: fic.?servicePrincipal.?appRoleAssignmentRequired ?? false
}

output apiAppId string = apiApplication.appId
output apiServicePrincipalId string = apiServicePrincipal.id
output ficAppId string = ficApplication.appId
output ficServicePrincipalId string = ficServicePrincipal.id
