// Where the directory comes from: MOCK_IDP_DIRECTORY, or the demo directory bundled into the build
// (a JSON import, so `node dist/apps/mock-idp/main.js` works from any working directory).
import { readFile } from 'node:fs/promises';
import demoDirectory from '../../directory/demo-directory.json' with { type: 'json' };
import type { DirectoryDocument } from './directory.types.js';
import { parseDirectory } from './directory-validator.js';

export interface LoadedDirectory {
  document: DirectoryDocument;
  source: string;
}

export async function loadDirectory(path: string | undefined): Promise<LoadedDirectory> {
  if (path === undefined)
    return { document: parseDirectory(demoDirectory), source: 'bundled demo directory' };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`MOCK_IDP_DIRECTORY: cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`MOCK_IDP_DIRECTORY: ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { document: parseDirectory(raw), source: path };
}
