// App role assignments on the API's service principal (Graph appRoleAssignedTo, v1.0: a redeploy
// finds the existing assignment instead of failing as a duplicate like beta does).
extension microsoftGraphV1

@description('Object id of the API\'s service principal (the resource of every assignment).')
param resourceServicePrincipalId string

@description('The API\'s app role ids by value: the declaration names a role by value, Graph wants its id.')
param appRoleIds object

@description('Object (principal) id of the daemon\'s managed identity.')
param daemonPrincipalId string

@description('Role values the daemon\'s identity holds.')
param daemonRoles array

@description('Object id of the FIC app\'s service principal.')
param ficServicePrincipalId string

@description('Role values the FIC app holds.')
param ficRoles array

resource daemonAssignment 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for role in daemonRoles: {
    resourceId: resourceServicePrincipalId
    principalId: daemonPrincipalId
    appRoleId: appRoleIds[role]
  }
]

resource ficAssignment 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for role in ficRoles: {
    resourceId: resourceServicePrincipalId
    principalId: ficServicePrincipalId
    appRoleId: appRoleIds[role]
  }
]
