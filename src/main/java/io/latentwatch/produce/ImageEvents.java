package io.latentwatch.produce;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.MessageWriter;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Encodes images as CloudEvents in Kafka binary mode, with the known label in headers. */
public final class ImageEvents {
    /** Header with the image's class label, when known. */
    public static final String LABEL_HEADER = "x-latentwatch-label";
    /** Header saying whether the producer's plan counts the image as an anomaly. */
    public static final String EXPECTED_ANOMALY_HEADER = "x-latentwatch-expected-anomaly";
    /** CloudEvents type of the images latentwatch produces. */
    public static final String TYPE = "io.latentwatch.image";

    private ImageEvents() {
    }

    /** The record for one image; key and {@code ce_id} are {@code id}. */
    public static ProducerRecord<byte[], byte[]> record(String topic, String id, URI source, LabelledImage image) {
        CloudEvent event = CloudEventBuilder.v1()
                .withId(id)
                .withSource(source)
                .withType(TYPE)
                .withTime(OffsetDateTime.now(ZoneOffset.UTC))
                .withDataContentType(image.contentType())
                .withData(image.bytes())
                .build();
        MessageWriter<?, ProducerRecord<byte[], byte[]>> writer =
                KafkaMessageFactory.createWriter(topic, id.getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> record = writer.writeBinary(event);
        if (image.label() >= 0) {
            record.headers().add(LABEL_HEADER, Integer.toString(image.label()).getBytes(StandardCharsets.UTF_8));
            record.headers().add(EXPECTED_ANOMALY_HEADER,
                    Boolean.toString(image.anomaly()).getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }
}
