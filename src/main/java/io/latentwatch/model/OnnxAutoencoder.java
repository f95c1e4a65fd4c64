package io.latentwatch.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX autoencoder held in an ONNX Runtime session, checked against the model contract:
 * input 0 is float32 {@code [N, C, H, W]} with fixed C (1 or 3), H and W; output
 * {@code reconstruction} (else output 0) has the input's shape; output {@code embedding} is
 * optional. Scoring is thread-safe; each thread brings its own {@link InferenceBatch}.
 */
public final class OnnxAutoencoder implements AutoCloseable {
    /** Name of the reconstruction output; output 0 when absent. */
    public static final String RECONSTRUCTION = "reconstruction";
    /** Name of the optional embedding output. */
    public static final String EMBEDDING = "embedding";
    /** Name of the score output read with {@link ScoreFunction#OUTPUT}. */
    public static final String SCORE = "score";
    private static final String DEFAULT_NAME = "default";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final String reconstructionName;
    private final String embeddingName;
    private final String scoreName;
    private final Set<String> requestedOutputs;
    private final Set<String> scoringOutputs;
    private ModelInfo info; // completed by probe(), before the model is handed out

    private OnnxAutoencoder(OrtEnvironment env, OrtSession session, String inputName, String reconstructionName,
                            String embeddingName, String scoreName, ModelInfo info) {
        this.env = env;
        this.session = session;
        this.inputName = inputName;
        this.reconstructionName = reconstructionName;
        this.embeddingName = embeddingName;
        this.scoreName = scoreName;
        this.info = info;
        Set<String> outputs = new LinkedHashSet<>();
        outputs.add(reconstructionName);
        if (embeddingName != null) {
            outputs.add(embeddingName);
        }
        if (scoreName != null) {
            outputs.add(scoreName);
        }
        this.requestedOutputs = Set.copyOf(outputs);
        // a model with its own score output needs no reconstruction copied out of ONNX Runtime per image
        Set<String> scoring = new LinkedHashSet<>(outputs);
        if (scoreName != null && !scoreName.equals(reconstructionName)) {
            scoring.remove(reconstructionName);
        }
        this.scoringOutputs = Set.copyOf(scoring);
    }

    /**
     * Loads, checks and returns a model; refuses one that breaks the model contract or produces
     * unusable output on a probe batch.
     *
     * @param onnx           the ONNX file's bytes
     * @param source         where the bytes came from, for messages and {@code GET /model}
     * @param overrides      command-line settings that win over metadata
     * @param intraOpThreads ONNX Runtime intra-op threads per session
     */
    public static OnnxAutoencoder load(byte[] onnx, String source, ModelOverrides overrides, int intraOpThreads)
            throws ModelRefusedException {
        OnnxNatives.prepare();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(onnx, options);
        } catch (OrtException e) {
            throw new ModelRefusedException(ModelRefusedException.Reason.INVALID, "cannot load model from " + source
                    + ": not a valid ONNX model ("
                    + firstLine(e.getMessage()) + ")", e);
        }
        try {
            OnnxAutoencoder model = build(env, session, onnx, source, overrides);
            model.probe();
            return model;
        } catch (ModelRefusedException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static OnnxAutoencoder build(OrtEnvironment env, OrtSession session, byte[] onnx, String source,
                                         ModelOverrides overrides) throws ModelRefusedException {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1) {
                throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model from " + source + " has " + inputs.size()
                        + " inputs; the model contract needs exactly one, float32 [N,C,H,W]");
            }
            NodeInfo input = inputs.values().iterator().next();
            long[] shape = tensorShape(input, source);
            if (shape.length != 4) {
                throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model input '" + input.getName() + "' from " + source
                        + " has shape " + Arrays.toString(shape) + "; the model contract needs [N,C,H,W]");
            }
            long channels = shape[1];
            long height = shape[2];
            long width = shape[3];
            if (channels != 1 && channels != 3) {
                throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model input from " + source + " has " + channels
                        + " channels; latentwatch serves grey (1) or RGB (3) models");
            }
            if (height <= 0 || width <= 0) {
                throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model input from " + source + " has a dynamic height or width "
                        + Arrays.toString(shape) + "; export it with a fixed image size");
            }
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String reconstruction = outputs.containsKey(RECONSTRUCTION)
                    ? RECONSTRUCTION : outputs.keySet().iterator().next();
            String embedding = outputs.containsKey(EMBEDDING) ? EMBEDDING : null;

            Map<String, String> metadata = Map.copyOf(session.getMetadata().getCustomMetadata());
            String sha256 = sha256(onnx);
            double threshold = threshold(overrides, metadata, source);
            Normalization normalization = overrides.normalization() != null ? overrides.normalization()
                    : parseMeta(metadata, MetadataKeys.NORMALIZATION, Normalization::parse, Normalization.UNIT, source);
            ScoreFunction scoreFunction = overrides.scoreFunction() != null ? overrides.scoreFunction()
                    : parseMeta(metadata, MetadataKeys.SCORE_FUNCTION, ScoreFunction::parse, ScoreFunction.MSE, source);
            if (scoreFunction == ScoreFunction.OUTPUT && !outputs.containsKey(SCORE)) {
                throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model from " + source + " has score function 'output' but no output"
                        + " named '" + SCORE + "'; pass --score-function mse or mae");
            }
            ModelInfo info = new ModelInfo(
                    metadata.getOrDefault(MetadataKeys.NAME, DEFAULT_NAME),
                    metadata.getOrDefault(MetadataKeys.VERSION, "sha256:" + sha256.substring(0, 12)),
                    metadata.getOrDefault(MetadataKeys.MODEL_TYPE, "unknown"),
                    threshold, scoreFunction, normalization,
                    (int) channels, (int) height, (int) width, 0, sha256, source, Instant.now(), metadata);
            String score = scoreFunction == ScoreFunction.OUTPUT ? SCORE : null;
            return new OnnxAutoencoder(env, session, input.getName(), reconstruction, embedding, score, info);
        } catch (OrtException e) {
            throw new ModelRefusedException(ModelRefusedException.Reason.INVALID, "cannot read the graph of model from " + source + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Runs a probe batch of plain and textured images and records the embedding size; refuses a
     * model that fails on it, gives a non-finite score or embedding, or gives every probe image the
     * same score (an identity or constant model, which can flag nothing).
     */
    private void probe() throws ModelRefusedException {
        int count = ProbeImages.COUNT;
        Scores scores;
        try (InferenceBatch batch = newBatch(count)) {
            ProbeImages.fill(batch.pixels(), info.channels(), info.height(), info.width(), info.normalization());
            scores = run(batch, count, requestedOutputs);
        } catch (OrtException | RuntimeException e) {
            throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model from " + info.source()
                    + " failed its check run: " + firstLine(e.getMessage()), e);
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            float s = scores.scores()[i];
            if (!Float.isFinite(s)) {
                throw new ModelRefusedException(ModelRefusedException.Reason.DEGENERATE, "model from "
                        + info.source() + " gives a non-finite score (" + s + ") on probe image '"
                        + ProbeImages.name(i) + "'; refusing it");
            }
            if (scores.embeddings() != null) {
                for (float v : scores.embeddings()[i]) {
                    if (!Float.isFinite(v)) {
                        throw new ModelRefusedException(ModelRefusedException.Reason.DEGENERATE, "model from "
                                + info.source() + " gives a non-finite embedding on probe image '"
                                + ProbeImages.name(i) + "'; refusing it");
                    }
                }
            }
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        if (max - min <= 4 * Math.ulp(Math.max(Math.abs(min), Math.abs(max)))) {
            throw new ModelRefusedException(ModelRefusedException.Reason.DEGENERATE, "model from " + info.source()
                    + " gives the same score (" + min + ") to black, white, grey, striped and noise images: it"
                    + " cannot tell any image from another (an identity or constant model?); refusing it");
        }
        info = info.withEmbeddingSize(scores.embeddings() == null ? 0 : scores.embeddings()[0].length);
    }

    /** Model metadata and effective settings. */
    public ModelInfo info() {
        return info;
    }

    /** Allocates buffers for batches of up to {@code capacity} images of this model's input size. */
    public InferenceBatch newBatch(int capacity) {
        return new InferenceBatch(info.imageSize(), capacity);
    }

    /**
     * Scores the first {@code count} images of the batch. A model with its own score output leaves
     * {@link InferenceBatch#reconstructions()} alone: use {@link #scoreAndReconstruct} to read them.
     */
    public Scores score(InferenceBatch batch, int count) throws OrtException {
        return run(batch, count, scoringOutputs);
    }

    /** Scores like {@link #score}, and always fills {@link InferenceBatch#reconstructions()}. */
    public Scores scoreAndReconstruct(InferenceBatch batch, int count) throws OrtException {
        return run(batch, count, requestedOutputs);
    }

    /**
     * The reconstructions of the first {@code count} images of a batch that {@link #score} has just
     * scored, {@code [count, C, H, W]} floats from the start of the array: those scoring already
     * made, or, for a model with its own score output, from one more run on the same batch. For the
     * detector's anomaly maps, so the extra run is paid only by batches that hold an anomaly.
     */
    public float[] reconstructionsAfterScore(InferenceBatch batch, int count) throws OrtException {
        if (!scoringOutputs.contains(reconstructionName)) {
            run(batch, count, requestedOutputs);
        }
        return batch.reconstructionScratch();
    }

    /**
     * Runs the model on the batch; the probe asks for every output, to check the reconstruction's
     * shape once, and scoring only for those it reads.
     */
    private Scores run(InferenceBatch batch, int count, Set<String> outputs) throws OrtException {
        int size = info.imageSize();
        if (batch.imageSize() != size) {
            throw new IllegalArgumentException("batch holds images of " + batch.imageSize()
                    + " floats; this model takes " + size);
        }
        if (count < 1 || count > batch.capacity()) {
            throw new IllegalArgumentException("count " + count + " outside 1.." + batch.capacity());
        }
        batch.load(count);
        OnnxTensor tensor = batch.tensor(env, count, info.channels(), info.height(), info.width());
        try (OrtSession.Result result = session.run(Map.of(inputName, tensor), outputs)) {
            float[] reconstruction = batch.reconstructionScratch();
            if (outputs.contains(reconstructionName)) {
                FloatBuffer recon = floats(result, reconstructionName);
                if (recon.remaining() != count * size) {
                    throw new IllegalStateException("model output '" + reconstructionName + "' has "
                            + recon.remaining() + " values for " + count + " images of " + size
                            + "; it must have the input's shape");
                }
                recon.get(reconstruction, 0, count * size);
            }
            float[] scores = new float[count];
            if (scoreName != null) {
                FloatBuffer own = floats(result, scoreName);
                if (own.remaining() != count) {
                    throw new IllegalStateException("model output '" + scoreName + "' has " + own.remaining()
                            + " values for " + count + " images; it must have one per image");
                }
                own.get(scores);
            } else {
                for (int i = 0; i < count; i++) {
                    scores[i] = info.scoreFunction().score(batch.pixels(), reconstruction, i * size, size);
                }
            }
            float[][] embeddings = null;
            if (embeddingName != null) {
                FloatBuffer emb = floats(result, embeddingName);
                int dim = emb.remaining() / count;
                embeddings = new float[count][dim];
                for (int i = 0; i < count; i++) {
                    emb.get(embeddings[i]);
                }
            }
            return new Scores(scores, embeddings);
        }
    }

    private static FloatBuffer floats(OrtSession.Result result, String name) throws OrtException {
        Optional<ai.onnxruntime.OnnxValue> value = result.get(name);
        if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)
                || tensor.getInfo().type != OnnxJavaType.FLOAT) {
            throw new IllegalStateException("model output '" + name + "' is not a float32 tensor");
        }
        return tensor.getFloatBuffer();
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static long[] tensorShape(NodeInfo node, String source) throws ModelRefusedException {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model input '" + node.getName() + "' from " + source
                    + " is not a float32 tensor");
        }
        return tensor.getShape();
    }

    private static double threshold(ModelOverrides overrides, Map<String, String> metadata, String source)
            throws ModelRefusedException {
        if (overrides.threshold() != null) {
            return overrides.threshold();
        }
        String value = metadata.get(MetadataKeys.THRESHOLD);
        if (value == null) {
            throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model from " + source + " carries no " + MetadataKeys.THRESHOLD
                    + " metadata; pass --threshold X (a model trained by 'latentwatch train' carries one)");
        }
        try {
            double threshold = Double.parseDouble(value);
            if (!Double.isFinite(threshold)) {
                throw new NumberFormatException("not finite");
            }
            return threshold;
        } catch (NumberFormatException e) {
            throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model from " + source + " has an unreadable "
                    + MetadataKeys.THRESHOLD + " '" + value + "'; pass --threshold X", e);
        }
    }

    private static <T> T parseMeta(Map<String, String> metadata, String key, java.util.function.Function<String, T> parse,
                                   T fallback, String source) throws ModelRefusedException {
        String value = metadata.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ModelRefusedException(ModelRefusedException.Reason.CONTRACT, "model from " + source + " has a bad " + key + ": " + e.getMessage(), e);
        }
    }

    /** Hex SHA-256 of the bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            org.slf4j.LoggerFactory.getLogger(OnnxAutoencoder.class).warn("closing an ONNX session failed", e);
        }
    }
}
