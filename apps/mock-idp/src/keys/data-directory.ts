// The files the emulator keeps across restarts in MOCK_IDP_DATA_DIR (CA, https certificate,
// token-signing keys), so that processes which trusted its CA and cached its JWKS keep working
// when only the emulator restarts. Each file is replaced whole through a rename: a crash or a
// process reading at the same moment never sees half a key. Private keys are written 0600.
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;

/** Regenerate what would expire within this margin rather than serve it until the last second. */
const RENEWAL_MARGIN_MS = 86400_000;

/** The file's text, or undefined when it does not exist. */
export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function writeWhole(path: string, content: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, content, { mode });
  // writeFile's mode applies only to a new file and is reduced by the umask: set it exactly.
  await chmod(partial, mode);
  await rename(partial, path);
}

/** Why a stored certificate cannot be served at `now`, or undefined when it can. */
export function validityProblem(certificate: X509Certificate, now: Date): string | undefined {
  if (certificate.validFromDate.getTime() > now.getTime()) return 'not valid yet';
  if (certificate.validToDate.getTime() - RENEWAL_MARGIN_MS <= now.getTime())
    return `expires ${certificate.validToDate.toISOString()}`;
  return undefined;
}
