package io.latentwatch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus server for a test: loopback only, storage in a temporary directory, scraping
 * one target every second and evaluating the given rule files every second. {@link #close()}
 * kills it.
 */
final class PrometheusServer implements AutoCloseable {
    static final String JOB = "latentwatch";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path log;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.base = "http://127.0.0.1:" + port;
    }

    /**
     * Starts {@code binary} scraping {@code target} ({@code host:port}, path {@code /metrics}) as
     * job {@value #JOB}.
     */
    static PrometheusServer start(Path binary, Path workDir, String target, List<Path> ruleFiles) throws IOException {
        int port = freePort();
        StringBuilder config = new StringBuilder()
                .append("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
                .append("rule_files:\n");
        ruleFiles.forEach(f -> config.append("  - '").append(f.toAbsolutePath()).append("'\n"));
        config.append("scrape_configs:\n  - job_name: ").append(JOB).append('\n')
                .append("    metrics_path: /metrics\n    static_configs:\n      - targets: ['").append(target)
                .append("']\n");
        Path configFile = workDir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        Path log = workDir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new PrometheusServer(process, log, port);
    }

    /** Whether the server answers {@code /-/ready}; fails at once when the process died. */
    boolean isReady() {
        if (!process.isAlive()) {
            throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + logTail());
        }
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code /api/v1/query} at the current time: the whole JSON answer, error or not. */
    JsonNode query(String promql) {
        try {
            HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("query failed: " + promql, e);
        }
    }

    /** {@code /api/v1/rules}: the rule groups as Prometheus loaded them. */
    JsonNode rules() {
        try {
            return JSON.readTree(get("/api/v1/rules").body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code /api/v1/targets}: scrape health and last error of each target. */
    JsonNode targets() {
        try {
            return JSON.readTree(get("/api/v1/targets").body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
