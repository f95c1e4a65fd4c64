package io.latentwatch.train;

/**
 * A float tensor held in Java memory, row-major.
 *
 * @param values the elements
 * @param shape  the dimensions
 */
public record Tensor(float[] values, long[] shape) {
}
