// entra-s2s on Azure Container Apps: protected-api (external ingress) and consumer-daemon (no
// ingress, user-assigned managed identity). Entra objects (app registration, app roles, role
// assignment, federated credential) are made by entra-setup.sh: Bicep's Graph extension lives in a
// registry, and these templates stay raw so that `az bicep build` works offline.
targetScope = 'resourceGroup'

@description('Region for every resource.')
param location string = resourceGroup().location

@description('Short prefix for resource names.')
@minLength(3)
@maxLength(12)
param namePrefix string = 'entras2s'

@description('Container registry login server, e.g. myregistry.azurecr.io.')
param registryServer string

@description('Name of that registry (must be in this resource group) so the pull identity can be granted AcrPull.')
param registryName string

@description('Image tag pushed for both apps (<registry>/entra-s2s/<app>:<tag>).')
param imageTag string = 'latest'

@description('Tenant whose tokens the API accepts.')
param tenantId string = subscription().tenantId

@description('Application (client) ID of the API app registration (entra-setup.sh api prints it).')
param apiAppId string

@description('App ID URI of the API app registration.')
param apiIdentifierUri string = 'https://myapp.aztoso.com'

@description('managed-identity: the daemon calls with its own identity token. federated: it exchanges that token for the FIC app registration token.')
@allowed(['managed-identity', 'federated'])
param authMode string = 'managed-identity'

@description('Client ID of the app registration that trusts the daemon identity through a federated credential (federated mode only).')
param ficClientId string = ''

@description('Milliseconds between the daemon calls.')
param callIntervalMs int = 30000

// loginEndpoint ends with '/'; the API appends '/{tenant}/v2.0/...' itself.
var loginEndpoint = environment().authentication.loginEndpoint
var authorityHost = endsWith(loginEndpoint, '/') ? substring(loginEndpoint, 0, length(loginEndpoint) - 1) : loginEndpoint
var apiImage = '${registryServer}/entra-s2s/protected-api:${imageTag}'
var daemonImage = '${registryServer}/entra-s2s/consumer-daemon:${imageTag}'
var acrPullRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource containerEnv 'Microsoft.App/managedEnvironments@2024-03-01' = {
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

// Pulls images for both apps; kept apart from the daemon's calling identity so that the identity
// holding the API's app role has no other permission.
resource pullIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${namePrefix}-acr-pull'
  location: location
}

// The identity the daemon authenticates as; entra-setup.sh assigns it the API's `consumer` role.
resource daemonIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-consumer-daemon'
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

resource api 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${namePrefix}-protected-api'
  location: location
  dependsOn: [acrPull]
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${pullIdentity.id}': {} }
  }
  properties: {
    managedEnvironmentId: containerEnv.id
    configuration: {
      ingress: {
        external: true
        targetPort: 3000
        transport: 'http'
        allowInsecure: false
      }
      registries: [{ server: registryServer, identity: pullIdentity.id }]
    }
    template: {
      containers: [
        {
          name: 'protected-api'
          image: apiImage
          resources: { cpu: json('0.25'), memory: '0.5Gi' }
          env: [
            { name: 'PORT', value: '3000' }
            { name: 'AUTH_AUTHORITY_HOST', value: authorityHost }
            { name: 'AUTH_TENANT_ID', value: tenantId }
            { name: 'AUTH_AUDIENCES', value: '${apiIdentifierUri},${apiAppId}' }
          ]
          probes: [
            { type: 'Liveness', httpGet: { path: '/healthz', port: 3000 }, periodSeconds: 10 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: 3000 }, periodSeconds: 5 }
          ]
        }
      ]
      scale: { minReplicas: 1, maxReplicas: 3 }
    }
  }
}

resource daemon 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${namePrefix}-consumer-daemon'
  location: location
  dependsOn: [acrPull]
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${pullIdentity.id}': {}
      '${daemonIdentity.id}': {}
    }
  }
  properties: {
    managedEnvironmentId: containerEnv.id
    configuration: {
      registries: [{ server: registryServer, identity: pullIdentity.id }]
    }
    template: {
      containers: [
        {
          name: 'consumer-daemon'
          image: daemonImage
          resources: { cpu: json('0.25'), memory: '0.5Gi' }
          // IDENTITY_ENDPOINT and IDENTITY_HEADER are set by Container Apps itself.
          env: [
            { name: 'PORT', value: '3001' }
            { name: 'AUTH_MODE', value: authMode }
            { name: 'PROTECTED_API_URL', value: 'https://${api.properties.configuration.ingress.fqdn}' }
            { name: 'API_SCOPE', value: '${apiIdentifierUri}/.default' }
            { name: 'AZURE_CLIENT_ID', value: daemonIdentity.properties.clientId }
            { name: 'FIC_TENANT_ID', value: tenantId }
            { name: 'FIC_CLIENT_ID', value: ficClientId }
            { name: 'CALL_INTERVAL_MS', value: string(callIntervalMs) }
          ]
          probes: [
            { type: 'Liveness', httpGet: { path: '/healthz', port: 3001 }, periodSeconds: 10 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: 3001 }, periodSeconds: 10 }
          ]
        }
      ]
      scale: { minReplicas: 1, maxReplicas: 1 }
    }
  }
}

@description('Object (principal) ID of the daemon identity: pass it to `entra-setup.sh assign`.')
output daemonPrincipalId string = daemonIdentity.properties.principalId
output daemonClientId string = daemonIdentity.properties.clientId
output apiUrl string = 'https://${api.properties.configuration.ingress.fqdn}'
