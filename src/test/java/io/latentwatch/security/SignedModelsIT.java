package io.latentwatch.security;

import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.TopicSetup;
import io.latentwatch.config.Topics;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.stream.Detector;
import io.latentwatch.testing.Records;
import io.latentwatch.testing.SharedBroker;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestModels;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A detector that trusts one key, on a real broker: unsigned, tampered and unknown-key models on
 * the models topic are refused while it keeps scoring with its signed model, and a properly
 * signed one is swapped in.
 */
class SignedModelsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String NAME = "test";
    @RegisterExtension
    static final SharedBroker KAFKA = new SharedBroker();
    private final byte[] white = TestImages.greyPng(28, 28, 255);
    private final byte[] black = TestImages.greyPng(28, 28, 0);
    private final KeyPair trustedPair = SigningKeys.generate();
    private final ModelSigner trusted = new ModelSigner(trustedPair.getPrivate(), trustedPair.getPublic());
    private final KeyPair strangerPair = SigningKeys.generate();
    private final ModelSigner stranger = new ModelSigner(strangerPair.getPrivate(), strangerPair.getPublic());
    @TempDir
    Path dir;



    @Test
    void shouldRefuseUnsignedTamperedAndUnknownKeyModelsWhileScoringGoesOnThenSwapToASignedOne() throws Exception {
        // Given a detector trusting one key, serving a model file signed with it and following the models topic
        Topics topics = uniqueTopics();
        Path v1 = signedFile("v1");
        DetectorConfig config = config(topics, v1, true);
        ModelTopic models = new ModelTopic(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                topics.models());
        List<String> sent = new ArrayList<>();
        try (Detector detector = Detector.start(config);
             KafkaProducer<byte[], byte[]> producer = Records.producer(KAFKA.bootstrapServers())) {
            assertThat(version(detector)).isEqualTo("v1");
            send(producer, topics, sent, 0, 40);

            // When an unsigned model, a tampered one (a higher threshold under the signature of the original: it
            // would load and flag nothing) and one signed by an unknown key are published
            // (one at a time: the follower installs only the newest model of a poll)
            models.publish(NAME, TestModels.blackIsNormal("unsigned", 0.5));
            await().atMost(TIMEOUT).until(() -> refusals(detector, ModelVerifier.UNSIGNED) == 1);
            byte[] original = TestModels.blackIsNormal("tampered", 0.5);
            byte[] tampered = TestModels.blackIsNormal("tampered", 2.0);
            models.publish(NAME, tampered, trusted.sign(original).toHeaders());
            await().atMost(TIMEOUT).until(() -> refusals(detector, ModelVerifier.BAD_SIGNATURE) == 1);
            byte[] foreign = TestModels.blackIsNormal("foreign", 0.5);
            models.publish(NAME, foreign, stranger.sign(foreign).toHeaders());
            await().atMost(TIMEOUT).until(() -> refusals(detector, ModelVerifier.UNKNOWN_KEY) == 1);

            // Then each was refused and counted by its reason, and scoring goes on with v1
            assertThat(version(detector)).isEqualTo("v1");
            send(producer, topics, sent, 40, 80);
            Records.readUntil(KAFKA.bootstrapServers(), List.of(topics.embeddings()), r -> r.size() >= 80, TIMEOUT,
                    Duration.ZERO);

            // When a model signed by the trusted key is published
            byte[] v2 = TestModels.blackIsNormal("v2", 0.5);
            models.publish(NAME, v2, trusted.sign(v2).toHeaders());

            // Then the detector swaps to it, and every input was scored once: the first 80 by v1, the rest by v2
            await().atMost(TIMEOUT).until(() -> version(detector).equals("v2"));
            send(producer, topics, sent, 80, 120);
            List<ConsumerRecord<byte[], byte[]>> out = Records.readUntil(KAFKA.bootstrapServers(),
                    List.of(topics.embeddings()), r -> r.size() >= sent.size(), TIMEOUT, Duration.ofSeconds(2));
            List<ConsumerRecord<byte[], byte[]>> byId = new ArrayList<>(out);
            byId.sort(Comparator.comparingInt(r -> Integer.parseInt(Records.json(r).get("id").asText().substring(2))));
            assertThat(byId).extracting(r -> Records.json(r).get("id").asText()).containsExactlyElementsOf(sent);
            assertThat(byId.subList(0, 80)).allSatisfy(r ->
                    assertThat(Records.json(r).get("model_version").asText()).isEqualTo("v1"));
            assertThat(byId.subList(80, 120)).allSatisfy(r ->
                    assertThat(Records.json(r).get("model_version").asText()).isEqualTo("v2"));
            assertThat(refusals(detector, ModelVerifier.UNSIGNED)).isEqualTo(1);
            assertThat(refusals(detector, ModelVerifier.BAD_SIGNATURE)).isEqualTo(1);
            assertThat(refusals(detector, ModelVerifier.UNKNOWN_KEY)).isEqualTo(1);
            // and no refused model's bytes reached ONNX Runtime
            assertThat(refusals(detector, "invalid")).isZero();
            assertThat(detector.meterRegistry().get("latentwatch.model.swaps").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseToStartWithAModelFileWhoseSignatureIsMissingOrWrong() throws Exception {
        // Given trusted keys, an unsigned model file, and a file whose .sig belongs to other bytes
        Topics topics = uniqueTopics();
        Path unsigned = dir.resolve("unsigned.onnx");
        Files.write(unsigned, TestModels.blackIsNormal("u", 0.5));
        Path tampered = signedFile("t");
        Files.write(tampered, TestModels.blackIsNormal("t", 3.0));

        // Then the detector does not start with either, and says why
        assertThatThrownBy(() -> Detector.start(config(topics, unsigned, false)).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--model " + unsigned + " refused (unsigned)")
                .hasMessageContaining(unsigned + ".sig");
        assertThatThrownBy(() -> Detector.start(config(topics, tampered, false)).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refused (bad-signature)");

        // but with --allow-unsigned the unsigned file is served, while the tampered one is still refused
        ModelVerifier allowingUnsigned = ModelVerifier.trusting(TrustedKeys.of(trustedPair.getPublic()), true);
        try (Detector detector = Detector.start(withVerifier(config(topics, unsigned, false), allowingUnsigned))) {
            assertThat(version(detector)).isEqualTo("u");
        }
        assertThatThrownBy(() -> Detector.start(withVerifier(config(topics, tampered, false), allowingUnsigned))
                .close()).hasMessageContaining("refused (bad-signature)");
    }

    private Path signedFile(String version) throws Exception {
        Path file = dir.resolve(version + ".onnx");
        byte[] onnx = TestModels.blackIsNormal(version, 0.5);
        Files.write(file, onnx);
        Files.writeString(ModelSignature.fileOf(file), trusted.sign(onnx).toFileText());
        return file;
    }

    private DetectorConfig config(Topics topics, Path model, boolean follow) throws Exception {
        Path pub = dir.resolve("trusted.pub");
        SigningKeys.writePublic(pub, trustedPair.getPublic());
        ModelSource source = new ModelSource(model, follow, NAME, ModelOverrides.NONE, false,
                ModelVerifier.trusting(TrustedKeys.load(pub), false));
        return DetectorConfig.of(Connection.to(KAFKA.bootstrapServers()), topics, source,
                StreamsSettings.of("signed-" + UUID.randomUUID())).withTopicSetup(TopicSetup.create(1)).withHttpPort(-1);
    }

    private static DetectorConfig withVerifier(DetectorConfig config, ModelVerifier verifier) {
        return config.withModel(config.model().verifiedBy(verifier));
    }

    private void send(KafkaProducer<byte[], byte[]> producer, Topics topics, List<String> ids, int from, int to) {
        for (int i = from; i < to; i++) {
            ids.add("r-" + i);
            producer.send(Records.cloudEvent(topics.input(), "r-" + i, i % 10 == 0 ? white : black));
        }
        producer.flush();
    }

    private static double refusals(Detector detector, String reason) {
        return detector.meterRegistry().get("latentwatch.model.refusals").tag("reason", reason).counter().count();
    }

    private static String version(Detector detector) {
        return detector.models().current().map(ModelInfo::version).orElse("");
    }

    private static Topics uniqueTopics() {
        String p = UUID.randomUUID().toString().substring(0, 8) + "-";
        return new Topics(p + "images", p + "anomalies", p + "embeddings", p + "images-dlq", p + "models");
    }
}
