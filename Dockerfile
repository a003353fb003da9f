# syntax=docker/dockerfile:1
# hctl: the Health Companion API server (`hctl serve`) and its ops CLI.
# Multi-stage: build with the full toolchain, ship only the binary on a
# distroless, non-root runtime (glibc, CA certificates, no shell).

FROM rust:1.95-bookworm AS build
WORKDIR /src
# Dependencies first, so source edits do not rebuild them: the workspace's
# manifests with empty sources (every member's, the dev-only emulator's too,
# for resolution), built once; then the real sources.
COPY Cargo.toml Cargo.lock ./
COPY crates/hctl-core/Cargo.toml crates/hctl-core/
COPY crates/hctl-server/Cargo.toml crates/hctl-server/
COPY crates/kube-emulator/Cargo.toml crates/kube-emulator/
RUN mkdir src && echo 'fn main() {}' > src/main.rs && echo '' > src/lib.rs \
    && for c in hctl-core hctl-server kube-emulator; do mkdir -p crates/$c/src && echo '' > crates/$c/src/lib.rs; done \
    && echo 'fn main() {}' > crates/kube-emulator/src/main.rs \
    && cargo build --release --locked -p hctl \
    && rm -rf src crates/*/src target/release/deps/hctl* target/release/deps/libhctl*
COPY src ./src
COPY crates ./crates
# Embedded in the binary at compile time (include_str!): migrations and the
# shipped checklists and playbooks, so `hctl preflight -c pre-launch` works in the image.
COPY migrations ./migrations
COPY checklists ./checklists
COPY playbooks ./playbooks
RUN touch src/main.rs src/lib.rs crates/*/src/lib.rs \
    && cargo build --release --locked -p hctl && strip target/release/hctl

FROM gcr.io/distroless/cc-debian12:nonroot
LABEL org.opencontainers.image.title="hctl" \
      org.opencontainers.image.description="Health Companion API server and ops CLI" \
      org.opencontainers.image.source="https://github.com/healthtracker/hctl"
COPY --from=build /src/target/release/hctl /usr/local/bin/hctl
# 65532 = nonroot in distroless; the SQLite default and uploads go to /data.
WORKDIR /data
USER 65532:65532
EXPOSE 8080
ENV BIND=0.0.0.0:8080 \
    STORAGE_URL=file:///data/uploads
ENTRYPOINT ["/usr/local/bin/hctl"]
CMD ["serve"]
