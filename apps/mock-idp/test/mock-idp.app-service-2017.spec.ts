// The older App Service managed-identity protocol (api-version 2017-09-01: `secret` header,
// `clientid`, `expires_on` as a date string): what the Azure CLI 2.45 (msrestazure) sends with
// MSI_ENDPOINT + MSI_SECRET, so `az login --identity` works against the emulator.
import { DEMO, startTestIdp, type TestIdp } from './test-idp.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(() => idp.stop());

const tokenUrl = (query: string) =>
  `/msi/token/?resource=https://myapp.aztoso.com&api-version=2017-09-01${query}`;

describe('App Service managed identity, api-version 2017-09-01', () => {
  it('issues a token for the clientid given, with expires_on as App Service writes it', async () => {
    const response = await idp.http(tokenUrl(`&clientid=${DEMO.consumerClientId}`), {
      headers: { secret: DEMO.identityHeader },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject({
      resource: 'https://myapp.aztoso.com',
      token_type: 'Bearer',
      client_id: DEMO.consumerClientId,
    });
    expect(body['expires_on']).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d \+00:00$/);
    const [month, day, year, time] = body['expires_on']!.split(/[/ ]/);
    const expiresOn = Date.parse(`${year}-${month}-${day}T${time}Z`);
    expect(expiresOn).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const claims = JSON.parse(
      Buffer.from(body['access_token']!.split('.')[1]!, 'base64url').toString(),
    );
    expect(claims).toMatchObject({ appid: DEMO.consumerClientId, roles: ['consumer'] });
  });

  it('refuses a missing or unknown secret and the 2019 selector names', async () => {
    const missing = await idp.http(tokenUrl(''));
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Required header 'SECRET' is missing.");
    const wrong = await idp.http(tokenUrl(''), { headers: { secret: 'nope' } });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("The 'SECRET' value does not match");
    const selector = await idp.http(tokenUrl(`&client_id=${DEMO.consumerClientId}`), {
      headers: { secret: DEMO.identityHeader },
    });
    expect(selector.status).toBe(400);
    expect(await selector.text()).toContain("takes 'clientid', not 'client_id'");
  });
});
