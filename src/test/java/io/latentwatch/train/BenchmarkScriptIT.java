package io.latentwatch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/benchmark-fmnist.sh, the source of the AUROC tables in docs/training.md, still runs. */
class BenchmarkScriptIT {
    @TempDir
    Path out;

    @Test
    void shouldWriteOneJsonLinePerClassAndSeedAndASummary() throws Exception {
        // Given the bundled sample, one class, two seeds and one epoch
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/benchmark-fmnist.sh", "--seeds", "2",
                "data/fashion-mnist-sample", "--epochs", "1").redirectErrorStream(true);
        builder.environment().put("OUT_DIR", out.toString());
        builder.environment().put("CLASSES", "7");

        // When the script runs
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        // Then there is a JSON line per class and seed with numbers, and a summary over them
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode run = json.readTree(line);
            assertThat(run.get("class").asInt()).isEqualTo(7);
            assertThat(run.get("auroc").isNumber()).isTrue();
            assertThat(run.get("auroc").asDouble()).isBetween(0.5, 1.0);
            assertThat(run.get("fpr").isNumber()).isTrue();
        }
        JsonNode summary = json.readTree(Files.readString(out.resolve("summary.json")));
        assertThat(summary.get("seeds").asInt()).isEqualTo(2);
        assertThat(summary.get("mean_auroc").asDouble()).isBetween(0.5, 1.0);
        assertThat(output).contains("[2/2] class 7, seed 2").contains("Mean AUROC over 1 classes");
    }
}
