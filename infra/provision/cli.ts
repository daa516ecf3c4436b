// npm run provision -- <declaration.json> [--dry-run] [--prune] [--graph-url URL]
//                      [--authority-host URL] [--tenant-id GUID]
//
// Makes an Entra ID declaration (infra/entra/*.entra.json, format in README.md beside this file)
// true in a tenant over Microsoft Graph. Reads everything first, validates the declaration and
// resolves every principal, prints the plan, and only then changes anything.
//
// Runs on Node 24 directly (type stripping): erasable TypeScript only.
import { DefaultAzureCredential } from '@azure/identity';
import { parseArgs } from 'node:util';
import { Applier } from './applier.ts';
import { readDeclaration } from './declaration.ts';
import { GraphClient } from './graph-client.ts';
import { planChanges, type Plan } from './planner.ts';
import { readTenantState } from './tenant-state.ts';

const USAGE = `usage: npm run provision -- <declaration.json> [--dry-run] [--prune]
  --dry-run              print the plan, change nothing
  --prune                also remove role assignments, federated credentials and app roles of the
                         declared applications that the declaration does not have
  --graph-url URL        Microsoft Graph base URL (env PROVISION_GRAPH_URL; default https://graph.microsoft.com)
  --authority-host URL   replaces {authorityHost} in credential issuers
                         (env AZURE_AUTHORITY_HOST; default https://login.microsoftonline.com)
  --tenant-id GUID       replaces {tenantId} (default: the tenant of the Graph token)
Signs in with DefaultAzureCredential: environment, workload identity, managed identity
(AZURE_CLIENT_ID selects a user-assigned one), Azure CLI, Azure PowerShell, Azure Developer CLI.`;

export interface ProvisionOptions {
  declarationPath: string;
  dryRun: boolean;
  prune: boolean;
  graphUrl: string;
  authorityHost: string;
  tenantId?: string;
}

class UsageError extends Error {}

export function parseCommandLine(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): ProvisionOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        prune: { type: 'boolean', default: false },
        'graph-url': { type: 'string' },
        'authority-host': { type: 'string' },
        'tenant-id': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1)
    throw new UsageError(`expected one declaration file, got ${positionals.length}`);
  const url = (name: string, value: string) => {
    let parsedUrl: URL;
    try {
      parsedUrl = new URL(value);
    } catch {
      throw new UsageError(`${name}: '${value}' is not a URL`);
    }
    if (parsedUrl.protocol !== 'https:') throw new UsageError(`${name}: '${value}' must be https`);
    return value.replace(/\/+$/, '');
  };
  return {
    declarationPath: positionals[0] as string,
    dryRun: values['dry-run'],
    prune: values.prune,
    graphUrl: url(
      '--graph-url',
      values['graph-url'] ?? env['PROVISION_GRAPH_URL'] ?? 'https://graph.microsoft.com',
    ),
    authorityHost: url(
      '--authority-host',
      values['authority-host'] ??
        env['AZURE_AUTHORITY_HOST'] ??
        'https://login.microsoftonline.com',
    ),
    tenantId: values['tenant-id'],
  };
}

const count = (changes: number) => `${changes} change${changes === 1 ? '' : 's'}`;

function printKept(plan: Plan, log: (line: string) => void): void {
  if (plan.kept.length) {
    log('Not in the declaration, left as they are (--prune removes them):');
    for (const line of plan.kept) log(`  = ${line}`);
  }
}

export async function provision(
  options: ProvisionOptions,
  log: (line: string) => void = console.log,
): Promise<Plan> {
  const declaration = readDeclaration(options.declarationPath);
  const graph = new GraphClient({
    baseUrl: options.graphUrl,
    credential: new DefaultAzureCredential(),
  });
  const tenant = await readTenantState(graph, declaration, options.tenantId);
  log(
    `Declaration ${options.declarationPath}: ${declaration.applications.length} applications, ` +
      `${declaration.appRoleAssignments.length} role assignments; tenant ${tenant.tenantId} through ${options.graphUrl}`,
  );
  const plan = planChanges(declaration, tenant, {
    prune: options.prune,
    authorityHost: options.authorityHost,
  });
  printKept(plan, log);
  const applier = new Applier(graph, tenant, { log });
  if (plan.changes.length === 0) {
    log('No changes: the tenant already matches the declaration.');
  } else if (options.dryRun) {
    log('Plan:');
    for (const change of plan.changes) log(`  ${change.summary}`);
    log(`Dry run: ${count(plan.changes.length)} planned, nothing changed.`);
  } else {
    log('Applying:');
    await applier.apply(plan);
    log(`Done: ${count(plan.changes.length)} applied.`);
  }
  printApplicationIds(applier, log);
  return plan;
}

function printApplicationIds(applier: Applier, log: (line: string) => void): void {
  for (const [name, ids] of applier.applicationIds()) {
    log(
      ids.appId
        ? `${name}: appId ${ids.appId}, object id ${ids.objectId}, service principal ${ids.servicePrincipalId ?? '(none)'}`
        : `${name}: not created yet`,
    );
  }
}

async function main(): Promise<number> {
  let options: ProvisionOptions | 'help';
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    console.error(`provision: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  try {
    await provision(options);
    return 0;
  } catch (error) {
    // What went wrong, in words: Graph's error, the bad field, the credential chain's reasons.
    // Never a stack trace, never a token.
    console.error(`provision: ${(error as Error).message}`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main();
