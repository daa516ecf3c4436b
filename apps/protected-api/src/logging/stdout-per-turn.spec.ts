import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { writtenPerTurn } from './stdout-per-turn.js';

const nextTurn = () => new Promise((done) => setImmediate(done));

describe('writtenPerTurn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'per-turn-'));
  const file = join(dir, 'log');
  let fd: number;
  afterEach(() => closeSync(fd));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the lines of a turn together, in order, once the turn is done', async () => {
    fd = openSync(file, 'w');
    const destination = writtenPerTurn(fd);
    destination.write('{"n":1}\n');
    destination.write('{"n":2}\n');
    expect(readFileSync(file, 'utf8')).toBe('');
    await nextTurn();
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    destination.write('{"n":3}\n');
    await nextTurn();
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });

  it('flush() writes the current turn at once', () => {
    fd = openSync(file, 'w');
    const destination = writtenPerTurn(fd);
    destination.write('now\n');
    destination.flush();
    expect(readFileSync(file, 'utf8')).toBe('now\n');
  });
});

it('a process that exits in the turn of its last lines still writes them', () => {
  // What the shutdown hooks do: process.exit() right after the last lines were made.
  const script = `
    import { writtenPerTurn } from ${JSON.stringify(join(import.meta.dirname, 'stdout-per-turn.ts'))};
    const destination = writtenPerTurn();
    destination.write('last\\n');
    process.exit(0);
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(output).toBe('last\n');
});
