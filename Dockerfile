# One image recipe for the three apps: `docker build --build-arg APP=protected-api .`
# (APP = protected-api | consumer-daemon | mock-idp). Same entry path as `npm run build` locally.
# Classic-builder syntax only (no BuildKit features), so that podman/buildah builds it as Docker does.
# The base is pinned to the Node the project pins (package.json devDependencies.node).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# Production dependencies only, in a stage of their own: no APP argument, so the three images share
# it, and the runtime gets neither dev packages nor typescript (a devDependency that is also an
# optional peer of @nestjs/swagger, hence "devOptional" in the lockfile: only --omit=optional drops
# it; no production dependency is optional). --ignore-scripts: the only install script the project
# allows is the `node` devDependency's (Node 24 for npm scripts on hosts without it); the image has
# Node already, and the other packages with scripts are refused in package.json anyway.
# The bundles hold nearly every package; only the few they still load from node_modules at run time
# (RUNTIME_PACKAGES in rspack.config.js) stay: the manifest is cut down to them, at their locked
# versions, and npm prune removes the rest (their own dependencies stay at the lockfile's versions).
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /src
COPY package.json package-lock.json rspack.config.js ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && node --input-type=module -e " \
      import { readFileSync, writeFileSync } from 'node:fs'; \
      const { RUNTIME_PACKAGES } = await import('./rspack.config.js'); \
      const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')); \
      const manifest = JSON.parse(readFileSync('package.json', 'utf8')); \
      manifest.dependencies = Object.fromEntries(RUNTIME_PACKAGES.map((name) => \
        [name, lock.packages['node_modules/' + name].version])); \
      writeFileSync('package.json', JSON.stringify(manifest, null, 2));" \
 && npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY nest-cli.json tsconfig.json rspack.config.js ./
COPY libs ./libs
COPY apps ./apps
ARG APP=protected-api
RUN node node_modules/@nestjs/cli/bin/nest.js build ${APP}

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# Everything up to the bundle is the same for the three apps (shared layers). The code stays owned
# by root: the service user can read it, not change it.
COPY --from=production-dependencies /src/package.json ./package.json
COPY --from=production-dependencies /src/node_modules ./node_modules
# The emulator publishes its CA in /var/run/mock-idp (a volume the other two mount read-only) and
# keeps its keys in /var/lib/mock-idp (a volume only it mounts); a new volume takes this ownership.
RUN mkdir -p /var/run/mock-idp /var/lib/mock-idp \
 && chown node:node /var/run/mock-idp /var/lib/mock-idp \
 && chmod 0700 /var/lib/mock-idp
ARG APP=protected-api
ENV NODE_ENV=production \
    APP=${APP}
COPY --from=build /src/dist/apps/${APP} ./dist/apps/${APP}
USER node
STOPSIGNAL SIGTERM
# exec form through sh so that ${APP} expands and node still receives SIGTERM directly
CMD ["sh", "-c", "exec node dist/apps/${APP}/main.js"]
