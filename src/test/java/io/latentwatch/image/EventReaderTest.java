package io.latentwatch.image;

import io.latentwatch.testing.TestImages;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventReaderTest {
    private final EventReader reader = new EventReader(InputLimits.DEFAULT);
    private final byte[] png = TestImages.greyPng(28, 28, 9);

    @Test
    void shouldReadACloudEventInBinaryMode() throws Exception {
        // Given a record with ce_* headers and the PNG as value
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes("img-1"));
        headers.add("ce_source", bytes("/cameras/7"));
        headers.add("ce_type", bytes("com.example.image"));
        headers.add("ce_time", bytes("2026-11-27T10:00:00Z"));
        headers.add("content-type", bytes("image/png"));

        // When it is read
        ImageEvent event = reader.read(headers, bytes("key"), png, 5L, "images-0-1");

        // Then the event's attributes and data are the CloudEvent's
        assertThat(event.id()).isEqualTo("img-1");
        assertThat(event.source()).isEqualTo("/cameras/7");
        assertThat(event.type()).isEqualTo("com.example.image");
        assertThat(event.time()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(event.contentType()).isEqualTo("image/png");
        assertThat(event.data()).isEqualTo(png);
    }

    @Test
    void shouldReadAStructuredCloudEventWithBase64Data() throws Exception {
        String json = "{\"specversion\":\"1.0\",\"id\":\"img-2\",\"source\":\"/scanner\",\"type\":\"scan\","
                + "\"datacontenttype\":\"image/png\",\"data_base64\":\"" + Base64.getEncoder().encodeToString(png) + "\"}";
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", bytes("application/cloudevents+json; charset=UTF-8"));

        ImageEvent event = reader.read(headers, null, bytes(json), 5L, "images-0-2");

        assertThat(event.id()).isEqualTo("img-2");
        assertThat(event.source()).isEqualTo("/scanner");
        assertThat(event.data()).isEqualTo(png);
    }

    @Test
    void shouldRecogniseAStructuredCloudEventSentWithoutHeaders() throws Exception {
        String json = "{\"specversion\":\"1.0\",\"id\":\"img-3\",\"source\":\"/s\",\"type\":\"t\","
                + "\"data_base64\":\"" + Base64.getEncoder().encodeToString(png) + "\"}";

        ImageEvent event = reader.read(new RecordHeaders(), null, bytes(json), 5L, "images-0-3");

        assertThat(event.id()).isEqualTo("img-3");
        assertThat(event.data()).isEqualTo(png);
    }

    @Test
    void shouldTakeBareBytesWithTheKeyAsIdAndTheRecordTimestamp() throws Exception {
        ImageEvent event = reader.read(new RecordHeaders(), bytes("photo-9"), png, 1_000L, "images-2-77");

        assertThat(event.id()).isEqualTo("photo-9");
        assertThat(event.time()).isEqualTo(Instant.ofEpochMilli(1_000L));
        assertThat(event.contentType()).isNull();
        assertThat(event.data()).isEqualTo(png);
    }

    @Test
    void shouldNameAnInputWithoutKeyByItsCoordinates() throws Exception {
        ImageEvent event = reader.read(new RecordHeaders(), null, png, 1_000L, "images-2-77");
        assertThat(event.id()).isEqualTo("images-2-77");
    }

    @Test
    void shouldRefuseBrokenCloudEvents() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("0.1-nonsense"));
        assertThatThrownBy(() -> reader.read(headers, null, png, 1L, "x"))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.INVALID_CLOUDEVENT));
        assertThatThrownBy(() -> reader.read(new RecordHeaders(), null, bytes("{not json"), 1L, "x"))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.INVALID_CLOUDEVENT));
    }

    @Test
    void shouldPassOnBareRawPixelsThatBeginWithABrace() throws Exception {
        // Given bare raw pixels (no headers) whose first pixel is 123, the code of '{'
        byte[] raw = new byte[784];
        raw[0] = '{';
        raw[1] = 40;

        // When the record is read
        ImageEvent event = reader.read(new RecordHeaders(), null, raw, 1L, "images-0-3");

        // Then its value is the image, not a broken structured-mode CloudEvent
        assertThat(event.data()).isEqualTo(raw);
        assertThat(event.contentType()).isNull();
    }

    @Test
    void shouldReadAStructuredEventAfterWhitespaceOrAByteOrderMarkOrDeclaredAsJson() throws Exception {
        String event = "{\"specversion\":\"1.0\",\"id\":\"img-9\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"image/png\",\"data_base64\":\""
                + Base64.getEncoder().encodeToString(png) + "\"}";
        RecordHeaders json = new RecordHeaders();
        json.add("content-type", bytes("application/json; charset=utf-8"));
        for (byte[] value : List.of(bytes("\n  " + event), bytes("\uFEFF" + event), bytes(event))) {
            for (RecordHeaders headers : List.of(new RecordHeaders(), json)) {
                ImageEvent read = reader.read(headers, null, value, 1L, "x");
                assertThat(read.id()).isEqualTo("img-9");
                assertThat(read.contentType()).isEqualTo("image/png");
                assertThat(read.data()).isEqualTo(png);
            }
        }
    }

    @Test
    void shouldRefuseACloudEventsBatchSayingWhatToSend() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", bytes("application/cloudevents-batch+json"));
        assertThatThrownBy(() -> reader.read(headers, null, bytes("[]"), 1L, "x"))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RejectReason.INVALID_CLOUDEVENT);
                    assertThat(e.getMessage()).contains("one image per record");
                });
    }

    @Test
    void shouldTellJsonTextFromBytes() {
        assertThat(EventReader.isText(bytes("{\"id\": \"caf\u00e9\",\n\t\"x\": 1}"))).isTrue();
        assertThat(EventReader.isText(new byte[] {'{', 0, 0})).isFalse();
        assertThat(EventReader.isText(new byte[] {'{', (byte) 0xC3})).isFalse();
        assertThat(EventReader.isText(new byte[] {'{', (byte) 0xFF, 'a'})).isFalse();
        assertThat(EventReader.isText(new byte[] {'{', (byte) 0xE2, (byte) 0x82, (byte) 0xAC})).isTrue();
    }

    @Test
    void shouldRefuseEmptyAndOversizedRecords() {
        assertThatThrownBy(() -> reader.read(new RecordHeaders(), null, new byte[0], 1L, "x"))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.EMPTY_RECORD));
        EventReader small = new EventReader(new InputLimits(png.length - 1, 1_000_000));
        assertThatThrownBy(() -> small.read(new RecordHeaders(), null, png, 1L, "x"))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
                .hasMessageContaining("--max-image-bytes");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
