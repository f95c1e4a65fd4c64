package io.latentwatch.bench;

import io.latentwatch.util.JavaProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Detectors as separate {@code latentwatch detect} processes sharing one application id, the way
 * a user scales out, with the CPU time they spend read from the operating system: all threads of
 * each process, and its stream threads alone. Stream threads are told apart by name: each process
 * gets its own {@code client.id}, which Kafka Streams puts at the front of its thread names, and
 * Linux keeps the first 15 bytes of a thread's name in {@code /proc/PID/task/TID/comm}.
 */
final class DetectorProcesses implements AutoCloseable {
    /** HotSpot's compiler threads, "C1 CompilerThread0" and so on, as {@code comm} keeps them. */
    private static final Pattern JIT_COMPILER_THREAD = Pattern.compile("C[12] CompilerThre");
    /** {@code /proc} counts CPU time in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
    private static final double TICKS_PER_SECOND = 100;
    private static final int COMM_LENGTH = 15;
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 20;

    private final List<JavaProcess> processes = new ArrayList<>();
    private final List<String> streamThreadPrefixes = new ArrayList<>();

    private DetectorProcesses() {
    }

    /**
     * Starts {@code count} detector processes with the same {@code detect} flags, each with its own
     * Kafka configuration file (the given properties and its {@code client.id}) and log under {@code dir}.
     */
    static DetectorProcesses start(int count, List<String> jvmOptions, List<String> detectArgs,
                                   Map<String, String> kafkaProperties, String clientIdPrefix, Path dir) {
        DetectorProcesses started = new DetectorProcesses();
        JavaProcess.Launch launch = JavaProcess.Launch.ofThisJvm();
        try {
            for (int i = 0; i < count; i++) {
                String clientId = clientIdPrefix + i;
                Path config = dir.resolve("detector-" + i + ".properties");
                Properties props = new Properties();
                props.putAll(kafkaProperties);
                props.put("client.id", clientId);
                try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                    props.store(out, "latentwatch bench: detector process " + i);
                }
                List<String> args = new ArrayList<>();
                args.add("detect");
                args.addAll(detectArgs);
                args.add("--kafka-config");
                args.add(config.toString());
                started.processes.add(JavaProcess.start("detector-" + i, launch, jvmOptions, args,
                        dir.resolve("detector-" + i + ".log")));
                String threadName = clientId + "-StreamThread-";
                started.streamThreadPrefixes.add(threadName.substring(0, Math.min(COMM_LENGTH, threadName.length())));
            }
            return started;
        } catch (IOException e) {
            started.close();
            throw new UncheckedIOException("cannot write the detector processes' settings in " + dir, e);
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /**
     * What the processes have spent so far; throws when one of them has exited, with the end of its log.
     */
    Cpu cpu() {
        Cpu sum = new Cpu(0, 0, 0);
        for (int i = 0; i < processes.size(); i++) {
            JavaProcess p = processes.get(i);
            if (!p.isAlive()) {
                throw new IllegalStateException("detector process " + i + " exited with " + p.exitCode().orElse(-1)
                        + "; the end of its log:" + System.lineSeparator() + tail(p.log()));
            }
            sum = sum.plus(read(Path.of("/proc", Long.toString(p.pid())), streamThreadPrefixes.get(i)));
        }
        return sum;
    }

    /** The last lines of a log, which goes with the processes' directory when bench ends. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES),
                    lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /**
     * CPU seconds of one process directory of {@code /proc}: of all its threads, of those whose name
     * starts with {@code streamThreadPrefix}, and of HotSpot's JIT compiler threads. Threads that end
     * while they are read are skipped.
     */
    static Cpu read(Path procDir, String streamThreadPrefix) {
        double process = 0;
        double stream = 0;
        double compiler = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(procDir.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    double seconds = cpuSeconds(Files.readString(task.resolve("stat"), StandardCharsets.UTF_8));
                    process += seconds;
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8);
                    if (name.startsWith(streamThreadPrefix)) {
                        stream += seconds;
                    } else if (JIT_COMPILER_THREAD.matcher(name).lookingAt()) {
                        compiler += seconds;
                    }
                } catch (NoSuchFileException ended) {
                    // the thread ended between the listing and the read; its time left with it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of the detector process in " + procDir
                    + " (bench --detector-processes needs Linux's /proc)", e);
        }
        return new Cpu(process, stream, compiler);
    }

    /**
     * User plus system CPU seconds from a {@code /proc/.../stat} line. The fields are counted after
     * the closing parenthesis of the command name, which may itself hold spaces and parentheses.
     */
    static double cpuSeconds(String statLine) {
        String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split(" ");
        // fields 14 (utime) and 15 (stime) of proc(5), counted from the state, which is field 3
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** Stops every process with SIGTERM, as a user would, and kills those that outlive the grace period. */
    @Override
    public void close() {
        for (JavaProcess p : processes) {
            p.terminate(STOP_GRACE);
        }
    }

    /**
     * CPU seconds spent.
     *
     * @param processSeconds      by every thread of the processes (Kafka clients' network threads,
     *                            garbage collection and the JIT compiler included)
     * @param streamThreadSeconds by their Kafka Streams threads
     * @param compilerSeconds     by the JIT compiler threads (C1 and C2)
     */
    record Cpu(double processSeconds, double streamThreadSeconds, double compilerSeconds) {
        Cpu plus(Cpu other) {
            return new Cpu(processSeconds + other.processSeconds, streamThreadSeconds + other.streamThreadSeconds,
                    compilerSeconds + other.compilerSeconds);
        }
    }
}
