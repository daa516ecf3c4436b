// What the Graph read and change controllers share: Graph's 404 and the views of the objects.
import type { Application, FederatedIdentityCredential } from '../directory/directory.types.js';
import type { IdentityDirectory } from '../directory/identity-directory.js';
import { EntraError } from '../errors/entra-error.js';

export function graphNotFound(kind: string, id: string): EntraError {
  return new EntraError(
    404,
    'not_found',
    undefined,
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present (${kind}).`,
  );
}

export function applicationByObjectId(directory: IdentityDirectory, objectId: string): Application {
  const found = directory.applicationByObjectId(objectId);
  if (!found) throw graphNotFound('application', objectId);
  return found.app;
}

export const federatedCredentialView = (app: Application, fic: FederatedIdentityCredential) => ({
  id: `${app.objectId}:${fic.name}`,
  ...fic,
});
