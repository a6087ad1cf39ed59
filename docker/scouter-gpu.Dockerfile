# Scouter worker for NVIDIA GPUs: the same code, built with nvcc so the CUDA kernels are compiled.
# Needs the NVIDIA Container Toolkit on the host (compose profile "gpu").
FROM node:20-bookworm AS node

FROM nvidia/cuda:13.0.0-devel-ubuntu24.04
COPY --from=node /usr/local/bin/node /usr/local/bin/
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund

ENV NODE_ENV=production SIGHTLINE_DATA_DIR=/data SIGHTLINE_NATIVE=cuda
VOLUME /data
