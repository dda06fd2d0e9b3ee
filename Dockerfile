# syntax=docker/dockerfile:1
# shipshape as a container image:
#   docker run --rm -v "$PWD:/repo:ro" ghcr.io/shipshape-dev/shipshape scan /repo
#
# Build stage: a static binary. Alpine's own libc is musl, so its Rust toolchain's host
# target is x86_64/aarch64-unknown-linux-musl and links statically with no cross
# toolchain; build-base brings the C compiler the bundled C code needs (SQLite, ring,
# the tree-sitter grammars).
# Runtime stage: distroless/static — no shell, no package manager, CA roots only —
# running as its `nonroot` user (uid 65532).
# Both bases are pinned by digest; Dependabot (docker ecosystem, .github/dependabot.yml)
# proposes new digests. To refresh by hand:
#   docker buildx imagetools inspect rust:1.95-alpine3.23
#   docker buildx imagetools inspect gcr.io/distroless/static-debian13:nonroot
#
# No HEALTHCHECK, on purpose: shipshape is a command that runs and exits, so an image
# health check has nothing to ask. `shipshape serve` run from this image is checked by
# its orchestrator over HTTP (GET /healthz and /readyz, docs/server.md).

FROM rust:1.95-alpine3.23@sha256:606fd313a0f49743ee2a7bd49a0914bab7deedb12791f3a846a34a4711db7ed2 AS build
RUN apk add --no-cache build-base
WORKDIR /src
COPY . .
# The cache mounts keep the registry and the build between runs of one builder; the
# binary is copied out in the same step because the target mount is not in the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --locked --release -p shipshape \
    && cp target/release/shipshape /usr/local/bin/shipshape \
    && /usr/local/bin/shipshape --version

FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
LABEL org.opencontainers.image.title="shipshape" \
      org.opencontainers.image.description="Is this software ready for production? Offline readiness scanner and live probe." \
      org.opencontainers.image.source="https://github.com/shipshape-dev/shipshape" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0" \
      dev.shipshape.healthcheck="none: a command-line tool that runs and exits; shipshape serve answers GET /healthz"
COPY --from=build /usr/local/bin/shipshape /usr/local/bin/shipshape
USER 65532:65532
WORKDIR /repo
ENTRYPOINT ["/usr/local/bin/shipshape"]
CMD ["scan", "."]
