// The console in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core;
// no browser download), against the bundled emulator started with startMockIdp() and the real
// @azure/identity SDK in this process:
//  - the page loads under its CSP (no console error) and shows the demo directory;
//  - a token the SDK gets appears in the live list, and expanding it shows its decoded roles;
//  - a fault injected from the page makes the next SDK call fail, and the page shows that failure;
//  - markup in claims (paste box) and in a directory name renders as text, never runs.
// Run: npm run test:browser   (builds the package bundle first; needs `apt-get install chromium`)
// MOCK_IDP_CONSOLE_SCREENSHOT=docs/mock-idp-console.png npm run test:browser also saves a screenshot.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ManagedIdentityCredential } from '@azure/identity';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { MockIdp, startMockIdp as StartMockIdp } from '../../src/index.ts';

const APP = resolve(import.meta.dirname, '../..');
const CONSUMER_CLIENT_ID = '9b8c291c-309f-4335-acaa-1cbeb22a5732';
const API = 'https://myapp.aztoso.com';
const MARKUP_NAME = '<script>window.__pwned = "directory"</script>id-no-role';
const MARKUP_CLAIM =
  '<img src=x onerror="window.__pwned = \'claims\'"><script>window.__pwned = 1</script>';

let idp: MockIdp;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const pageErrors: string[] = [];

before(async () => {
  const { startMockIdp } = (await import(pathToFileURL(join(APP, 'dist/index.js')).href)) as {
    startMockIdp: typeof StartMockIdp;
  };
  const directory = JSON.parse(readFileSync(join(APP, 'directory/demo-directory.json'), 'utf8'));
  directory.tenants[0].managedIdentities.find(
    (mi: { name: string }) => mi.name === 'id-no-role',
  ).name = MARKUP_NAME;
  idp = await startMockIdp({ directory });
  Object.assign(process.env, idp.env);

  userDataDir = mkdtempSync(join(tmpdir(), 'mock-idp-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(idp.consoleUrl!);
});

after(async () => {
  const screenshot = process.env['MOCK_IDP_CONSOLE_SCREENSHOT'];
  if (screenshot && page) {
    await page.locator('#inspect-token').fill('');
    await page.locator('#inspect-result').evaluate((node) => node.replaceChildren());
    await page.locator('#inspect-token').blur();
    await page.evaluate('scrollTo(0, 0)');
    await page.screenshot({ path: resolve(screenshot) });
  }
  await context?.close();
  await idp?.stop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

test('loads under its CSP and shows the demo directory', async () => {
  const directory = page.locator('#directory');
  await directory.getByText('aztoso-com-app', { exact: true }).first().waitFor();
  for (const text of ['id-consumer-daemon', 'local-consumer-daemon', 'consumer-fic-app', API]) {
    assert.ok((await directory.getByText(text, { exact: true }).count()) > 0, text);
  }
  assert.ok(
    await page
      .getByRole('button', {
        name: `Copy appId of aztoso-com-app 042e4743-2c83-42e0-8ea9-82cbe6642686`,
      })
      .isVisible(),
  );
  assert.deepEqual(pageErrors, []);
});

test('shows a token the SDK got, with its decoded roles', async () => {
  const credential = new ManagedIdentityCredential({ clientId: CONSUMER_CLIENT_ID });
  const { token } = await credential.getToken(`${API}/.default`);
  assert.ok(token);
  const entry = page.locator('#journal > li.ok').filter({ hasText: 'id-consumer-daemon' }).first();
  await entry.waitFor();
  assert.match(await entry.locator('summary').innerText(), /200 OK[\s\S]*roles: consumer/);
  await entry.locator('summary').click();
  const roles = entry
    .locator('table.claims tr.checked')
    .filter({ has: page.locator('th', { hasText: /^roles$/ }) });
  assert.match(await roles.innerText(), /\["consumer"\][\s\S]*App roles the caller is assigned/);
  assert.equal(await entry.locator('table.claims tr.checked').count(), 9); // aud iss tid appid oid roles idtyp exp nbf
});

test('a fault injected from the page fails the next SDK call, and the page shows it', async () => {
  await page.locator('#fault-endpoint').selectOption('msi');
  await page.locator('#fault-status').fill('500');
  await page.locator('#fault-count').fill('10');
  await page.locator('#fault-unit').selectOption('forRequests');
  await page.getByRole('button', { name: 'Inject fault' }).click();
  await page.locator('#faults li').filter({ hasText: 'msi' }).waitFor();

  // Another resource, so no cached token can answer for the SDK.
  const credential = new ManagedIdentityCredential({ clientId: CONSUMER_CLIENT_ID });
  await assert.rejects(credential.getToken('api://AzureADTokenExchange/.default'));
  const failure = page.locator('#journal > li.fail').filter({ hasText: 'injected fault' }).first();
  await failure.waitFor();
  assert.match(await failure.locator('summary').innerText(), /500 server_error|500 AADSTS50196/);
  await page.getByRole('button', { name: 'Remove' }).click();
});

test('markup in claims and in directory names renders as text', async () => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const forged = `${part({ alg: 'RS256', kid: 'x' })}.${part({ name: MARKUP_CLAIM, aud: API })}.c2ln`;
  await page.getByLabel(/Access token \(JWT\)/).fill(forged);
  await page.getByRole('button', { name: 'Decode and check' }).click();
  const result = page.locator('#inspect-result');
  await result.getByText('Would NOT validate against this emulator.').waitFor();
  assert.ok(await result.getByText(MARKUP_CLAIM, { exact: true }).isVisible());
  assert.equal(await result.locator('script, img').count(), 0);
  assert.ok((await page.locator('#directory').getByText(MARKUP_NAME).count()) > 0);
  assert.equal(await page.locator('#directory script').count(), 0);
  assert.equal(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned), undefined);
  assert.deepEqual(pageErrors, []);
});
