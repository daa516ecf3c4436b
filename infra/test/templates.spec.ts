// Offline checks of the Bicep templates: they parse, every declaration is used, modules get the
// parameters they declare, the parameters file fits main.bicep, and every Microsoft Graph resource
// matches the Graph extension's published types. What only Azure can check: infra/README.md.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BicepTemplate } from './bicep-template.js';
import { AUTH_MODES, INFRA_DIR, mainDeployment, parametersFile } from './deployment.js';
import { GRAPH_TYPES, graphTypeProblems } from './graph-types.js';

const templatePaths = readdirSync(INFRA_DIR, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.bicep'))
  .map((path) => join(INFRA_DIR, path));
const templates = templatePaths.map((path) => BicepTemplate.load(path));
const name = (template: BicepTemplate) => relative(INFRA_DIR, template.path);

describe('Bicep templates (offline)', () => {
  it('finds the templates', () => {
    expect(templates.map(name).sort()).toEqual([
      'main.bicep',
      'modules/container-app.bicep',
      'modules/entra-applications.bicep',
      'modules/entra-role-assignments.bicep',
    ]);
  });

  it.each(templates.map((t) => [name(t), t] as const))(
    '%s parses without syntax errors',
    (_, template) => {
      expect(template.syntaxErrors).toEqual([]);
    },
  );

  it('reports a syntax error where there is one', () => {
    const broken = new BicepTemplate(
      'broken.bicep',
      "param a string\nresource r 'A/b@1' = {\n  name: \n}\n",
    );
    expect(broken.syntaxErrors).not.toEqual([]);
    expect(
      new BicepTemplate('bad-extension.bicep', 'extension microsoftGraphV1 as x\n').syntaxErrors,
    ).not.toEqual([]);
  });

  it('Graph resources come with the microsoftGraphV1 extension, pinned in bicepconfig.json', () => {
    const config = JSON.parse(readFileSync(join(INFRA_DIR, 'bicepconfig.json'), 'utf8')) as {
      extensions: Record<string, string>;
    };
    // the version whose types the Graph resources are checked against below
    expect(config.extensions.microsoftGraphV1).toBe(GRAPH_TYPES.extension);
    for (const template of templates) {
      const usesGraph = [...template.resources.values()].some((r) =>
        r.type.startsWith('Microsoft.Graph/'),
      );
      expect({ file: name(template), extensions: template.extensions }).toEqual({
        file: name(template),
        extensions: usesGraph ? ['microsoftGraphV1'] : [],
      });
    }
  });

  it.each(templates.map((t) => [name(t), t] as const))(
    '%s uses every parameter and variable',
    (_, template) => {
      const referenced = template.referencedNames();
      const unused = [...template.parameters.keys(), ...template.variables.keys()].filter(
        (n) => !referenced.has(n),
      );
      expect(unused).toEqual([]);
    },
  );

  it('every module gets exactly the parameters it declares (all the required ones)', () => {
    for (const template of templates) {
      for (const module of template.modules.values()) {
        const target = BicepTemplate.load(join(template.path, '..', module.path));
        const params = BicepTemplate.propertyValue(module.body, 'params')!;
        const passed = BicepTemplate.propertyNames(params);
        const required = [...target.parameters.values()]
          .filter((p) => !p.defaultValue)
          .map((p) => p.name);
        expect({
          module: module.name,
          unknown: passed.filter((p) => !target.parameters.has(p)),
        }).toEqual({
          module: module.name,
          unknown: [],
        });
        expect({
          module: module.name,
          missing: required.filter((p) => !passed.includes(p)),
        }).toEqual({
          module: module.name,
          missing: [],
        });
      }
    }
  });

  it('main.parameters.json sets only parameters of main.bicep, all the required ones but the registry', () => {
    const main = templates.find((t) => name(t) === 'main.bicep')!;
    const given = Object.keys(parametersFile());
    expect(given.filter((p) => !main.parameters.has(p))).toEqual([]);
    const required = [...main.parameters.values()]
      .filter((p) => !p.defaultValue)
      .map((p) => p.name);
    expect(required.filter((p) => !given.includes(p))).toEqual([]);
  });

  it('parameter values respect their @allowed, @minValue and @maxValue', () => {
    const main = templates.find((t) => name(t) === 'main.bicep')!;
    const deployment = mainDeployment('managed-identity');
    const violations = [...main.parameters.values()].flatMap((parameter) => {
      const value = deployment.symbol(parameter.name);
      const argument = (decorator: string) => {
        const args = parameter.decorators.get(decorator);
        return args ? deployment.evaluate(args[0]) : undefined;
      };
      const allowed = argument('allowed') as unknown[] | undefined;
      const min = argument('minValue') as number | undefined;
      const max = argument('maxValue') as number | undefined;
      return [
        allowed && !allowed.includes(value)
          ? `${parameter.name}: not one of ${allowed.join(', ')}`
          : [],
        min !== undefined && (value as number) < min ? `${parameter.name}: below ${min}` : [],
        max !== undefined && (value as number) > max ? `${parameter.name}: above ${max}` : [],
      ].flat();
    });
    expect(violations).toEqual([]);
    expect(deployment.symbol('apiMaxReplicas')).toBeGreaterThanOrEqual(
      deployment.symbol('apiMinReplicas') as number,
    );
  });

  it.each(AUTH_MODES)(
    'every Graph resource matches the extension types (v1.0 only), %s',
    (authMode) => {
      const deployment = mainDeployment(authMode);
      const graphModules = [...deployment.template.modules.keys()].map((m) => deployment.module(m));
      let checked = 0;
      for (const module of graphModules) {
        for (const resource of module.template.resources.values()) {
          if (!resource.type.startsWith('Microsoft.Graph/')) continue;
          expect(resource.type).toMatch(/@v1\.0$/);
          const bodies = [module.resource(resource.name)].flat().filter((b) => b !== null);
          for (const body of bodies) {
            expect({
              resource: resource.name,
              problems: graphTypeProblems(resource.type, body),
            }).toEqual({
              resource: resource.name,
              problems: [],
            });
            checked++;
          }
        }
      }
      // API app + SP, FIC app + credential + SP, two assignments
      expect(checked).toBe(7);
    },
  );

  it('the federated credential is nested in its application and named after its uniqueName', () => {
    // declared beside the application (or without the parent's uniqueName) the write races it or
    // is not found: msgraph-bicep-types issues 301 and 271
    const entra = templates.find((t) => name(t) === 'modules/entra-applications.bicep')!;
    const credentials = [...entra.resources.values()].filter((r) =>
      r.type.startsWith('Microsoft.Graph/applications/federatedIdentityCredentials'),
    );
    expect(credentials.map((r) => r.parent)).toEqual(['ficApplication']);
    expect(BicepTemplate.propertyValue(credentials[0].body, 'name')?.text).toMatch(
      /^'\$\{ficApplication\.uniqueName\}\//,
    );
  });

  it('the types check finds a misspelled, a read-only and a missing property', () => {
    expect(
      graphTypeProblems('Microsoft.Graph/applications@v1.0', {
        displayName: 'x',
        identifierUri: [],
        appId: 'y',
      }),
    ).toEqual([
      'Microsoft.Graph/applications@v1.0: identifierUri is not a property',
      'Microsoft.Graph/applications@v1.0: appId is read-only',
      'Microsoft.Graph/applications@v1.0: uniqueName is required',
    ]);
    expect(graphTypeProblems('Microsoft.Graph/appRoleAssignedTo@beta', {})).toEqual([
      'Microsoft.Graph/appRoleAssignedTo@beta is not a type of the v1.0 extension',
    ]);
  });
});
