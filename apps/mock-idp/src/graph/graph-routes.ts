// The Microsoft Graph surface of the emulator, mounted by MockIdpModule: controllers in route
// order (the fallback for unknown segments last) and the providers they need.
import { AlternateKeysController } from './alternate-keys.controller.js';
import { AppRoleAssignmentsController } from './app-role-assignments.controller.js';
import { ApplicationsController } from './applications.controller.js';
import { FederatedCredentialsController } from './federated-credentials.controller.js';
import { GraphAuthorization } from './graph-authorization.js';
import { GraphExceptionFilter } from './graph-exception.filter.js';
import { GraphFallbackController } from './graph-fallback.controller.js';
import { GraphViews } from './graph-views.js';
import { ServicePrincipalsController } from './service-principals.controller.js';

export const GRAPH_CONTROLLERS = [
  ApplicationsController,
  FederatedCredentialsController,
  ServicePrincipalsController,
  AppRoleAssignmentsController,
  AlternateKeysController,
  GraphFallbackController,
];

export const GRAPH_PROVIDERS = [GraphViews, GraphAuthorization, GraphExceptionFilter];
