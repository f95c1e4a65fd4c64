package io.latentwatch.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.AnomalyMapSettings;
import io.latentwatch.config.Tuning;
import io.latentwatch.image.InputLimits;
import io.latentwatch.testing.TestImages;
import io.latentwatch.util.Json;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BatchingTopologyTest {
    private static final Tuning TUNING = new Tuning(4, Duration.ofMillis(50), Duration.ofMillis(20));
    private TopologyRig rig;
    private TestInputTopic<byte[], byte[]> images;
    private TestOutputTopic<byte[], byte[]> embeddings;
    private TestOutputTopic<byte[], byte[]> anomalies;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void startDriver() throws Exception {
        rig = new TopologyRig("batching-test", r -> DetectorTopology.build(r.topics, InputLimits.DEFAULT, r.models, r.metrics,
                RecordBudget.KAFKA_DEFAULT, TUNING, 2 * 1024 * 1024, AnomalyMapSettings.OFF));
        images = rig.images;
        embeddings = rig.embeddings;
        anomalies = rig.anomalies;
        deadLetters = rig.deadLetters;
    }

    @AfterEach
    void closeDriver() {
        rig.close();
    }

    @Test
    void shouldHoldRecordsInTheBufferUntilTheBatchIsFull() {
        // Given a batch size of 4 and three images
        for (int i = 0; i < 3; i++) {
            images.pipeInput(new TestRecord<>(key("k" + i), TestImages.greyPng(28, 28, 0)));
        }

        // Then nothing is scored yet, and the three wait in the buffer store
        assertThat(embeddings.isEmpty()).isTrue();
        KeyValueStore<byte[], byte[]> buffer = rig.driver.getKeyValueStore(ScoringProcessor.BUFFER_STORE);
        assertThat(count(buffer)).isEqualTo(3);

        // When the fourth comes
        images.pipeInput(new TestRecord<>(key("k3"), TestImages.greyPng(28, 28, 255)));

        // Then all four are scored in one call, in input order, with their own ids and origins
        List<JsonNode> out = embeddings.readValuesToList().stream().map(BatchingTopologyTest::json).toList();
        assertThat(out).extracting(e -> e.get("id").asText()).containsExactly("k0", "k1", "k2", "k3");
        assertThat(out).extracting(e -> e.get("input").get("offset").asLong()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(out).extracting(e -> e.get("anomaly").asBoolean()).containsExactly(false, false, false, true);
        assertThat(json(anomalies.readValue()).get("id").asText()).isEqualTo("k3");
        assertThat(count(buffer)).isZero();
        assertThat(rig.meters.get("latentwatch.inference.batch.size").summary().max()).isEqualTo(4);
    }

    @Test
    void shouldFlushAHalfFullBatchWhenTheLingerPasses() {
        // Given two images in a batch of four
        images.pipeInput(new TestRecord<>(key("a"), TestImages.greyPng(28, 28, 0)));
        images.pipeInput(new TestRecord<>(key("b"), TestImages.greyPng(28, 28, 0)));
        assertThat(embeddings.isEmpty()).isTrue();

        // When the wall clock passes the linger
        rig.driver.advanceWallClockTime(Duration.ofMillis(60));

        // Then both are scored
        assertThat(embeddings.readValuesToList()).extracting(v -> json(v).get("id").asText()).containsExactly("a", "b");
    }

    @Test
    void shouldDeadLetterABadRecordOfABatchAndScoreTheOthers() {
        // Given a batch with garbage in the middle, carrying a header of its own
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        images.pipeInput(new TestRecord<>(key("ok-1"), TestImages.greyPng(28, 28, 0)));
        images.pipeInput(new TestRecord<>(key("pill"), new byte[] {0x13, 0x37, 0}, headers));
        images.pipeInput(new TestRecord<>(key("ok-2"), TestImages.greyPng(28, 28, 0)));
        images.pipeInput(new TestRecord<>(key("ok-3"), TestImages.greyPng(28, 28, 0)));

        // Then the garbage is dead-lettered with its headers and origin, and the rest scored
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo(key("pill"));
        assertThat(new String(dead.headers().lastHeader("trace-id").value(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(new String(dead.headers().lastHeader(Headers.SOURCE_OFFSET).value(), StandardCharsets.UTF_8))
                .isEqualTo("1");
        assertThat(embeddings.readValuesToList()).extracting(v -> json(v).get("id").asText())
                .containsExactly("ok-1", "ok-2", "ok-3");
    }

    @Test
    void shouldKeepTheBuffersChangelogToABatchOfKeysHoweverManyRecordsPass() {
        // Given the buffer's changelog topic
        TestOutputTopic<byte[], byte[]> changelog = rig.driver.createOutputTopic(
                "batching-test-" + ScoringProcessor.BUFFER_STORE + "-changelog", new ByteArrayDeserializer(),
                new ByteArrayDeserializer());

        // When 50 images pass through batches of 4, the last two still waiting
        for (int i = 0; i < 50; i++) {
            images.pipeInput(new TestRecord<>(key("k" + i), TestImages.greyPng(28, 28, 0)));
        }

        // Then all but those two are scored, and the changelog (what compaction keeps of it, and what a
        // restarted detector restores) has no more keys than a batch has records
        assertThat(embeddings.readValuesToList()).hasSize(48);
        List<TestRecord<byte[], byte[]>> logged = changelog.readRecordsToList();
        assertThat(logged).isNotEmpty();
        assertThat(logged.stream().map(r -> ByteBuffer.wrap(r.key())).distinct()).hasSizeLessThanOrEqualTo(4);
        assertThat(count(rig.driver.getKeyValueStore(ScoringProcessor.BUFFER_STORE))).isEqualTo(2);
    }

    @Test
    void shouldScoreALargeImageAtOnceAfterWhatWaitsInTheBuffer() {
        // Given two small images waiting in a batch of four
        images.pipeInput(new TestRecord<>(key("small-1"), TestImages.greyPng(28, 28, 0)));
        images.pipeInput(new TestRecord<>(key("small-2"), TestImages.greyPng(28, 28, 0)));
        assertThat(embeddings.isEmpty()).isTrue();

        // When an image larger than what the buffer holds comes (600x600 grey noise, which PNG cannot shrink)
        BufferedImage noise = new BufferedImage(600, 600, BufferedImage.TYPE_BYTE_GRAY);
        Random random = new Random(7);
        for (int y = 0; y < 600; y++) {
            for (int x = 0; x < 600; x++) {
                int v = random.nextInt(256);
                noise.getRaster().setSample(x, y, 0, v);
            }
        }
        byte[] large = TestImages.encode(noise, "png");
        assertThat(large.length).isGreaterThan(ScoringProcessor.BUFFERED_RECORD_MAX_BYTES);
        images.pipeInput(new TestRecord<>(key("large"), large));

        // Then the two are scored first and the large one right after, without waiting for a batch or
        // the linger, and the buffer is empty
        assertThat(embeddings.readValuesToList()).extracting(v -> json(v).get("id").asText())
                .containsExactly("small-1", "small-2", "large");
        assertThat(count(rig.driver.getKeyValueStore(ScoringProcessor.BUFFER_STORE))).isZero();
    }

    @Test
    void shouldTellSlotKeysFromTheOffsetKeysOfEarlierBuffers() {
        assertThat(BufferedInput.slotOf(BufferedInput.slotKey(0))).isZero();
        assertThat(BufferedInput.slotOf(BufferedInput.slotKey(37))).isEqualTo(37);
        assertThat(BufferedInput.slotKey(37)).isSameAs(BufferedInput.slotKey(37));
        assertThat(BufferedInput.slotOf(ByteBuffer.allocate(Long.BYTES).putLong(5).array())).isEqualTo(-1);
    }

    private static int count(KeyValueStore<byte[], byte[]> store) {
        int n = 0;
        try (KeyValueIterator<byte[], byte[]> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
