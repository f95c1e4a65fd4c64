package io.latentwatch.stream;

import ai.onnxruntime.OrtException;
import io.latentwatch.image.EventReader;
import io.latentwatch.image.ImageEvent;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.image.RejectReason;
import io.latentwatch.image.RejectedInputException;
import io.latentwatch.metrics.DetectorMetrics;
import io.latentwatch.model.InferenceBatch;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelRegistry;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.Scores;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Scores each image event and forwards to the anomaly, embedding and dead-letter sinks. Each
 * record takes one model lease, so all its outputs name the same model version, and a swap
 * between two records is seen by the second one.
 */
final class ScoringProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.UTF_8);
    private final ModelRegistry models;
    private final DetectorMetrics metrics;
    private final EventReader reader;
    private final ImagePreprocessor preprocessor;
    private final RecordBudget budget;
    private ProcessorContext<byte[], byte[]> context;
    private InferenceBatch batch;
    private OnnxAutoencoder batchModel;
    private ImagePreprocessor.Shape shape;
    private Header[] outputHeaders;
    private final OutputRecords.Writer writer = new OutputRecords.Writer();

    ScoringProcessor(ModelRegistry models, DetectorMetrics metrics, InputLimits limits, RecordBudget budget) {
        this.models = models;
        this.budget = budget;
        this.metrics = metrics;
        this.reader = new EventReader(limits);
        this.preprocessor = new ImagePreprocessor(limits);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.consumed();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        Origin origin = new Origin(meta.topic(), meta.partition(), meta.offset());
        try (ModelRegistry.Lease lease = models.acquire().orElseThrow(
                () -> new IllegalStateException("no model is loaded"))) {
            OnnxAutoencoder model = lease.model();
            ModelInfo info = model.info();
            ImageEvent event;
            try {
                // the fallback id is built only for the rare input that names none
                event = reader.read(record.headers(), record.key(), record.value(), record.timestamp(), null);
                if (event.id() == null) {
                    event = new ImageEvent(origin.asId(), event.source(), event.type(), event.time(),
                            event.contentType(), event.data());
                }
                prepareFor(model);
                preprocessor.toInput(event.data(), event.contentType(), shape, batch.pixels(), 0);
            } catch (RejectedInputException e) {
                deadLetter(record, origin, e.reason(), e.getMessage(), info);
                return;
            }
            Scores scores;
            long start = System.nanoTime();
            try {
                scores = model.score(batch, 1);
            } catch (OrtException | RuntimeException e) {
                deadLetter(record, origin, RejectReason.INFERENCE_FAILED, "inference failed: " + e.getMessage(), info);
                return;
            }
            metrics.inference(System.nanoTime() - start, 1);
            emit(record, origin, event, info, scores.scores()[0],
                    scores.embeddings() == null ? null : scores.embeddings()[0]);
        }
    }

    private void emit(Record<byte[], byte[]> record, Origin origin, ImageEvent event, ModelInfo info, float score,
                      float[] vector) {
        boolean anomaly = score >= info.threshold();
        // the producer makes a record's headers read-only, so each output gets its own list of the shared headers
        RecordHeaders headers = new RecordHeaders(outputHeaders);
        byte[] anomalyValue = anomaly ? writer.anomaly(event.id(), event.source(), event.type(), event.time(), score,
                info.threshold(), info.name(), info.version(), origin) : null;
        byte[] embeddingValue = embedding(event, info, score, anomaly, origin, vector);
        if (vector != null && !budget.fits(record.key(), embeddingValue, headers)) {
            // a bring-your-own model with a huge embedding: the record goes out without its vector
            embeddingValue = embedding(event, info, score, anomaly, origin, null);
        }
        if (!budget.fits(record.key(), embeddingValue, headers)
                || (anomaly && !budget.fits(record.key(), anomalyValue, headers))) {
            // a huge id or source from the input's headers: the outputs would fail to send and stall the partition
            deadLetter(record, origin, RejectReason.OUTPUT_TOO_LARGE, "the image scored " + score + " but its output"
                    + " records would be larger than the " + budget.maxRecordBytes() + " bytes the output topics take"
                    + " (an overlong key, event id or source?)", info);
            return;
        }
        metrics.scored(info, score, anomaly);
        if (anomaly) {
            context.forward(record.withValue(anomalyValue).withHeaders(headers), DetectorTopology.ANOMALY_SINK);
        }
        context.forward(record.withValue(embeddingValue).withHeaders(new RecordHeaders(outputHeaders)),
                DetectorTopology.EMBEDDING_SINK);
        if (event.time() != null) {
            metrics.endToEnd(Duration.between(event.time(), Instant.now()));
        }
    }

    private byte[] embedding(ImageEvent event, ModelInfo info, float score, boolean anomaly, Origin origin,
                             float[] vector) {
        return writer.embedding(event.id(), event.time(), info.name(), info.version(), score, info.threshold(), anomaly,
                origin, vector);
    }

    private void deadLetter(Record<byte[], byte[]> record, Origin origin, RejectReason reason, String message,
                            ModelInfo info) {
        metrics.deadLetter(reason);
        RecordHeaders headers = DeadLetters.headers(record.headers(), reason, message, origin, info.version());
        RecordBudget.Parts parts = budget.fit(record.key(), record.value(), headers);
        context.forward(record.withKey(parts.key()).withValue(parts.value()).withHeaders(parts.headers()),
                DetectorTopology.DEAD_LETTER_SINK);
    }

    /** Sizes the reused input buffer and shape for the model, when it differs from the last record's. */
    private void prepareFor(OnnxAutoencoder model) {
        if (batchModel == model) {
            return;
        }
        ModelInfo info = model.info();
        if (batch == null || batch.imageSize() != info.imageSize()) {
            if (batch != null) {
                batch.close();
            }
            batch = model.newBatch(1);
        }
        shape = new ImagePreprocessor.Shape(info.channels(), info.height(), info.width(), info.normalization());
        outputHeaders = new Header[] {new RecordHeader(Headers.CONTENT_TYPE, JSON),
                new RecordHeader(Headers.MODEL_VERSION, info.version().getBytes(StandardCharsets.UTF_8))};
        batchModel = model;
    }

    @Override
    public void close() {
        if (batch != null) {
            batch.close();
        }
    }
}
