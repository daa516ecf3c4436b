// The bundles `npm run build` writes must run from wherever they are copied: the images copy
// dist/apps/<app> to /app beside a node_modules that holds only RUNTIME_PACKAGES (rspack.config.js).
// So no path of the build machine may be baked into a bundle (one was: with import.meta.url
// evaluated at build time, @nestjs/swagger looked for swagger-ui-dist under the build stage's /src
// and protected-api did not start in its container), and a bundle may load no other package at
// run time.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mainPath, REPO_ROOT, SERVICE_NAMES } from './stack.ts';

const { RUNTIME_PACKAGES } = (await import(
  pathToFileURL(join(REPO_ROOT, 'rspack.config.js')).href
)) as { RUNTIME_PACKAGES: string[] };

/**
 * Packages a bundle loads through Node at run time (`createRequire(...)("name")` calls). A
 * `require("…")` that opens a string is code that a package generates, not a call (ajv's
 * standalone code, inside fastify's schema compilers): those are skipped.
 */
function packagesLoadedAtRunTime(bundle: string): string[] {
  const names = new Set<string>();
  for (const [, specifier] of bundle.matchAll(/(?<!['`])require\("([^".][^"]*)"\)/g)) {
    if (builtinModules.includes(specifier.replace(/^node:/, ''))) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return [...names].sort();
}

describe('the bundles in dist/apps', () => {
  it.each(SERVICE_NAMES)('%s names no path of the machine that built it', (service) => {
    const bundle = readFileSync(mainPath(service), 'utf8');
    expect(bundle.length).toBeGreaterThan(0);
    expect(bundle.includes(REPO_ROOT)).toBe(false);
  });

  it.each(SERVICE_NAMES)(
    '%s is ASCII text (Node then holds its source one byte a character)',
    (service) => {
      const bundle = readFileSync(mainPath(service));
      const wide = bundle.findIndex((byte) => byte > 0x7f);
      const context = wide < 0 ? '' : bundle.subarray(Math.max(0, wide - 60), wide + 8).toString();
      expect({ firstNonAsciiByte: wide, context }).toEqual({ firstNonAsciiByte: -1, context: '' });
    },
  );

  // SWC's decorator metadata for a parameter typed `Request` (Express's type, imported as a type)
  // reads the global `Request` at start-up, and Node loads undici to answer it: +17 MB of RSS.
  // Such types are imported under another name (ExpressRequest).
  it.each(SERVICE_NAMES)('%s reads no web global of undici in decorator metadata', (service) => {
    const bundle = readFileSync(mainPath(service), 'utf8');
    const globals = [
      ...bundle.matchAll(
        /typeof (Request|Response|Headers|FormData|MessageEvent|WebSocket|EventSource|CloseEvent)==="undefined"\?Object:/g,
      ),
    ].map((match) => match[1]);
    expect(globals).toEqual([]);
  });

  it.each(SERVICE_NAMES)('%s loads no package at run time beyond RUNTIME_PACKAGES', (service) => {
    const loaded = packagesLoadedAtRunTime(readFileSync(mainPath(service), 'utf8'));
    expect(loaded.filter((name) => !RUNTIME_PACKAGES.includes(name))).toEqual([]);
  });

  it('protected-api holds no copy of class-transformer (one copy, in node_modules, with one metadata store)', () => {
    const { sources } = JSON.parse(readFileSync(`${mainPath('protected-api')}.map`, 'utf8')) as {
      sources: string[];
    };
    expect(sources.some((source) => source.includes('node_modules/class-transformer/'))).toBe(
      false,
    );
    expect(sources.some((source) => source.includes('node_modules/@nestjs/core/'))).toBe(true);
  });

  it('finds the run-time loads it checks (protected-api loads swagger-ui-dist)', () => {
    expect(packagesLoadedAtRunTime(readFileSync(mainPath('protected-api'), 'utf8'))).toContain(
      'swagger-ui-dist',
    );
  });
});
