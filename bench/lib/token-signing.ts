// The emulator's signing step alone: jose RS256 over an Entra-shaped v1 claim set, 2048-bit key,
// in a loop on this thread (one core).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

/** Tokens signed per second on one core, over `seconds` after a warm-up. */
export async function tokensSignedPerSecond(tenantId: string, seconds: number): Promise<number> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const sign = () =>
    new SignJWT({
      aud: 'https://myapp.aztoso.com',
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + 86400,
      appid: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
      appidacr: '2',
      idtyp: 'app',
      oid: 'c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993',
      roles: ['consumer'],
      sub: 'c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993',
      tid: tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'bench', x5t: 'bench' })
      .sign(privateKey);
  for (let i = 0; i < 200; i++) await sign(); // warm-up
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  let count = 0;
  while (Date.now() < deadline) {
    await sign();
    count++;
  }
  return count / ((performance.now() - started) / 1000);
}
