package io.latentwatch.stream;

import io.latentwatch.image.InputLimits;
import io.latentwatch.testing.TestImages;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Every output the topology writes fits the record limit, whatever the input's size. */
class RecordBudgetTopologyTest {
    private static final RecordBudget BUDGET = new RecordBudget(16 * 1024);
    /** Inputs of up to 64 KiB are accepted; outputs may have 16 KiB. */
    private static final InputLimits LIMITS = new InputLimits(64 * 1024, 40_000_000L);
    private TopologyRig rig;
    private TestInputTopic<byte[], byte[]> images;
    private TestOutputTopic<byte[], byte[]> embeddings;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void startDriver() throws Exception {
        rig = new TopologyRig("budget-test",
                r -> DetectorTopology.build(r.topics, LIMITS, r.models, r.metrics, BUDGET));
        images = rig.images;
        embeddings = rig.embeddings;
        deadLetters = rig.deadLetters;
    }

    @AfterEach
    void closeDriver() {
        rig.close();
    }

    @Test
    void shouldDeadLetterAnOversizedInputWithoutItsValueButWithItsDigestAndGoOn() throws Exception {
        // Given an input over --max-image-bytes, far over what a dead letter may carry
        byte[] huge = new byte[200 * 1024];
        Arrays.fill(huge, (byte) 7);
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        images.pipeInput(new TestRecord<>("big".getBytes(StandardCharsets.UTF_8), huge, headers));

        // When a valid image follows it
        images.pipeInput(new TestRecord<>("ok".getBytes(StandardCharsets.UTF_8), TestImages.greyPng(28, 28, 0)));

        // Then the dead letter fits, keeps key, headers and reason, and names the value it left out
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(RecordBudget.size(dead.key(), dead.value(), dead.headers())).isLessThanOrEqualTo(16 * 1024);
        assertThat(dead.value()).isNull();
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("big");
        assertThat(header(dead, Headers.ERROR_CLASS)).isEqualTo("image-too-large");
        assertThat(header(dead, "trace-id")).isEqualTo("abc");
        assertThat(header(dead, Headers.ORIGINAL_BYTES)).isEqualTo(Integer.toString(huge.length));
        assertThat(header(dead, Headers.ORIGINAL_SHA256))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(huge)));
        assertThat(header(dead, Headers.VALUE_OMITTED)).contains("left out");
        // And the partition goes on: the next image is scored
        assertThat(embeddings.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldKeepTheValueOfAnUnscorableInputThatFits() {
        // Given garbage well under the limit
        byte[] garbage = new byte[1000];
        images.pipeInput(new TestRecord<>(null, garbage));

        // Then the dead letter is the input itself
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(dead.headers().lastHeader(Headers.VALUE_OMITTED)).isNull();
    }

    @Test
    void shouldDropTheInputsOwnHeadersAndKeyWhenEvenTheyDoNotFit() {
        // Given an input whose own headers and key alone are over the limit
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < 4; i++) {
            headers.add("h" + i, new byte[8 * 1024]);
        }
        images.pipeInput(new TestRecord<>(new byte[20 * 1024], new byte[] {1, 2, 3}, headers));

        // Then the dead letter still fits and keeps the reason
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(RecordBudget.size(dead.key(), dead.value(), dead.headers())).isLessThanOrEqualTo(16 * 1024);
        assertThat(header(dead, Headers.ERROR_CLASS)).isEqualTo("unrecognised-format");
        assertThat(header(dead, Headers.HEADERS_OMITTED)).isEqualTo("4");
        assertThat(dead.key()).isNull();
        assertThat(header(dead, Headers.KEY_SHA256)).hasSize(64);
    }

    @Test
    void shouldDeadLetterAValidImageWhoseOutputsCouldNotBeSent() {
        // Given a valid image whose CloudEvent id alone is larger than an output record may be
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", "x".repeat(20 * 1024).getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "/test".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", "t".getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", "image/png".getBytes(StandardCharsets.UTF_8));
        images.pipeInput(new TestRecord<>(null, TestImages.greyPng(28, 28, 0), headers));

        // Then it goes to the dead-letter topic with the reason, not to a send that fails for ever
        assertThat(embeddings.isEmpty()).isTrue();
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, Headers.ERROR_CLASS)).isEqualTo("output-too-large");
        assertThat(RecordBudget.size(dead.key(), dead.value(), dead.headers())).isLessThanOrEqualTo(16 * 1024);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
