package io.latentwatch.model;

import java.util.Locale;

/**
 * Maps an 8-bit pixel {@code p} to a model input {@code x = scale * p + offset}.
 *
 * <p>Written as {@code unit} ({@code p / 255}, the default), {@code symmetric}
 * ({@code p / 127.5 - 1}), {@code raw} ({@code p}), or {@code mean-std:M,S}
 * ({@code (p / 255 - M) / S}).
 */
public record Normalization(String spec, float scale, float offset) {
    /** Pixels scaled to [0, 1]. */
    public static final Normalization UNIT = new Normalization("unit", 1f / 255f, 0f);

    /** Parses a normalisation spec; throws with the accepted forms on a bad one. */
    public static Normalization parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "unit":
                return UNIT;
            case "symmetric":
                return new Normalization(s, 2f / 255f, -1f);
            case "raw":
                return new Normalization(s, 1f, 0f);
            default:
                if (s.startsWith("mean-std:")) {
                    String[] parts = s.substring("mean-std:".length()).split(",");
                    if (parts.length == 2) {
                        try {
                            float mean = Float.parseFloat(parts[0]);
                            float std = Float.parseFloat(parts[1]);
                            if (std > 0) {
                                return new Normalization(s, 1f / (255f * std), -mean / std);
                            }
                        } catch (NumberFormatException e) {
                            // falls through to the error below
                        }
                    }
                }
                throw new IllegalArgumentException("unknown normalization '" + spec
                        + "': use unit (p/255), symmetric (p/127.5-1), raw (p) or mean-std:MEAN,STD");
        }
    }

    /** Applies the mapping to one pixel value in 0..255. */
    public float apply(int pixel) {
        return scale * pixel + offset;
    }
}
