using './main.bicep'

// Fill in after `./entra-setup.sh api` and after pushing the images.
param registryServer = 'myregistry.azurecr.io'
param registryName = 'myregistry'
param apiAppId = '00000000-0000-0000-0000-000000000000'
param apiIdentifierUri = 'https://myapp.aztoso.com'
param authMode = 'managed-identity'
