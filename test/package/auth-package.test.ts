// libs/auth as another team gets it: `npm pack`, then a fresh NestJS app in a scratch directory
// outside this repo installs the tarball (no path aliases) and its peers from npm, compiles with
// its own tsc against the published .d.ts, and runs against the built emulator (a real process):
// a managed-identity token from @azure/identity with the role is 200, one without it 403.
// Run: npm run test:auth-package   (builds the package and the emulator first; needs the npm registry)
// The app files are written here rather than by `nest new` (which generates a vitest/oxlint project
// and installs it again): the point is a plain consumer with nothing of this repo but the tarball.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import {
  DEMO,
  freePort,
  freePorts,
  localWiring,
  startService,
  stopService,
  waitForHttp,
  type RunningService,
} from '../../scripts/stack.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const LIB = join(ROOT, 'libs/auth');
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const libManifest = JSON.parse(readFileSync(join(LIB, 'package.json'), 'utf8'));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NO_ROLE_CLIENT_ID = DEMO.noRoleIdentityClientId;

/** The version range this repo uses for a package (the scratch app gets the same majors). */
const rangeOf = (name: string): string =>
  rootManifest.dependencies[name] ?? rootManifest.devDependencies[name];

const { NODE_TEST_CONTEXT: _ownRunner, ...childEnv } = process.env;
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, env: childEnv, encoding: 'utf8', stdio: 'pipe' });

const APP_MODULE = `import { Controller, Get, Module, ServiceUnavailableException } from '@nestjs/common';
import {
  Auth,
  AuthModule,
  AuthReadiness,
  Caller,
  Public,
  authOptionsFromEnv,
  type CallerPrincipal,
} from '${libManifest.name}';

@Controller()
export class ItemsController {
  constructor(private readonly auth: AuthReadiness) {}

  @Get('readyz')
  @Public()
  ready() {
    if (!this.auth.ready) throw new ServiceUnavailableException('signing keys not loaded yet');
    return { status: 'ready' };
  }

  @Get('api/items')
  @Auth({ anyRole: ['consumer'] })
  list(@Caller() caller: CallerPrincipal) {
    return { caller: caller.appId, items: ['a', 'b'] };
  }
}

@Module({
  imports: [AuthModule.forRoot(authOptionsFromEnv(process.env))],
  controllers: [ItemsController],
})
export class AppModule {}
`;

const MAIN = `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(Number(process.env.PORT), '127.0.0.1');
`;

// The published types refuse what the runtime refuses: tsc fails if an expected error is missing.
const TYPE_CHECKS = `import { Auth } from '${libManifest.name}';
import { TestIdentityProvider } from '${libManifest.name}/testing';

// @ts-expect-error an empty role list would require nothing
Auth({ anyRole: [] });
// @ts-expect-error one kind of requirement at a time
Auth({ anyRole: ['a'], allRoles: ['b'] });
Auth({ anyScope: ['Items.Read'], orAnyRole: ['consumer'] });
export type Idp = TestIdentityProvider;
`;

const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'ES2023',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    types: ['node'],
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

let scratch: string;
let idp: RunningService | undefined;
let app: ChildProcess | undefined;
let apiUrl: string;
let idpMsiUrl: string;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'nest-auth-consumer-'));
  assert.ok(!scratch.startsWith(ROOT), 'the scratch app must be outside the repo');
  const [packed] = JSON.parse(run(NPM, ['pack', '--json', '--pack-destination', scratch], LIB)) as [
    { filename: string; files: { path: string }[] },
  ];
  const files = packed.files.map((file) => file.path);
  for (const expected of [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/testing.js',
    'README.md',
    'LICENSE',
  ])
    assert.ok(files.includes(expected), `${expected} missing from the tarball: ${files.join()}`);
  assert.ok(
    !files.some((file) => file.startsWith('src/') || file.includes('.spec.')),
    files.join(),
  );

  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'fresh-nest-app', private: true, type: 'module' }, null, 2),
  );
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  mkdirSync(join(scratch, 'src'));
  writeFileSync(join(scratch, 'src/app.module.ts'), APP_MODULE);
  writeFileSync(join(scratch, 'src/main.ts'), MAIN);
  writeFileSync(join(scratch, 'src/type-checks.ts'), TYPE_CHECKS);
  const peers = Object.keys(libManifest.peerDependencies).map((name) => `${name}@${rangeOf(name)}`);
  run(
    NPM,
    [
      'install',
      '--no-audit',
      '--no-fund',
      join(scratch, packed.filename),
      `@nestjs/platform-express@${rangeOf('@nestjs/platform-express')}`,
      ...peers,
      `typescript@${rangeOf('typescript')}`,
      `@types/node@${rangeOf('@types/node')}`,
    ],
    scratch,
  );
  run(process.execPath, [join(scratch, 'node_modules/typescript/bin/tsc'), '-p', '.'], scratch);

  const ports = await freePorts();
  const wiring = localWiring(ports, scratch);
  idp = startService(
    'mock-idp',
    { ...wiring['mock-idp'], MOCK_IDP_BIND_ADDRESS: '127.0.0.1' },
    () => undefined,
  );
  await waitForHttp(`http://127.0.0.1:${ports.idpHttp}/healthz`, 30_000, idp.process);
  idpMsiUrl = `http://localhost:${ports.idpHttp}/msi/token`;

  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  app = spawn(process.execPath, ['dist/main.js'], {
    cwd: scratch,
    env: { ...childEnv, ...wiring['protected-api'], PORT: String(apiPort) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForHttp(`${apiUrl}/readyz`, 30_000, app);
});

after(async () => {
  app?.kill('SIGTERM');
  if (idp) await stopService(idp);
  rmSync(scratch, { recursive: true, force: true });
});

async function managedIdentityToken(clientId: string): Promise<string> {
  process.env.IDENTITY_ENDPOINT = idpMsiUrl;
  process.env.IDENTITY_HEADER = DEMO.identityHeader;
  const credential = new ManagedIdentityCredential({ clientId });
  return (await credential.getToken(`${DEMO.apiIdentifierUri}/.default`)).token;
}

const getItems = (token?: string) =>
  fetch(`${apiUrl}/api/items`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

test('a token with the consumer role: 200 with the caller', async () => {
  const response = await getItems(await managedIdentityToken(DEMO.consumerIdentityClientId));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    caller: DEMO.consumerIdentityClientId,
    items: ['a', 'b'],
  });
});

test('a valid token without the role: 403 insufficient_scope naming the role', async () => {
  const response = await getItems(await managedIdentityToken(NO_ROLE_CLIENT_ID));
  assert.equal(response.status, 403);
  assert.match(response.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
  const body = (await response.json()) as { code: string; message: string };
  assert.equal(body.code, 'ERR_ROLE_MISSING');
  assert.match(body.message, /consumer/);
});

test('no token: 401 with a Bearer challenge', async () => {
  const response = await getItems();
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
});
