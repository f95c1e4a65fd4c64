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

/** {@code bench --detector-processes 2}: two real {@code detect} processes share the input topic. */
class BenchDetectorProcessesIT {
    @TempDir
    Path dir;

    @Test
    void shouldDrainTheTopicWithTwoDetectorProcessesAndReportTheirCpuPerImage() throws Exception {
        // Given a small model file
        Path model = dir.resolve("m.onnx");
        Files.write(model, TestModels.blackIsNormal("bench-it", 0.5));

        // When bench runs two cold detector processes on its embedded broker
        CliRun run = CliRun.of("bench", "--model", model.toString(), "--images", "400", "--warm-up-images", "0",
                "--detector-processes", "2",
                "--detector-jvm-options", "-Xmx256m", "--compare-commit-intervals", "none");

        // Then every image is scored, on two partitions, and the CPU of the processes and of their
        // stream threads is reported per image
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = Json.MAPPER.readTree(run.out());
        assertThat(result.get("images").asInt()).isEqualTo(400);
        assertThat(result.get("warm_up_images").asInt()).isZero();
        assertThat(result.has("warm_up_images_per_second")).isFalse();
        assertThat(result.get("detector_processes").asInt()).isEqualTo(2);
        assertThat(result.get("partitions").asInt()).isEqualTo(2);
        assertThat(result.get("detector_jvm_options").asText()).isEqualTo("-Xmx256m");
        assertThat(result.get("images_per_detector_process_cpu_second").asDouble()).isPositive();
        assertThat(result.get("images_per_stream_thread_cpu_second").asDouble()).isPositive();
        assertThat(result.get("detector_process_cpu_seconds").asDouble())
                .isGreaterThanOrEqualTo(result.get("stream_thread_cpu_seconds").asDouble());
        assertThat(result.has("stream_thread_bytes_allocated_per_image")).isFalse();
        // and the processes' compiler threads' time is reported (DetectorProcessesTest checks the counting)
        assertThat(result.get("jit_compile_seconds_while_draining").asDouble()).isNotNegative();
        assertThat(result.get("jit_compile_seconds_while_latency_run").asDouble()).isNotNegative();
    }
}
