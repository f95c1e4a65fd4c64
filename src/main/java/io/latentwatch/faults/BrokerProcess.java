package io.latentwatch.faults;

import io.latentwatch.util.JavaProcess;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code latentwatch broker} as a process of its own, on one port and one data directory for its
 * whole life, so that it can be stopped and started again like a real broker.
 */
final class BrokerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("Kafka broker ready: --bootstrap-servers (\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /**
     * The broker is the stage, not the product under test: C1 only and the serial collector start
     * it in less than half the time on a small machine, which shortens every broker restart.
     */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx768m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");
    private final JavaProcess.Launch launch;
    private final Path dataDir;
    private final Path logDir;
    private final int port;
    private JavaProcess process;
    private int starts;

    private BrokerProcess(JavaProcess.Launch launch, Path dataDir, Path logDir, int port) {
        this.launch = launch;
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.port = port;
    }

    /** Starts a broker on a free loopback port and returns once it serves. */
    static BrokerProcess start(JavaProcess.Launch launch, Path dataDir, Path logDir) {
        BrokerProcess broker = new BrokerProcess(launch, dataDir, logDir, freePort());
        broker.startAgain();
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker (again) on the same port and data, and returns once it serves. */
    void startAgain() {
        starts++;
        process = JavaProcess.start("broker#" + starts, launch, JVM_OPTIONS,
                List.of("broker", "--port", Integer.toString(port), "--data-dir", dataDir.toString()),
                logDir.resolve("broker-" + starts + ".log"));
        process.awaitLogLine(READY, START_TIMEOUT);
    }

    /**
     * Stops the broker with SIGTERM, as an orderly shutdown would.
     *
     * @return whether it stopped within the grace period (it is killed otherwise)
     */
    boolean stop() {
        return process.terminate(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.terminate(Duration.ofSeconds(30));
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port for the broker: " + e.getMessage(), e);
        }
    }
}
