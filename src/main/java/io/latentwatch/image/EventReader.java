package io.latentwatch.image;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * Reads the envelope of an input record: CloudEvents binary mode ({@code ce_*} headers),
 * structured mode ({@code content-type: application/cloudevents+json}, image in
 * {@code data_base64}; also recognised without the header, or with {@code application/json}, when
 * the value is JSON text holding an object, after a byte-order mark and whitespace if any), or
 * bare bytes. A CloudEvents batch is refused with a reason: the input topic takes one image per
 * record.
 */
public final class EventReader {
    private static final String CE_SPECVERSION = "ce_specversion";
    private static final String CONTENT_TYPE = "content-type";
    private final JsonFormat json = new JsonFormat();
    private final BinaryEnvelope binary = new BinaryEnvelope();
    private final InputLimits limits;

    public EventReader(InputLimits limits) {
        this.limits = limits;
    }

    /**
     * Reads one record.
     *
     * @param fallbackId id to use when the record names none ({@code topic-partition-offset})
     */
    public ImageEvent read(Headers headers, byte[] key, byte[] value, long timestamp, String fallbackId)
            throws RejectedInputException {
        if (value == null || value.length == 0) {
            throw new RejectedInputException(RejectReason.EMPTY_RECORD, "the record has no value");
        }
        if (value.length > limits.maxBytes()) {
            throw new RejectedInputException(RejectReason.IMAGE_TOO_LARGE, "the record value has " + value.length
                    + " bytes, over the limit of " + limits.maxBytes() + " (--max-image-bytes)");
        }
        String contentType = header(headers, CONTENT_TYPE);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).trim();
        if (type.startsWith("application/cloudevents-batch")) {
            throw new RejectedInputException(RejectReason.INVALID_CLOUDEVENT, "a CloudEvents batch ('" + contentType
                    + "') holds several events; the input topic takes one image per record: send each event as a"
                    + " record of its own (structured mode: content-type application/cloudevents+json)");
        }
        boolean binaryMode = headers.lastHeader(CE_SPECVERSION) != null;
        boolean structuredMode = type.startsWith("application/cloudevents");
        String keyText = key == null || key.length == 0 ? null : new String(key, StandardCharsets.UTF_8);
        Instant recordTime = timestamp >= 0 ? Instant.ofEpochMilli(timestamp) : null;
        if (binaryMode && !structuredMode) {
            ImageEvent common = binary.read(headers, value);
            if (common != null) {
                return common.time() != null ? common : new ImageEvent(common.id(), common.source(), common.type(),
                        recordTime, common.contentType(), common.data());
            }
        }
        if (binaryMode || structuredMode) {
            return fromCloudEvent(readCloudEvent(headers, value), keyText, recordTime, fallbackId);
        }
        if ((contentType == null || type.startsWith("application/json")) && startsJsonObject(value) && isText(value)) {
            return fromCloudEvent(readStructured(value), keyText, recordTime, fallbackId);
        }
        return new ImageEvent(keyText != null ? keyText : fallbackId, null, null, recordTime, contentType, value);
    }

    private CloudEvent readCloudEvent(Headers headers, byte[] value) throws RejectedInputException {
        try {
            return KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (RuntimeException e) {
            throw new RejectedInputException(RejectReason.INVALID_CLOUDEVENT,
                    "not a valid CloudEvent: " + e.getMessage(), e);
        }
    }

    private CloudEvent readStructured(byte[] value) throws RejectedInputException {
        try {
            return json.deserialize(value);
        } catch (RuntimeException e) {
            throw new RejectedInputException(RejectReason.INVALID_CLOUDEVENT,
                    "a JSON value that is not a structured-mode CloudEvent with data_base64: " + e.getMessage(), e);
        }
    }

    private static ImageEvent fromCloudEvent(CloudEvent event, String keyText, Instant recordTime, String fallbackId)
            throws RejectedInputException {
        CloudEventData data = event.getData();
        if (data == null) {
            throw new RejectedInputException(RejectReason.EMPTY_RECORD, "CloudEvent " + event.getId() + " has no data");
        }
        String id = event.getId() != null ? event.getId() : keyText != null ? keyText : fallbackId;
        Instant time = event.getTime() != null ? event.getTime().toInstant() : recordTime;
        return new ImageEvent(id, event.getSource() == null ? null : event.getSource().toString(), event.getType(),
                time, event.getDataContentType(), data.toBytes());
    }

    /** Whether the value's first byte after a UTF-8 byte-order mark and JSON whitespace is '{'. */
    static boolean startsJsonObject(byte[] value) {
        int i = value.length >= 3 && (value[0] & 0xFF) == 0xEF && (value[1] & 0xFF) == 0xBB
                && (value[2] & 0xFF) == 0xBF ? 3 : 0;
        while (i < value.length && (value[i] == ' ' || value[i] == '\t' || value[i] == '\n' || value[i] == '\r')) {
            i++;
        }
        return i < value.length && value[i] == '{';
    }

    /**
     * Whether a bare value could be JSON text: no control bytes but JSON's whitespace, and valid
     * UTF-8. A bare value that begins with '{' is read as a structured-mode CloudEvent only then:
     * raw pixels begin with '{' whenever the first pixel is 123, and they are bytes, not text
     * (a dark pixel is a control byte; a bright one rarely continues a UTF-8 sequence).
     */
    static boolean isText(byte[] value) {
        int i = 0;
        while (i < value.length) {
            int b = value[i] & 0xFF;
            if (b < 0x80) {
                if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
                    return false;
                }
                i++;
                continue;
            }
            // a UTF-8 lead byte and its continuation bytes (overlong forms and surrogates not policed)
            int more = b >= 0xC2 && b <= 0xDF ? 1 : b >= 0xE0 && b <= 0xEF ? 2 : b >= 0xF0 && b <= 0xF4 ? 3 : -1;
            if (more < 0 || i + more >= value.length) {
                return false;
            }
            for (int k = 1; k <= more; k++) {
                if ((value[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += more + 1;
        }
        return true;
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
