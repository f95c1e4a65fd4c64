package io.latentwatch.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Reusable input buffers for one thread's inference calls: images are written into
 * {@link #pixels()} (image {@code i} at offset {@code i * imageSize}), then handed to ONNX Runtime
 * through a direct buffer with no per-call allocation. Not thread-safe.
 */
public final class InferenceBatch {
    private final int imageSize;
    private final int capacity;
    private final float[] pixels;
    private final float[] reconstruction;
    private final FloatBuffer direct;

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
     * The reconstructions of the last {@link OnnxAutoencoder#score} call on this batch, image
     * {@code i} at {@link #offset(int) offset(i)}, in model-input units; overwritten by the next
     * call. With {@link #pixels()} it is what an anomaly map is drawn from.
     */
    public float[] reconstructions() {
        return reconstruction;
    }

    float[] reconstructionScratch() {
        return reconstruction;
    }
}
