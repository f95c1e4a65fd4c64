package io.latentwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.metrics.HttpEndpoint;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.latentwatch.deploy.DeploymentFiles.all;
import static io.latentwatch.deploy.DeploymentFiles.podSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The deployment files through the tools that read them, where those tools are installed (they
 * skip with the reason otherwise): docker-compose 1.29 validates the compose file (.ci/run
 * installs it, so CI always runs that check), kubectl renders the kustomizations, promtool reads
 * the Prometheus config, and bash runs the image's health check against a real HTTP endpoint.
 */
class DeploymentToolsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldBeAValidComposeFileForDockerCompose() throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed (apt-get install --no-install-recommends"
                + " docker-compose); .ci/run installs it and checks the file before the build");
        Result result = run(DeploymentFiles.root(), Map.of(), "docker-compose", "-f", "docker-compose.yml", "config", "-q");
        assertThat(result.exit()).as(result.output()).isZero();
    }

    @Test
    void shouldBeAValidPrometheusConfig() throws Exception {
        assumeTrue(onPath("promtool"), "promtool is not installed (apt-get install prometheus)");
        Result result = run(DeploymentFiles.root(), Map.of(), "promtool", "check", "config", "--syntax-only",
                "deploy/compose/prometheus.yml");
        assertThat(result.exit()).as(result.output()).isZero();
    }

    @Test
    void shouldRenderTheOverlayWithEveryReferenceResolved() throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not installed; 'kubectl kustomize' renders the manifests");
        List<JsonNode> docs = kustomize(DeploymentFiles.file(DeploymentFiles.OVERLAY));
        Set<String> configMaps = names(docs, "ConfigMap");
        Set<String> secrets = names(docs, "Secret");
        for (JsonNode workload : workloads(docs)) {
            JsonNode pod = podSpec(workload);
            JsonNode container = pod.path("containers").get(0);
            assertThat(container.path("image").asText()).isEqualTo("registry.example.com/latentwatch:0.1.0");
            container.path("envFrom").forEach(f -> assertThat(configMaps).contains(f.path("configMapRef").path("name").asText()));
            pod.path("volumes").forEach(v -> {
                if (v.has("secret")) {
                    assertThat(secrets).contains(v.path("secret").path("secretName").asText());
                }
            });
        }
        all(docs, "TriggerAuthentication").forEach(t -> t.path("spec").path("secretTargetRef")
                .forEach(r -> assertThat(secrets).contains(r.path("name").asText())));
        assertThat(docs).filteredOn(d -> !d.path("kind").asText().equals("Namespace"))
                .allSatisfy(d -> assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("latentwatch"));
        assertThat(all(docs, "KafkaTopic")).allSatisfy(t -> assertThat(t.path("metadata").path("labels")
                .path("strimzi.io/cluster").asText()).isEqualTo("my-cluster"));
        assertThat(all(docs, "ScaledObject")).hasSize(1);
        assertThat(all(docs, "HorizontalPodAutoscaler")).isEmpty();
    }

    @Test
    void shouldReplaceKedaByTheHpaComponent() throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not installed; 'kubectl kustomize' renders the manifests");
        // kustomize takes only relative paths to other kustomizations
        Path overlay = tmp.toRealPath().relativize(DeploymentFiles.file(DeploymentFiles.OVERLAY).toRealPath());
        Path component = tmp.toRealPath().relativize(DeploymentFiles.file("deploy/k8s/components/hpa").toRealPath());
        Files.writeString(tmp.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\nresources:\n  - " + overlay + "\ncomponents:\n  - " + component + "\n");
        List<JsonNode> docs = kustomize(tmp);
        assertThat(all(docs, "HorizontalPodAutoscaler")).hasSize(1);
        assertThat(all(docs, "ScaledObject")).isEmpty();
        assertThat(all(docs, "TriggerAuthentication")).isEmpty();
        assertThat(kustomize(DeploymentFiles.file(DeploymentFiles.BASE))).isNotEmpty();
    }

    @Test
    void shouldReportTheDetectorHealthyOnlyWhenItAnswers200() throws Exception {
        assumeTrue(onPath("bash"), "bash is not installed");
        Path script = DeploymentFiles.file("deploy/docker/healthcheck.sh");
        AtomicBoolean ready = new AtomicBoolean(false);
        try (HttpEndpoint http = HttpEndpoint.start(0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                () -> new HttpEndpoint.Health(ready.get(), "{}"), () -> null)) {
            Map<String, String> env = Map.of("LATENTWATCH_HTTP_PORT", Integer.toString(http.port()));
            assertThat(run(tmp, env, "bash", script.toString()).exit()).isZero();
            assertThat(run(tmp, env, "bash", script.toString(), "/health/ready").exit()).isNotZero();
            ready.set(true);
            assertThat(run(tmp, env, "bash", script.toString(), "/health/ready").exit()).isZero();
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThat(run(tmp, Map.of("LATENTWATCH_HTTP_PORT", Integer.toString(closed)), "bash", script.toString())
                .exit()).isNotZero();
    }

    private List<JsonNode> kustomize(Path dir) throws Exception {
        Result result = run(dir, Map.of(), "kubectl", "kustomize", ".");
        assertThat(result.exit()).as(result.output()).isZero();
        return DeploymentFiles.yamlText(result.stdout());
    }

    private static List<JsonNode> workloads(List<JsonNode> docs) {
        List<JsonNode> workloads = new ArrayList<>(all(docs, "Deployment"));
        workloads.addAll(all(docs, "CronJob"));
        assertThat(workloads).hasSize(2);
        return workloads;
    }

    private static Set<String> names(List<JsonNode> docs, String kind) {
        Set<String> names = new TreeSet<>();
        all(docs, kind).forEach(d -> names.add(d.path("metadata").path("name").asText()));
        return names;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    record Result(int exit, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }
    }

    private static Result run(Path dir, Map<String, String> env, String... command) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        Path out = Files.createTempFile("deploy-tool", ".out");
        Path err = Files.createTempFile("deploy-tool", ".err");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
