// Carries out a plan over Graph, in order, reporting each change as it is made. Objects created
// earlier in the run (an application, its service principal) are referred to by the ids Graph
// returned; a reference to one can fail for a few seconds in real Entra while the new object
// replicates, so those calls (and only those) are retried.
//
// Runs on Node 24 directly (type stripping): erasable TypeScript only.
import { GraphError, type GraphClient } from './graph-client.ts';
import type { Change, FederatedCredentialBody, Plan } from './planner.ts';
import type {
  GraphApplication,
  GraphServicePrincipal,
  ResolvedPrincipal,
  TenantState,
} from './tenant-state.ts';

export interface ApplicationIds {
  objectId?: string;
  appId?: string;
  servicePrincipalId?: string;
}

export interface ApplyOptions {
  /** Receives one line per change, as it is made. */
  log: (line: string) => void;
  /** How long a reference to an object created in this run may keep failing (replication). */
  replicationTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export class Applier {
  private readonly ids = new Map<string, ApplicationIds>();
  private readonly createdInThisRun = new Set<string>();
  private readonly graph: GraphClient;
  private readonly options: ApplyOptions;

  constructor(graph: GraphClient, tenant: TenantState, options: ApplyOptions) {
    this.graph = graph;
    this.options = options;
    for (const [name, state] of tenant.applications)
      this.ids.set(name, {
        objectId: state.application?.id,
        appId: state.application?.appId,
        servicePrincipalId: state.servicePrincipal?.id,
      });
  }

  async apply(plan: Plan): Promise<void> {
    for (const change of plan.changes) {
      await this.applyChange(change);
      this.options.log(`  ${change.summary}`);
    }
  }

  /** The ids of the declared applications, as Graph gave them (after apply(): including new ones). */
  applicationIds(): ReadonlyMap<string, Readonly<ApplicationIds>> {
    return this.ids;
  }

  private idsOf(app: string): ApplicationIds {
    let ids = this.ids.get(app);
    if (!ids) this.ids.set(app, (ids = {}));
    return ids;
  }

  private required(app: string, key: keyof ApplicationIds): string {
    const id = this.idsOf(app)[key];
    if (!id) throw new Error(`internal: ${key} of '${app}' unknown when it is needed`);
    return id;
  }

  private principalId(principal: ResolvedPrincipal): string {
    return 'objectId' in principal
      ? principal.objectId
      : this.required(principal.pendingServicePrincipalOf, 'servicePrincipalId');
  }

  private dependsOnNewObject(...apps: string[]): boolean {
    return apps.some((app) => this.createdInThisRun.has(app));
  }

  /** Retries a call that refers to a just-created object while Graph says it does not exist yet. */
  private async withReplication<T>(newObject: boolean, call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.options.replicationTimeoutMs ?? 60_000);
    for (let delay = 1000; ; delay = Math.min(delay * 2, 8000)) {
      try {
        return await call();
      } catch (error) {
        const replicating =
          newObject && error instanceof GraphError && [400, 404].includes(error.status);
        if (!replicating || Date.now() + delay > deadline) throw error;
        await sleep(delay);
      }
    }
  }

  private credentialBody(body: FederatedCredentialBody) {
    return {
      ...body,
      subject: typeof body.subject === 'string' ? body.subject : this.principalId(body.subject),
    };
  }

  private async applyChange(change: Change): Promise<void> {
    const graph = this.graph;
    switch (change.kind) {
      case 'createApplication': {
        const created = await graph.post<GraphApplication>(
          '/applications',
          change.body,
          'Application.ReadWrite.All',
        );
        Object.assign(this.idsOf(change.app), { objectId: created.id, appId: created.appId });
        this.createdInThisRun.add(change.app);
        return;
      }
      case 'updateApplication':
      case 'removeAppRoles':
        return graph.patch(
          `/applications/${this.required(change.app, 'objectId')}`,
          change.kind === 'removeAppRoles' ? { appRoles: change.appRoles } : change.body,
          'Application.ReadWrite.All',
        );
      case 'createServicePrincipal': {
        const appId = this.required(change.app, 'appId');
        const created = await this.withReplication(this.dependsOnNewObject(change.app), () =>
          graph.post<GraphServicePrincipal>(
            '/servicePrincipals',
            { appId, appRoleAssignmentRequired: change.appRoleAssignmentRequired },
            'Application.ReadWrite.All',
          ),
        );
        this.idsOf(change.app).servicePrincipalId = created.id;
        this.createdInThisRun.add(change.app);
        return;
      }
      case 'updateServicePrincipal':
        return graph.patch(
          `/servicePrincipals/${this.required(change.app, 'servicePrincipalId')}`,
          { appRoleAssignmentRequired: change.appRoleAssignmentRequired },
          'Application.ReadWrite.All',
        );
      case 'createFederatedCredential':
      case 'updateFederatedCredential': {
        const objectId = this.required(change.app, 'objectId');
        const body = this.credentialBody(change.body);
        await this.withReplication(this.dependsOnNewObject(change.app), () =>
          change.kind === 'createFederatedCredential'
            ? graph.post(
                `/applications/${objectId}/federatedIdentityCredentials`,
                body,
                'Application.ReadWrite.All',
              )
            : graph.patch(
                `/applications/${objectId}/federatedIdentityCredentials/${change.credentialId}`,
                {
                  issuer: body.issuer,
                  subject: body.subject,
                  audiences: body.audiences,
                  description: body.description,
                },
                'Application.ReadWrite.All',
              ),
        );
        return;
      }
      case 'deleteFederatedCredential':
        return graph.delete(
          `/applications/${this.required(change.app, 'objectId')}/federatedIdentityCredentials/${change.credentialId}`,
          'Application.ReadWrite.All',
        );
      case 'createAssignment': {
        const resourceId = this.required(change.resource, 'servicePrincipalId');
        const principalId = this.principalId(change.principal);
        const principalApp =
          'pendingServicePrincipalOf' in change.principal
            ? change.principal.pendingServicePrincipalOf
            : change.resource;
        await this.withReplication(this.dependsOnNewObject(change.resource, principalApp), () =>
          graph.post(
            `/servicePrincipals/${resourceId}/appRoleAssignedTo`,
            { principalId, resourceId, appRoleId: change.appRoleId },
            'AppRoleAssignment.ReadWrite.All',
          ),
        );
        return;
      }
      case 'deleteAssignment':
        return graph.delete(
          `/servicePrincipals/${this.required(change.resource, 'servicePrincipalId')}/appRoleAssignedTo/${change.assignmentId}`,
          'AppRoleAssignment.ReadWrite.All',
        );
    }
  }
}
