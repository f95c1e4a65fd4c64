package io.latentwatch.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code demo} refuses a bad value before it starts anything, naming the flag. */
class DemoCommandTest {

    @Test
    void shouldNameTheFlagWhoseValueIsWrong() {
        // When each value is wrong on its own
        // Then the message names that flag and the value given, and the exit code is 2
        Result images = run("demo", "--images", "5");
        assertThat(images.exitCode()).isEqualTo(2);
        assertThat(images.err()).contains("--images must be at least 10 (got 5)").doesNotContain("--rate");
        assertThat(run("demo", "--rate", "0").err()).contains("--rate must be positive (got 0.0)");
        assertThat(run("demo", "--epochs", "0").err()).contains("--epochs must be at least 1 (got 0)");
        assertThat(run("demo", "--anomaly-fraction", "1").err()).contains("--anomaly-fraction must be within [0, 1)");
    }

    @Test
    void shouldRefuseNormalClassesTheDataDoesNotHaveBeforeStartingABroker() {
        // When a normal class has no images in the bundled sample (Fashion-MNIST has classes 0..9)
        Result result = run("demo", "--normal-classes", "11");

        // Then it fails at once (before step 1, the broker) with exit 2, naming the flag and the classes there are
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--normal-classes: class 11 has no training images")
                .contains("its classes are 0,1,2,3,4,5,6,7,8,9");
    }

    @Test
    void shouldRefuseNormalClassesThatLeaveNothingToFlag() {
        // When every class is normal
        Result result = run("demo", "--normal-classes", "0,1,2,3,4,5,6,7,8,9");

        // Then it says so before starting anything
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--normal-classes: every class of the test images")
                .contains("nothing could be flagged");
    }

    private record Result(int exitCode, String err) {
    }

    private static Result run(String... args) {
        CommandLine cl = Main.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setErr(new PrintWriter(err));
        }
        int code = cl.execute(args);
        return new Result(code, err.toString());
    }
}
