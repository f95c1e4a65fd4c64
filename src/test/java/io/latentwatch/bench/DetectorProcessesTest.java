package io.latentwatch.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DetectorProcessesTest {
    @TempDir
    Path proc;

    @Test
    void shouldReadUserAndSystemTicksAfterACommandNameWithSpacesAndParentheses() {
        // Given a stat line of proc(5) whose command name holds a space and a closing parenthesis
        String stat = "4242 (lw-bd0-Str) x) S 1 4242 4242 0 -1 4194368 120 0 0 0 250 75 0 0 20 0 1 0 100 0 0";

        // When its CPU time is read
        double seconds = DetectorProcesses.cpuSeconds(stat);

        // Then it is utime (250) plus stime (75) ticks at 100 per second
        assertThat(seconds).isCloseTo(3.25, within(1e-9));
    }

    @Test
    void shouldCountEveryThreadForTheProcessAndOnlyTheNamedOnesForTheStreamThreads() throws IOException {
        // Given a process directory with a stream thread, Streams' state updater (same first bytes
        // but for the suffix), a producer network thread and two JIT compiler threads
        thread("11", "lw-bd0-StreamTh", 100, 50);
        thread("12", "lw-bd0-StateUpd", 7, 3);
        thread("13", "kafka-producer-", 30, 20);
        thread("14", "C2 CompilerThre", 40, 0);
        thread("15", "C1 CompilerThre", 4, 1);

        // When the process's CPU is read
        DetectorProcesses.Cpu cpu = DetectorProcesses.read(proc, "lw-bd0-StreamTh");

        // Then the process counts every thread, the stream threads only the first, the compilers the last two
        assertThat(cpu.processSeconds()).isCloseTo(2.55, within(1e-9));
        assertThat(cpu.streamThreadSeconds()).isCloseTo(1.50, within(1e-9));
        assertThat(cpu.compilerSeconds()).isCloseTo(0.45, within(1e-9));
    }

    private void thread(String tid, String comm, long utime, long stime) throws IOException {
        Path task = Files.createDirectories(proc.resolve("task").resolve(tid));
        Files.writeString(task.resolve("comm"), comm + "\n");
        Files.writeString(task.resolve("stat"), tid + " (" + comm + ") R 1 1 1 0 -1 0 0 0 0 0 " + utime + " " + stime
                + " 0 0 20 0 1 0 100 0 0\n");
    }
}
