// Adds to package-lock.json the platform-specific native bindings that npm could not resolve when
// the lockfile was written (rspack, oxlint and jest's resolver ship one optional package per
// os/cpu). A registry that serves only this machine's platforms leaves them out, and `npm ci` then
// refuses the lockfile everywhere ("Missing: @rspack/binding-darwin-arm64@ from lock file").
// Each added entry carries the os/cpu/libc that its package name spells, so npm skips it on other
// platforms and fetches it by name and version on its own. Run after changing dependencies:
//   npm run lockfile:complete
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './stack.ts';

interface LockEntry {
  version?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
}

const OPERATING_SYSTEMS = new Set([
  'android',
  'darwin',
  'freebsd',
  'linux',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
  'aix',
]);

/** `@scope/x-binding-linux-arm64-musl` -> { os: ['linux'], cpu: ['arm64'], libc: ['musl'] }. */
export function platformOf(name: string): Pick<LockEntry, 'os' | 'cpu' | 'libc'> | undefined {
  const tail = name.split('/').pop() ?? name;
  const parts = tail.split('-');
  const osIndex = parts.findIndex((part) => OPERATING_SYSTEMS.has(part));
  if (osIndex < 0) {
    const wasm = parts.find((part) => part.startsWith('wasm'));
    return wasm ? { cpu: [wasm] } : undefined;
  }
  const [os, cpu, abi] = parts.slice(osIndex);
  if (!cpu) return undefined;
  const libc = abi?.startsWith('musl') ? ['musl'] : abi?.startsWith('gnu') ? ['glibc'] : undefined;
  return { os: [os], cpu: [cpu], ...(libc && { libc }) };
}

export function completeLockfile(packages: Record<string, LockEntry>): string[] {
  const added: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const parent = path.slice(0, path.lastIndexOf('node_modules/'));
      const nested = `${path}/node_modules/${name}`;
      const hoisted = `${parent}node_modules/${name}`;
      if (packages[nested] || packages[hoisted] || packages[`node_modules/${name}`]) continue;
      const platform = platformOf(name);
      if (!platform) continue;
      packages[`node_modules/${name}`] = { version, optional: true, ...platform };
      added.push(`${name}@${version}`);
    }
  }
  return added;
}

if (import.meta.main) {
  const lockPath = join(REPO_ROOT, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const added = completeLockfile(lock.packages);
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) =>
      a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
    ),
  );
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(
    added.length
      ? `added ${added.length} platform bindings:\n  ${added.join('\n  ')}`
      : 'lockfile already complete',
  );
}
