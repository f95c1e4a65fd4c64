package io.latentwatch.stream;

import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.Topics;
import io.latentwatch.config.Tuning;
import io.latentwatch.metrics.DetectorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka Streams settings the detector derives from its own. */
class StreamsPropertiesTest {
    @Test
    void shouldPollNoLongerThanTheCommitIntervalSoTheLastRecordsOfABurstAreCommittedInTime() {
        // Given the default commit interval, a long one, and a poll.ms of the user's
        // When the Streams properties are derived
        // Then an idle poll waits no longer than the commit interval (Streams' 100 ms at most), and
        // the user's own setting wins
        assertThat(properties(Duration.ofMillis(20), Map.of()).get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(20L);
        assertThat(properties(Duration.ofSeconds(5), Map.of()).get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(100L);
        assertThat(properties(Duration.ofMillis(20), Map.of("poll.ms", "7")).get(StreamsConfig.POLL_MS_CONFIG))
                .isEqualTo("7");
    }

    private static Properties properties(Duration commitInterval, Map<String, String> kafkaConfig) {
        DetectorConfig config = DetectorConfig.of(new Connection("localhost:9092", kafkaConfig), Topics.DEFAULTS,
                        ModelSource.file(Path.of("m.onnx")), StreamsSettings.of("props-test"))
                .withTuning(new Tuning(1, Duration.ofMillis(10), commitInterval));
        return DetectorTopology.streamsProperties(config, Path.of("state"),
                new DetectorMetrics(new SimpleMeterRegistry()));
    }
}
