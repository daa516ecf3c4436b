// Auth0's express-oauth2-jwt-bearer as its README configures it for an issuer whose discovery
// document is not at the issuer URL (Entra v1: iss is sts.windows.net): issuer + jwksUri + audience.
import express from 'express';
import { auth, claimIncludes } from 'express-oauth2-jwt-bearer';
import { ITEMS, READ_ROLE, config } from './common.js';

const app = express();
app.use(
  auth({
    issuer: config.issuer,
    jwksUri: config.jwksUri,
    audience: config.audiences,
    tokenSigningAlg: 'RS256',
  }),
);
app.get('/api/items', claimIncludes('roles', READ_ROLE), (_request, response) =>
  response.json(ITEMS),
);
app.listen(config.port, '127.0.0.1');
