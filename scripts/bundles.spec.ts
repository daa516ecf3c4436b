// The bundles `npm run build` writes must run from wherever they are copied (the images copy
// dist/apps/<app> to /app): no path of the build machine may be baked into them. One was: with
// import.meta.url evaluated at build time, @nestjs/swagger looked for swagger-ui-dist under the
// build stage's /src and protected-api did not start in its container.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mainPath, REPO_ROOT, SERVICE_NAMES } from './stack.ts';

describe('the bundles in dist/apps', () => {
  it.each(SERVICE_NAMES)('%s names no path of the machine that built it', (service) => {
    const bundle = readFileSync(mainPath(service), 'utf8');
    expect(bundle.length).toBeGreaterThan(0);
    expect(bundle.includes(REPO_ROOT)).toBe(false);
  });
});
