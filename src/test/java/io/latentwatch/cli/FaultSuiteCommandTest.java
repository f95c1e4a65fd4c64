package io.latentwatch.cli;

import io.latentwatch.faults.FaultSize;
import io.latentwatch.faults.Faults;
import io.latentwatch.faults.SuiteSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FaultSuiteCommandTest {
    @Test
    void shouldFailAtStartWithExitCode2NamingTheFlag() {
        assertThat(run("fault-suite", "--bootstrap-servers", "kafka:9092", "--broker-restarts", "1"))
                .contains("--broker-restarts 0");
        assertThat(run("fault-suite", "--processing-guarantee", "exactly_once"))
                .contains("exactly_once_v2 or at_least_once");
        assertThat(run("fault-suite", "--detector-property", "session.timeout.ms"))
                .contains("--detector-property session.timeout.ms: give KEY=VALUE");
        assertThat(run("fault-suite", "--rate", "0")).contains("--rate");
        assertThat(run("fault-suite", "--size", "huge")).contains("--size must be ci or full");
    }

    @Test
    void shouldTakeTheSizesPresetsAndLetAGivenFlagWin() {
        // Given the CI size with one more kill and a detector property of its own
        SuiteSettings settings = parse("fault-suite", "--size", "ci", "--kills", "3",
                "--detector-property", "max.poll.records=100");

        // Then the flag wins, the rest is the preset, and the properties add up
        assertThat(settings.faults()).isEqualTo(new Faults(3, 1, 1, 1));
        assertThat(settings.images()).isEqualTo(FaultSize.CI.images());
        assertThat(settings.detectorProperties()).containsEntry("session.timeout.ms", "6000")
                .containsEntry("max.poll.records", "100");
        assertThat(settings.detectorJvmOptions()).isEqualTo(FaultSize.CI.detectorJvmOptions());
        // and the full size leaves the detectors' Kafka settings at their defaults
        assertThat(parse("fault-suite").detectorProperties()).isEmpty();
    }

    @Test
    void shouldHaveTheScriptRunCommandLinesThatParse() throws Exception {
        // Given the script asked for both guarantees at the CI size with one more flag
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/fault-suite.sh", "--size", "ci", "--guarantee",
                "both", "--kills", "3").redirectErrorStream(true);
        builder.environment().put("PRINT_ONLY", "1");

        // When it prints its command lines instead of running them
        Process script = builder.start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).as(out).isZero();

        // Then each is a fault-suite command line that parses, one per guarantee, with the extra flag
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2).allMatch(l -> l.startsWith("latentwatch fault-suite "));
        assertThat(lines.stream().map(l -> parse(l.substring("latentwatch ".length()).split(" ")))
                .map(SuiteSettings::guarantee)).containsExactly("exactly_once_v2", "at_least_once");
        assertThat(parse(lines.get(0).substring("latentwatch ".length()).split(" ")).faults().kills()).isEqualTo(3);
    }

    private static SuiteSettings parse(String... args) {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);
        return ((FaultSuiteCommand) parsed.subcommand().commandSpec().userObject()).settings();
    }

    private static String run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.getSubcommands().values().forEach(sub -> sub.setErr(new PrintWriter(err)));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertThat(code).as("exit code of %s", List.of(args)).isEqualTo(2);
        return err.toString();
    }
}
