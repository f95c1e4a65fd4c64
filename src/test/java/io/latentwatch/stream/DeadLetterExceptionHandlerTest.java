package io.latentwatch.stream;

import io.latentwatch.metrics.DetectorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterExceptionHandlerTest {

    @Test
    void shouldResumeAndDeadLetterTheRawInputOnAnUnexpectedFailure() {
        // Given the handler configured as the detector configures it
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "images-dlq",
                DeadLetterExceptionHandler.METRICS_CONFIG, new DetectorMetrics(meters)));
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", "e-1".getBytes(StandardCharsets.UTF_8));
        ErrorHandlerContext context = new Context(headers, "raw-key".getBytes(StandardCharsets.UTF_8),
                "raw-value".getBytes(StandardCharsets.UTF_8));

        // When a processor throws something nobody foresaw
        ProcessingExceptionHandler.Response response = handler.handleError(context,
                new Record<>("k", "v", 0L), new IllegalStateException("boom"));

        // Then processing resumes and the raw input goes to the DLQ with the reason
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo("images-dlq");
        assertThat(dead.key()).isEqualTo("raw-key".getBytes(StandardCharsets.UTF_8));
        assertThat(dead.value()).isEqualTo("raw-value".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(dead.headers().lastHeader(Headers.ERROR_CLASS).value(), StandardCharsets.UTF_8))
                .isEqualTo("internal-error");
        assertThat(new String(dead.headers().lastHeader(Headers.ERROR).value(), StandardCharsets.UTF_8))
                .contains("boom");
        assertThat(new String(dead.headers().lastHeader(Headers.SOURCE_OFFSET).value(), StandardCharsets.UTF_8))
                .isEqualTo("42");
        assertThat(dead.headers().lastHeader("ce_id")).isNotNull();
        assertThat(meters.get("latentwatch.dead.letters").tag("reason", "internal-error").counter().count())
                .isEqualTo(1.0);
    }

    private record Context(org.apache.kafka.common.header.Headers headers, byte[] sourceRawKey,
                           byte[] sourceRawValue) implements ErrorHandlerContext {
        @Override
        public String topic() {
            return "images";
        }

        @Override
        public int partition() {
            return 1;
        }

        @Override
        public long offset() {
            return 42;
        }

        @Override
        public String processorNodeId() {
            return DetectorTopology.SCORER;
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 1);
        }

        @Override
        public long timestamp() {
            return 1000L;
        }
    }
}
