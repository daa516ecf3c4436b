// passport-azure-ad 4.3.5 (the package this project replaces), BearerStrategy as its README
// configures it: tenant-specific v1 identityMetadata (always fetched over https), clientID,
// audience, validateIssuer, passport.authenticate('oauth-bearer', { session: false }).
import express from 'express';
import passport from 'passport';
import { BearerStrategy } from 'passport-azure-ad';
import { ITEMS, config, holdsReadRole, v1MetadataUrl } from './common.js';

passport.use(
  new BearerStrategy(
    {
      identityMetadata: v1MetadataUrl(),
      clientID: config.audiences[1],
      audience: config.audiences,
      validateIssuer: true,
      passReqToCallback: false,
      loggingLevel: 'error',
      loggingNoPII: true,
    },
    (claims, done) => done(null, claims, claims),
  ),
);

const app = express();
app.use(passport.initialize());
app.get(
  '/api/items',
  passport.authenticate('oauth-bearer', { session: false }),
  (request, response) => {
    if (!holdsReadRole(request.user)) return response.status(403).json({ error: 'forbidden' });
    response.json(ITEMS);
  },
);
app.listen(config.port, '127.0.0.1');
