# latentwatch container images:
#   docker build -t latentwatch .                                    every sub-command (detect, train, demo, ...)
#   docker build --target detector -t latentwatch-detector .         detect (and produce, evaluate, keygen) only:
#                                                                      no DJL/PyTorch, no Kafka broker, no Scala
#   docker run --rm latentwatch detect --help
# See docs/deployment.md.

# ---- build: the same Maven command as the ./latentwatch launcher (README) ----
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /build
# Dependencies first, in their own layer: a source change then rebuilds in seconds instead of
# downloading ~600 MB again. go-offline also resolves the plugins that 'package' runs.
COPY pom.xml ./
# javac's flags for Error Prone on JDK 17 (the compile fails without them)
COPY .mvn ./.mvn
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -DskipTests package

# ---- runtime: what both images share; the stages below add their libraries ----
# A JRE on Ubuntu (glibc): the PyTorch natives DJL ships do not run on musl (Alpine).
# linux/amd64 only: the pom bundles PyTorch's linux-x86_64 natives (ONNX Runtime's jar has both).
FROM eclipse-temurin:17-jre-noble AS runtime

# A fixed numeric uid, so that Kubernetes' runAsNonRoot can verify it without a passwd lookup.
ARG APP_UID=10001
# /var/lib/latentwatch/{signing,trusted-keys}: compose's keygen service writes the model-signing
# key pair there; a named volume mounted on them starts with this ownership (docs/security.md).
RUN groupadd --system --gid "${APP_UID}" latentwatch \
    && useradd --system --uid "${APP_UID}" --gid latentwatch --home-dir /var/cache/latentwatch \
        --no-create-home --shell /usr/sbin/nologin latentwatch \
    && mkdir -p /var/cache/latentwatch/djl /var/cache/latentwatch/onnxruntime \
    && chown -R latentwatch:latentwatch /var/cache/latentwatch \
    && mkdir -p /var/lib/latentwatch/signing /var/lib/latentwatch/trusted-keys \
    && chown -R latentwatch:latentwatch /var/lib/latentwatch \
    && chmod 700 /var/lib/latentwatch/signing

# The bundled Fashion-MNIST sample is looked up below the latentwatch home (produce, train).
ENV LATENTWATCH_HOME=/opt/latentwatch
# DJL unpacks ~430 MB of PyTorch natives on first use and ONNX Runtime its own: both need a
# writable place, also when the root file system is read-only. Mount a volume here to keep them.
ENV DJL_CACHE_DIR=/var/cache/latentwatch/djl \
    LATENTWATCH_CACHE_DIR=/var/cache/latentwatch/onnxruntime

WORKDIR /opt/latentwatch
COPY --from=build /build/target/latentwatch.jar ./latentwatch.jar
COPY data/fashion-mnist-sample/ ./data/fashion-mnist-sample/
# Executable in git; a plain COPY keeps the mode (--chmod would need BuildKit).
COPY deploy/docker/healthcheck.sh /usr/local/bin/latentwatch-healthcheck

USER ${APP_UID}:${APP_UID}
# The detector's HTTP port: /metrics, /health/live, /health/ready, /model (--http-port).
EXPOSE 8080

# Liveness of the detector's HTTP endpoint, without curl (not in the JRE image): bash's /dev/tcp.
# Commands without HTTP (train, produce) turn it off: 'healthcheck: disable: true' in compose.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["latentwatch-healthcheck", "/health/live"]

# The launcher's java invocation (./latentwatch), with paths of the image. Exec form: java is PID 1
# and gets SIGTERM itself, so Kafka Streams closes and leaves the group on 'docker stop'.
# MaxRAMPercentage sizes the heap from the container's memory limit; ONNX Runtime and PyTorch
# allocate off-heap, hence not more. ExitOnOutOfMemoryError: a restart beats a half-dead JVM.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", \
    "-Dai.djl.offline=true", "-Dlatentwatch.home=/opt/latentwatch", \
    "-cp", "/opt/latentwatch/latentwatch.jar:/opt/latentwatch/lib/*", "io.latentwatch.cli.Main"]
CMD ["--help"]

# ---- detector: the detector's runtime (target/lib-detect) as lib/ ----
FROM runtime AS detector
COPY --from=build /build/target/lib-detect/ ./lib/

# ---- full: every library (target/lib); the last stage, so a plain 'docker build' builds it ----
FROM runtime AS full
COPY --from=build /build/target/lib/ ./lib/
