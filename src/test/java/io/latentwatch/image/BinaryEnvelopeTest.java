package io.latentwatch.image;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BinaryEnvelopeTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void shouldReadEveryCommonEventAsTheSdkDoes() {
        // Given times valid and invalid, in and out of the fast path's form
        List<String> times = new ArrayList<>(List.of("2026-11-27T22:39:22.846Z", "2026-11-27T22:39:22Z",
                "2026-11-27T22:39:22.1Z", "2026-11-27T22:39:22.123456789Z", "2026-11-27T22:39:22.1234567891Z",
                "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-11-27T24:00:00Z", "2026-11-27T23:60:00Z", "2026-11-27T23:59:60Z", "2026-11-27T22:39Z",
                "2026-11-27t22:39:22z", "2026-11-27T22:39:22.Z", "2026-11-27T22:39:22+01:00",
                "2026-11-27T22:39:22.5-05:30", "2026-11-27T22:39:22+18:00", "2026-11-27T22:39:22+18:01",
                "2026-11-27T22:39:22+19:00", "2026-11-27T22:39:22+0100", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "2026-11-27 22:39:22Z", "",
                "2026-11-27T22:39:22.846", "1900-02-29T00:00:00Z", "2000-02-29T12:00:00-00:00"));
        Random random = new Random(3);
        for (int i = 0; i < 500; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 250_000_000_000L),
                    random.nextInt(1_000_000_000));
            times.add(t.toString());
        }
        for (String time : times) {
            RecordHeaders headers = common();
            headers.add("ce_time", time.getBytes(StandardCharsets.UTF_8));

            // When the fast path and the SDK read it
            ImageEvent fast = new BinaryEnvelope().read(headers, PNG);
            CloudEvent sdk = sdk(headers);

            // Then the fast path gives the SDK's event, or leaves the record to it
            if (fast != null) {
                assertThat(sdk).as(time).isNotNull();
                assertThat(fast.time()).as(time).isEqualTo(sdk.getTime().toInstant());
                assertThat(fast.id()).isEqualTo(sdk.getId());
                assertThat(fast.source()).isEqualTo(sdk.getSource().toString());
                assertThat(fast.type()).isEqualTo(sdk.getType());
                assertThat(fast.contentType()).isEqualTo(sdk.getDataContentType());
            } else if (sdk != null) {
                assertThat(time).as("a valid plain UTC time must take the fast path")
                        .doesNotMatch("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");
            }
        }
    }

    @Test
    void shouldLeaveUncommonEnvelopesToTheSdk() {
        // Given an extension, a duplicate id, another spec version, a bad source and a missing type
        List<RecordHeaders> uncommon = new ArrayList<>();
        RecordHeaders extension = common();
        extension.add("ce_traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        uncommon.add(extension);
        RecordHeaders duplicate = common();
        duplicate.add("ce_id", "again".getBytes(StandardCharsets.UTF_8));
        uncommon.add(duplicate);
        RecordHeaders v03 = new RecordHeaders();
        v03.add("ce_specversion", "0.3".getBytes(StandardCharsets.UTF_8));
        v03.add("ce_id", "a".getBytes(StandardCharsets.UTF_8));
        v03.add("ce_source", "/s".getBytes(StandardCharsets.UTF_8));
        v03.add("ce_type", "t".getBytes(StandardCharsets.UTF_8));
        uncommon.add(v03);
        RecordHeaders badSource = new RecordHeaders();
        badSource.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        badSource.add("ce_id", "a".getBytes(StandardCharsets.UTF_8));
        badSource.add("ce_source", "not a uri".getBytes(StandardCharsets.UTF_8));
        badSource.add("ce_type", "t".getBytes(StandardCharsets.UTF_8));
        uncommon.add(badSource);
        RecordHeaders noType = new RecordHeaders();
        noType.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        noType.add("ce_id", "a".getBytes(StandardCharsets.UTF_8));
        noType.add("ce_source", "/s".getBytes(StandardCharsets.UTF_8));
        uncommon.add(noType);

        for (RecordHeaders headers : uncommon) {
            // When the fast path reads it
            ImageEvent fast = new BinaryEnvelope().read(headers, PNG);

            // Then it leaves it to the SDK
            assertThat(fast).as(headers.toString()).isNull();
        }
    }

    private static RecordHeaders common() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", "img-\u00e9-1".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "/camera/7".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", "photo".getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", "image/png".getBytes(StandardCharsets.UTF_8));
        headers.add("traceparent", "not a ce header".getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static CloudEvent sdk(RecordHeaders headers) {
        try {
            return KafkaMessageFactory.createReader(headers, PNG).toEvent();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
