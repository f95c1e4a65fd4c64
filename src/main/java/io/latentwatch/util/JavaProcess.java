package io.latentwatch.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code latentwatch} command in a JVM of its own, its output in a log file. Every process
 * started here is also killed by a JVM shutdown hook, so that none outlives the command that started it, whatever
 * way it ends.
 */
public final class JavaProcess {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "latentwatch-child-processes"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java [jvmOptions] -cp classpath io.latentwatch.cli.Main args...}, with the
     * LATENTWATCH_* variables of this environment removed (but the log level), so that only the
     * given flags configure the child.
     */
    public static JavaProcess start(String name, Launch launch, List<String> jvmOptions, List<String> args, Path log) {
        List<String> command = new ArrayList<>();
        command.add(launch.java());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(launch.classpath());
        command.add("io.latentwatch.cli.Main");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("LATENTWATCH_") && !k.equals("LATENTWATCH_LOG_LEVEL"));
        try {
            Files.createDirectories(log.getParent());
            Process process = builder.start();
            LIVE.add(process);
            process.onExit().thenRun(() -> LIVE.remove(process));
            return new JavaProcess(name, process, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + " (" + launch.java() + "): " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** The operating system's process id. */
    public long pid() {
        return process.pid();
    }

    /** The log file the process writes its standard output and error to. */
    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or empty while it runs. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** SIGKILL, then waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /**
     * SIGTERM, then waits up to {@code grace} for the process to exit, and kills it when it has not.
     *
     * @return whether it exited by itself within the grace period
     */
    public boolean terminate(Duration grace) {
        process.destroy();
        if (awaitExit(grace)) {
            return true;
        }
        kill();
        return false;
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    /**
     * Waits for the first line of the log that matches {@code pattern} and returns its first group.
     *
     * @throws IllegalStateException when the process exits or the timeout passes first
     */
    public String awaitLogLine(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> found = findInLog(pattern);
            if (found.isPresent()) {
                return found.get();
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before logging '"
                        + pattern + "'; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not log '" + pattern + "' within " + timeout.toSeconds()
                        + " s; see " + log);
            }
            pause(Duration.ofMillis(50));
        }
    }

    private Optional<String> findInLog(Pattern pattern) {
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return Optional.of(m.groupCount() > 0 ? m.group(1) : line);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Paces polling loops; never used to wait for Kafka to get somewhere. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * How to start a {@code latentwatch} JVM.
     *
     * @param java      the java executable
     * @param classpath the class path holding latentwatch and its libraries
     */
    public record Launch(String java, String classpath) {
        /** The java and class path of this very JVM. */
        public static Launch ofThisJvm() {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            return new Launch(java, System.getProperty("java.class.path"));
        }
    }
}
