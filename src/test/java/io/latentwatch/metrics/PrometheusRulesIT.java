package io.latentwatch.metrics;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files under {@code deploy/prometheus} as Prometheus' own {@code promtool} sees them: the
 * example configuration and the alert rules are valid, and the alert unit tests pass.
 */
class PrometheusRulesIT {
    private static final Path DIR = Path.of("deploy", "prometheus");
    private Path promtool;

    @BeforeEach
    void findPromtool() {
        promtool = PrometheusBinaries.require("promtool");
    }

    @Test
    void shouldAcceptTheAlertRules() throws Exception {
        // Given the alert rules  When promtool checks them  Then they are valid
        assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS");
    }

    @Test
    void shouldPassTheAlertUnitTests() throws Exception {
        // Given the alert unit tests  When promtool runs them  Then every alert fires when and only when expected
        assertThat(promtool("test", "rules", "alerts_test.yml")).contains("SUCCESS");
    }

    @Test
    void shouldAcceptTheExampleConfiguration() throws Exception {
        // Given the example prometheus.yml  When promtool checks it (and the rule files it names)  Then it is valid
        assertThat(promtool("check", "config", "prometheus.yml")).contains("is valid prometheus config file");
    }

    /** Runs promtool in {@link #DIR}; returns its output, failing with it when promtool fails. */
    private String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(process.exitValue()).as("promtool " + String.join(" ", args) + " exit status; output:\n" + output)
                .isZero();
        return output;
    }
}
