/**
 * Turning an input record into model input: reading the CloudEvents envelope (binary or
 * structured mode) or bare bytes, decoding PNG/JPEG/GIF/BMP/TIFF or raw pixels within safe limits,
 * and converting any size and colour to the model's {@code [C, H, W]} with its normalisation.
 */
package io.latentwatch.image;
