// The deployment the specs reason about: infra/main.bicep with infra/main.parameters.json, the
// registry name a user must supply, and the auth mode under test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BicepTemplate, TemplateEvaluation } from './bicep-template.js';

export const INFRA_DIR = join(import.meta.dirname, '..');

export function parametersFile(): Record<string, unknown> {
  const file = JSON.parse(readFileSync(join(INFRA_DIR, 'main.parameters.json'), 'utf8')) as {
    parameters: Record<string, { value: unknown }>;
  };
  return Object.fromEntries(
    Object.entries(file.parameters).map(([name, { value }]) => [name, value]),
  );
}

export const AUTH_MODES = ['managed-identity', 'federated'] as const;

export function mainDeployment(authMode: (typeof AUTH_MODES)[number]): TemplateEvaluation {
  return new TemplateEvaluation(BicepTemplate.load(join(INFRA_DIR, 'main.bicep')), {
    ...parametersFile(),
    registryName: 'entras2sregistry',
    authMode,
  });
}

/** The environment a container app module of the deployment receives, as a plain record. */
export function containerEnv(
  deployment: TemplateEvaluation,
  module: string,
): Record<string, string> {
  const params = deployment.module(module);
  const env = params.symbol('env') as { name: string; value: unknown }[];
  return Object.fromEntries(env.map(({ name, value }) => [name, String(value)]));
}
