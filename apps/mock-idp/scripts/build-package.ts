// Builds the installable package of the emulator into apps/mock-idp/dist/: one ESM bundle of
// src/index.ts (the app, the bundled demo directory and the repo's own libs inlined; npm
// dependencies left as imports, declared in apps/mock-idp/package.json) compiled like
// `nest build` does (rspack + swc with decorator metadata), and the .d.ts of the public API.
// Run: npm run build:mock-idp-package      (Node 24 type stripping: erasable TypeScript only)
import { execFileSync } from 'node:child_process';
import { builtinModules, createRequire } from 'node:module';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { rspack } = require('@rspack/core');

const APP = resolve(import.meta.dirname, '..');
const ROOT = resolve(APP, '../..');
const OUT = join(APP, 'dist');
const TSCONFIG = join(ROOT, 'tsconfig.json');
const manifest = JSON.parse(readFileSync(join(APP, 'package.json'), 'utf8'));
const dependencies = Object.keys(manifest.dependencies ?? {});

/** An npm dependency of the package (or a subpath of one): left as an import. */
const isDependency = (request: string) =>
  dependencies.some((name) => request === name || request.startsWith(`${name}/`));

rmSync(OUT, { recursive: true, force: true });

const stats: any = await new Promise((done, fail) => {
  rspack(
    {
      entry: { index: join(APP, 'src/index.ts') },
      target: 'node',
      mode: 'none',
      devtool: false,
      output: {
        path: OUT,
        filename: '[name].js',
        module: true,
        library: { type: 'module' },
        chunkFormat: 'module',
      },
      experiments: { outputModule: true, topLevelAwait: true },
      externals: [
        ({ request }: { request?: string }, callback: (error?: null, result?: string) => void) => {
          if (!request) return callback();
          const bare = request.startsWith('node:') ? request.slice(5) : request;
          if (builtinModules.includes(bare) || isDependency(request))
            return callback(null, `module ${request}`);
          // Nest's optional peers the emulator does not use (it resolves them lazily, guarded).
          if (
            /^(@nestjs\/(microservices|websockets)|class-validator|class-transformer)/.test(request)
          )
            return callback(null, `module ${request}`);
          callback();
        },
      ],
      module: {
        rules: [
          {
            test: /\.ts$/,
            exclude: /node_modules/,
            type: 'javascript/esm',
            use: [
              {
                loader: 'builtin:swc-loader',
                options: {
                  jsc: {
                    parser: { syntax: 'typescript', decorators: true },
                    transform: { legacyDecorator: true, decoratorMetadata: true },
                    target: 'es2022',
                  },
                },
              },
            ],
          },
        ],
      },
      resolve: {
        extensions: ['.ts', '.js'],
        extensionAlias: { '.js': ['.ts', '.js'] },
        tsConfig: TSCONFIG,
      },
      optimization: { nodeEnv: false, splitChunks: false },
      node: { __filename: false, __dirname: false },
    },
    (error: Error | null, result: any) => (error ? fail(error) : done(result)),
  );
});
if (stats.hasErrors()) {
  console.error(stats.toString({ all: false, errors: true }));
  process.exit(1);
}

// Declarations: tsc emits every file index.ts reaches; the public API needs only these.
const declarations = mkdtempSync(join(tmpdir(), 'mock-idp-dts-'));
try {
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      join(APP, 'tsconfig.package.json'),
      '--outDir',
      declarations,
    ],
    { stdio: 'inherit', cwd: ROOT },
  );
  for (const file of ['index.d.ts', 'command-line.d.ts', 'directory/directory.types.d.ts']) {
    const target = join(OUT, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(declarations, 'apps/mock-idp/src', file), target);
  }
} finally {
  rmSync(declarations, { recursive: true, force: true });
}
console.log(`mock-idp package built in ${OUT}`);
