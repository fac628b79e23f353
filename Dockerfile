# fabric-emu as a container: the whole fabric (default), or one PoP whose peers are given by address.
#   docker build -t fabric-emu .
#   docker run --rm -p 8443:8443 -p 8530-8534:8530-8534 fabric-emu
# docs/containers.md has one PoP per container, compose, Kubernetes and Testcontainers. The runtime
# stage is kept identical to docker/Dockerfile.offline's (the image CI builds without a registry) by
# test/package/dockerfile.test.ts; few instructions, since each one is a layer to copy.
ARG NODE_IMAGE=node:24-slim
ARG BUILD_IMAGE=node:24

# The full image has the compiler better-sqlite3 falls back to when no prebuilt binary can be fetched.
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build && npm prune --omit=dev && sh docker/trim-modules.sh node_modules \
  && mkdir -p /stage && cp -r package.json dist node_modules bin presets regions.yaml docker/healthcheck.mjs /stage/

FROM ${NODE_IMAGE} AS runtime
COPY --from=build /stage/ /app/
USER 1000:1000
WORKDIR /home/node
ENV NODE_ENV=production
EXPOSE 8443 8530 8531 8532 8533 8534
HEALTHCHECK --interval=2s --timeout=2s --start-period=60s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
ENTRYPOINT ["node", "/app/bin/fabric-emu.js"]
CMD ["up", "--host", "0.0.0.0", "--ephemeral"]
