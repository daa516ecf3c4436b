// protected-api without its global guard, for the benchmarks' "auth off" baseline: the bundle of
// apps/protected-api/bench/auth-off.main.ts, built with the same rspack settings `nest build` uses
// (the CLI's defaults, then the repo's rspack.config.js over them).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../../scripts/stack.ts';

interface RspackStats {
  hasErrors(): boolean;
  toString(options: unknown): string;
}
interface RspackCompiler {
  run(callback: (error: Error | null, stats?: RspackStats) => void): void;
}

const require = createRequire(import.meta.url);
const AUTH_OFF_DIR = resolve(REPO_ROOT, 'dist/bench/protected-api-auth-off');

/** Builds the auth-off bundle; resolves to its main.js. */
export async function buildAuthOffBundle(): Promise<string> {
  const { rspackDefaultsFactory } = (await import(
    resolve(REPO_ROOT, 'node_modules/@nestjs/cli/lib/compiler/defaults/rspack-defaults.js')
  )) as {
    rspackDefaultsFactory: (
      ...args: unknown[]
    ) => Record<string, unknown> & { output: Record<string, unknown> };
  };
  const rspackModule = require('@rspack/core') as { rspack: (config: unknown) => RspackCompiler };
  const { default: repoConfig } = (await import(resolve(REPO_ROOT, 'rspack.config.js'))) as {
    default: (
      defaults: unknown,
      rspack: unknown,
    ) => Record<string, unknown> & {
      output: Record<string, unknown>;
    };
  };
  const tsconfig = resolve(REPO_ROOT, 'apps/protected-api/tsconfig.app.json');
  const defaults = rspackDefaultsFactory(
    resolve(REPO_ROOT, 'apps/protected-api/bench'),
    '',
    'auth-off.main',
    false,
    tsconfig,
    {},
    true,
  );
  const configured = repoConfig(defaults, rspackModule);
  const config = {
    ...configured,
    // bench:profile maps the samples back through it.
    devtool: 'source-map',
    output: { ...configured.output, path: AUTH_OFF_DIR, filename: 'main.js' },
  };
  await new Promise<void>((done, fail) =>
    rspackModule.rspack(config).run((error, stats) => {
      if (error || !stats || stats.hasErrors())
        fail(error ?? new Error(stats?.toString('errors-only') ?? 'rspack failed'));
      else done();
    }),
  );
  return resolve(AUTH_OFF_DIR, 'main.js');
}
