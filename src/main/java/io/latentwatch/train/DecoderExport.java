package io.latentwatch.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.Normalization;
import io.latentwatch.model.OnnxNatives;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The decoder of a VAE as its own ONNX file, {@code M.decoder.onnx} next to {@code M.onnx}: input
 * {@code latent} {@code [N, latent]}, output {@code image} {@code [N, C, H, W]}. The model file
 * keeps the detector's contract (one image input); {@code latentwatch generate} reads this one.
 * Its metadata names the model it belongs to ({@value #DECODER_OF}), so a decoder left over from
 * an older model is refused rather than silently used.
 */
public final class DecoderExport {
    /** Metadata key: the version of the model this decoder was cut from. */
    public static final String DECODER_OF = MetadataKeys.PREFIX + "decoder_of";
    /** Metadata key: the length of the latent vector the decoder takes. */
    public static final String LATENT_SIZE = MetadataKeys.PREFIX + "latent_size";
    private static final String SUFFIX = ".onnx";
    private static final String DECODER_SUFFIX = ".decoder.onnx";

    private DecoderExport() {
    }

    /** Where the decoder of {@code model} lives: {@code vae.onnx -> vae.decoder.onnx}. */
    public static Path fileOf(Path model) {
        String name = model.getFileName().toString();
        String stem = name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
        return model.resolveSibling(stem + DECODER_SUFFIX);
    }

    /** The decoder graph of a trained VAE, with metadata naming the model version it belongs to. */
    public static byte[] export(TrainingResult result, String modelName, String version) {
        NetworkWeights weights = result.weights();
        if (weights.type() != ModelType.VAE) {
            throw new IllegalArgumentException("only a VAE has a decoder to generate from, this is a "
                    + weights.type().id());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(MetadataKeys.NAME, modelName);
        meta.put(MetadataKeys.VERSION, version);
        meta.put(MetadataKeys.MODEL_TYPE, weights.type().id());
        meta.put(MetadataKeys.NORMALIZATION, Normalization.UNIT.spec());
        meta.put(DECODER_OF, version);
        meta.put(LATENT_SIZE, Integer.toString(weights.architecture().latentSize()));
        return OnnxExporter.exportDecoder(weights, meta);
    }

    /**
     * Largest absolute difference between the exported decoder in ONNX Runtime and DJL: the
     * decoder fed DJL's {@code z_mean} of the reference batch must give DJL's reconstruction of it
     * (a VAE decodes {@code z = z_mean} at inference).
     */
    public static double maxAbsDifference(byte[] decoder, TrainingResult result) {
        int latent = result.weights().architecture().latentSize();
        float[] z = result.referenceEmbedding();
        float[] expected = result.referenceReconstruction();
        OnnxNatives.prepare();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(decoder, options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(z), new long[] {z.length / latent, latent});
                 OrtSession.Result out = session.run(Map.of(OnnxExporter.LATENT, input))) {
                FloatBuffer image = ((OnnxTensor) out.get(OnnxExporter.IMAGE).orElseThrow(
                        () -> new IllegalStateException("the exported decoder has no output " + OnnxExporter.IMAGE)))
                        .getFloatBuffer();
                if (image.remaining() != expected.length) {
                    return Double.POSITIVE_INFINITY;
                }
                double max = 0;
                for (float e : expected) {
                    double d = Math.abs(image.get() - e);
                    if (!(d <= max)) {
                        max = d;
                    }
                }
                return max;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot run the exported decoder: " + e.getMessage(), e);
        }
    }

    /**
     * For a VAE: exports the decoder, checks it against DJL within {@link ExportCheck#TOLERANCE},
     * and writes it (atomically) next to {@code model}. Does nothing for other model types.
     *
     * @return the decoder file, when one was written
     * @throws IllegalStateException when the export differs from DJL by more than the tolerance
     */
    public static Optional<Path> writeNextTo(Path model, TrainingResult result, String modelName, String version,
                                             PrintWriter progress) {
        if (result.weights().type() != ModelType.VAE) {
            return Optional.empty();
        }
        byte[] decoder = export(result, modelName, version);
        double diff = maxAbsDifference(decoder, result);
        if (!(diff <= ExportCheck.TOLERANCE)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the exported VAE decoder differs from the"
                    + " trained DJL decoder by %.3g (max abs; limit %.0e); it was not written", diff,
                    ExportCheck.TOLERANCE));
        }
        Path file = fileOf(model).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.write(tmp, decoder);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the VAE decoder " + file + ": " + e.getMessage(), e);
        }
        progress.printf(Locale.ROOT, "wrote %s (VAE decoder for 'latentwatch generate', %d bytes, export max abs"
                + " diff %.2g)%n", fileOf(model), decoder.length, diff);
        return Optional.of(file);
    }
}
