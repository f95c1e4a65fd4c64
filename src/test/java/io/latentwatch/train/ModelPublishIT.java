package io.latentwatch.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.TopicSetup;
import io.latentwatch.config.Topics;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.Split;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.kafka.TopicAdmin;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.Normalization;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.stream.Detector;
import io.latentwatch.testing.SharedBroker;
import io.latentwatch.util.Json;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trainer publishes to a real broker and a running detector swaps to the new model in the
 * middle of a stream.
 */
class ModelPublishIT {
    private static final Topics TOPICS = Topics.DEFAULTS;
    @RegisterExtension
    static final SharedBroker KAFKA = new SharedBroker();



    @Test
    void shouldSwapARunningDetectorToAPublishedModelWithoutLosingOrDuplicatingInput() throws IOException {
        // Given a first trained model on the models topic and a detector following it
        String first = train(1).version();
        IdxDataset images = IdxDataset.load(TrainingFixtures.SAMPLE, Split.TEST);
        List<ConsumerRecord<String, byte[]>> outputs = new ArrayList<>();
        try (Detector detector = Detector.start(detectorConfig());
             KafkaProducer<String, byte[]> producer = producer();
             KafkaConsumer<String, byte[]> embeddings = consumer()) {
            assertThat(detector.models().current().map(ModelInfo::version)).contains(first);

            // When images stream in while a second model is trained and published
            send(producer, images, 0, 200);
            String second = train(2).version();
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> detector.models().current().map(ModelInfo::version).orElse("").equals(second));
            send(producer, images, 200, 400);
            // and then a corrupt model arrives on the topic
            publishRaw("default", "not an onnx model".getBytes());
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> detector.meterRegistry().get("latentwatch.model.refusals").tag("reason", "invalid")
                            .counter().count() == 1);
            send(producer, images, 400, 500);
            await().atMost(60, TimeUnit.SECONDS).until(() -> {
                embeddings.poll(Duration.ofMillis(200)).forEach(outputs::add);
                return outputs.size() >= 500;
            });

            // Then every input was scored exactly once, the version changed once from the first to the second
            // model, and the second kept serving after the corrupt one was refused
            List<JsonNode> records = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : outputs) {
                records.add(Json.MAPPER.readTree(r.value()));
            }
            records.sort(Comparator.comparingLong(r -> r.get("input").get("offset").asLong()));
            assertThat(records).extracting(r -> r.get("id").asText()).doesNotHaveDuplicates().hasSize(500);
            List<String> versions = records.stream().map(r -> r.get("model_version").asText()).toList();
            int switchAt = versions.indexOf(second);
            assertThat(switchAt).isPositive();
            assertThat(versions.subList(0, switchAt)).containsOnly(first);
            assertThat(versions.subList(switchAt, versions.size())).containsOnly(second);
            assertThat(switchAt).isLessThanOrEqualTo(200);
            assertThat(detector.models().current().map(ModelInfo::version)).contains(second);
        }
    }

    @Test
    void shouldPublishAChallengerUnderItsOwnKeyLeavingTheServingModelAsItIs() {
        // Given a model serving under "shadowed"
        ModelTopic models = new ModelTopic(clientProps(), TOPICS.models());
        TrainJob.Outcome serving = train(4, "shadowed", false);

        // When a second one is trained and published as its challenger
        TrainJob.Outcome challenger = train(5, "shadowed", true);

        // Then it is under "shadowed#challenger", and "shadowed" still holds the serving model
        assertThat(models.latestPublication("shadowed#challenger")).hasValueSatisfying(p ->
                assertThat(p.onnx()).isEqualTo(challenger.onnx()));
        assertThat(models.latest("shadowed")).hasValueSatisfying(onnx -> assertThat(onnx).isEqualTo(serving.onnx()));
    }

    @Test
    void shouldTrainFromTheInputTopicLeavingOutWhatTheCurrentModelFlags() throws IOException {
        // Given a sneaker model on the models topic and a topic of 100 sneakers and 100 bags
        String topic = "recent-images";
        TrainJob.Outcome current = train(3);
        IdxDataset test = IdxDataset.load(TrainingFixtures.SAMPLE, Split.TEST);
        IdxDataset sneakers = test.withLabels(LabelSet.of(7));
        IdxDataset bags = test.withLabels(LabelSet.of(8));
        new TopicAdmin(clientProps(), Duration.ofSeconds(30)).ensure(List.of(topic), Set.of(), true, 1, (short) -1);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            // the first record waits until the new partition has a leader
            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().until(() ->
                    producer.send(new ProducerRecord<>(topic, "first", sneakers.image(0))).get() != null);
            send(producer, sneakers, 1, 100, topic);
            send(producer, bags, 0, 100, topic);
        }

        // When the training images are read from that topic
        TopicSource source = new TopicSource(new TopicImages(clientProps(), InputLimits.DEFAULT), topic, 1000,
                new ImagePreprocessor.Shape(1, 28, 28, Normalization.UNIT),
                new ModelTopic(clientProps(), TOPICS.models()), "default");
        TrainingData data = source.load();

        // Then exactly the images the current model scores at or above its threshold are left out
        long flagged;
        try (OnnxAutoencoder model = OnnxAutoencoder.load(current.onnx(), "current", ModelOverrides.NONE, 1)) {
            float[] sneakerScores = BatchScorer.scores(model, sneakers.toImages(Normalization.UNIT));
            float[] bagScores = BatchScorer.scores(model, bags.toImages(Normalization.UNIT));
            flagged = countAtOrAbove(sneakerScores, current.threshold()) + countAtOrAbove(bagScores, current.threshold());
            assertThat(countAtOrAbove(bagScores, current.threshold())).isGreaterThan(20);
        } catch (ModelRefusedException e) {
            throw new AssertionError(e);
        }
        assertThat(data.summary()).containsEntry("records", 200).containsEntry("left_out_as_anomalies", (int) flagged);
        assertThat(data.normal().count()).isEqualTo(200 - (int) flagged);
    }

    private static long countAtOrAbove(float[] scores, double threshold) {
        long n = 0;
        for (float s : scores) {
            if (s >= threshold) {
                n++;
            }
        }
        return n;
    }

    private static TrainJob.Outcome train(long seed) {
        return train(seed, "default", false);
    }

    private static TrainJob.Outcome train(long seed, String name, boolean challenger) {
        Hyperparameters hp = new Hyperparameters(ModelType.AE, 4, 8, 1, 64, 2e-3f, 0f, 3, 1f, seed);
        TrainConfig config = new TrainConfig(hp, name, 0.2, 0.01, Calibration.Method.FPR, 3, null, true,
                TOPICS.models(), clientProps(), true, null);
        ModelTopic models = new ModelTopic(config.kafka(), config.modelTopic());
        TrainingSource source = new IdxSource(TrainingFixtures.SAMPLE, LabelSet.of(7), 100, seed);
        TrainJob.Outcome outcome = new TrainJob(config, source, models, new PrintWriter(new StringWriter()),
                challenger).runOnce();
        assertThat(outcome.delivered()).isTrue();
        return outcome;
    }

    private static void publishRaw(String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(TOPICS.models(), key, value));
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, IdxDataset images, int from, int to) {
        send(producer, images, from, to, TOPICS.input());
    }

    private static void send(KafkaProducer<String, byte[]> producer, IdxDataset images, int from, int to,
                             String topic) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, "img-" + i, images.image(i)));
        }
        producer.flush();
    }

    private static DetectorConfig detectorConfig() {
        return DetectorConfig.of(Connection.to(KAFKA.bootstrapServers()), TOPICS, ModelSource.topic("default"),
                StreamsSettings.of("publish-it")).withTopicSetup(TopicSetup.create(1)).withHttpPort(-1);
    }

    private static Map<String, Object> clientProps() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(clientProps(), new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> props = new HashMap<>(clientProps());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "publish-it-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(TOPICS.embeddings()));
        return consumer;
    }
}
