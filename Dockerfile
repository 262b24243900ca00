# syntax=docker/dockerfile:1
# One image for every function: FUNCTION=<id> selects the bundle it runs (FUNCTION=gateway: the gateway).
#   docker build -t taskwire:dev .
#   docker run --read-only --tmpfs /tmp -e FUNCTION=create-task -e BUS=knative -e K_SINK=… -e DATABASE_URL=… taskwire:dev
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The web app (served by the gateway) and one small bundle per function, migrations beside each.
RUN npm run build:web \
 && node --import tsx scripts/bundle.ts --out dist

FROM ${NODE_IMAGE} AS runtime
# The bundles need node alone: drop npm, npx and corepack (less to patch, nothing to run them with).
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
           /opt/yarn* /usr/local/bin/yarn /usr/local/bin/yarnpkg
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
# Owned by root, read by the unprivileged user: the application cannot change itself.
COPY --from=build /src/dist ./dist
COPY --from=build /src/web/dist ./web/dist
# Numeric, so that Kubernetes can check runAsNonRoot. Nothing is written outside /tmp (an emptyDir).
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/start.mjs"]
