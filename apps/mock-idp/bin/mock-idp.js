#!/usr/bin/env node
// The `mock-idp` command of the package: the bundled emulator, configured by flags or MOCK_IDP_* variables.
import { runFromCommandLine } from '../dist/index.js';

await runFromCommandLine(process.argv.slice(2), process.env);
