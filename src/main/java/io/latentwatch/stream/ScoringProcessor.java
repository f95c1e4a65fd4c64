package io.latentwatch.stream;

import ai.onnxruntime.OrtException;
import io.latentwatch.config.AnomalyMapSettings;
import io.latentwatch.config.Tuning;
import io.latentwatch.heatmap.AnomalyMaps;
import io.latentwatch.heatmap.ImageShape;
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
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * Scores each image event and forwards to the anomaly, embedding and dead-letter sinks. Each
 * record takes one model lease, so all its outputs name the same model version, and a swap
 * between two records is seen by the second one. A loaded challenger scores the same records
 * under a lease of its own ({@link ShadowScorer}); its verdict rides along in the outputs and
 * decides nothing.
 *
 * <p>With a batch size above 1, records wait in {@link #BUFFER_STORE}, a changelogged store, until
 * the batch is full or a wall-clock punctuator finds them waiting (every batch linger); then they
 * are scored in one ONNX Runtime call under one lease. Under exactly-once the buffer's changelog
 * commits with the input offsets, so a detector that dies with a half-full buffer leaves it to the
 * next one, which scores each record once. The store's keys are slots, reused as records leave
 * ({@link BufferedInput#slotKey}): with the store's cache, a commit writes at most one changelog
 * record per slot touched since the last, and compaction keeps the changelog at a batch's worth of
 * records per partition, so a restarted detector restores it in no time however long it ran.
 */
final class ScoringProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    /** Name of the batch buffer store (its changelog topic is {@code <application id>-score-buffer-changelog}). */
    static final String BUFFER_STORE = "score-buffer";
    /**
     * Largest input that waits in the batch buffer; a larger one is scored at once. A 28x28 PNG is
     * about a kilobyte, a 1080p JPEG a few hundred.
     */
    static final int BUFFERED_RECORD_MAX_BYTES = 256 * 1024;
    /**
     * The buffer is flushed once the records in it take this much, whatever the batch size: with the
     * store, its cache and the changelog each holding a copy, a batch of large images must not be
     * what exhausts the heap.
     */
    static final long BUFFER_MAX_BYTES = 4L * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);
    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.UTF_8);
    private final ModelRegistry models;
    private final DetectorMetrics metrics;
    private final EventReader reader;
    private final ImagePreprocessor preprocessor;
    private final RecordBudget budget;
    private final InputLimits limits;
    private final Tuning tuning;
    private final AnomalyMapSettings anomalyMaps;
    private final OutputRecords.Writer writer = new OutputRecords.Writer();
    private final ShadowScorer shadow;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<byte[], byte[]> buffer;
    /** What the buffer store holds, in input order: the store is for recovery, this for scoring. */
    private final List<BufferedInput> pending = new ArrayList<>();
    /** The store key of each pending record, in the same order. */
    private final List<byte[]> pendingKeys = new ArrayList<>();
    /** Slots whose key holds a pending record. */
    private final BitSet slotsInUse = new BitSet();
    /** Bytes the pending records take in the store, as buffered since the last flush. */
    private long pendingBytes;
    private InferenceBatch batch;
    private OnnxAutoencoder batchModel;
    private ImagePreprocessor.Shape shape;
    private Header[] outputHeaders;

    ScoringProcessor(ModelRegistry models, DetectorMetrics metrics, InputLimits limits, RecordBudget budget,
                     Tuning tuning, AnomalyMapSettings anomalyMaps) {
        this.models = models;
        this.anomalyMaps = anomalyMaps;
        this.budget = budget;
        this.metrics = metrics;
        this.limits = limits;
        this.tuning = tuning;
        this.reader = new EventReader(limits);
        this.preprocessor = new ImagePreprocessor(limits);
        this.shadow = new ShadowScorer(metrics.challenger());
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        if (tuning.batchSize() > 1) {
            buffer = context.getStateStore(BUFFER_STORE);
            pending.clear();
            pendingKeys.clear();
            slotsInUse.clear();
            // records a previous owner of this task buffered and committed, restored from the changelog;
            // scored in input order (slots are not in order; a buffer written by an earlier version is
            // keyed by offset and leaves under those keys)
            List<KeyValue<byte[], BufferedInput>> restored = new ArrayList<>();
            try (KeyValueIterator<byte[], byte[]> all = buffer.all()) {
                while (all.hasNext()) {
                    KeyValue<byte[], byte[]> entry = all.next();
                    restored.add(KeyValue.pair(entry.key, BufferedInput.fromBytes(entry.value)));
                }
            }
            restored.sort(Comparator.comparingLong(e -> e.value.origin().offset()));
            for (KeyValue<byte[], BufferedInput> entry : restored) {
                int slot = BufferedInput.slotOf(entry.key);
                if (slot >= 0) {
                    slotsInUse.set(slot);
                }
                pending.add(entry.value);
                pendingKeys.add(entry.key);
            }
            pendingBytes = 0;
            context.schedule(tuning.batchLinger(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.consumed();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        Origin origin = new Origin(meta.topic(), meta.partition(), meta.offset());
        if (buffer == null || record.value() == null || record.value().length > BUFFERED_RECORD_MAX_BYTES) {
            // unbatched; a record the reader refuses at once; or a large image, which would make the
            // buffer's copies of it a memory risk and gains little from a batch: scored at once, after
            // what waits in the buffer, so that the outputs keep the input order
            if (buffer != null) {
                flush();
            }
            score(List.of(new BufferedInput(record, origin)));
            return;
        }
        BufferedInput input = new BufferedInput(record, origin);
        int slot = slotsInUse.nextClearBit(0);
        slotsInUse.set(slot);
        byte[] key = BufferedInput.slotKey(slot);
        byte[] stored = input.toBytes();
        buffer.put(key, stored);
        pending.add(input);
        pendingKeys.add(key);
        pendingBytes += stored.length;
        if (pending.size() >= tuning.batchSize() || pendingBytes >= BUFFER_MAX_BYTES) {
            flush();
        }
    }

    /**
     * Scores and removes every buffered record, a batch at a time, each batch leaving the buffer as
     * soon as it is scored: should one fail, the records already scored are not scored again.
     */
    private void flush() {
        while (!pending.isEmpty()) {
            int n = Math.min(pending.size(), tuning.batchSize());
            List<BufferedInput> done = pending.subList(0, n);
            score(done);
            List<byte[]> keys = pendingKeys.subList(0, n);
            for (byte[] key : keys) {
                buffer.delete(key);
                int slot = BufferedInput.slotOf(key);
                if (slot >= 0) {
                    slotsInUse.clear(slot);
                }
            }
            done.clear();
            keys.clear();
        }
        pendingBytes = 0;
    }

    /**
     * Scores the inputs in one inference call under one model lease, and with the challenger, when
     * one is loaded, under a lease of its own.
     */
    private void score(List<BufferedInput> inputs) {
        try (ModelRegistry.Lease lease = models.acquire().orElseThrow(
                () -> new IllegalStateException("no model is loaded"));
             ModelRegistry.Lease challenger = models.challenger().acquire().orElse(null)) {
            OnnxAutoencoder model = lease.model();
            ModelInfo info = model.info();
            prepareFor(model, inputs.size());
            List<BufferedInput> ready = new ArrayList<>(inputs.size());
            List<ImageEvent> events = new ArrayList<>(inputs.size());
            for (BufferedInput input : inputs) {
                Record<byte[], byte[]> record = input.record();
                try {
                    // the fallback id is built only for the rare input that names none
                    ImageEvent event = reader.read(record.headers(), record.key(), record.value(), record.timestamp(),
                            null);
                    if (event.id() == null) {
                        event = new ImageEvent(input.origin().asId(), event.source(), event.type(), event.time(),
                                event.contentType(), event.data());
                    }
                    preprocessor.toInput(event.data(), event.contentType(), shape, batch.pixels(),
                            batch.offset(ready.size()));
                    ready.add(input);
                    events.add(event);
                } catch (RejectedInputException e) {
                    deadLetter(record, input.origin(), e.reason(), e.getMessage(), info);
                } catch (RuntimeException e) {
                    // unforeseen: this record alone goes; thrown out of a batch, it would leave the batch
                    // pending, to be scored again with every later record
                    LOG.warn("an input could not be read; dead-lettered", e);
                    deadLetter(record, input.origin(), RejectReason.INTERNAL_ERROR, "the input could not be read: "
                            + DeadLetters.describe(e), info);
                }
            }
            if (ready.isEmpty()) {
                return;
            }
            Scores scores;
            long start = System.nanoTime();
            try {
                scores = model.score(batch, ready.size());
            } catch (OrtException | RuntimeException e) {
                for (BufferedInput input : ready) {
                    deadLetter(input.record(), input.origin(), RejectReason.INFERENCE_FAILED,
                            "inference failed: " + e.getMessage(), info);
                }
                return;
            }
            metrics.inference(System.nanoTime() - start, ready.size());
            // maps first: they read what the serving model left in its batch (the challenger has a batch of its own)
            String[] maps = anomalyMaps(model, info, scores.scores(), ready.size());
            OutputRecords.Challenger[] verdicts = challenger == null ? null
                    : shadow.score(challenger, info, batch, ready.size());
            for (int i = 0; i < ready.size(); i++) {
                emit(ready.get(i).record(), ready.get(i).origin(), events.get(i), info, scores.scores()[i],
                        scores.embeddings() == null ? null : scores.embeddings()[i],
                        verdicts == null ? null : verdicts[i], challenger, maps == null ? null : maps[i]);
            }
        }
    }

    /**
     * The anomaly maps (base64 PNG) of the scored images that are anomalies, null for the others;
     * null when maps are off or no image is an anomaly, so normal traffic pays nothing. A map that
     * cannot be made is left out, never the record.
     */
    private String[] anomalyMaps(OnnxAutoencoder model, ModelInfo info, float[] scores, int count) {
        if (!anomalyMaps.enabled()) {
            return null;
        }
        String[] maps = null;
        try {
            float[] reconstructions = null;
            for (int i = 0; i < count; i++) {
                if (scores[i] >= info.threshold()) {
                    if (reconstructions == null) {
                        reconstructions = model.reconstructionsAfterScore(batch, count);
                        maps = new String[count];
                    }
                    byte[] png = AnomalyMaps.png(batch.pixels(), reconstructions, batch.offset(i),
                            ImageShape.of(info), anomalyMaps.maxBytes());
                    maps[i] = Base64.getEncoder().encodeToString(png);
                }
            }
        } catch (OrtException | RuntimeException e) {
            metrics.anomalyMapFailed();
            LOG.warn("anomaly maps left out of this batch: {}", e.getMessage());
        }
        return maps;
    }

    /**
     * Forwards a scored record's outputs. What can fail before them (writing the records, metrics)
     * dead-letters this record alone; the forwards themselves are left to Kafka Streams, whose
     * exceptions (a fenced producer, a migrated task) must reach it.
     */
    private void emit(Record<byte[], byte[]> record, Origin origin, ImageEvent event, ModelInfo info, float score,
                      float[] vector, OutputRecords.Challenger verdict, ModelRegistry.Lease challenger,
                      String anomalyMap) {
        Outputs outputs;
        try {
            outputs = outputs(record, event, info, score, vector, verdict, challenger, anomalyMap, origin);
        } catch (RuntimeException e) {
            LOG.warn("the outputs of a scored input could not be written; dead-lettered", e);
            deadLetter(record, origin, RejectReason.INTERNAL_ERROR, "the image scored " + score
                    + " but its output records could not be written: " + DeadLetters.describe(e), info);
            return;
        }
        if (outputs == null) {
            // a huge id or source from the input's headers: the outputs would fail to send and stall the partition
            deadLetter(record, origin, RejectReason.OUTPUT_TOO_LARGE, "the image scored " + score + " but its output"
                    + " records would be larger than the " + budget.maxRecordBytes() + " bytes the output topics take"
                    + " (an overlong key, event id or source?)", info);
            return;
        }
        if (outputs.anomaly() != null) {
            context.forward(record.withValue(outputs.anomaly()).withHeaders(outputs.headers()),
                    DetectorTopology.ANOMALY_SINK);
        }
        context.forward(record.withValue(outputs.embedding()).withHeaders(new RecordHeaders(outputHeaders)),
                DetectorTopology.EMBEDDING_SINK);
    }

    /** A scored record's output values: the anomaly record (null for a normal image) and the embedding record. */
    private record Outputs(byte[] anomaly, byte[] embedding, RecordHeaders headers) {
    }

    /**
     * The output records of a scored input, with its metrics recorded; null when they would not fit
     * the output topics.
     */
    private Outputs outputs(Record<byte[], byte[]> record, ImageEvent event, ModelInfo info, float score,
                            float[] vector, OutputRecords.Challenger verdict, ModelRegistry.Lease challenger,
                            String anomalyMap, Origin origin) {
        boolean anomaly = score >= info.threshold();
        // the producer makes a record's headers read-only, so each output gets its own list of the shared headers
        RecordHeaders headers = new RecordHeaders(outputHeaders);
        byte[] anomalyValue = anomaly ? writer.anomaly(event.id(), event.source(), event.type(), event.time(), score,
                info.threshold(), info.name(), info.version(), origin, verdict, anomalyMap) : null;
        if (anomalyMap != null && !budget.fits(record.key(), anomalyValue, headers)) {
            // the map does not fit the output topics' record size: the anomaly goes out without it
            anomalyValue = writer.anomaly(event.id(), event.source(), event.type(), event.time(), score,
                    info.threshold(), info.name(), info.version(), origin, verdict, null);
        }
        byte[] embeddingValue = embedding(event, info, score, anomaly, origin, verdict, vector);
        if (vector != null && !budget.fits(record.key(), embeddingValue, headers)) {
            // a bring-your-own model with a huge embedding: the record goes out without its vector
            embeddingValue = embedding(event, info, score, anomaly, origin, verdict, null);
        }
        if (!budget.fits(record.key(), embeddingValue, headers)
                || (anomaly && !budget.fits(record.key(), anomalyValue, headers))) {
            return null;
        }
        metrics.scored(info, score, anomaly);
        if (verdict != null) {
            metrics.challenger().compared(challenger.model().info(), verdict.score(), anomaly, verdict.anomaly());
        }
        if (event.time() != null) {
            metrics.endToEnd(Duration.between(event.time(), Instant.now()));
        }
        return new Outputs(anomaly ? anomalyValue : null, embeddingValue, headers);
    }

    private byte[] embedding(ImageEvent event, ModelInfo info, float score, boolean anomaly, Origin origin,
                             OutputRecords.Challenger verdict, float[] vector) {
        return writer.embedding(event.id(), event.time(), info.name(), info.version(), score, info.threshold(), anomaly,
                origin, verdict, vector);
    }

    private void deadLetter(Record<byte[], byte[]> record, Origin origin, RejectReason reason, String message,
                            ModelInfo info) {
        metrics.deadLetter(reason);
        RecordHeaders headers = DeadLetters.headers(record.headers(), reason, message, origin, info.version());
        RecordBudget.Parts parts = budget.fit(record.key(), record.value(), headers);
        context.forward(record.withKey(parts.key()).withValue(parts.value()).withHeaders(parts.headers()),
                DetectorTopology.DEAD_LETTER_SINK);
    }

    /** Sizes the reused input buffer and shape for the model, when it differs from the last batch's. */
    private void prepareFor(OnnxAutoencoder model, int images) {
        if (batchModel == model && batch.capacity() >= images) {
            return;
        }
        ModelInfo info = model.info();
        if (batch == null || batch.imageSize() != info.imageSize() || batch.capacity() < images) {
            if (batch != null) {
                batch.close();
            }
            batch = model.newBatch(Math.max(images, tuning.batchSize()));
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
        shadow.close();
    }
}
