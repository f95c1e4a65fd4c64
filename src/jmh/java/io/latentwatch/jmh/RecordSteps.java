package io.latentwatch.jmh;

import ai.onnxruntime.OrtException;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.SampleData;
import io.latentwatch.data.Split;
import io.latentwatch.image.EventReader;
import io.latentwatch.image.ImageEvent;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.image.RejectedInputException;
import io.latentwatch.model.InferenceBatch;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.Scores;
import io.latentwatch.produce.ImageEvents;
import io.latentwatch.produce.ImageStream;
import io.latentwatch.produce.LabelledImage;
import io.latentwatch.stream.Origin;
import io.latentwatch.stream.OutputRecords;
import io.latentwatch.testing.TestModels;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Each step of one input record on the stream thread, apart from Kafka's consumer and producer:
 * the CloudEvents envelope, PNG decode and preprocessing, ONNX Runtime inference at batch 1 and at
 * {@code batch} images per call, and the two JSON outputs (the detector's writer, and Jackson for
 * comparison). {@code record} is all of them in a row, as the detector does them.
 *
 * <p>Run: {@code mvn -B -Pjmh test-compile exec:exec -Djmh.args="-p model=/tmp/m.onnx"}; without
 * a model it uses a tiny test model, which measures the overhead around ONNX Runtime only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class RecordSteps {
    /** ONNX model file; empty uses a tiny test model. */
    @Param({""})
    public String model;

    /** Images per inference call in {@link #inferenceBatch}. */
    @Param({"16"})
    public int batch;

    private final List<byte[]> pngs = new ArrayList<>();
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final EventReader reader = new EventReader(InputLimits.DEFAULT);
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(InputLimits.DEFAULT);
    private final OutputRecords.Writer writer = new OutputRecords.Writer();
    private final Origin origin = new Origin("images", 0, 123_456L);
    private OnnxAutoencoder autoencoder;
    private ModelInfo info;
    private ImagePreprocessor.Shape shape;
    private InferenceBatch one;
    private InferenceBatch many;
    private ImageEvent event;
    private float[] vector;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] onnx = model.isEmpty() ? TestModels.blackIsNormal("jmh", 0.5) : Files.readAllBytes(Path.of(model));
        autoencoder = OnnxAutoencoder.load(onnx, model.isEmpty() ? "test model" : model, new ModelOverrides(null, null,
                null), 1);
        info = autoencoder.info();
        shape = new ImagePreprocessor.Shape(info.channels(), info.height(), info.width(), info.normalization());
        one = autoencoder.newBatch(1);
        many = autoencoder.newBatch(batch);
        ImageStream stream = ImageStream.fromIdx(IdxDataset.load(SampleData.dir(), Split.TEST), null, null, 0, 7);
        for (int i = 0; i < 256; i++) {
            LabelledImage image = stream.next();
            pngs.add(image.bytes());
            records.add(ImageEvents.record("images", "img-" + i, URI.create("/latentwatch/jmh"), image));
        }
        event = envelope();
        Scores scores = autoencoder.score(one, 1);
        vector = scores.embeddings() == null ? null : scores.embeddings()[0];
        for (int i = 0; i < batch; i++) {
            preprocessor.toInput(pngs.get(i), "image/png", shape, many.pixels(), many.offset(i));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        one.close();
        many.close();
        autoencoder.close();
    }

    /** Headers and value of a binary-mode CloudEvent, as {@code latentwatch produce} writes it. */
    @Benchmark
    public ImageEvent envelope() throws RejectedInputException {
        ProducerRecord<byte[], byte[]> r = records.get(next++ & 255);
        return reader.read(r.headers(), r.key(), r.value(), 1_700_000_000_000L, null);
    }

    /** The same envelope through the CloudEvents SDK, as the detector read every record before. */
    @Benchmark
    public CloudEvent envelopeSdk() {
        ProducerRecord<byte[], byte[]> r = records.get(next++ & 255);
        return KafkaMessageFactory.createReader(r.headers(), r.value()).toEvent();
    }

    /** PNG decode, grey conversion, resize and normalisation into the input buffer. */
    @Benchmark
    public float[] decodeAndPreprocess() throws RejectedInputException {
        preprocessor.toInput(pngs.get(next++ & 255), "image/png", shape, one.pixels(), 0);
        return one.pixels();
    }

    /** One image through ONNX Runtime and the score function. */
    @Benchmark
    public Scores inference() throws OrtException {
        return autoencoder.score(one, 1);
    }

    /** {@code batch} images in one ONNX Runtime call; divide by {@code batch} for the cost per image. */
    @Benchmark
    public Scores inferenceBatch() throws OrtException {
        return autoencoder.score(many, batch);
    }

    /** The embedding and anomaly records, written by the detector's writer. */
    @Benchmark
    public int outputs() {
        byte[] embedding = writer.embedding(event.id(), event.time(), info.name(), info.version(), 0.0613f,
                info.threshold(), true, origin, vector);
        byte[] anomaly = writer.anomaly(event.id(), event.source(), event.type(), event.time(), 0.0613f,
                info.threshold(), info.name(), info.version(), origin);
        return embedding.length + anomaly.length;
    }

    /** The same two records through Jackson, as the detector wrote them before. */
    @Benchmark
    public int outputsJackson() {
        byte[] embedding = OutputRecords.toJson(new OutputRecords.Embedding(event.id(), event.time(), info.name(),
                info.version(), 0.0613f, info.threshold(), true, origin, vector));
        byte[] anomaly = OutputRecords.toJson(new OutputRecords.Anomaly(event.id(), event.source(), event.type(),
                event.time(), 0.0613f, info.threshold(), info.name(), info.version(), origin));
        return embedding.length + anomaly.length;
    }

    /** All steps of one record in a row, as the stream thread does them (without Kafka). */
    @Benchmark
    public int record() throws Exception {
        ImageEvent e = envelope();
        preprocessor.toInput(e.data(), e.contentType(), shape, one.pixels(), 0);
        Scores scores = autoencoder.score(one, 1);
        float score = scores.scores()[0];
        byte[] embedding = writer.embedding(e.id(), e.time(), info.name(), info.version(), score, info.threshold(),
                score >= info.threshold(), origin, scores.embeddings() == null ? null : scores.embeddings()[0]);
        return embedding.length;
    }
}
