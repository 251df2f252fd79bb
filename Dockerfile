# syntax=docker/dockerfile:1
#
# The Keystroke server image: `keystroke serve` and `keystroke worker` (and every other CLI
# command) built from this repository. See docs/deploy.md.
#
#   docker build -t keystroke:local .
#   docker run --rm keystroke:local --help
#   docker run --rm -v "$PWD/my-app:/project:ro" -e KEYSTROKE_DATABASE_URL=postgres://… \
#     -p 3400:3400 keystroke:local serve --dir /project --host 0.0.0.0
#   docker run --rm -v "$PWD/my-app:/project:ro" -e KEYSTROKE_DATABASE_URL=postgres://… \
#     keystroke:local worker --dir /project
#
# Without a database URL, `serve` keeps its SQLite file under /var/lib/keystroke/.keystroke/
# (the working directory); mount a volume there to keep it.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
# build: the whole monorepo with its dev dependencies, then only the runtime dependencies
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build

# better-sqlite3 compiles its native addon with node-gyp when no prebuilt binary can be fetched.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The manifests first, so the install layer is reused until a dependency changes. keystroke.js
# comes along because npm links it as the `keystroke` bin while installing.
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/store/package.json packages/store/
COPY packages/sdk/package.json packages/sdk/
COPY packages/server/package.json packages/server/
COPY packages/cli/package.json packages/cli/keystroke.js packages/cli/
COPY packages/web/package.json packages/web/
RUN npm ci

COPY . .
RUN npm run build

# Reinstall without dev dependencies (TypeScript, Vite, the test tools); the built dist/, bin/
# and packages/web/dist stay where the build wrote them.
RUN rm -rf node_modules packages/*/node_modules \
  && npm ci --omit=dev \
  && npm cache clean --force

# ---------------------------------------------------------------------------------------------
# runtime: Node, the built packages and their runtime dependencies; no compiler
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/examples ./examples

# A project is mounted (read-only) at /project. Its files import `keystroke/…` and `zod`, which
# Node looks up in node_modules folders from the importing file up to /. A project that brings
# its own node_modules uses those; one without finds this image's packages through /node_modules.
RUN ln -s /app/node_modules /node_modules \
  && mkdir -p /var/lib/keystroke \
  && chown node:node /var/lib/keystroke

USER node
WORKDIR /var/lib/keystroke
EXPOSE 3400

# Node stops gracefully on SIGTERM: workflow executions stop where they are and their runs are
# handed back at once, to resume by replay on another process (or at the next start); agent
# sessions still answering are canceled. A second signal exits at once.
ENTRYPOINT ["node", "/app/packages/cli/keystroke.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "3400"]
