package io.latentwatch.viz;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.latentwatch.model.OnnxNatives;
import io.latentwatch.train.DecoderExport;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;

/**
 * The decoder of a VAE ({@code M.decoder.onnx}, written by {@code latentwatch train --model-type vae})
 * in ONNX Runtime: latent vectors {@code [N, D]} in, images {@code [N, C, H, W]} out, in the
 * model's input units.
 */
public final class VaeDecoder implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final int latentSize;
    private final int[] imageShape;
    private final Map<String, String> metadata;

    private VaeDecoder(OrtEnvironment env, OrtSession session, String inputName, int latentSize, int[] imageShape,
                       Map<String, String> metadata) {
        this.env = env;
        this.session = session;
        this.inputName = inputName;
        this.latentSize = latentSize;
        this.imageShape = imageShape;
        this.metadata = metadata;
    }

    /**
     * Loads a decoder; refuses a graph that is not one (one 2-D float input, a 4-D float output).
     *
     * @throws IllegalArgumentException naming {@code source} and what is wrong
     */
    public static VaeDecoder load(byte[] onnx, String source) {
        OnnxNatives.prepare();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            session = env.createSession(onnx, options);
        } catch (OrtException e) {
            throw new IllegalArgumentException(source + " is not a valid ONNX model: " + e.getMessage(), e);
        }
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            long[] in = inputs.size() == 1 ? shape(inputs.values().iterator().next()) : null;
            long[] out = outputs.size() == 1 ? shape(outputs.values().iterator().next()) : null;
            if (in == null || in.length != 2 || in[1] < 1 || out == null || out.length != 4 || out[1] < 1
                    || out[2] < 1 || out[3] < 1) {
                throw new IllegalArgumentException(source + " is not a VAE decoder: it must take one float32 [N, D]"
                        + " input and give one float32 [N, C, H, W] output, as the M.decoder.onnx that 'latentwatch"
                        + " train --model-type vae --output M.onnx' writes");
            }
            return new VaeDecoder(env, session, inputs.keySet().iterator().next(), (int) in[1],
                    new int[] {(int) out[1], (int) out[2], (int) out[3]},
                    Map.copyOf(session.getMetadata().getCustomMetadata()));
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot read the graph of " + source + ": " + e.getMessage(), e);
        }
    }

    private static long[] shape(NodeInfo node) {
        return node.getInfo() instanceof TensorInfo t && t.type == ai.onnxruntime.OnnxJavaType.FLOAT
                ? t.getShape() : null;
    }

    /** Length of the latent vector. */
    public int latentSize() {
        return latentSize;
    }

    /** {@code [C, H, W]} of a decoded image. */
    public int[] imageShape() {
        return imageShape.clone();
    }

    /** The version of the model this decoder was cut from ({@code latentwatch.decoder_of}), or null. */
    public String decoderOf() {
        return metadata.get(DecoderExport.DECODER_OF);
    }

    /** {@code count * latentSize} draws from N(0, 1), row by row, from {@code seed}. */
    public float[] sampleLatents(int count, long seed) {
        Random random = new Random(seed);
        float[] z = new float[count * latentSize];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) random.nextGaussian();
        }
        return z;
    }

    /** Decodes {@code z.length / latentSize} latent vectors into images, back to back. */
    public float[] decode(float[] z) throws OrtException {
        if (z.length == 0 || z.length % latentSize != 0) {
            throw new IllegalArgumentException(z.length + " floats are not whole latent vectors of " + latentSize);
        }
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(z),
                new long[] {z.length / latentSize, latentSize});
             OrtSession.Result result = session.run(Map.of(inputName, input))) {
            FloatBuffer images = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] out = new float[images.remaining()];
            images.get(out);
            return out;
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the decoder's ONNX session failed: " + e.getMessage(), e);
        }
    }
}
