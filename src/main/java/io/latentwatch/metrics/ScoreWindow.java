package io.latentwatch.metrics;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last {@code capacity} scores, written by any number of stream threads without locks or
 * allocation: a writer claims a slot with one atomic increment and stores the float's bits with a
 * release write. A reader copies the slots; a slot claimed but not yet written reads as the score
 * it replaces (or as empty at the start), which moves a drift figure by at most one sample.
 */
final class ScoreWindow {
    private static final int EMPTY = Float.floatToRawIntBits(Float.NaN);
    private final AtomicIntegerArray slots;
    private final AtomicLong written = new AtomicLong();

    ScoreWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window capacity must be at least 1, got " + capacity);
        }
        slots = new AtomicIntegerArray(capacity);
        for (int i = 0; i < capacity; i++) {
            slots.setPlain(i, EMPTY);
        }
    }

    void add(float score) {
        long index = written.getAndIncrement();
        slots.setRelease((int) (index % slots.length()), Float.floatToRawIntBits(score));
    }

    int capacity() {
        return slots.length();
    }

    /** Number of scores ever added. */
    long written() {
        return written.get();
    }

    /** Number of scores in the window: those written so far, up to the capacity. */
    int size() {
        return (int) Math.min(written.get(), slots.length());
    }

    /**
     * Copies the window's scores into {@code into} (at least {@link #capacity()} long) and returns
     * how many were copied; NaN scores are left out.
     */
    int copyTo(float[] into) {
        int n = 0;
        int size = size();
        for (int i = 0; i < size; i++) {
            float score = Float.intBitsToFloat(slots.getAcquire(i));
            if (!Float.isNaN(score)) {
                into[n++] = score;
            }
        }
        return n;
    }
}
