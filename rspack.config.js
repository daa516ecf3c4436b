// How `nest build` bundles the three apps (the CLI reads this file and passes its rspack defaults in).
// Nest's defaults leave every npm package outside the bundle, so a start loads hundreds of files
// one by one (resolution, compilation, a module record each). Here the packages go into the one
// dist/apps/<app>/main.js, and only what is used of them (tree shaking): protected-api starts in
// about half the time and with about 20 MB less memory (bench/README.md).
// Comments and whitespace are stripped; names are not mangled and code is not rewritten (names
// stay readable in logs and stack traces, and SWC's compression reorders initializations in Nest's
// code: the bundle then fails at start with "Cannot access 'b' before initialization").
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The npm packages the bundles still load from node_modules at run time; the images install only
 * these (Dockerfile), and scripts/bundles.spec.ts fails when a bundle loads any other.
 * swagger-ui-dist serves its own directory (the /docs page's scripts and styles);
 * @nestjs/swagger, @nestjs/mapped-types and Nest's ValidationPipe load it, class-validator and
 * class-transformer with `createRequire`, which the bundler leaves to run time.
 */
export const RUNTIME_PACKAGES = ['swagger-ui-dist', 'class-validator', 'class-transformer'];

const isOrIsIn = (request, name) => request === name || request.startsWith(`${name}/`);
const isBuiltin = (request) => builtinModules.includes(request.replace(/^node:/, ''));
const isPackage = (request) => !request.startsWith('.') && !request.startsWith('/');

function isInstalled(request) {
  try {
    require.resolve(request, { paths: [process.cwd()] });
    return true;
  } catch {
    return false;
  }
}

/** @type {(defaults: import('@rspack/core').Configuration, rspack: typeof import('@rspack/core')) => import('@rspack/core').Configuration} */
export default (defaults, rspack) => ({
  ...defaults,
  externals: [
    ({ request }, callback) => {
      if (!request) return callback();
      // Through createRequire: CommonJS packages in the bundle require builtins and use them as
      // modules.exports (`new (require('events'))()`), which an ESM namespace is not.
      if (isBuiltin(request)) return callback(null, `node-commonjs ${request}`);
      // Never copied into a bundle: it finds its files relative to where it is installed.
      if (isOrIsIn(request, 'swagger-ui-dist')) return callback(null, `module ${request}`);
      // Never copied either: @nestjs/mapped-types (PartialType, ...) loads it from node_modules at
      // run time, and its metadata store (@Type(), @Transform(), ...) lives in the module: with a
      // second, bundled copy for the DTOs and ValidationPipe, a PartialType of a DTO would lose its
      // transformations. (class-validator keeps its store on `global`: one store whatever the copy.)
      if (isOrIsIn(request, 'class-transformer')) return callback(null, `node-commonjs ${request}`);
      callback();
    },
  ],
  module: {
    ...defaults.module,
    parser: {
      javascript: {
        // Packages' lazy `import()`s go into the one file too (no chunk files beside main.js).
        dynamicImportMode: 'eager',
        // `import.meta.url` stays the bundle's own URL at run time. Evaluated at build time it
        // would be where each package sat on the build machine: @nestjs/swagger resolves
        // swagger-ui-dist with createRequire(import.meta.url), which then looked in /src/...
        // inside the image and the API failed to start.
        importMeta: false,
      },
    },
  },
  optimization: {
    ...defaults.optimization,
    providedExports: true,
    usedExports: true,
    sideEffects: true,
    innerGraph: true,
    concatenateModules: true,
    minimize: true,
    minimizer: [
      new rspack.SwcJsMinimizerRspackPlugin({
        // asciiOnly: characters beyond ASCII (Unicode tables in regular expressions, ...) are
        // written as \u escapes. Node keeps an ES module's source in memory, one byte a character
        // when it is all ASCII, two otherwise: one such character doubled the bundle's 3-4 MB.
        minimizerOptions: { mangle: false, compress: false, format: { asciiOnly: true } },
      }),
    ],
  },
  plugins: [
    ...defaults.plugins,
    // Nest and its packages import optional peers lazily, guarded (microservices, websockets,
    // @fastify/static, ...): the ones not installed are left out, and fail as "not installed" if
    // ever reached, exactly as without a bundle.
    new rspack.IgnorePlugin({
      checkResource: (resource, context) =>
        context.includes('/node_modules/') &&
        isPackage(resource) &&
        !isBuiltin(resource) &&
        !isInstalled(resource),
    }),
  ],
});
