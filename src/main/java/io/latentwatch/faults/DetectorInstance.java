package io.latentwatch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.util.JavaProcess;
import io.latentwatch.util.Json;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One detector of the suite: the same command line for every incarnation, each a new
 * {@code latentwatch detect} process, as a restarted pod would be.
 */
final class DetectorInstance implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String name;
    private final JavaProcess.Launch launch;
    private final List<String> jvmOptions;
    private final List<String> args;
    private final Path logDir;
    private JavaProcess process;
    private int incarnation;
    private volatile int httpPort;

    /**
     * @param args the {@code detect} command line but {@code --http-port}, which each incarnation
     *             gets a free port for
     */
    DetectorInstance(String name, JavaProcess.Launch launch, List<String> jvmOptions, List<String> args, Path logDir) {
        this.name = name;
        this.launch = launch;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.args = List.copyOf(args);
        this.logDir = logDir;
    }

    String name() {
        return name;
    }

    /** Starts a new incarnation; returns without waiting for it to be ready. */
    void start() {
        incarnation++;
        httpPort = freePort();
        List<String> command = new ArrayList<>();
        command.add("detect");
        command.addAll(args);
        command.addAll(List.of("--http-port", Integer.toString(httpPort)));
        process = JavaProcess.start(name + "#" + incarnation, launch, jvmOptions, command,
                logDir.resolve(name + "-" + incarnation + ".log"));
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    Optional<Integer> exitCode() {
        return process == null ? Optional.empty() : process.exitCode();
    }

    String incarnationName() {
        return process == null ? name : process.name();
    }

    /** kill -9, and waits until the process is gone. */
    void kill() {
        process.kill();
    }

    /**
     * SIGTERM, and waits for the exit.
     *
     * @return whether it exited by itself within the grace period (it is killed otherwise)
     */
    boolean terminate(Duration grace) {
        return process.terminate(grace);
    }

    /** Whether {@code /health/ready} answers 200; false while it starts or when it is down. */
    boolean isReady() {
        return get("/health/ready").map(r -> r.statusCode() == 200).orElse(false);
    }

    /** The version {@code /model} reports, or empty. */
    Optional<String> modelVersion() {
        return get("/model").filter(r -> r.statusCode() == 200).flatMap(r -> {
            try {
                JsonNode json = Json.MAPPER.readTree(r.body());
                return Optional.ofNullable(json.path("version").textValue());
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /** Waits until it is ready; false when it exits or the timeout passes first. */
    boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && isAlive()) {
            if (isReady()) {
                return true;
            }
            JavaProcess.pause(Duration.ofMillis(100));
        }
        return false;
    }

    private Optional<HttpResponse<String>> get(String path) {
        if (!isAlive()) {
            return Optional.empty();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port for a detector's HTTP endpoint: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        if (isAlive()) {
            process.terminate(Duration.ofSeconds(40));
        }
    }
}
