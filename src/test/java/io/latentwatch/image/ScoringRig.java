package io.latentwatch.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.AnomalyMapSettings;
import io.latentwatch.config.Topics;
import io.latentwatch.config.Tuning;
import io.latentwatch.metrics.DetectorMetrics;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRegistry;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.stream.DeadLetterExceptionHandler;
import io.latentwatch.stream.DetectorTopology;
import io.latentwatch.stream.Headers;
import io.latentwatch.stream.RecordBudget;
import io.latentwatch.testing.FuzzRecord;
import io.latentwatch.testing.TestModels;
import io.latentwatch.util.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real detector topology on TopologyTestDriver, once per test model, configured with the
 * detector's processing-exception handler, for fuzz tests that pipe one record at a time and check
 * what came out.
 *
 * <p>Models, chosen per record by the {@code @model} pseudo header of {@link FuzzRecord}:
 * {@code grey} (default: 1x28x28, reconstruction 0, score in [0, 1]), {@code rgb} (3x32x24,
 * reconstruction = input / 2, score in [0, 0.25]) and {@code tiny} (1x1x1, reconstruction 0).
 * A fourth lane, {@code grey-batched}, is the grey one scoring through the batch buffer (the
 * detector's default), flushed by its punctuator after each record ({@link #pipeBatched}).
 */
final class ScoringRig implements AutoCloseable {
    private static final String BATCHED = "grey-batched";
    private static final Tuning BATCHING = new Tuning(4, Duration.ofMillis(1), Duration.ofMillis(20));
    private final Map<String, Lane> lanes;

    private ScoringRig(Map<String, Lane> lanes) {
        this.lanes = lanes;
    }

    /** What one input produced. */
    record Outcome(Lane lane, List<TestRecord<byte[], byte[]>> embeddings,
                   List<TestRecord<byte[], byte[]>> anomalies, List<TestRecord<byte[], byte[]>> deadLetters) {
    }

    /** One driver with its model. */
    record Lane(String name, int channels, float maxScore, TopologyTestDriver driver, ModelRegistry models,
                TestInputTopic<byte[], byte[]> images, TestOutputTopic<byte[], byte[]> embeddings,
                TestOutputTopic<byte[], byte[]> anomalies, TestOutputTopic<byte[], byte[]> deadLetters) {
    }

    static ScoringRig start() throws Exception {
        Map<String, Lane> lanes = new LinkedHashMap<>();
        lanes.put("grey", lane("grey", 1, 28, 28, 0f, 1f));
        lanes.put("rgb", lane("rgb", 3, 32, 24, 0.5f, 0.25f));
        lanes.put("tiny", lane("tiny", 1, 1, 1, 0f, 1f));
        lanes.put(BATCHED, lane(BATCHED, 1, 28, 28, 0f, 1f, BATCHING));
        return new ScoringRig(lanes);
    }

    private static Lane lane(String name, int channels, int height, int width, float factor, float maxScore)
            throws Exception {
        return lane(name, channels, height, width, factor, maxScore, Tuning.UNBATCHED);
    }

    private static Lane lane(String name, int channels, int height, int width, float factor, float maxScore,
                             Tuning tuning) throws Exception {
        byte[] onnx = TestModels.scaling(channels, height, width, factor)
                .metadata(MetadataKeys.NAME, "fuzz-" + name)
                .metadata(MetadataKeys.VERSION, "v1")
                .metadata(MetadataKeys.MODEL_TYPE, "ae")
                .metadata(MetadataKeys.THRESHOLD, Double.toString(maxScore / 2))
                .toBytes();
        ModelRegistry models = new ModelRegistry();
        models.swap(OnnxAutoencoder.load(onnx, "fuzz-" + name, ModelOverrides.NONE, 1));
        DetectorMetrics metrics = new DetectorMetrics(new SimpleMeterRegistry());
        Topics topics = Topics.DEFAULTS;
        java.util.Properties props = new java.util.Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fuzz-" + name);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // As the detector runs: what the scorer does not foresee goes to the DLQ as internal-error.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class.getName());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetter());
        props.put(DeadLetterExceptionHandler.METRICS_CONFIG, metrics);
        TopologyTestDriver driver = new TopologyTestDriver(DetectorTopology.build(topics, InputLimits.DEFAULT, models,
                metrics, RecordBudget.KAFKA_DEFAULT, tuning, RecordBudget.KAFKA_DEFAULT.maxRecordBytes(),
                AnomalyMapSettings.OFF), props);
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        return new Lane(name, channels, maxScore, driver, models, driver.createInputTopic(topics.input(), ser, ser),
                driver.createOutputTopic(topics.embeddings(), de, de), driver.createOutputTopic(topics.anomalies(), de, de),
                driver.createOutputTopic(topics.deadLetter(), de, de));
    }

    /**
     * Pipes one record into the grey model's batching lane and lets the linger pass, so that the
     * punctuator flushes it: what the default detector does with a record that waits for its batch.
     */
    Outcome pipeBatched(FuzzRecord record) {
        Lane lane = lanes.get(BATCHED);
        lane.images().pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(),
                Instant.ofEpochMilli(record.timestamp())));
        lane.driver().advanceWallClockTime(BATCHING.batchLinger().multipliedBy(2));
        return new Outcome(lane, lane.embeddings().readRecordsToList(), lane.anomalies().readRecordsToList(),
                lane.deadLetters().readRecordsToList());
    }

    /** Whether a record goes to the grey model's lane. */
    boolean forGrey(FuzzRecord record) {
        return record.model() == null || !lanes.containsKey(record.model()) || record.model().equals(BATCHED);
    }

    /** Pipes one record into the lane its {@code @model} names (the grey one when unknown). */
    Outcome pipe(FuzzRecord record) {
        Lane lane = forGrey(record) ? lanes.get("grey") : lanes.get(record.model());
        lane.images().pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(),
                Instant.ofEpochMilli(record.timestamp())));
        return new Outcome(lane, lane.embeddings().readRecordsToList(), lane.anomalies().readRecordsToList(),
                lane.deadLetters().readRecordsToList());
    }

    /** The score of a scored input's embedding record, as written. */
    String score(Outcome outcome) {
        return json(outcome.embeddings().get(0).value()).get("score").asText();
    }

    /** A scored input: a finite score in the model's range, a finite vector, an anomaly record iff flagged. */
    void checkScored(Outcome outcome) {
        JsonNode embedding = json(outcome.embeddings().get(0).value());
        double score = embedding.get("score").asDouble();
        assertThat(score).as("score").isBetween(0.0, (double) outcome.lane().maxScore());
        JsonNode vector = embedding.get("vector");
        assertThat(vector).as("embedding vector").hasSize(outcome.lane().channels());
        vector.forEach(v -> assertThat(v.isNumber() && Double.isFinite(v.asDouble()))
                .as("finite vector value %s", v).isTrue());
        assertThat(outcome.anomalies()).as("anomaly records").hasSize(embedding.get("anomaly").asBoolean() ? 1 : 0);
    }

    /** A dead letter: a foreseen reason with a message, the input's own key, value and headers. */
    void checkDeadLetter(Outcome outcome, FuzzRecord record, Set<RejectReason> unforeseen) {
        TestRecord<byte[], byte[]> dead = outcome.deadLetters().get(0);
        String reason = header(dead, Headers.ERROR_CLASS);
        String message = header(dead, Headers.ERROR);
        assertThat(Arrays.stream(RejectReason.values()).filter(r -> !unforeseen.contains(r)).map(RejectReason::id))
                .as("reason of a dead letter with message '%s'", message).contains(reason);
        assertThat(message).as("dead-letter message").isNotBlank();
        assertThat(outcome.anomalies()).as("anomaly records of a dead-lettered input").isEmpty();
        assertThat(dead.value()).as("dead-letter value").isEqualTo(record.value());
        assertThat(dead.key()).as("dead-letter key").isEqualTo(record.key());
        for (Header h : record.headers()) {
            if (!h.key().startsWith("x-latentwatch-")) {
                assertThat(dead.headers().lastHeader(h.key())).as("input header %s", h.key()).isNotNull();
            }
        }
    }

    @Override
    public void close() {
        lanes.values().forEach(l -> {
            l.driver().close();
            l.models().close();
        });
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
