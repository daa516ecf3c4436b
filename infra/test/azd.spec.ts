// azure.yaml and infra/build-images.sh: `azd up` provisions infra/main.bicep after its preprovision
// hook has built exactly the images the deployment pulls. `az` is replaced by a recorder on PATH
// (no Azure here): the spec runs the real script and reads what it asked az to do.
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { INFRA_DIR, mainDeployment } from './deployment.js';

const REPO_ROOT = join(INFRA_DIR, '..');

interface AzdProject {
  name: string;
  infra: { provider: string; path: string; module: string };
  hooks: { preprovision: { shell: string; run: string } };
  services?: unknown;
}
const project = parse(readFileSync(join(REPO_ROOT, 'azure.yaml'), 'utf8')) as AzdProject;

describe('azure.yaml', () => {
  it('provisions infra/main.bicep with its parameters file (azd fills the registry name)', () => {
    // azd's schema: lowercase letters, digits and inner hyphens
    expect(project.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(project.infra.provider).toBe('bicep');
    const base = join(REPO_ROOT, project.infra.path, project.infra.module);
    expect(existsSync(`${base}.bicep`)).toBe(true);
    const parameters = JSON.parse(readFileSync(`${base}.parameters.json`, 'utf8')) as {
      parameters: Record<string, { value: unknown }>;
    };
    expect(parameters.parameters.registryName.value).toBe('${AZURE_REGISTRY_NAME}');
    expect(project.services).toBeUndefined();
  });

  it('its preprovision hook builds, in the registry, the images the deployment pulls', () => {
    const hook = join(REPO_ROOT, project.hooks.preprovision.run);
    accessSync(hook, constants.X_OK);
    const bin = mkdtempSync(join(tmpdir(), 'fake-az-'));
    try {
      const record = join(bin, 'calls.log');
      writeFileSync(join(bin, 'az'), `#!/bin/sh\necho "$(pwd) $*" >> "${record}"\n`, {
        mode: 0o755,
      });
      execFileSync(project.hooks.preprovision.shell, [hook], {
        cwd: tmpdir(),
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          AZURE_REGISTRY_NAME: 'entras2sregistry',
          IMAGE_TAG: 'v7',
        },
      });
      const calls = readFileSync(record, 'utf8').trim().split('\n');
      const deployment = mainDeployment('managed-identity');
      const expected = ['protectedApi', 'consumerDaemon'].map((module) => {
        const image = String(deployment.module(module).symbol('image')).replace(/:latest$/, ':v7');
        const app = /entra-s2s\/([a-z-]+):/.exec(image)![1];
        return `${REPO_ROOT} acr build --registry entras2sregistry --image ${image.replace(/^[^/]+\//, '')} --build-arg APP=${app} .`;
      });
      expect(calls).toEqual(expected);
      // the one Dockerfile at the build context's root takes the app as a build argument
      expect(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')).toMatch(/^ARG APP=/m);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('the build script refuses to run without a registry name', () => {
    const run = () =>
      execFileSync('sh', [join(INFRA_DIR, 'build-images.sh')], {
        env: { PATH: process.env.PATH },
        stdio: 'pipe',
      });
    expect(run).toThrow(/AZURE_REGISTRY_NAME/);
  });
});
