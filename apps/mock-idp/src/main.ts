// Entry point of `node dist/apps/mock-idp/main.js` (and, through the package, of the `mock-idp`
// bin): flags and environment as in the README.
import { runFromCommandLine } from './command-line.js';

await runFromCommandLine(process.argv.slice(2), process.env);
