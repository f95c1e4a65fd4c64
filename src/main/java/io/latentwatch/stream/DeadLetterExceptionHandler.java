package io.latentwatch.stream;

import io.latentwatch.image.RejectReason;
import io.latentwatch.metrics.DetectorMetrics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Kafka Streams' processing-exception handler for what the scorer did not foresee: the input goes
 * to the dead-letter topic through Streams' built-in DLQ (KIP-1034), with its raw bytes, its
 * headers and latentwatch's reason headers, and the detector goes on.
 */
public final class DeadLetterExceptionHandler implements ProcessingExceptionHandler {
    /** Config key under which the detector passes its {@link DetectorMetrics} instance. */
    public static final String METRICS_CONFIG = "latentwatch.metrics.instance";
    /** Config key of the largest dead letter, in bytes (see {@link RecordBudget}); Kafka's default when unset. */
    public static final String MAX_RECORD_BYTES_CONFIG = "latentwatch.dead-letter.max-record-bytes";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);
    private String topic;
    private DetectorMetrics metrics;
    private RecordBudget budget = RecordBudget.KAFKA_DEFAULT;

    @Override
    public void configure(Map<String, ?> configs) {
        Object name = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (name == null) {
            throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " is not set");
        }
        topic = name.toString();
        if (configs.get(METRICS_CONFIG) instanceof DetectorMetrics m) {
            metrics = m;
        }
        Object max = configs.get(MAX_RECORD_BYTES_CONFIG);
        if (max != null) {
            budget = new RecordBudget(Integer.parseInt(max.toString()));
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Origin origin = new Origin(context.topic(), context.partition(), context.offset());
        LOG.warn("unexpected failure on {} in processor {}; sent to {}", origin.asId(), context.processorNodeId(),
                topic, exception);
        if (metrics != null) {
            metrics.deadLetter(RejectReason.INTERNAL_ERROR);
        }
        String message = DeadLetters.describe(exception);
        RecordBudget.Parts parts = budget.fit(context.sourceRawKey(), context.sourceRawValue(),
                DeadLetters.headers(context.headers(), RejectReason.INTERNAL_ERROR, message, origin, null));
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topic, null, context.timestamp(),
                parts.key(), parts.value(), parts.headers());
        return Response.resume(List.of(dead));
    }
}
