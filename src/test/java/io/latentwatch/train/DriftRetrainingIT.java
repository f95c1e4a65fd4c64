package io.latentwatch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentwatch.cli.DetectorLauncher;
import io.latentwatch.cli.Main;
import io.latentwatch.config.Topics;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.Split;
import io.latentwatch.drifttopic.DriftSummary;
import io.latentwatch.drifttopic.DriftTopic;
import io.latentwatch.kafka.TopicAdmin;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.stream.Detector;
import io.latentwatch.testing.Records;
import io.latentwatch.testing.SharedBroker;
import io.latentwatch.testing.TestTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drift-triggered retraining end to end on a real broker: a detector publishes drift summaries,
 * the input stream shifts to other classes, the trainer retrains from the input topic, publishes,
 * the detector swaps and the drift of the new model is back under the limit; no input is lost or
 * duplicated.
 */
class DriftRetrainingIT {
    private static final Logger LOG = LoggerFactory.getLogger(DriftRetrainingIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "default";
    private static final double LIMIT = 0.5;
    @RegisterExtension
    static final SharedBroker KAFKA = new SharedBroker();



    @Test
    void shouldRetrainFromTheInputTopicWhenTheLiveScoresDriftAndServeTheNewModel() throws Exception {
        // Given a shoe model (sandals, sneakers, ankle boots) on the models topic, a detector publishing its drift
        // every 500 ms, and a trainer retraining on drift above PSI 0.5
        Topics topics = TestTopics.unique();
        String driftTopic = topics.input() + "-drift";
        Run first = run("train", "--idx", TrainingFixtures.SAMPLE.toString(), "--normal-classes", "5,7,9",
                "--epochs", "4", "--filters", "8", "--latent-size", "16", "--publish", "--model-topic", topics.models(),
                "--bootstrap-servers", KAFKA.bootstrapServers());
        assertThat(first.exitCode()).as(first.err()).isZero();
        IdxDataset train = IdxDataset.load(TrainingFixtures.SAMPLE, Split.TRAIN);
        IdxDataset test = IdxDataset.load(TrainingFixtures.SAMPLE, Split.TEST);
        StringWriter trainerOut = new StringWriter();
        Thread trainer = new Thread(() -> {
            CommandLine cl = Main.commandLine();
            PrintWriter out = new PrintWriter(trainerOut, true);
            cl.setOut(out);
            cl.setErr(out);
            cl.execute("train", "--from-topic", topics.input(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--max-records", "630", "--publish", "--model-topic", topics.models(), "--retrain-on-drift",
                    Double.toString(LIMIT), "--drift-topic", driftTopic, "--epochs", "3", "--filters", "8",
                    "--latent-size", "16", "--seed", "3");
        }, "drift-trainer");
        List<String> sent = new ArrayList<>();
        String versionA;
        String versionB;
        try (Detector detector = DetectorLauncher.start("detect", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", topics.input(), "--anomaly-topic", topics.anomalies(), "--embedding-topic",
                topics.embeddings(), "--dlq-topic", topics.deadLetter(), "--model-topic", topics.models(),
                "--model-name", MODEL, "--application-id", "drift-it", "--http-port", "-1", "--topic-partitions", "1",
                "--drift-topic", driftTopic, "--drift-interval", "PT0.5S");
             KafkaProducer<byte[], byte[]> producer = Records.producer(KAFKA.bootstrapServers())) {
            versionA = detector.models().current().map(ModelInfo::version).orElseThrow();
            trainer.start();

            // When the usual traffic flows: the test split's shoes
            send(producer, topics.input(), "shoes", test.withLabels(LabelSet.of(5, 7, 9)), sent);
            // Then the drift stays under the limit and the trainer waits
            await().atMost(60, TimeUnit.SECONDS).until(() -> trainerOut.toString()
                    .contains("drift model " + versionA + ": PSI"));
            assertThat(trainerOut.toString()).contains("at or below " + LIMIT + "; waiting")
                    .doesNotContain("is above");

            // When the stream shifts: T-shirts and pullovers become the normal traffic, with 5% trousers and bags
            send(producer, topics.input(), "shift", mixed(train, LabelSet.of(0, 2), 600, LabelSet.of(1, 8), 30), sent);

            // Then the drift rises above the limit, the trainer retrains from the topic and publishes, and the
            // detector swaps to the new model
            await().atMost(120, TimeUnit.SECONDS).until(() -> trainerOut.toString().contains("drift round 1: "));
            assertThat(trainerOut.toString()).contains("is above " + LIMIT + ": retraining from topic '"
                    + topics.input() + "'", "drift round 1: published ");
            await().atMost(60, TimeUnit.SECONDS).until(() -> !detector.models().current().orElseThrow().version()
                    .equals(versionA));
            versionB = detector.models().current().orElseThrow().version();
            // trained on the traffic as it was, not on what the shoe model still took as normal
            assertThat(detector.models().current().orElseThrow().metadata().get(MetadataKeys.TRAINING_DATA))
                    .contains("\"left_out_by_current_model\":false");

            // When more of the new normal traffic arrives, never trained on
            send(producer, topics.input(), "new", mixed(test, LabelSet.of(0, 2), 200, LabelSet.of(1, 8), 10), sent);

            // Then the new model's drift, as published by the detector, is back under the limit
            DriftSummary settled = awaitSummary(driftTopic, s -> s.modelVersion().equals(versionB)
                    && s.windowScores() >= 200);
            assertThat(settled.psi()).isLessThan(LIMIT);
            await().atMost(30, TimeUnit.SECONDS).until(() -> trainerOut.toString()
                    .contains("drift model " + versionB + ": PSI"));
            assertThat(detector.meterRegistry().get("latentwatch.drift.summaries.published").counter().count())
                    .isPositive();
            assertThat(detector.meterRegistry().get("latentwatch.drift.summaries.failed").counter().count()).isZero();
        } catch (Throwable t) {
            throw new AssertionError("the trainer said:\n" + trainerOut, t);
        } finally {
            trainer.interrupt();
            trainer.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(trainer.isAlive()).isFalse();
        LOG.info("the trainer said:\n{}", trainerOut);
        assertThat(trainerOut.toString()).contains("stopped watching drift: 1 drift round, 1 delivered, 0 held back");

        // and every input was scored exactly once: by the shoe model before the shift, by the new one after it
        List<ConsumerRecord<byte[], byte[]>> outputs = Records.readUntil(KAFKA.bootstrapServers(),
                List.of(topics.embeddings()), read -> read.size() >= sent.size(), Duration.ofSeconds(60),
                Duration.ofSeconds(2));
        Map<String, JsonNode> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : outputs) {
            JsonNode json = JSON.readTree(r.value());
            assertThat(byId.put(json.get("id").asText(), json)).as("duplicate " + json.get("id")).isNull();
        }
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(byId.values().stream().filter(j -> j.get("id").asText().startsWith("shoes-"))
                .map(j -> j.get("model_version").asText())).containsOnly(versionA);
        assertThat(byId.values().stream().filter(j -> j.get("id").asText().startsWith("new-"))
                .map(j -> j.get("model_version").asText())).containsOnly(versionB);
        // and the detector left a tombstone under its key when it stopped
        assertThat(latestValues(driftTopic)).containsEntry(DriftTopic.key(MODEL, DriftTopic.defaultInstance()), null);
    }

    @Test
    void shouldTrainAFirstModelFromTheInputTopicWhenNoneIsPublishedYet() throws Exception {
        // Given shoe images on the input topic and no model on the models topic
        Topics topics = TestTopics.unique();
        List<String> sent = new ArrayList<>();
        new TopicAdmin(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), Duration.ofSeconds(30))
                .ensure(List.of(topics.input()), Set.of(), true, 1, (short) -1);
        try (KafkaProducer<byte[], byte[]> producer = Records.producer(KAFKA.bootstrapServers())) {
            send(producer, topics.input(), "shoes", IdxDataset.load(TrainingFixtures.SAMPLE, Split.TRAIN)
                    .withLabels(LabelSet.of(5, 7, 9)).select(IntStream.range(0, 300).toArray()), sent);
        }

        // When a trainer with --retrain-on-drift starts
        StringWriter trainerOut = new StringWriter();
        Thread trainer = new Thread(() -> {
            CommandLine cl = Main.commandLine();
            PrintWriter out = new PrintWriter(trainerOut, true);
            cl.setOut(out);
            cl.setErr(out);
            cl.execute("train", "--from-topic", topics.input(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--max-records", "300", "--publish", "--model-topic", topics.models(), "--retrain-on-drift", "0.5",
                    "--drift-topic", topics.input() + "-drift", "--epochs", "1", "--filters", "4", "--latent-size",
                    "8", "--contamination", "0");
        }, "first-model-trainer");
        trainer.start();
        try {
            // Then it trains and publishes a first model at once, and goes on watching
            await().atMost(90, TimeUnit.SECONDS).until(() -> trainerOut.toString().contains("drift model "));
        } finally {
            trainer.interrupt();
            trainer.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(trainerOut.toString()).contains("no model 'default' on topic '" + topics.models() + "' yet: training"
                + " a first one", "published ", "stopped watching drift: 0 drift rounds");
        assertThat(new ModelTopic(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), topics.models())
                .latest(MODEL)).isPresent();
    }

    private record Run(int exitCode, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    /** {@code normal} images of the given classes with {@code anomalies} others spread evenly among them. */
    private static IdxDataset mixed(IdxDataset from, LabelSet normal, int normals, LabelSet others, int anomalies) {
        int[] pick = new int[normals + anomalies];
        List<Integer> normalIdx = indexesOf(from, normal);
        List<Integer> otherIdx = indexesOf(from, others);
        int every = normals / anomalies;
        int ni = 0;
        int ai = 0;
        for (int i = 0; i < pick.length; i++) {
            boolean anomaly = ai < anomalies && (i % (every + 1) == every || ni >= normals);
            pick[i] = anomaly ? otherIdx.get(ai++ % otherIdx.size()) : normalIdx.get(ni++ % normalIdx.size());
        }
        return from.select(pick);
    }

    private static List<Integer> indexesOf(IdxDataset data, LabelSet classes) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < data.count(); i++) {
            if (classes.contains(data.labels()[i])) {
                idx.add(i);
            }
        }
        return idx;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String prefix, IdxDataset images,
                             List<String> sent) {
        for (int i = 0; i < images.count(); i++) {
            String id = prefix + "-" + i;
            producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), images.image(i)));
            sent.add(id);
        }
        producer.flush();
    }

    private static DriftSummary awaitSummary(String topic, Predicate<DriftSummary> wanted) {
        try (KafkaConsumer<String, byte[]> consumer = driftReader()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            DriftSummary[] found = new DriftSummary[1];
            await().atMost(60, TimeUnit.SECONDS).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && wanted.test(DriftSummary.fromJson(r.value()))) {
                        found[0] = DriftSummary.fromJson(r.value());
                    }
                }
                return found[0] != null;
            });
            return found[0];
        }
    }

    /** The last value under every key of the drift topic, tombstones as null. */
    private static Map<String, byte[]> latestValues(String topic) {
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = driftReader()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(30, TimeUnit.SECONDS).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return latest;
    }

    private static KafkaConsumer<String, byte[]> driftReader() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

}
