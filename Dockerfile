# One image recipe for the three apps: `docker build --build-arg APP=protected-api .`
# (APP = protected-api | consumer-daemon | mock-idp). Same entry path as `npm run build` locally.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json ./
COPY apps ./apps
COPY libs ./libs
ARG APP=protected-api
RUN node node_modules/@nestjs/cli/bin/nest.js build ${APP} \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG APP=protected-api
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
COPY --from=build --chown=node:node /src/package.json ./package.json
COPY --from=build --chown=node:node /src/node_modules ./node_modules
COPY --from=build --chown=node:node /src/dist/apps/${APP} ./dist/apps/${APP}
# the emulator writes its generated CA here (a named volume shared read-only with the others)
RUN mkdir -p /var/run/mock-idp && chown node:node /var/run/mock-idp
USER node
STOPSIGNAL SIGTERM
# exec form through sh so that ${APP} expands and node still receives SIGTERM directly
CMD ["sh", "-c", "exec node dist/apps/${APP}/main.js"]
