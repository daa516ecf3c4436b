// entra-s2s on Azure Container Apps, the Entra side included, in one deployment:
//   az deployment group create -g <rg> -f main.bicep -p @main.parameters.json
// The Entra objects come from the same declaration that `npm run provision` applies
// (entra/demo.entra.json). Order, and why (infra/README.md, "Known limits of the Graph extension"):
//   identities, logs, environment, app registrations -> protected-api -> role assignments -> daemon
targetScope = 'resourceGroup'

@description('Region of every Azure resource (Entra objects are tenant-wide).')
param location string = resourceGroup().location

@description('Short prefix of the Azure resource names.')
@minLength(3)
@maxLength(12)
param namePrefix string = 'entras2s'

@description('Container registry in this resource group that holds entra-s2s/<app>:<imageTag>; the pull identity gets AcrPull on it.')
param registryName string

@description('Image tag pushed for both apps.')
param imageTag string = 'latest'

@description('managed-identity: the daemon calls with its identity\'s token. federated: it exchanges that token for the FIC app\'s token.')
@allowed([
  'managed-identity'
  'federated'
])
param authMode string = 'managed-identity'

@description('App ID URI of the API; empty = the one in the declaration. An https URI must be on a verified domain of the tenant; api://<anything> is always accepted.')
param apiIdentifierUri string = ''

@description('Milliseconds between two calls of the daemon.')
@minValue(1000)
param callIntervalMs int = 30000

@description('Replicas of protected-api kept running (0 lets it scale to zero; the first request then waits for a cold start).')
@minValue(0)
param apiMinReplicas int = 1

@description('Upper bound of protected-api replicas.')
@minValue(1)
@maxValue(30)
param apiMaxReplicas int = 5

@description('Concurrent requests per protected-api replica above which Container Apps adds a replica.')
@minValue(1)
param apiConcurrentRequests int = 50

// any(): the declaration's entries differ in shape (principals by displayName or application,
// optional fields), which the compiler would otherwise type from this one file's content.
var entraDeclaration = any(loadJsonContent('entra/demo.entra.json'))
// The declaration's API is the application that defines app roles; the FIC app is the one that has
// federated identity credentials (infra/README.md, "One declaration, two tools").
var apiDeclaration = first(filter(entraDeclaration.applications, app => !empty(app.?appRoles ?? [])))
var ficDeclaration = first(filter(
  entraDeclaration.applications,
  app => !empty(app.?federatedIdentityCredentials ?? [])
))
var identifierUri = empty(apiIdentifierUri) ? apiDeclaration.identifierUris[0] : apiIdentifierUri
// Principals named by display name are managed identities (their service principal carries the
// identity's resource name): here, the daemon's identity, which this template creates. Principals
// named { application } are applications of the declaration: here, the FIC app.
var identityAssignments = filter(
  entraDeclaration.appRoleAssignments,
  assignment => contains(assignment.principal, 'displayName')
)
var daemonIdentityName = identityAssignments[0].principal.displayName
var daemonRoles = map(identityAssignments, assignment => assignment.appRole)
var ficRoles = map(
  filter(
    entraDeclaration.appRoleAssignments,
    assignment => (assignment.principal.?application == ficDeclaration.displayName)
  ),
  assignment => assignment.appRole
)

// loginEndpoint ends with '/'; the apps append '/{tenant}/...' themselves.
var loginEndpoint = environment().authentication.loginEndpoint
var authorityHost = substring(loginEndpoint, 0, length(loginEndpoint) - 1)
var tenantId = tenant().tenantId
var acrPullRoleId = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  '7f951dda-4ed3-4680-a7ca-43fe172d538d'
)

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource containerEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// Pulls the images of both apps; kept apart from the daemon's calling identity so that the
// identity holding the API's app role holds nothing else.
resource pullIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${namePrefix}-acr-pull'
  location: location
}

// The identity the daemon authenticates as: it holds the API's roles (managed-identity mode) or is
// the subject of the FIC app's federated credential (federated mode).
resource daemonIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: daemonIdentityName
  location: location
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, pullIdentity.id, acrPullRoleId)
  scope: registry
  properties: {
    principalId: pullIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: acrPullRoleId
  }
}

module entraApplications 'modules/entra-applications.bicep' = {
  name: 'entra-applications'
  params: {
    api: apiDeclaration
    identifierUri: identifierUri
    fic: ficDeclaration
    ficIssuer: replace(
      replace(ficDeclaration.federatedIdentityCredentials[0].issuer, '{authorityHost}', authorityHost),
      '{tenantId}',
      tenantId
    )
    // The declaration's subject is the daemon identity by display name; Entra wants its object id.
    ficSubject: daemonIdentity.properties.principalId
  }
}

var registryServer = registry.properties.loginServer

module protectedApi 'modules/container-app.bicep' = {
  name: 'protected-api'
  dependsOn: [acrPull]
  params: {
    name: '${namePrefix}-protected-api'
    location: location
    environmentId: containerEnvironment.id
    image: '${registryServer}/entra-s2s/protected-api:${imageTag}'
    registryServer: registryServer
    pullIdentityId: pullIdentity.id
    port: 3000
    externalIngress: true
    minReplicas: apiMinReplicas
    maxReplicas: apiMaxReplicas
    concurrentRequests: apiConcurrentRequests
    env: [
      { name: 'PORT', value: '3000' }
      { name: 'AUTH_AUTHORITY_HOST', value: authorityHost }
      { name: 'AUTH_TENANT_ID', value: tenantId }
      // v1.0 tokens carry the App ID URI as aud, v2.0 tokens the client id: accept both.
      { name: 'AUTH_AUDIENCES', value: '${identifierUri},${entraApplications.outputs.apiAppId}' }
    ]
  }
}

// Graph assignments to an identity created minutes ago can fail with "Not a valid reference
// update" until Entra has replicated it. Depending on protected-api (which waits for the
// environment and a first revision) puts minutes between the two without a deployment script;
// a failure is still possible and a re-run of the same deployment completes it (v1.0 assignments
// are idempotent). The daemon starts only afterwards: a token taken before the assignment would
// lack the role for as long as the platform caches it (up to 24 h).
module roleAssignments 'modules/entra-role-assignments.bicep' = {
  name: 'entra-role-assignments'
  dependsOn: [protectedApi]
  params: {
    resourceServicePrincipalId: entraApplications.outputs.apiServicePrincipalId
    appRoleIds: toObject(apiDeclaration.appRoles, role => role.value, role => role.id)
    daemonPrincipalId: daemonIdentity.properties.principalId
    daemonRoles: daemonRoles
    ficServicePrincipalId: entraApplications.outputs.ficServicePrincipalId
    ficRoles: ficRoles
  }
}

var daemonFederatedEnv = authMode == 'federated'
  ? [
      { name: 'FIC_TENANT_ID', value: tenantId }
      { name: 'FIC_CLIENT_ID', value: entraApplications.outputs.ficAppId }
      { name: 'FIC_AUTHORITY_HOST', value: authorityHost }
    ]
  : []

// One replica: the daemon calls on a schedule rather than draining a queue, so every extra
// replica would multiply the calls (and tokens) instead of sharing work.
module consumerDaemon 'modules/container-app.bicep' = {
  name: 'consumer-daemon'
  dependsOn: [acrPull, roleAssignments]
  params: {
    name: '${namePrefix}-consumer-daemon'
    location: location
    environmentId: containerEnvironment.id
    image: '${registryServer}/entra-s2s/consumer-daemon:${imageTag}'
    registryServer: registryServer
    pullIdentityId: pullIdentity.id
    callerIdentityId: daemonIdentity.id
    port: 3001
    externalIngress: false
    minReplicas: 1
    maxReplicas: 1
    concurrentRequests: 0
    // IDENTITY_ENDPOINT and IDENTITY_HEADER are set by Container Apps itself.
    env: concat(
      [
        { name: 'PORT', value: '3001' }
        { name: 'AUTH_MODE', value: authMode }
        { name: 'PROTECTED_API_URL', value: protectedApi.outputs.url }
        { name: 'API_SCOPE', value: '${identifierUri}/.default' }
        { name: 'AZURE_CLIENT_ID', value: daemonIdentity.properties.clientId }
        { name: 'CALL_INTERVAL_MS', value: string(callIntervalMs) }
      ],
      daemonFederatedEnv
    )
  }
}

@description('Base URL of protected-api.')
output apiUrl string = protectedApi.outputs.url
@description('Application (client) id of the API app registration.')
output apiAppId string = entraApplications.outputs.apiAppId
output apiIdentifierUri string = identifierUri
@description('Application (client) id of the app registration that trusts the daemon identity (federated mode).')
output ficAppId string = entraApplications.outputs.ficAppId
@description('Object (principal) id of the daemon identity: the principal of its app role assignment.')
output daemonPrincipalId string = daemonIdentity.properties.principalId
output daemonClientId string = daemonIdentity.properties.clientId
output daemonAppName string = consumerDaemon.outputs.name
output tenantId string = tenantId
