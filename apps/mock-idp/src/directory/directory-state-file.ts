// MOCK_IDP_STATE_FILE: the directory as Graph changed it, written after every change (to a
// temporary file, then renamed over the old one, so a crash never leaves half a file) and read back
// at the next start instead of the directory file. Microsoft's first-party service principals
// are not written: every tenant gets them again at load.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DirectoryDocument } from './directory.types.js';
import { parseDirectory } from './directory-validator.js';

export class DirectoryStateFile {
  private constructor(
    readonly path: string,
    /** The directory found in the file at start; undefined when there was no file yet. */
    readonly restored: DirectoryDocument | undefined,
  ) {}

  static open(path: string): DirectoryStateFile {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return new DirectoryStateFile(path, undefined);
      throw new Error(`MOCK_IDP_STATE_FILE: cannot read ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      return new DirectoryStateFile(path, parseDirectory(JSON.parse(text)));
    } catch (error) {
      throw new Error(`MOCK_IDP_STATE_FILE: ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  save(document: DirectoryDocument): void {
    const persisted: DirectoryDocument = {
      ...document,
      tenants: document.tenants.map((tenant) => ({
        ...tenant,
        applications: tenant.applications.filter((app) => !app.firstParty),
      })),
    };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(persisted, null, 2) + '\n', { mode: 0o600 });
    renameSync(temporary, this.path);
  }
}
