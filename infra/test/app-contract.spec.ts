// What the deployment gives the apps is what the apps read and enforce: the environment each
// container gets is accepted by that app's own config parser and every variable in it is read;
// the API app registration's identifier URI and roles are the audience and roles protected-api
// checks; the Entra objects are those of the declaration `npm run provision` applies.
import { join } from 'node:path';
import { Reflector } from '@nestjs/core';
import { RequiredAccess } from '@app/auth';
import { parseDaemonConfig } from '../../apps/consumer-daemon/src/config/daemon-config.js';
import { parseProtectedApiConfig } from '../../apps/protected-api/src/config/protected-api-config.js';
import { protectedApiModule } from '../../apps/protected-api/src/app.module.js';
import { readDeclaration, type Declaration } from '../provision/declaration.js';
import { BicepTemplate, DeploymentValue } from './bicep-template.js';
import { AUTH_MODES, INFRA_DIR, containerEnv, mainDeployment } from './deployment.js';

type Environment = Record<string, string>;

/** Runs a config parser on `env`, recording every variable name it looks up. */
function readVariables(parse: (env: Environment) => unknown, env: Environment): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get: (target, name) => {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
    has: (target, name) => {
      if (typeof name === 'string') read.add(name);
      return name in target;
    },
  });
  parse(recording);
  return read;
}

const notRead = (env: Environment, read: Set<string>) =>
  Object.keys(env).filter((name) => !read.has(name));

// Read the way `npm run provision` reads it: validated, with its defaults applied.
const declaration: Declaration = readDeclaration(join(INFRA_DIR, 'entra', 'demo.entra.json'));

/** Role values protected-api's controllers require (@Roles / @AllRoles / @Auth metadata). */
function rolesEnforcedByApi(env: Environment): Set<string> {
  const reflector = new Reflector();
  const roles = new Set<string>();
  const controllers = protectedApiModule(parseProtectedApiConfig(env)).controllers ?? [];
  for (const controller of controllers) {
    const handlers = Object.getOwnPropertyNames(controller.prototype).map(
      (key) => controller.prototype[key] as object,
    );
    for (const target of [controller, ...handlers]) {
      const requirement = reflector.get(RequiredAccess, target as never);
      if (requirement?.kind === 'appRoles' || requirement?.kind === 'scopesOrAppRoles')
        requirement.roles.forEach((role) => roles.add(role));
    }
  }
  return roles;
}

describe.each(AUTH_MODES)('the deployment in %s mode and the apps', (authMode) => {
  const deployment = mainDeployment(authMode);
  const apiEnv = containerEnv(deployment, 'protectedApi');
  const daemonEnv = containerEnv(deployment, 'consumerDaemon');

  it('protected-api accepts its environment and reads every variable of it', () => {
    expect(notRead(apiEnv, readVariables(parseProtectedApiConfig, apiEnv))).toEqual([]);
  });

  it('consumer-daemon accepts its environment and reads every variable of it', () => {
    expect(parseDaemonConfig(daemonEnv).mode).toBe(authMode);
    expect(notRead(daemonEnv, readVariables(parseDaemonConfig, daemonEnv))).toEqual([]);
  });

  it('the daemon calls the API the deployment exposes, for the audience the API accepts', () => {
    const daemon = parseDaemonConfig(daemonEnv);
    const api = parseProtectedApiConfig(apiEnv).auth;
    expect(daemon.protectedApiUrl).toBe(deployment.module('protectedApi').outputs().url);
    const resource = daemon.apiScope.replace(/\/\.default$/, '');
    const apiApplication = deployment.module('entraApplications').resource('apiApplication') as {
      identifierUris: string[];
      api: { requestedAccessTokenVersion: number };
    };
    expect(apiApplication.identifierUris).toEqual([resource]);
    // Entra puts the App ID URI in aud of v1.0 tokens and the client id in v2.0 tokens.
    const appId = String(deployment.module('entraApplications').outputs().apiAppId);
    const audience = apiApplication.api.requestedAccessTokenVersion === 2 ? appId : resource;
    expect(api.audiences).toContain(audience);
    expect(api.audiences).toEqual([resource, appId]);
    expect(api.tenantId).toBe(String(deployment.outputs().tenantId));
  });

  it('in federated mode the daemon exchanges its token for the FIC app of this deployment', () => {
    expect(parseDaemonConfig(daemonEnv).federated).toEqual(
      authMode === 'federated'
        ? {
            tenantId: String(deployment.outputs().tenantId),
            clientId: String(deployment.outputs().ficAppId),
            authorityHost: 'https://login.microsoftonline.com',
          }
        : undefined,
    );
  });

  it('the daemon runs as one replica with its own identity; the API scales out over HTTP', () => {
    const daemon = deployment.module('consumerDaemon');
    const api = deployment.module('protectedApi');
    expect([daemon.symbol('minReplicas'), daemon.symbol('maxReplicas')]).toEqual([1, 1]);
    expect(String(parseDaemonConfig(daemonEnv).managedIdentityClientId)).toBe(
      String(deployment.outputs().daemonClientId),
    );
    const apiApp = api.resource('app') as {
      properties: { template: { scale: { maxReplicas: number; rules: { http?: unknown }[] } } };
    };
    expect(apiApp.properties.template.scale.maxReplicas).toBeGreaterThan(1);
    expect(
      apiApp.properties.template.scale.rules.map((rule) => Object.keys(rule.http ?? {})),
    ).toEqual([['metadata']]);
  });

  it('probes ask /healthz for liveness and /readyz for startup and readiness on the app port', () => {
    for (const [module, env] of [
      ['protectedApi', apiEnv],
      ['consumerDaemon', daemonEnv],
    ] as const) {
      const app = deployment.module(module).resource('app') as {
        properties: {
          template: {
            containers: { probes: { type: string; httpGet: { path: string; port: number } }[] }[];
          };
        };
      };
      const probes = app.properties.template.containers[0].probes.map((probe) => [
        probe.type,
        probe.httpGet.path,
        probe.httpGet.port,
      ]);
      const port = Number(env.PORT);
      expect(probes.sort()).toEqual([
        ['Liveness', '/healthz', port],
        ['Readiness', '/readyz', port],
        ['Startup', '/readyz', port],
      ]);
    }
  });
});

describe('the Entra objects of the deployment', () => {
  const deployment = mainDeployment('managed-identity');
  const entra = deployment.module('entraApplications');
  const apiDeclaration = declaration.applications.find((app) => app.appRoles.length > 0)!;
  const ficDeclaration = declaration.applications.find(
    (app) => app.federatedIdentityCredentials.length > 0,
  )!;
  const tokenVersion = (version: 1 | 2 | null) => version ?? 1;

  it('declares only what this template can express: one API, one FIC app, the daemon identity', () => {
    expect(declaration.applications).toEqual([apiDeclaration, ficDeclaration]);
    const daemonIdentity = deployment.symbol('daemonIdentityName');
    expect(ficDeclaration.federatedIdentityCredentials).toEqual([
      expect.objectContaining({ subject: { displayName: daemonIdentity } }),
    ]);
    for (const assignment of declaration.appRoleAssignments) {
      expect(assignment.resource).toBe(apiDeclaration.displayName);
      expect([
        { displayName: daemonIdentity },
        { application: ficDeclaration.displayName },
      ]).toContainEqual(assignment.principal);
    }
  });

  it('the API app registration is the declared one, with the roles protected-api enforces', () => {
    const apiApplication = entra.resource('apiApplication') as {
      displayName: string;
      identifierUris: string[];
      appRoles: unknown[];
      api: { requestedAccessTokenVersion: number };
    };
    expect(apiApplication.displayName).toBe(apiDeclaration.displayName);
    expect(apiApplication.identifierUris).toEqual(apiDeclaration.identifierUris);
    expect(apiApplication.api.requestedAccessTokenVersion).toBe(
      tokenVersion(apiDeclaration.requestedAccessTokenVersion),
    );
    expect(apiApplication.appRoles).toEqual(apiDeclaration.appRoles);
    expect(entra.resource('apiServicePrincipal')).toMatchObject(apiDeclaration.servicePrincipal);
    const enforced = rolesEnforcedByApi(containerEnv(deployment, 'protectedApi'));
    expect(apiDeclaration.appRoles.map((role) => role.value).sort()).toEqual([...enforced].sort());
  });

  it('the FIC app trusts the daemon identity as the declaration says', () => {
    const ficApplication = entra.resource('ficApplication') as {
      displayName: string;
      api: { requestedAccessTokenVersion: number };
    };
    expect(ficApplication.displayName).toBe(ficDeclaration.displayName);
    expect(ficApplication.api.requestedAccessTokenVersion).toBe(
      tokenVersion(ficDeclaration.requestedAccessTokenVersion),
    );
    expect(entra.resource('ficServicePrincipal')).toMatchObject(ficDeclaration.servicePrincipal);
    const credential = entra.resource('managedIdentityCredential') as Record<string, unknown>;
    const declared = ficDeclaration.federatedIdentityCredentials[0];
    const uniqueName = String(new DeploymentValue('entraApplications/ficApplication.uniqueName'));
    expect(credential.name).toBe(`${uniqueName}/${declared.name}`);
    expect(credential.audiences).toEqual(declared.audiences);
    expect(credential.description ?? undefined).toBe(declared.description);
    expect(credential.issuer).toBe(
      declared.issuer
        .replace('{authorityHost}', 'https://login.microsoftonline.com')
        .replace('{tenantId}', String(deployment.outputs().tenantId)),
    );
    expect(String(credential.subject)).toBe(String(deployment.outputs().daemonPrincipalId));
  });

  it('the role assignments are the declared ones: the daemon identity and the FIC app hold their roles', () => {
    const roleAssignments = deployment.module('roleAssignments');
    const assignments = [
      ...(roleAssignments.resource('daemonAssignment') as Record<string, unknown>[]),
      ...(roleAssignments.resource('ficAssignment') as Record<string, unknown>[]),
    ];
    const principalOf = (principal: Declaration['appRoleAssignments'][number]['principal']) =>
      'application' in principal
        ? String(entra.outputs().ficServicePrincipalId)
        : String(deployment.outputs().daemonPrincipalId);
    const roleId = (value: string) =>
      apiDeclaration.appRoles.find((role) => role.value === value)!.id;
    const expected = declaration.appRoleAssignments.map((declared) => ({
      resourceId: String(entra.outputs().apiServicePrincipalId),
      principalId: principalOf(declared.principal),
      appRoleId: roleId(declared.appRole),
    }));
    const actual = assignments.map((assignment) => ({
      resourceId: String(assignment.resourceId),
      principalId: String(assignment.principalId),
      appRoleId: assignment.appRoleId,
    }));
    expect(actual.length).toBeGreaterThan(0);
    expect(actual.sort(byJson)).toEqual(expected.sort(byJson));
  });

  it('the daemon starts only after its role is assigned (a token without it would be cached for hours)', () => {
    const dependsOn = (module: string) =>
      BicepTemplate.propertyValue(deployment.template.modules.get(module)!.body, 'dependsOn')?.text;
    expect(dependsOn('consumerDaemon')).toContain('roleAssignments');
    expect(dependsOn('roleAssignments')).toContain('protectedApi');
  });
});

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('the env check itself', () => {
  it('finds a variable the parser does not read', () => {
    const env = {
      ...containerEnv(mainDeployment('managed-identity'), 'protectedApi'),
      AUTH_AUDIENCE: 'x',
    };
    expect(notRead(env, readVariables(parseProtectedApiConfig, env))).toEqual(['AUTH_AUDIENCE']);
  });
});
