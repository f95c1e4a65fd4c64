package io.latentwatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAFileThatIsNotAModelInOneLineBeforeStartingAnything() throws Exception {
        // Given a text file passed as the model
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "not a model\n");

        // When bench is run with it
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = commandLine(out, err);
        int code = cl.execute("bench", "--model", notes.toString());

        // Then it is a usage error said in one line and the pointer to --help, with no stack trace
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--model " + notes + ": ").contains("not a valid ONNX model")
                .doesNotContain("\tat ").doesNotContain("bench: raw ONNX Runtime");
        assertThat(err.toString().lines()).hasSize(2);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldRefuseMoreDetectorProcessesThanPartitionsInOneLine() {
        // Given two detector processes asked for on one partition
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = commandLine(out, err);

        // When bench is run so
        int code = cl.execute("bench", "--detector-processes", "2", "--partitions", "1");

        // Then it is a usage error that says what to give, before anything starts
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--detector-processes 2 needs --partitions 2 or more")
                .doesNotContain("bench: raw ONNX Runtime").doesNotContain("training a quick model");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldRefuseANegativeWarmUpOrANullLatencyRateInOneLine() {
        // Given a negative warm-up
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = commandLine(out, err);

        // When bench is run so
        int code = cl.execute("bench", "--warm-up-images", "-1");

        // Then it is a usage error naming the flag, before anything starts
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--warm-up-images must be 0 (no warm-up) or more, got -1")
                .doesNotContain("bench: raw ONNX Runtime").doesNotContain("training a quick model");
        assertThat(out.toString()).isEmpty();

        // and so is a latency rate of nothing
        assertThat(cl.execute("bench", "--latency-rate", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--latency-rate must be between 1 and 1000000 images per second, got 0.0");
    }

    private static CommandLine commandLine(StringWriter out, StringWriter err) {
        CommandLine cl = Main.commandLine(Map.of());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }
}
