// App role assignments on the API's service principal (Graph appRoleAssignedTo, v1.0: a redeploy
// finds the existing assignment instead of failing as a duplicate like beta does).
extension microsoftGraphV1

@description('Object id of the API\'s service principal (the resource of every assignment).')
param resourceServicePrincipalId string

@description('The API\'s app roles as declared: the assignment names a role by value, Graph wants its id.')
param appRoles array

@description('[{ principalId, appRole }]: who gets which role (by value).')
param assignments array

resource assignment 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for granted in assignments: {
    resourceId: resourceServicePrincipalId
    principalId: granted.principalId
    appRoleId: first(filter(appRoles, role => (role.value == granted.appRole))).id
  }
]
