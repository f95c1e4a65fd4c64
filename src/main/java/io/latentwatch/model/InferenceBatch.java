package io.latentwatch.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Reusable input buffers for one thread's inference calls: images are written into
 * {@link #pixels()} (image {@code i} at offset {@code i * imageSize}), then handed to ONNX Runtime
 * through a direct buffer with no per-call allocation: the ONNX tensor over that buffer is made
 * once per image count and reused. Not thread-safe; close it to free the tensors.
 */
public final class InferenceBatch implements AutoCloseable {
    private final int imageSize;
    private final int capacity;
    private final float[] pixels;
    private final float[] reconstruction;
    private final FloatBuffer direct;
    private final OnnxTensor[] tensors;
    private long tensorShape; // channels, height and width of the cached tensors, packed

    InferenceBatch(int imageSize, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be at least 1, got " + capacity);
        }
        this.imageSize = imageSize;
        this.capacity = capacity;
        this.pixels = new float[imageSize * capacity];
        this.reconstruction = new float[imageSize * capacity];
        this.direct = ByteBuffer.allocateDirect(pixels.length * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.tensors = new OnnxTensor[capacity + 1];
    }

    /** Floats per image. */
    public int imageSize() {
        return imageSize;
    }

    /** Most images one call can take. */
    public int capacity() {
        return capacity;
    }

    /** The staging array the caller fills with normalised pixels, CHW per image. */
    public float[] pixels() {
        return pixels;
    }

    /** Offset of image {@code index} in {@link #pixels()}. */
    public int offset(int index) {
        return index * imageSize;
    }

    FloatBuffer load(int count) {
        direct.clear();
        direct.put(pixels, 0, count * imageSize);
        direct.flip();
        return direct;
    }

    /**
     * The reconstructions of the last {@link OnnxAutoencoder#scoreAndReconstruct} call on this batch (a
     * plain {@link OnnxAutoencoder#score} skips them for a model with its own score output), image
     * {@code i} at {@link #offset(int) offset(i)}, in model-input units; overwritten by the next
     * call. With {@link #pixels()} it is what an anomaly map is drawn from.
     */
    public float[] reconstructions() {
        return reconstruction;
    }

    /**
     * The input tensor of the first {@code count} images, over the direct buffer: it sees what
     * {@link #load} wrote last.
     */
    OnnxTensor tensor(OrtEnvironment env, int count, int channels, int height, int width) throws OrtException {
        long shape = ((long) channels << 48) | ((long) height << 24) | width;
        if (shape != tensorShape) {
            // a model of the same image size but another shape (24x32 after 32x24) needs its own tensors
            close();
            tensorShape = shape;
        }
        OnnxTensor tensor = tensors[count];
        if (tensor == null) {
            direct.clear();
            direct.limit(count * imageSize);
            tensor = OnnxTensor.createTensor(env, direct, new long[] {count, channels, height, width});
            tensors[count] = tensor;
        }
        return tensor;
    }

    @Override
    public void close() {
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] != null) {
                tensors[i].close();
                tensors[i] = null;
            }
        }
    }

    float[] reconstructionScratch() {
        return reconstruction;
    }
}
