// Runs every jest project (unit + e2e) and ends with the plain summary line CI reads:
// "N passed, N failed". Fails when anything failed, when jest itself failed, or when no test ran.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface JestJsonResult {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  numRuntimeErrorTestSuites: number;
}

const resultDir = mkdtempSync(join(tmpdir(), 'entra-s2s-jest-'));
const resultFile = join(resultDir, 'results.json');
const jest = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    'node_modules/jest/bin/jest.js',
    '--json',
    `--outputFile=${resultFile}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

let result: JestJsonResult | undefined;
try {
  result = JSON.parse(readFileSync(resultFile, 'utf8')) as JestJsonResult;
} catch {
  result = undefined;
}
rmSync(resultDir, { recursive: true, force: true });

if (!result) {
  console.log('0 passed, 1 failed');
  console.error('jest produced no result file (exit code %s)', jest.status);
  process.exit(1);
}

const skipped = result.numPendingTests + result.numTodoTests;
const failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
console.log(
  `${result.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''),
);
if (result.numTotalTests === 0) console.error('No test ran: that is a failure, not a pass.');
process.exit(jest.status === 0 && failed === 0 && result.numTotalTests > 0 ? 0 : 1);
