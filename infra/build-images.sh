#!/usr/bin/env sh
# Builds the images main.bicep deploys in the registry itself (az acr build: no local Docker):
#   AZURE_REGISTRY_NAME=<registry> [IMAGE_TAG=latest] infra/build-images.sh
# Also the preprovision hook of azure.yaml, so that `azd up` creates the apps after their images exist.
set -eu
cd "$(dirname "$0")/.."
: "${AZURE_REGISTRY_NAME:?set AZURE_REGISTRY_NAME to the registry in the target resource group}"
for app in protected-api consumer-daemon; do
  az acr build --registry "$AZURE_REGISTRY_NAME" --image "entra-s2s/$app:${IMAGE_TAG:-latest}" \
    --build-arg "APP=$app" .
done
