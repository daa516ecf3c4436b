// Regenerates entra-declaration.schema.json from the zod schema in declaration.ts:
//   node infra/provision/write-schema.ts
// (declaration.spec.ts fails while the committed file is out of date.)
import { writeFileSync } from 'node:fs';
import { declarationJsonSchema, DECLARATION_SCHEMA_PATH } from './declaration.ts';

writeFileSync(DECLARATION_SCHEMA_PATH, `${JSON.stringify(declarationJsonSchema(), null, 2)}\n`);
console.log(`wrote ${DECLARATION_SCHEMA_PATH}`);
