package io.latentwatch.modeltopic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentwatch.cli.Main;
import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.TopicSetup;
import io.latentwatch.config.Topics;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.stream.Detector;
import io.latentwatch.testing.Records;
import io.latentwatch.testing.SharedBroker;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestModels;
import io.latentwatch.testing.TestTopics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Shadow scoring and promotion on a real broker: two detectors of one application serve champion
 * A; challenger B is published mid-stream and every output carries both verdicts while A alone
 * decides; {@code latentwatch promote} makes B the serving model in both detectors, and no input
 * is lost or scored twice.
 */
class ShadowPromotionIT {
    private static final String NAME = "test";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** A: black is normal, score (p/255)^2, flags from 0.5, i.e. from pixel value 181. */
    private static final double A_THRESHOLD = 0.5;
    /** B: reconstructs at half strength, score 0.25 (p/255)^2, flags from 0.05, i.e. from pixel value 115. */
    private static final double B_THRESHOLD = 0.05;
    @RegisterExtension
    static final SharedBroker KAFKA = new SharedBroker();
    private static final List<byte[]> GREYS = new ArrayList<>();

    @BeforeAll
    static void makeImages() {
        for (int p = 0; p < 256; p++) {
            GREYS.add(TestImages.greyPng(28, 28, p));
        }
    }


    @Test
    void shouldScoreAChallengerInTheShadowThenPromoteItInEveryDetectorWithoutLosingOrDuplicatingInput() {
        // Given champion A on the models topic and two detectors of one application sharing two partitions
        Topics topics = TestTopics.unique();
        ModelTopic models = new ModelTopic(clientProps(), topics.models());
        models.publish(NAME, TestModels.blackIsNormal("A", A_THRESHOLD));
        String appId = "shadow-it-" + UUID.randomUUID().toString().substring(0, 8);
        List<ConsumerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        try (Detector first = Detector.start(config(topics, appId));
             Detector second = Detector.start(config(topics, appId));
             KafkaProducer<byte[], byte[]> producer = Records.producer(KAFKA.bootstrapServers());
             KafkaConsumer<byte[], byte[]> reader = reader(topics)) {
            List<Detector> detectors = List.of(first, second);
            send(producer, topics, 0, 100);
            readUntil(reader, outputs, topics, 100);

            // When challenger B is published and both detectors load it next to A
            models.publishChallenger(NAME, challengerB(), Map.of());
            await().atMost(TIMEOUT).until(() -> detectors.stream().allMatch(d ->
                    version(d.models().challenger().current()).equals("B")));
            send(producer, topics, 100, 300);
            readUntil(reader, outputs, topics, 300);

            // and then B is judged on its 200 verdicts by two rules it fails, then one it meets, and promoted
            double agreement = agreement(100, 300);
            String[] promote = {"promote", "--model-name", NAME, "--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--model-topic", topics.models(), "--embedding-topic", topics.embeddings()};
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertThat(run(out, err, with(promote, "--min-records", "201"))).as(err.toString()).isEqualTo(3);
            assertThat(err.toString()).contains("challenger B on 200 records")
                    .contains("fewer than --min-records 201");
            err.getBuffer().setLength(0);
            assertThat(run(out, err, with(promote, "--min-records", "200", "--min-agreement", "0.99")))
                    .as(err.toString()).isEqualTo(3);
            assertThat(err.toString()).contains(String.format(Locale.ROOT, "agreement %.4f below --min-agreement 0.99",
                    agreement));
            assertThat(out.toString()).isEmpty();
            assertThat(models.latestPublication(ModelTopic.challengerKey(NAME))).isPresent();
            int exit = run(out, err, with(promote, "--min-records", "200", "--min-agreement", "0.5", "--flag-rate",
                    "0.1..0.9"));
            assertThat(exit).as(err.toString()).isZero();
            assertThat(err.toString()).contains("the rule is met");
            assertThat(out.toString()).contains("promoted challenger B").contains("to serving model 'test'");
            await().atMost(TIMEOUT).until(() -> detectors.stream().allMatch(d ->
                    version(d.models().current()).equals("B") && d.models().challenger().current().isEmpty()));
            send(producer, topics, 300, 400);
            readUntil(reader, outputs, topics, 400);
            settle(reader, outputs);

            // Then every input has exactly one embedding record
            List<JsonNode> embeddings = Records.on(outputs, topics.embeddings()).stream().map(Records::json).toList();
            assertThat(embeddings).extracting(e -> e.get("id").asText()).doesNotHaveDuplicates().hasSize(400);
            // and before the challenger: A alone, no challenger field
            for (JsonNode e : phase(embeddings, 0, 100)) {
                assertThat(e.get("model_version").asText()).isEqualTo("A");
                assertThat(e.has("challenger")).as(e.toString()).isFalse();
            }
            // and in the shadow: A decides as it would alone, B's verdict rides along on every record
            for (JsonNode e : phase(embeddings, 100, 300)) {
                int grey = grey(e);
                double a = Math.pow(grey / 255.0, 2);
                assertThat(e.get("model_version").asText()).isEqualTo("A");
                assertThat(e.get("anomaly").asBoolean()).as(e.toString()).isEqualTo(a >= A_THRESHOLD);
                JsonNode b = e.get("challenger");
                assertThat(b).as(e.toString()).isNotNull();
                assertThat(b.get("model_version").asText()).isEqualTo("B");
                assertThat(b.get("score").asDouble()).isCloseTo(0.25 * a, within(1e-5));
                assertThat(b.get("anomaly").asBoolean()).isEqualTo(0.25 * a >= B_THRESHOLD);
            }
            // and after the promotion: B serves and decides, and the challenger field is gone
            for (JsonNode e : phase(embeddings, 300, 400)) {
                double b = 0.25 * Math.pow(grey(e) / 255.0, 2);
                assertThat(e.get("model_version").asText()).isEqualTo("B");
                assertThat(e.get("anomaly").asBoolean()).isEqualTo(b >= B_THRESHOLD);
                assertThat(e.has("challenger")).as(e.toString()).isFalse();
            }
            // and the anomaly topic holds exactly the flagged records, once each, flagged by whoever served
            List<JsonNode> anomalies = Records.on(outputs, topics.anomalies()).stream().map(Records::json).toList();
            assertThat(anomalies).extracting(a -> a.get("id").asText()).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(embeddings.stream().filter(e -> e.get("anomaly").asBoolean())
                            .map(e -> e.get("id").asText()).toList());
            // and both detectors counted the shadow comparisons between them: 200 records, none failed
            double compared = 0;
            for (Detector d : detectors) {
                for (String outcome : List.of("both", "neither", "champion-only", "challenger-only")) {
                    compared += d.meterRegistry().get("latentwatch.challenger.comparisons").tag("outcome", outcome)
                            .counter().count();
                }
                assertThat(d.meterRegistry().get("latentwatch.challenger.comparisons").tag("outcome", "failed")
                        .counter().count()).isZero();
                assertThat(d.meterRegistry().get("latentwatch.challenger.loaded").gauge().value()).isZero();
            }
            assertThat(compared).isEqualTo(200);
        }
        // and the topic's current state: B under the name, no challenger
        assertThat(models.latestPublication(ModelTopic.challengerKey(NAME))).isEmpty();
        assertThat(models.latest(NAME)).hasValueSatisfying(onnx -> assertThat(onnx).isEqualTo(challengerB()));
    }

    @Test
    void shouldLoadOnlyAChallengerThatPassesTheChecksAndUnloadItOnItsTombstone() {
        // Given champion A, and a challenger for 32x32 images published before the detector starts
        Topics topics = TestTopics.unique();
        ModelTopic models = new ModelTopic(clientProps(), topics.models());
        models.publish(NAME, TestModels.blackIsNormal("A", A_THRESHOLD));
        models.publishChallenger(NAME, wide("wide"), Map.of());
        try (Detector detector = Detector.start(withHttp(topics, "shadow-checks-" + UUID.randomUUID()))) {
            // Then the detector serves A, refuses the wide challenger and loads none
            await().atMost(TIMEOUT).until(() -> refusals(detector, "input-changed") == 1);
            assertThat(detector.models().challenger().current()).isEmpty();
            assertThat(version(detector.models().current())).isEqualTo("A");

            // When a valid challenger follows, then a tombstone under its key
            models.publishChallenger(NAME, challengerB(), Map.of());
            await().atMost(TIMEOUT).until(() -> version(detector.models().challenger().current()).equals("B"));
            JsonNode model = modelJson(detector);
            assertThat(model.get("version").asText()).isEqualTo("A");
            assertThat(model.get("challenger").get("version").asText()).isEqualTo("B");
            assertThat(model.get("challenger").get("threshold").asDouble()).isEqualTo(B_THRESHOLD);
            models.delete(ModelTopic.challengerKey(NAME));

            // Then it is unloaded, and A serves on untouched
            await().atMost(TIMEOUT).until(() -> detector.models().challenger().current().isEmpty());
            assertThat(modelJson(detector).has("challenger")).isFalse();
            assertThat(version(detector.models().current())).isEqualTo("A");
            assertThat(detector.meterRegistry().get("latentwatch.model.swaps").counter().count()).isZero();
        }
        // and a detector started after the withdrawal loads no challenger from the topic's history: once it has
        // refused a wide challenger published after its start, it has read that history, and none is loaded
        try (Detector late = Detector.start(config(topics, "shadow-late-" + UUID.randomUUID()))) {
            models.publishChallenger(NAME, wide("wide-2"), Map.of());
            await().atMost(TIMEOUT).until(() -> refusals(late, "input-changed") == 1);
            assertThat(late.models().challenger().current()).isEmpty();
        }
    }

    /** A challenger for 32x32 images, which a detector serving 28x28 ones refuses. */
    private static byte[] wide(String version) {
        return TestModels.scaling(1, 32, 32, 0.5f).metadata(MetadataKeys.VERSION, version)
                .metadata(MetadataKeys.THRESHOLD, "0.1").toBytes();
    }

    private static double refusals(Detector detector, String reason) {
        return detector.meterRegistry().get("latentwatch.model.refusals").tag("reason", reason).counter().count();
    }

    @Test
    void shouldPromoteAtOnceWithoutARuleKeepingTheSignatureHeaders() {
        // Given a serving model and a challenger published with (stand-in) signature headers
        Topics topics = TestTopics.unique();
        ModelTopic models = new ModelTopic(clientProps(), topics.models());
        models.publish(NAME, TestModels.blackIsNormal("A", A_THRESHOLD));
        Map<String, byte[]> headers = Map.of("x-latentwatch-key-id", Records.bytes("0123456789abcdef"),
                "x-latentwatch-signature", Records.bytes("c2lnbmF0dXJl"));
        models.publishChallenger(NAME, challengerB(), headers);

        // When it is promoted with no rule
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, "promote", "--model-name", NAME, "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--model-topic", topics.models());

        // Then B's bytes and headers are the serving model's, and the challenger key is withdrawn
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("promoted challenger B").contains("signed");
        ModelTopic.Publication serving = models.latestPublication(NAME).orElseThrow();
        assertThat(serving.onnx()).isEqualTo(challengerB());
        assertThat(serving.headers()).containsOnlyKeys(headers.keySet());
        assertThat(serving.headers().get("x-latentwatch-signature")).isEqualTo(headers.get("x-latentwatch-signature"));
        assertThat(models.latestPublication(ModelTopic.challengerKey(NAME))).isEmpty();
    }

    @Test
    void shouldRefuseToPromoteAModelWithoutAChallengerWithExitCode2() {
        // Given a models topic with a serving model and no challenger
        Topics topics = TestTopics.unique();
        new ModelTopic(clientProps(), topics.models()).publish(NAME, TestModels.blackIsNormal("A", A_THRESHOLD));

        // When it is promoted
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, "promote", "--model-name", NAME, "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--model-topic", topics.models());

        // Then it says so in one line, with what to do, and exits 2
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse(""))
                .contains("model 'test' has no challenger")
                .contains("train --publish --challenger --model-name test");
        assertThat(out.toString()).isEmpty();
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.getSubcommands().values().forEach(sub -> {
            sub.setOut(new PrintWriter(out, true));
            sub.setErr(new PrintWriter(err, true));
        });
        return cl.execute(args);
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    /** Share of images {@code from..to-1} on which A and B make the same call. */
    private static double agreement(int from, int to) {
        int same = 0;
        for (int i = from; i < to; i++) {
            double a = Math.pow(i * 37 % 256 / 255.0, 2);
            same += (a >= A_THRESHOLD) == (0.25 * a >= B_THRESHOLD) ? 1 : 0;
        }
        return (double) same / (to - from);
    }

    /** B: reconstruction = 0.5 * input, so it scores a quarter of what A does. */
    private static byte[] challengerB() {
        return TestModels.scaling(1, 28, 28, 0.5f)
                .metadata(MetadataKeys.NAME, NAME)
                .metadata(MetadataKeys.VERSION, "B")
                .metadata(MetadataKeys.THRESHOLD, Double.toString(B_THRESHOLD))
                .toBytes();
    }

    /** Image {@code i} is uniform grey of value {@code i * 37 mod 256}; its event id says which. */
    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(Records.cloudEvent(topics.input(), "img-" + i, GREYS.get(i * 37 % 256)));
        }
        producer.flush();
    }

    private static int grey(JsonNode record) {
        return Integer.parseInt(record.get("id").asText().substring("img-".length())) * 37 % 256;
    }

    private static List<JsonNode> phase(List<JsonNode> embeddings, int from, int to) {
        Predicate<JsonNode> in = e -> {
            int i = Integer.parseInt(e.get("id").asText().substring("img-".length()));
            return i >= from && i < to;
        };
        List<JsonNode> records = embeddings.stream().filter(in).toList();
        assertThat(records).as("embeddings of images " + from + ".." + (to - 1)).hasSize(to - from);
        return records;
    }

    private static void readUntil(KafkaConsumer<byte[], byte[]> reader, List<ConsumerRecord<byte[], byte[]>> outputs,
                                  Topics topics, int embeddings) {
        await().atMost(TIMEOUT).until(() -> {
            reader.poll(Duration.ofMillis(200)).forEach(outputs::add);
            return Records.on(outputs, topics.embeddings()).size() >= embeddings;
        });
    }

    /** Reads on for a while, so that a duplicate written late is seen. */
    private static void settle(KafkaConsumer<byte[], byte[]> reader, List<ConsumerRecord<byte[], byte[]>> outputs) {
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < end) {
            reader.poll(Duration.ofMillis(200)).forEach(outputs::add);
        }
    }

    private static String version(Optional<ModelInfo> info) {
        return info.map(ModelInfo::version).orElse("");
    }

    private static KafkaConsumer<byte[], byte[]> reader(Topics topics) {
        Map<String, Object> props = new HashMap<>(clientProps());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "shadow-it-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.embeddings(), topics.anomalies()));
        return consumer;
    }

    private static DetectorConfig config(Topics topics, String appId) {
        return DetectorConfig.of(Connection.to(KAFKA.bootstrapServers()), topics, ModelSource.topic(NAME),
                StreamsSettings.of(appId)).withTopicSetup(TopicSetup.create(2)).withHttpPort(-1);
    }

    /** As {@link #config}, with the HTTP endpoint on a free port. */
    private static DetectorConfig withHttp(Topics topics, String appId) {
        return config(topics, appId).withHttpPort(0);
    }

    /** The detector's {@code GET /model}. */
    private static JsonNode modelJson(Detector detector) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + detector.httpPort() + "/model")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> clientProps() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    }
}
