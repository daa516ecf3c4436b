// The container engine the container test runs on: a Docker engine with `docker compose` (v2) when
// one answers (a developer machine, GitHub Actions), otherwise the Docker-compatible engine that
// ../shared/containers/engine.sh prepares (podman behind a Docker API socket, docker-compose 1.29).
// Both are driven the same way: compose for the stack, the Docker Engine API for container state.
//
// Runs on Node 24 directly (type stripping): erasable TypeScript only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../scripts/stack.ts';

export interface ContainerEngine {
  description: string;
  /** Environment for compose: the caller's plus what the engine needs (DOCKER_HOST, ...). */
  env: NodeJS.ProcessEnv;
  /** The compose command, e.g. ['docker', 'compose'] or ['docker-compose']. */
  compose: string[];
  /** A compose file as this compose accepts it (compose v1 gets a converted copy). */
  composeFile(file: string): string;
  /** A call to the Docker Engine API; rejects on a status >= 400 unless it is in `accept`. */
  api<T>(method: string, path: string, accept?: number[]): Promise<{ status: number; body: T }>;
  /** Stops what this run started (nothing when the engine was already running). */
  release(): void;
}

const ENGINE_SH = resolve(REPO_ROOT, process.env.ENGINE_SH ?? '../shared/containers/engine.sh');

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function exportsOf(output: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, key, value] of output.matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  return env;
}

/** Where the Docker Engine API answers: DOCKER_HOST, else the current docker context. */
function apiEndpoint(env: NodeJS.ProcessEnv): {
  socketPath?: string;
  host?: string;
  port?: number;
} {
  let host = env.DOCKER_HOST;
  if (!host) {
    const context = run('docker', ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}']);
    host = context.status === 0 ? context.stdout.trim() : 'unix:///var/run/docker.sock';
  }
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}

function engineApi(env: NodeJS.ProcessEnv): ContainerEngine['api'] {
  const endpoint = apiEndpoint(env);
  return (method, path, accept = []) =>
    new Promise((done, fail) => {
      const call = request({ ...endpoint, method, path, timeout: 30_000 }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 400 && !accept.includes(status))
            return fail(new Error(`${method} ${path}: ${status} ${text.slice(0, 300)}`));
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON (e.g. an empty 201): keep the text
          }
          done({ status, body: body as never });
        });
      });
      call.on('timeout', () => call.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      call.on('error', fail);
      call.end();
    });
}

function dockerWithCompose(): ContainerEngine | undefined {
  if (run('docker', ['info', '--format', '{{.ServerVersion}}']).status !== 0) return undefined;
  const version = run('docker', ['compose', 'version', '--short']);
  if (version.status !== 0) return undefined;
  return {
    description: `Docker engine, docker compose ${version.stdout.trim()}`,
    env: { ...process.env },
    compose: ['docker', 'compose'],
    composeFile: (file) => file,
    api: engineApi(process.env),
    release: () => undefined,
  };
}

/** The base image the Dockerfile names (`ARG NODE_IMAGE=` default), as engine.sh reads it. */
export function dockerfileBaseImage(): string {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const base = /^ARG\s+NODE_IMAGE=(\S+)/m.exec(dockerfile)?.[1];
  if (!base) throw new Error('Dockerfile: no `ARG NODE_IMAGE=<image>` default');
  return base;
}

/** engine.sh's output, or an Error with its one-line reason. */
function engineSh(args: string[], progress: 'inherit' | 'ignore' = 'inherit'): string {
  const result = spawnSync('bash', [ENGINE_SH, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', progress], // its progress goes to our stderr
  });
  if (result.status !== 0) throw new Error(`engine.sh ${args[0]} failed (exit ${result.status})`);
  return result.stdout;
}

/**
 * engine.sh builds a stand-in only under a name `node:<major>-<suite>-slim`; the Dockerfile pins
 * `node:<version>-<suite>-slim`. The stand-in carries package.json's devDependencies.node, so when
 * that is the pinned version it is the pinned image: build it from a scratch checkout naming the
 * major tag, then give it the pinned name too.
 */
async function preparePinnedBase(pinned: string): Promise<void> {
  const match = /^node:(\d+)\.\d+\.\d+-([a-z]+)-slim$/.exec(pinned);
  if (!match) return; // a base engine.sh builds (or finds) under the Dockerfile's own name
  const projectNode = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'))
    .devDependencies.node as string;
  if (!pinned.startsWith(`node:${projectNode}-`))
    throw new Error(
      `Dockerfile pins ${pinned} but package.json devDependencies.node is ${projectNode}`,
    );
  const scratch = mkdtempSync(join(tmpdir(), 'entra-s2s-base-'));
  try {
    const standIn = `node:${match[1]}-${match[2]}-slim`;
    writeFileSync(join(scratch, 'Dockerfile'), `ARG NODE_IMAGE=${standIn}\nFROM \${NODE_IMAGE}\n`);
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({ devDependencies: { node: projectNode } }),
    );
    const api = engineApi(exportsOf(engineSh(['start', scratch])));
    const present = await api('GET', `/images/docker.io/library/${pinned}/json`, [404]);
    if (present.status === 404) {
      const [repo, tag] = [`docker.io/library/node`, pinned.slice('node:'.length)];
      await api('POST', `/images/docker.io/library/${standIn}/tag?repo=${repo}&tag=${tag}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function sharedEngine(): Promise<ContainerEngine> {
  if (!existsSync(ENGINE_SH))
    throw new Error(
      `no Docker engine answers (docker info) and ${ENGINE_SH} is not there: start Docker, or set ENGINE_SH`,
    );
  const alreadyRunning = run('bash', [ENGINE_SH, 'status']).status === 0;
  await preparePinnedBase(dockerfileBaseImage());
  const env = { ...process.env, ...exportsOf(engineSh(['start', REPO_ROOT])) };
  const compose = env.ENGINE_COMPOSE ?? 'docker-compose';
  const version = run(compose, ['version', '--short'], env).stdout.trim();
  return {
    description: `engine.sh (podman behind a Docker API socket), ${compose} ${version}`,
    env,
    compose: [compose],
    composeFile: (file) => engineSh(['compose-file', file], 'ignore').trim(),
    api: engineApi(env),
    release: () => {
      if (!alreadyRunning) engineSh(['stop', '--purge']);
    },
  };
}

export async function containerEngine(): Promise<ContainerEngine> {
  return dockerWithCompose() ?? (await sharedEngine());
}
