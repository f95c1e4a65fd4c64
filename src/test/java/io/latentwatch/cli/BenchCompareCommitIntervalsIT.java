package io.latentwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.testing.CliRun;
import io.latentwatch.testing.TestModels;
import io.latentwatch.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench --compare-commit-intervals}: a fresh, warmed detector per interval, side by side. */
class BenchCompareCommitIntervalsIT {
    @TempDir
    Path dir;

    @Test
    void shouldReportTheLatencyOfEachCommitInterval() throws Exception {
        // Given a small model file
        Path model = dir.resolve("m.onnx");
        Files.write(model, TestModels.blackIsNormal("bench-compare-it", 0.5));

        // When bench runs with the default commit interval and compares two more
        CliRun run = CliRun.of("bench", "--model", model.toString(), "--images", "300",
                "--compare-commit-intervals", "50,100");

        // Then the latency percentiles of all three are reported, the default's also on its own
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = Json.MAPPER.readTree(run.out());
        JsonNode byInterval = result.get("latency_by_commit_interval_ms");
        assertThat(byInterval.fieldNames()).toIterable().containsExactly("20", "50", "100");
        for (String interval : new String[] {"20", "50", "100"}) {
            JsonNode p = byInterval.get(interval);
            assertThat(p.get("p50").asDouble()).as(interval).isPositive();
            assertThat(p.get("p99").asDouble()).as(interval).isGreaterThanOrEqualTo(p.get("p50").asDouble());
        }
        assertThat(byInterval.get("20").get("p99").asDouble()).isEqualTo(result.get("latency_p99_ms").asDouble());
        // and the first detector drained three times as many images to warm up as it timed (the default)
        assertThat(result.get("warm_up_images").asInt()).isEqualTo(900);
        assertThat(result.get("warm_up_images_per_second").asDouble()).isPositive();
        assertThat(result.get("images_per_second").asDouble()).isPositive();
        // and the JIT compilers' time while the timed figures were taken is reported with them
        assertThat(result.get("jit_compile_seconds_while_draining").asDouble()).isNotNegative();
        assertThat(result.get("jit_compile_seconds_while_latency_run").asDouble()).isNotNegative();
    }
}
