// What every peer server shares: the configuration the bench passes in the environment and the
// response of GET /api/items (the same two items protected-api's ItemsService seeds).
export const config = {
  port: Number(process.env.PORT),
  /** https://localhost:{port} of the emulator; its CA comes through NODE_EXTRA_CA_CERTS. */
  authority: process.env.BENCH_AUTHORITY,
  tenantId: process.env.BENCH_TENANT_ID,
  /** Accepted audiences: the API's identifier URI and its app id. */
  audiences: (process.env.BENCH_AUDIENCES ?? '').split(','),
  /** The v1 issuer (https://sts.windows.net/{tenant}/) and jwks_uri, read from the v1 metadata. */
  issuer: process.env.BENCH_ISSUER,
  jwksUri: process.env.BENCH_JWKS_URI,
};

export const READ_ROLE = 'consumer';

export const ITEMS = [
  { id: 1, name: 'widget', quantity: 3, createdBy: 'seed' },
  { id: 2, name: 'gadget', quantity: 7, createdBy: 'seed' },
];

/** The v1 metadata document URL, as passport-azure-ad's documentation spells it. */
export const v1MetadataUrl = () =>
  `${config.authority}/${config.tenantId}/.well-known/openid-configuration`;

export const holdsReadRole = (claims) =>
  Array.isArray(claims?.roles) && claims.roles.includes(READ_ROLE);

/** Applies method decorators without decorator syntax (these files run on Node as they are). */
export function decorateMethod(target, name, ...decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, name);
  for (const decorator of decorators) decorator(target.prototype, name, descriptor);
}
