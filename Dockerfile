# The Triage gateway as a container. Stage 1 installs everything, compiles TypeScript to dist/ and
# prunes to the runtime dependencies; stage 2 copies only what `triage serve` needs, runs as the
# unprivileged `node` user, keeps the SQLite decision log in the /data volume and checks /healthz.
#   docker build -t triage . && docker run --init -p 8787:8787 -v triage-data:/data -e OPENAI_API_KEY triage

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Compilers for better-sqlite3 when no prebuilt binary can be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# onnxruntime-node's install script would fetch optional CUDA libraries; npm 10 (in this image)
# does not read package.json#allowScripts, so say it here too.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
# Keep only this platform's ONNX Runtime binaries (the package ships every platform's).
RUN node -e "const fs=require('fs'),p='node_modules/onnxruntime-node/bin/napi-v6/';for(const os of fs.readdirSync(p))for(const a of fs.readdirSync(p+os))if(os!==process.platform||a!==process.arch)fs.rmSync(p+os+'/'+a,{recursive:true})"

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8787 TRIAGE_DB=/data/triage.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY models ./models
COPY training-data/manifest.tsv ./training-data/manifest.tsv
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is the main process, so `docker stop` (SIGTERM) reaches the server, which flushes the log.
CMD ["node", "bin/triage.js", "serve"]
