package io.latentwatch.testing;

import io.latentwatch.config.Topics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code latentwatch detect} in a JVM of its own ({@code -Xmx256m}, the tests' class path), for
 * tests that kill it: its standard output and error go to a log file.
 */
public final class DetectorProcess {
    private DetectorProcess() {
    }

    /**
     * Starts a detector on {@code topics} with the given further flags.
     *
     * @param log where its output goes
     */
    public static Process start(Path log, String bootstrapServers, Topics topics, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.latentwatch.cli.Main", "detect",
                "--bootstrap-servers", bootstrapServers, "--input-topic", topics.input(),
                "--anomaly-topic", topics.anomalies(), "--embedding-topic", topics.embeddings(),
                "--dlq-topic", topics.deadLetter(), "--topic-partitions", "1", "--http-port", "-1"));
        command.addAll(List.of(flags));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** What the detector wrote to {@code log}, for a failure message. */
    public static String log(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "(none)";
    }
}
