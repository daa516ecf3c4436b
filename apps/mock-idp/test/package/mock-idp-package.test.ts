// The package as another project gets it: `npm pack`, install the tarball and the real
// @azure/identity from npm into a scratch project outside this repo, then in that project
//  - a node:test suite there starts the emulator with startMockIdp(), gets a token through
//    ManagedIdentityCredential (env from idp.env), checks its claims and the journal, stops it;
//  - the `mock-idp` bin starts from flags and answers /healthz;
//  - the published .d.ts type-checks a use of the API.
// Run: npm run test:mock-idp-package   (builds the package first; needs the npm registry)
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { createInterface } from 'node:readline';

const APP = resolve(import.meta.dirname, '../..');
const ROOT = resolve(APP, '../..');
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const identityVersion: string = rootManifest.dependencies['@azure/identity'];
const NODE = process.execPath;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let scratch: string;

// Without NODE_TEST_CONTEXT a nested `node --test` reports as text instead of to this runner.
const { NODE_TEST_CONTEXT: _ownRunner, ...childEnv } = process.env;
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, {
    cwd,
    env: childEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mock-idp-consumer-'));
  assert.ok(!scratch.startsWith(ROOT), 'the scratch project must be outside the repo');
  const packed = JSON.parse(run(NPM, ['pack', '--json', '--pack-destination', scratch], APP)) as [
    { filename: string; files: { path: string }[] },
  ];
  const files = packed[0].files.map((file) => file.path);
  assert.ok(files.includes('dist/index.js') && files.includes('bin/mock-idp.js'), files.join());
  assert.ok(!files.some((file) => file.startsWith('src/') || file.endsWith('.pem')), files.join());
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch-consumer', private: true, type: 'module' }),
  );
  run(
    NPM,
    [
      'install',
      '--no-audit',
      '--no-fund',
      join(scratch, packed[0].filename),
      `@azure/identity@${identityVersion}`,
    ],
    scratch,
  );
});

after(() => rmSync(scratch, { recursive: true, force: true }));

test('a test suite of another project starts it, gets a managed-identity token through @azure/identity, stops it', () => {
  writeFileSync(
    join(scratch, 'uses-mock-idp.test.mjs'),
    `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startMockIdp } from '@entra-s2s/mock-idp';
import { ManagedIdentityCredential } from '@azure/identity';

test('token from the emulator', async () => {
  const idp = await startMockIdp();
  try {
    Object.assign(process.env, idp.env);
    const credential = new ManagedIdentityCredential({ clientId: '9b8c291c-309f-4335-acaa-1cbeb22a5732' });
    const { token } = await credential.getToken('https://myapp.aztoso.com/.default');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(claims.aud, 'https://myapp.aztoso.com');
    assert.equal(claims.tid, idp.tenantId);
    assert.deepEqual(claims.roles, ['consumer']);
    assert.match(idp.consoleUrl, /^http:\\/\\/localhost:\\d+\\/_admin\\/console\\/$/);
    const journal = await (await fetch(idp.adminUrl + '/journal?endpoint=msi')).json();
    assert.equal(journal.at(-1).status, 200);
  } finally {
    await idp.stop();
  }
  await assert.rejects(fetch(idp.httpUrl + '/healthz'));
});
`,
  );
  const output = run(NODE, ['--test', '--test-reporter=spec', 'uses-mock-idp.test.mjs'], scratch);
  assert.match(output, /pass 1/);
  assert.match(output, /fail 0/);
});

test('the mock-idp bin starts from flags and serves /healthz', async () => {
  const child = spawn(
    NODE,
    [
      join(scratch, 'node_modules/.bin/mock-idp'),
      '--http-port',
      '0',
      '--https-port',
      '0',
      '--bind',
      '127.0.0.1',
      '--ca-cert',
      join(scratch, 'ca/ca.pem'),
    ],
    { cwd: scratch, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const listening = await new Promise<{ httpPort: number; caCertPath: string }>((done, fail) => {
      child.once('exit', (code) => fail(new Error(`mock-idp exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line);
        if (entry.event === 'listening') done(entry);
      });
    });
    assert.equal(listening.caCertPath, join(scratch, 'ca/ca.pem'));
    const health = await fetch(`http://127.0.0.1:${listening.httpPort}/healthz`);
    assert.equal(health.status, 200);
    // --admin not given: no admin API
    assert.equal(
      (await fetch(`http://127.0.0.1:${listening.httpPort}/_admin/journal`)).status,
      404,
    );
  } finally {
    child.kill('SIGTERM');
  }
});

test('the published types describe the API', () => {
  writeFileSync(
    join(scratch, 'types.ts'),
    `import { startMockIdp, type MockIdp, type SdkClientEnv } from '@entra-s2s/mock-idp';
export const started: Promise<MockIdp> = startMockIdp({ ports: { http: 0 }, admin: false });
export const header = (idp: MockIdp): string => idp.env.IDENTITY_HEADER;
export const env = (idp: MockIdp): SdkClientEnv => idp.envFor('consumer-daemon');
`,
  );
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        types: [],
        lib: ['es2022'],
      },
      files: ['types.ts'],
    }),
  );
  run(NODE, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], scratch);
});
