#!/usr/bin/env bash
# Entra ID side of entra-s2s, as in shared/reference: the API app registration with its app roles,
# its service principal, the role assignment of the daemon's managed identity, and (federated mode)
# an app registration that trusts the managed identity through a federated identity credential.
#
#   ./entra-setup.sh api    [displayName] [identifierUri]      -> prints the API appId
#   ./entra-setup.sh assign <principalObjectId> <apiAppId> [role]
#   ./entra-setup.sh fic    <managedIdentityPrincipalId> <apiAppId> [displayName]
#
# Needs: az CLI logged in to the tenant with rights to create applications (Application Developer)
# and to grant app role assignments (Cloud Application Administrator or app owner).
set -euo pipefail

graph=https://graph.microsoft.com/v1.0

app_roles_manifest() {
  # `consumer` is what the daemon holds; `writer` guards POST /api/items (nobody holds it in the demo).
  cat <<JSON
[
  {"allowedMemberTypes":["Application"],"description":"Consumers can use the service","displayName":"Consumer","isEnabled":true,"value":"consumer"},
  {"allowedMemberTypes":["Application"],"description":"Writers can create items","displayName":"Writer","isEnabled":true,"value":"writer"}
]
JSON
}

ensure_service_principal() {
  local appId=$1
  az ad sp show --id "$appId" --query id -o tsv 2>/dev/null || az ad sp create --id "$appId" --query id -o tsv
}

cmd_api() {
  local name=${1:-aztoso-com-app} uri=${2:-https://myapp.aztoso.com}
  local manifest appId
  manifest=$(mktemp)
  trap 'rm -f "$manifest"' RETURN
  app_roles_manifest >"$manifest"
  appId=$(az ad app list --identifier-uri "$uri" --query '[0].appId' -o tsv)
  if [ -z "$appId" ]; then
    appId=$(az ad app create --display-name "$name" --identifier-uris "$uri" --app-roles @"$manifest" --query appId -o tsv)
  else
    az ad app update --id "$appId" --app-roles @"$manifest"
  fi
  ensure_service_principal "$appId" >/dev/null
  echo "$appId"
}

cmd_assign() {
  local principalId=${1:?principal object id} apiAppId=${2:?API appId} role=${3:-consumer}
  local resourceId appRoleId
  resourceId=$(ensure_service_principal "$apiAppId")
  appRoleId=$(az ad sp show --id "$apiAppId" --query "appRoles[?value=='$role'].id | [0]" -o tsv)
  [ -n "$appRoleId" ] || { echo "role '$role' not found on $apiAppId" >&2; exit 1; }
  az rest --method POST --uri "$graph/servicePrincipals/$resourceId/appRoleAssignedTo" \
    --headers 'Content-Type=application/json' \
    --body "{\"principalId\":\"$principalId\",\"resourceId\":\"$resourceId\",\"appRoleId\":\"$appRoleId\"}"
}

cmd_fic() {
  local miPrincipalId=${1:?managed identity principal id} apiAppId=${2:?API appId} name=${3:-consumer-fic-app}
  local tenantId appId appObjectId spId
  tenantId=$(az account show --query tenantId -o tsv)
  appId=$(az ad app create --display-name "$name" --query appId -o tsv)
  appObjectId=$(az ad app show --id "$appId" --query id -o tsv)
  spId=$(ensure_service_principal "$appId")
  az rest --method POST --uri "$graph/applications/$appObjectId/federatedIdentityCredentials" \
    --headers 'Content-Type=application/json' \
    --body "{\"name\":\"ManagedIdentityFederation\",\"issuer\":\"https://login.microsoftonline.com/$tenantId/v2.0\",\"subject\":\"$miPrincipalId\",\"audiences\":[\"api://AzureADTokenExchange\"]}"
  cmd_assign "$spId" "$apiAppId" consumer >/dev/null
  echo "$appId"
}

case "${1:-}" in
  api) shift; cmd_api "$@" ;;
  assign) shift; cmd_assign "$@" ;;
  fic) shift; cmd_fic "$@" ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
