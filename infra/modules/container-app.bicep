// One Container App of entra-s2s: image pulled with the pull identity, probes on the /healthz and
// /readyz routes every app of the project serves, optional external ingress and HTTP scale rule.

param name string
param location string
param environmentId string
param image string
param registryServer string

@description('Resource id of the user-assigned identity that pulls the image.')
param pullIdentityId string

@description('Resource id of a user-assigned identity the app authenticates as (empty = none).')
param callerIdentityId string = ''

param port int

@description('true: public HTTPS ingress. false: no ingress (the app only calls out).')
param externalIngress bool

param env array
param minReplicas int
param maxReplicas int

@description('Concurrent requests per replica that trigger a scale-out (0 = no HTTP scale rule).')
param concurrentRequests int

var identities = union(
  { '${pullIdentityId}': {} },
  empty(callerIdentityId) ? {} : { '${callerIdentityId}': {} }
)

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: identities
  }
  properties: {
    managedEnvironmentId: environmentId
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: externalIngress
        ? {
            external: true
            targetPort: port
            transport: 'http'
            allowInsecure: false
          }
        : null
      registries: [
        {
          server: registryServer
          identity: pullIdentityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: name
          image: image
          resources: {
            cpu: json('0.25')
            memory: '0.5Gi'
          }
          env: env
          probes: [
            // Startup and readiness wait for /readyz (the API: metadata and signing keys loaded;
            // the daemon: a usable token); liveness only asks whether the process serves.
            {
              type: 'Startup'
              httpGet: { path: '/readyz', port: port }
              periodSeconds: 3
              failureThreshold: 10
            }
            {
              type: 'Readiness'
              httpGet: { path: '/readyz', port: port }
              periodSeconds: 5
              failureThreshold: 3
            }
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: port }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: concurrentRequests > 0
          ? [
              {
                name: 'http-concurrency'
                http: { metadata: { concurrentRequests: string(concurrentRequests) } }
              }
            ]
          : []
      }
    }
  }
}

output name string = app.name
output url string = externalIngress ? 'https://${app.properties.configuration.ingress.fqdn}' : ''
