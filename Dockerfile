# The Clientele image: clienteled (the entrypoint), clientele and clientele-load in
# /usr/local/bin on Debian 12, as user clientele (uid 10001), data in /var/lib/clientele, TLS
# files mounted at /etc/clientele/tls. Build it with `scripts/image [TAG]` (podman, buildah or
# docker); docs/operations.md, "Image", says how to run it.

# --- Build: the project's own scripts on Debian 12 (Release, only the three binaries). ---
FROM debian:12 AS build
WORKDIR /src
# The build runs no tests: scripts/setup leaves out Node.js and the manifest validator.
ENV CLIENTELE_SETUP_K8S=0
# scripts/setup alone first: its layer (the Debian build packages) survives source changes.
COPY scripts/setup scripts/setup
RUN scripts/setup && rm -rf /var/lib/apt/lists/*
COPY . .
# ccache's directory is a build cache, kept between image builds of this machine.
RUN --mount=type=cache,id=clientele-ccache,target=/root/.cache/ccache \
    scripts/build clienteled clientele clientele-load \
 && cmake --install build --prefix /out/usr/local --strip \
 && scripts/runtime-packages --check=Dockerfile /out/usr/local/bin/*

# --- Runtime: Debian 12 slim with only the shared libraries the binaries load. ---
FROM debian:12-slim
# Every package owning a shared library that `ldd` resolves for the three binaries: the build
# stage above and the test suite (tests/install/installed_tree_test.sh) fail when a library's
# package is missing here (scripts/runtime-packages --check=Dockerfile).
ARG RUNTIME_PACKAGES="\
  libabsl20220623 libbrotli1 libbz2-1.0 libc-ares2 libc6 libcpp-httplib0.11 libfmt9 libgcc-s1 \
  libgflags2.2 libgrpc++1.51 libgrpc29 libicu72 libjemalloc2 liblz4-1 libphonenumber8 \
  libprotobuf32 librdkafka1 libre2-9 librocksdb7.8 libsasl2-2 libsnappy1v5 libspdlog1.10 libssl3 \
  libstdc++6 libzstd1 zlib1g"
# tzdata: `clientele import --time-zone=Europe/Istanbul` reads /usr/share/zoneinfo.
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update \
 && apt-get install -y --no-install-recommends ${RUNTIME_PACKAGES} tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 clientele \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/clientele --no-create-home \
      --shell /usr/sbin/nologin clientele \
 && install -d -o clientele -g clientele -m 0750 /var/lib/clientele \
 && install -d -m 0755 /etc/clientele/tls
COPY --from=build /out/usr/local/bin/ /usr/local/bin/
USER 10001:10001
WORKDIR /var/lib/clientele
# gRPC (every service, health, reflection) and Prometheus metrics (/metrics, /healthz).
EXPOSE 50051 9464
ENTRYPOINT ["clienteled"]
# All services in one process, plaintext, API keys required (the first start writes the admin
# key to /var/lib/clientele/bootstrap-admin.key). Arguments given to `run` replace these.
CMD ["--data_dir=/var/lib/clientele", "--listen=0.0.0.0:50051", "--metrics_listen=0.0.0.0:9464"]
# gRPC health of the whole server on the default port (CLIENTELE_SERVER and CLIENTELE_TLS_CA,
# CLIENTELE_TLS_CERT, CLIENTELE_TLS_KEY adapt it to another port or to TLS). Kubernetes ignores
# it and uses the probes of k8s/.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["clientele", "health"]
